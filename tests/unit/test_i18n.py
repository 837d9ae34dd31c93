"""The message catalog (every key in every language, same parameters), the Accept-Language
negotiation, and that every error the code raises names a message the catalog has."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

import pytest

import lang_portal
from lang_portal import errors
from lang_portal.i18n import (
    LANGUAGES,
    Text,
    TextError,
    app_messages,
    catalog,
    localize,
    negotiate,
    placeholders,
    translate,
)

SOURCE = Path(lang_portal.__file__).parent
CATALOG_FILES = SOURCE / "i18n" / "catalog"


# -- the catalog --------------------------------------------------------------------------------


def test_there_is_one_catalog_file_per_language() -> None:
    assert sorted(path.stem for path in CATALOG_FILES.glob("*.json")) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_key_with_the_same_parameters(language: str) -> None:
    english, other = catalog("en"), catalog(language)
    assert sorted(set(english) - set(other)) == [], "untranslated"
    assert sorted(set(other) - set(english)) == [], "not in the English catalog"
    differing = {
        key: (sorted(placeholders(english[key])), sorted(placeholders(other[key])))
        for key in english
        if placeholders(english[key]) != placeholders(other[key])
    }
    assert differing == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_a_well_formed_template(language: str) -> None:
    for key, template in catalog(language).items():
        params = {name: "x" for name in placeholders(template)}
        assert template.format_map(params), key
        assert template.strip() == template and template, key


def test_translations_are_translated() -> None:
    """A Japanese or Chinese message that is the English one was left untranslated (the
    messages that are only their parameters excepted)."""
    english = catalog("en")
    for language in ("ja", "zh"):
        same = [
            key
            for key, text in catalog(language).items()
            if text == english[key] and text.strip("{}") not in placeholders(text)
        ]
        assert same == [], language


def test_the_catalog_files_are_utf8_json_objects_of_strings() -> None:
    for path in CATALOG_FILES.glob("*.json"):
        content = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(content, dict)
        assert all(isinstance(value, str) for value in content.values())


def test_the_spec_strings_are_verbatim() -> None:
    assert translate("study.session.start", "en") == "Study session started"
    assert translate("study.session.start", "ja") == "学習セッションを開始しました"
    assert translate("study.session.start", "zh") == "学习会话已开始"
    assert translate("study.session.complete", "en", count=7) == (
        "Session completed! You learned 7 words"
    )
    assert translate("study.session.complete", "ja", count=7) == "7個の単語を学習しました！"
    assert translate("study.session.complete", "zh", count=7) == "会话完成！您学习了7个单词"
    assert translate("errors.code.resource_not_found", "ja") == "リソースが見つかりません"
    assert translate("errors.code.invalid_input", "ja") == "無効な入力です"


def test_translate_fills_parameters_and_falls_back() -> None:
    assert translate("errors.not_found.word", "ja", id=5) == "単語 5 が見つかりません"
    assert translate("errors.not_found.word", "zh", id=5) == "未找到单词 5"
    assert translate("errors.not_found.word", "en", id=5) == "word 5 was not found"
    assert translate("errors.not_found.word", "fr", id=5) == "word 5 was not found"
    assert translate("no.such.key", "ja") == "no.such.key"
    # a parameter left out leaves the template rather than failing
    assert translate("errors.not_found.word", "en") == "word {id} was not found"
    assert translate("errors.duplicate.group", "en", name="N5") == "a group named 'N5' exists"


def test_text_and_text_error_render_later_in_any_language() -> None:
    text = Text("validation.too_long", maximum=3, length=5)
    assert str(text) == "must be at most 3 characters (got 5)"
    assert text.render("ja") == "3 文字以内でなければなりません（5 文字）"
    error = TextError("validation.empty")
    assert isinstance(error, ValueError) and str(error) == "must not be empty"
    nested = {"a": [text, {"b": error}], "c": 1}
    assert localize(nested, "zh") == {
        "a": ["最多 3 个字符（实际 5 个）", {"b": "不能为空"}],
        "c": 1,
    }


# -- negotiation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("JA-jp", "ja"),
        ("zh-CN", "zh"),
        ("zh-TW", "zh"),
        ("zh-Hans-CN", "zh"),
        ("zh-Hant", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, fr;q=0.9", "en"),  # nothing the catalog has: English
        ("fr, ja;q=0.5", "ja"),
        ("en;q=0.4, ja;q=0.8", "ja"),
        ("ja;q=0.8, zh;q=0.8", "ja"),  # a tie: the one listed first
        ("zh;q=0.8, ja;q=0.8", "zh"),
        ("ja-JP;q=0.2, zh-CN;q=0.9, en;q=0.5", "zh"),
        ("ja;q=0.3, ja-JP;q=0.9, en;q=0.5", "ja"),  # a language's best range counts
        ("*", "en"),
        ("*;q=0.5, ja;q=0.4", "en"),  # * gives English (first in the catalog) its q-value
        ("ja;q=0.5, *;q=0.5", "ja"),  # named ranges win ties against *
        ("en;q=0, *", "ja"),  # English refused: the next language
        ("en;q=0", "en"),  # everything refused: English all the same
        ("ja;q=0, zh;q=0.1", "zh"),
        ("ja;q=1.0", "ja"),
        ("ja;q=0.001, en;q=0", "ja"),
        ("ja;q=2, zh", "zh"),  # a q-value past 1 is malformed: that range is skipped
        ("ja;q=abc, zh;q=0.5", "zh"),
        ("ja ; q = 0.5 , zh ; q=0.4", "ja"),
        ("12, ja", "ja"),  # malformed ranges are skipped
        (",,,", "en"),
        ("ja;level=1", "ja"),
        ("i-klingon, zh", "zh"),
    ],
)
def test_negotiation(header: str | None, language: str) -> None:
    assert negotiate(header) == language


def test_negotiation_reads_only_the_first_ranges_of_a_huge_header() -> None:
    assert negotiate("fr, " * 100 + "ja") == "en"
    assert negotiate("x" * 100_000) == "en"


# -- every error names a message the catalog has ----------------------------------------------

_ERROR_CLASSES = {
    name
    for name, value in vars(errors).items()
    if inspect.isclass(value) and issubclass(value, errors.ApiError)
}


def _calls(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.id if isinstance(function, ast.Name) else None
            if isinstance(function, ast.Attribute):
                name = function.attr
            if name in names:
                found.append(node)
    return found


def _key_of(call: ast.Call) -> str | None:
    """The first argument's text: a literal, or an f-string's fixed start (a key family)."""
    if not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
        return str(first.values[0].value) + "*"
    return None


def _sources() -> list[Path]:
    return [path for path in SOURCE.rglob("*.py") if "xapi" not in path.parts]


def test_every_error_and_text_in_the_code_names_a_catalog_key() -> None:
    english = catalog("en")
    problems: list[str] = []
    seen = 0
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, _ERROR_CLASSES | {"Text", "TextError"}):
            where = f"{path.relative_to(SOURCE)}:{call.lineno}"
            if path.name == "errors.py" and path.parent == SOURCE:
                continue  # the classes themselves (NotFoundError.of builds its key)
            key = _key_of(call)
            seen += 1
            if key is None:
                if isinstance(call.args[0] if call.args else None, ast.Name):
                    continue  # a key passed on (checked where it is written)
                problems.append(f"{where}: no message key")
            elif key.endswith("*"):
                if not any(known.startswith(key[:-1]) for known in english):
                    problems.append(f"{where}: no key starts {key[:-1]!r}")
            elif key not in english:
                problems.append(f"{where}: {key!r} is not in the catalog")
    assert problems == []
    assert seen > 50  # the scan found the raise sites


def test_the_key_families_are_complete() -> None:
    english = catalog("en")
    for resource in ("word", "group", "study session", "study activity", "review"):
        assert errors.NotFoundError.of(resource, 1).key in english
    for reason in (
        "disk_full",
        "read_only",
        "io_error",
        "corrupt",
        "busy",
        "missing_directory",
        "unavailable",
    ):
        assert f"errors.database.{reason}" in english
    for what in ("word_list", "history"):
        assert f"errors.validation.import_refused.{what}" in english
    for status in (400, 413, 415):
        assert f"errors.http.{status}" in english


def test_an_error_takes_a_key_and_renders_it_in_each_language() -> None:
    error = errors.NotFoundError.of("group", 9)
    assert error.code == "RESOURCE_NOT_FOUND"
    assert error.message == "group 9 was not found" == str(error)
    assert error.message_in("ja") == "グループ 9 が見つかりません"
    assert error.details == {"resource": "group", "id": 9}
    signature = inspect.signature(errors.ApiError.__init__)
    key = signature.parameters["key"]
    assert key.default is inspect.Parameter.empty  # no error without a key
    assert key.kind is inspect.Parameter.POSITIONAL_ONLY


# -- the study apps' texts ----------------------------------------------------------------------

APPS = SOURCE / "apps"


def _called_keys(script: str) -> list[str]:
    """The keys a script names as `t("key")`."""
    return re.findall(r"""\bt\(\s*["']([\w.]+)["']""", script)


def _marked_keys(page: str) -> list[str]:
    """The keys a page marks with `data-i18n="key"` or `data-i18n-label="key"`."""
    return re.findall(r'data-i18n(?:-label)?="([\w.]+)"', page)


def _app_keys() -> set[str]:
    """Every key the built-in apps name: `t("key")`, `data-i18n="key"`, `data-i18n-label`."""
    keys: set[str] = set()
    for path in APPS.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        keys.update(_called_keys(text))
        # a key picked between two: t(cond ? "a" : "b")
        keys.update(re.findall(r"""\?\s*["'](study\.[\w.]+)["']\s*:\s*["']study\.""", text))
        keys.update(re.findall(r""":\s*["'](study\.[\w.]+)["'],?\s*\)""", text))
    for path in APPS.rglob("*.html"):
        keys.update(_marked_keys(path.read_text("utf-8")))
    return keys


def test_every_text_the_apps_name_is_in_the_app_message_set() -> None:
    keys = _app_keys()
    assert {"study.session.start", "study.session.complete", "study.typing.hint"} <= keys
    served = app_messages("ja")
    assert sorted(keys - set(served)) == []
    for reason in ("expired", "missing", "none"):  # t(`study.gone.${reason}.title`)
        assert f"study.gone.{reason}.title" in served and f"study.gone.{reason}.text" in served


def test_the_apps_have_no_english_left_in_their_scripts() -> None:
    """A user-facing sentence in an app script is a catalog key: no quoted English prose."""
    prose = re.compile(r"""["'`]([A-Z][a-z]+(?: [a-z]+){2,}[^"'`]*)["'`]""")
    found = {
        f"{path.relative_to(APPS)}: {match}"
        for path in APPS.rglob("*.js")
        if path.name != "messages.js"  # its offline fallback
        for match in prose.findall(path.read_text(encoding="utf-8"))
    }
    assert found == set()


# -- the portal page's texts ---------------------------------------------------------------------

PORTAL = SOURCE / "portal"


def _portal_keys() -> set[str]:
    """Every key the portal page names: `t("key")`, `data-i18n="key"`, `data-i18n-label`, and
    the keys its tables of states write out (`LEVEL_STATUS`, `SRS_STATES`)."""
    keys: set[str] = set()
    for path in PORTAL.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        keys.update(_called_keys(text))
        keys.update(re.findall(r""":\s*["'](portal\.[\w.]+)["']""", text))
    for path in PORTAL.glob("*.html"):
        keys.update(_marked_keys(path.read_text("utf-8")))
    return keys


def test_every_text_the_portal_names_is_served_with_the_app_messages() -> None:
    keys = _portal_keys()
    assert {"portal.dashboard.title", "portal.nav.skip", "portal.srs.state_review"} <= keys
    assert len(keys) > 150  # the scan found the page's texts
    served = app_messages("zh")
    assert sorted(keys - set(served)) == []
    # and the catalog has no portal text the page does not use (a `.one` goes with its key)
    unused = {
        key
        for key in catalog("en")
        if key.startswith("portal.") and key.removesuffix(".one") not in keys
    }
    assert unused == set()


def test_the_portal_has_no_english_left_in_its_scripts() -> None:
    """A text the page shows is a catalog key: no quoted English prose in its scripts."""
    prose = re.compile(r"""["'`]([A-Z][a-z]+(?: [a-z]+){1,}[^"'`]*)["'`]""")
    found = {
        f"{path.name}: {match}"
        for path in PORTAL.glob("*.js")
        if path.name != "messages.js"  # its offline fallback
        for match in prose.findall(
            "\n".join(
                line
                for line in path.read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith("//")
            )
        )
    }
    assert found == set()
