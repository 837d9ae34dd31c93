"""Loaded by schemathesis's CLI (`SCHEMATHESIS_HOOKS=tests.reliability.schemathesis_hooks`) in
the suite's run of it: regex strategies built once (tests/reliability/regex_once.py)."""

from tests.reliability.regex_once import install

install()
