"""deploy/alerts.yml: valid for Prometheus, firing at the spec's thresholds (promtool's unit
tests in deploy/alerts.test.yml), and every metric it reads exported by /metrics."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml
from fastapi.testclient import TestClient

from lang_portal.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
# .ci/run installs promtool (Debian's prometheus package) and sets this: there, no skipping.
REQUIRED = os.environ.get("LANG_PORTAL_REQUIRE_PROMTOOL") == "1"
PROMQL_WORDS = {"sum", "max", "min", "rate", "by", "le", "histogram_quantile", "status", "task"}


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("promtool") is None:
        if REQUIRED:
            pytest.fail("promtool is missing: install the Debian package prometheus")
        pytest.skip("promtool is missing (Debian package prometheus; .ci/run installs it)")
    return subprocess.run(
        ["promtool", *args], cwd=DEPLOY, capture_output=True, text=True, check=False, timeout=120
    )


def test_rules_are_valid() -> None:
    done = _promtool("check", "rules", "alerts.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 7 rules found" in done.stdout


def test_rules_fire_at_the_spec_thresholds() -> None:
    done = _promtool("test", "rules", "alerts.test.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_spec_thresholds_are_the_rules() -> None:
    rules = {
        rule["alert"]: rule
        for rule in yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"][0]["rules"]
    }
    assert rules["LangPortalHighCpu"]["expr"].strip().endswith("> 0.8")
    assert rules["LangPortalHighCpu"]["for"] == "5m"
    assert rules["LangPortalHighMemory"]["expr"].strip().endswith("> 0.9")
    assert rules["LangPortalHighErrorRate"]["expr"].strip().endswith("> 0.05")
    assert rules["LangPortalSlowResponses"]["expr"].strip().endswith("> 1")


def test_every_metric_the_rules_read_is_exported(client: TestClient) -> None:
    exported = set(re.findall(r"^# TYPE (\S+) ", client.get("/metrics").text, re.MULTILINE))
    document = yaml.safe_load((DEPLOY / "alerts.yml").read_text())
    used = set()
    for rule in document["groups"][0]["rules"]:
        expr = re.sub(r"\{[^}]*\}|\"[^\"]*\"|\[[^\]]*\]", " ", rule["expr"])
        used |= {word for word in re.findall(r"[a-z_][a-z0-9_]*", expr) if word not in PROMQL_WORDS}
    families = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in used}
    missing = {name for name in families if not {name, name + "_total"} & exported}
    assert used and not missing, f"not in /metrics: {sorted(missing)}"
