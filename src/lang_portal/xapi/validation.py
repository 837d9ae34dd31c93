"""Statement validation as strict as the xAPI Data part, for 1.0.3 and 2.0.0 (IEEE 9274.1.1).

Pure functions over parsed JSON (dict, list, str, int, float, bool, None). Each refusal raises
`XapiValidationError(path, rule)`: `path` locates the value (`context.contextActivities.parent[0]
.id`, `""` for the statement itself), `rule` says what the standard requires of it.

What the two versions change for an LRS, here:
* 2.0.0 adds `context.contextAgents` and `context.contextGroups` (refused as unknown under 1.0.3);
* 2.0.0 accepts statement `version` 2.0.x besides 1.0.x;
* 2.0.0 timestamps are RFC 3339 (a time zone is required); 1.0.3 takes the ISO 8601 extended
  format, zone optional (read as UTC). Both refuse the "unknown local offset" `-00:00`.

Everything a statement may not carry is refused, as Data 2.2 asks: unknown or mis-cased keys,
nulls (except inside extensions), wrong JSON types, malformed UUIDs, IRIs, mailto IRIs,
language tags, durations and timestamps.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Final

from lang_portal.xapi.errors import XapiValidationError

VOIDED_VERB: Final = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE_TYPE: Final = "http://adlnet.gov/expapi/attachments/signature"

INTERACTION_TYPES: Final = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
# Which interaction component lists each interactionType may carry (Data 2.4.4.1).
COMPONENT_LISTS: Final[Mapping[str, frozenset[str]]] = {
    "choice": frozenset({"choices"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
}
_ALL_COMPONENT_LISTS: Final = ("choices", "scale", "source", "target", "steps")
CONTEXT_ACTIVITY_KINDS: Final = ("parent", "grouping", "category", "other")
IFI_KEYS: Final = ("mbox", "mbox_sha1sum", "openid", "account")

_STATEMENT_KEYS: Final = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
_SUBSTATEMENT_FORBIDDEN: Final = ("id", "stored", "version", "authority")
_SUBSTATEMENT_KEYS: Final = (_STATEMENT_KEYS - frozenset(_SUBSTATEMENT_FORBIDDEN)) | {"objectType"}
_AGENT_KEYS: Final = frozenset({"objectType", "name", *IFI_KEYS})
_GROUP_KEYS: Final = _AGENT_KEYS | {"member"}
_ACCOUNT_KEYS: Final = frozenset({"homePage", "name"})
_VERB_KEYS: Final = frozenset({"id", "display"})
_ACTIVITY_KEYS: Final = frozenset({"objectType", "id", "definition"})
_DEFINITION_KEYS: Final = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "interactionType",
        "correctResponsesPattern",
        *_ALL_COMPONENT_LISTS,
        "extensions",
    }
)
_COMPONENT_KEYS: Final = frozenset({"id", "description"})
_STATEMENT_REF_KEYS: Final = frozenset({"objectType", "id"})
_RESULT_KEYS: Final = frozenset(
    {"score", "success", "completion", "response", "duration", "extensions"}
)
_SCORE_KEYS: Final = frozenset({"scaled", "raw", "min", "max"})
_CONTEXT_KEYS_1: Final = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
_CONTEXT_KEYS_2: Final = _CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
_CONTEXT_AGENT_KEYS: Final = frozenset({"objectType", "agent", "relevantTypes"})
_CONTEXT_GROUP_KEYS: Final = frozenset({"objectType", "group", "relevantTypes"})
_ATTACHMENT_KEYS: Final = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)

_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_SHA1_HEX: Final = re.compile(r"[0-9a-fA-F]{40}")
# SHA-224, -256, -384 and -512 in hex.
_SHA2_HEX: Final = re.compile(
    r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})"
)
_STATEMENT_VERSION_1: Final = re.compile(r"1\.0(?:\.\d+)?", re.ASCII)
_STATEMENT_VERSION_2: Final = re.compile(r"[12]\.0(?:\.\d+)?", re.ASCII)

# RFC 3987, best effort: a scheme, then no character an IRI may never hold, and well-formed
# percent-encodings. Data 2.2 lets the LRS validate IRIs "best-effort".
_IRI_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_FORBIDDEN: Final = re.compile(r"[\x00-\x20\x7f-\x9f<>\"{}|\\^`]|%(?![0-9A-Fa-f]{2})")
_HTTP_IRI: Final = re.compile(r"https?://(?:[^/?#@]*@)?[^/?#:@]+", re.IGNORECASE)
_MAILTO: Final = re.compile(r"mailto:[^@\s]+@[^@\s.][^@\s]*")

# RFC 2046 media type: type/subtype with optional parameters.
_TOKEN: Final = r"[A-Za-z0-9!#$%&'*+.^_`|~\-]+"
_MEDIA_TYPE: Final = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:\s*;\s*{_TOKEN}=(?:{_TOKEN}|\"(?:[^\"\\]|\\.)*\"))*\s*"
)

# RFC 5646 language tags (the ABNF of section 2.1; "token lengths", as Data 2.2 asks).
_LANGTAG: Final = re.compile(
    r"(?P<language>[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"
    r"(?:-(?P<script>[a-z]{4}))?"
    r"(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)"
    r"(?P<extensions>(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*)"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?",
    re.IGNORECASE,
)
_PRIVATE_USE_TAG: Final = re.compile(r"x(?:-[a-z0-9]{1,8})+", re.IGNORECASE)
_GRANDFATHERED: Final = frozenset(
    tag.lower()
    for tag in (
        "en-GB-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-BE-FR",
        "sgn-BE-NL",
        "sgn-CH-DE",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    )
)

# ISO 8601:2004 4.4.3.2 durations: PnYnMnDTnHnMnS (a fraction only on the last number) or PnW.
_NUMBER: Final = r"(\d+(?:[.,]\d+)?)"
_DURATION: Final = re.compile(
    rf"P(?!$)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.ASCII,
)
_DURATION_WEEKS: Final = re.compile(r"P\d+(?:[.,]\d+)?W", re.ASCII)

# Timestamps. 1.0.3: ISO 8601 extended format, zone optional. 2.0.0: RFC 3339 date-time.
_TIMESTAMP_ISO: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_TIMESTAMP_RFC3339: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?P<zone>[Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)

JsonObject = dict[str, Any]

# Real durations, timestamps and language tags are a few dozen characters; refusing longer
# ones up front keeps a hostile megabyte-long value from costing the regexes anything.
_MAX_FORMATTED_LENGTH: Final = 128
MAX_IRI_LENGTH: Final = 8192
_MAX_CACHED_IRI_LENGTH: Final = 512


def is_2_0(version: str) -> bool:
    """Whether `version` (the negotiated X-Experience-API-Version) takes the 2.0 rules."""
    return version.startswith("2.")


# --- paths and basic shapes ------------------------------------------------------------


_PLAIN_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


def _at(path: str, key: str) -> str:
    """`path.key`, or `path["key"]` for a key (an IRI, say) that dots would make ambiguous."""
    if _PLAIN_KEY.fullmatch(key) is None:
        return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{path}.{key}" if path else key


def _item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def _fail(path: str, rule: str) -> XapiValidationError:
    return XapiValidationError(path, rule)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _object(value: object, path: str, what: str) -> JsonObject:
    if not isinstance(value, dict):
        raise _fail(path, f"{what} must be a JSON object, not {_type_name(value)}")
    return value


def _array(value: object, path: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, f"{what} must be a JSON array, not {_type_name(value)}")
    return value


def _string(value: object, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, f"{what} must be a string, not {_type_name(value)}")
    return value


def _boolean(value: object, path: str, what: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, f"{what} must be a boolean (true or false), not {_type_name(value)}")
    return value


def _number(value: object, path: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, f"{what} must be a number, not {_type_name(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _fail(path, f"{what} must be a finite number")
    return number


def _only_keys(obj: JsonObject, allowed: Iterable[str], path: str, what: str) -> None:
    """No property xAPI does not define (case counts), and no null value (Data 2.2)."""
    allowed_set = allowed if isinstance(allowed, frozenset) else frozenset(allowed)
    for key, value in obj.items():
        if key not in allowed_set:
            raise _fail(
                _at(path, key),
                f"is not a property of {what} (allowed: {', '.join(sorted(allowed_set))})",
            )
        if value is None:
            raise _fail(_at(path, key), "must not be null (null is allowed only in extensions)")


def _required(obj: JsonObject, key: str, path: str, what: str) -> Any:
    if key not in obj:
        raise _fail(_at(path, key), f"is required in {what}")
    return obj[key]


# --- special data types (Data 4) -------------------------------------------------------


def validate_uuid(value: object, path: str = "id") -> str:
    """A UUID in standard string form, 8-4-4-4-12 hex digits (Data 4.4)."""
    text = _string(value, path, "a UUID")
    if _UUID.fullmatch(text) is None:
        raise _fail(path, "must be a UUID in standard string form (8-4-4-4-12 hex digits)")
    return text


def _iri_problem(text: str) -> str | None:
    # The same few IRIs recur in every batch; only short ones are remembered, so hostile
    # long values cannot fill the memory.
    if len(text) <= _MAX_CACHED_IRI_LENGTH:
        return _cached_iri_problem(text)
    if len(text) > MAX_IRI_LENGTH:
        return f"is too long for an IRI ({len(text)} characters; at most {MAX_IRI_LENGTH})"
    return _iri_syntax_problem(text)


@lru_cache(maxsize=4096)
def _cached_iri_problem(text: str) -> str | None:
    return _iri_syntax_problem(text)


def _iri_syntax_problem(text: str) -> str | None:
    if not text:
        return "must be an IRI, not the empty string"
    scheme = _IRI_SCHEME.match(text)
    if scheme is None:
        return "must be an absolute IRI with a scheme (such as http://...)"
    if len(text) == scheme.end():
        return "must be an IRI with something after its scheme"
    if _IRI_FORBIDDEN.search(text) is not None:
        return 'must be an IRI: no spaces, control characters, <>"{}|\\^` or bad %-escapes'
    if scheme.group(0).lower() in ("http:", "https:") and _HTTP_IRI.match(text) is None:
        return "must be an http(s) IRI with a host (http://host/...)"
    return None


def validate_iri(value: object, path: str, what: str = "an IRI") -> str:
    """An absolute IRI (RFC 3987, best effort as Data 2.2 allows): a scheme is required."""
    text = _string(value, path, what)
    problem = _iri_problem(text)
    if problem is not None:
        raise _fail(path, problem)
    return text


def validate_activity_id(value: object, path: str = "activityId") -> str:
    """An Activity id: an IRI."""
    return validate_iri(value, path, "an Activity id")


def _language_tag_problem(tag: str) -> str | None:
    if len(tag) > _MAX_FORMATTED_LENGTH:
        return f"a {len(tag)}-character key is too long for a language tag"
    lowered = tag.lower()
    if lowered in _GRANDFATHERED or _PRIVATE_USE_TAG.fullmatch(tag) is not None:
        return None
    match = _LANGTAG.fullmatch(tag)
    if match is None:
        return f"{tag!r} is not an RFC 5646 language tag (such as en, en-US, zh-Hant, es-419)"
    variants = [v.lower() for v in match.group("variants").split("-") if v]
    if len(variants) != len(set(variants)):
        return f"{tag!r} repeats a variant subtag (RFC 5646 2.2.5)"
    singletons = [s.lower() for s in match.group("extensions").split("-") if len(s) == 1]
    if len(singletons) != len(set(singletons)):
        return f"{tag!r} repeats an extension singleton (RFC 5646 2.2.6)"
    return None


@lru_cache(maxsize=4096)
def _cached_language_tag_problem(tag: str) -> str | None:
    return _language_tag_problem(tag)


def validate_language_tag(value: object, path: str) -> str:
    """An RFC 5646 language tag, checked against the ABNF (subtag kinds and lengths)."""
    tag = _string(value, path, "a language tag")
    problem = _cached_language_tag_problem(tag)
    if problem is not None:
        raise _fail(path, problem)
    return tag


def validate_language_map(value: object, path: str) -> JsonObject:
    """A language map: RFC 5646 tags to strings (Data 4.2)."""
    language_map = _object(value, path, "a language map")
    for tag, text in language_map.items():
        problem = _cached_language_tag_problem(tag)
        if problem is not None:
            raise _fail(_at(path, tag), f"language map key {problem}")
        if not isinstance(text, str):
            raise _fail(
                _at(path, tag), f"a language map value must be a string, not {_type_name(text)}"
            )
    return language_map


def validate_iso8601_duration(value: object, path: str = "result.duration") -> str:
    """An ISO 8601:2004 4.4.3.2 duration: PnYnMnDTnHnMnS or PnW, not the alternative format."""
    text = _string(value, path, "a duration")
    if len(text) > _MAX_FORMATTED_LENGTH:
        raise _fail(path, f"is too long for a duration ({len(text)} characters)")
    if _DURATION_WEEKS.fullmatch(text) is not None:
        return text
    match = _DURATION.fullmatch(text)
    if match is None:
        raise _fail(
            path,
            "must be an ISO 8601 duration such as PT1H30M, PT16559.14S, P3Y1M29DT4H or P4W "
            "(weeks alone; no alternative format)",
        )
    present = [number for number in match.groups() if number is not None]
    if any(("." in number or "," in number) for number in present[:-1]):
        raise _fail(path, "only the last number of an ISO 8601 duration may have a fraction")
    return text


def _offset(zone: str | None, path: str) -> timezone | None:
    if zone is None:
        return None
    if zone in ("Z", "z"):
        return UTC
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if hours > 23 or minutes > 59:
        raise _fail(path, f"has an impossible time zone offset {zone!r}")
    if zone[0] == "-" and hours == 0 and minutes == 0:
        raise _fail(path, "must not use the offset -00:00 (an unknown local offset); use Z")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if zone[0] == "-" else delta)


def validate_timestamp(value: object, version: str, path: str = "timestamp") -> datetime:
    """A Timestamp, returned as an aware UTC datetime.

    1.0.3: ISO 8601 extended format (`2015-11-18T12:17:00.123+01:00`, zone optional and read as
    UTC when absent). 2.0.0: RFC 3339 (`...T12:17:00Z` or with a numeric offset); either way an
    offset is converted to UTC, never refused, and `-00:00` is refused.
    """
    text = _string(value, path, "a timestamp")
    if len(text) > _MAX_FORMATTED_LENGTH:
        raise _fail(path, f"is too long for a timestamp ({len(text)} characters)")
    pattern = _TIMESTAMP_RFC3339 if is_2_0(version) else _TIMESTAMP_ISO
    match = pattern.fullmatch(text)
    if match is None:
        form = (
            "RFC 3339 (such as 2024-05-04T17:00:00.000Z or 2024-05-04T12:00:00-05:00)"
            if is_2_0(version)
            else "ISO 8601 (such as 2024-05-04T17:00:00.000Z)"
        )
        raise _fail(path, f"must be a timestamp in {form}")
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or "0")
    fraction = match.group(7) or ""
    microsecond = int((fraction + "000000")[:6])
    zone = _offset(match.group("zone"), path)
    try:
        moment = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=zone or UTC)
    except ValueError as error:
        raise _fail(path, f"is not a real date and time ({error})") from None
    return moment.astimezone(UTC)


def validate_extensions(value: object, path: str) -> JsonObject:
    """An extensions map: IRI keys, any values (null included; Data 4.1)."""
    extensions = _object(value, path, "extensions")
    for key in extensions:
        problem = _iri_problem(key)
        if problem is not None:
            raise _fail(_at(path, key), f"an extension key {problem}")
    return extensions


def validate_statement_version(value: object, version: str, path: str = "version") -> str:
    """The statement's `version`: 1.0 or 1.0.x; under 2.0.0 rules also 2.0 or 2.0.x."""
    text = _string(value, path, "version")
    pattern = _STATEMENT_VERSION_2 if is_2_0(version) else _STATEMENT_VERSION_1
    if pattern.fullmatch(text) is None:
        allowed = "1.0.x or 2.0.x" if is_2_0(version) else "1.0.x"
        raise _fail(path, f"must be a version {allowed} (got {text!r})")
    return text


# --- actors ----------------------------------------------------------------------------


def _validate_account(value: object, path: str) -> None:
    account = _object(value, path, "an account")
    _only_keys(account, _ACCOUNT_KEYS, path, "an account")
    validate_iri(
        _required(account, "homePage", path, "an account"), _at(path, "homePage"), "homePage"
    )
    _string(_required(account, "name", path, "an account"), _at(path, "name"), "an account name")


def _identifiers(obj: JsonObject, path: str, what: str) -> list[str]:
    """The inverse functional identifiers `obj` uses, each checked; at most one (Data 2.4.2)."""
    used = [key for key in IFI_KEYS if key in obj]
    if len(used) > 1:
        raise _fail(
            _at(path, used[1]),
            f"{what} must use exactly one inverse functional identifier, not {' and '.join(used)}",
        )
    for key in used:
        value = obj[key]
        key_path = _at(path, key)
        if key == "mbox":
            text = _string(value, key_path, "mbox")
            if _MAILTO.fullmatch(text) is None or _iri_problem(text) is not None:
                raise _fail(key_path, "must be a mailto IRI: mailto:name@example.com")
        elif key == "mbox_sha1sum":
            text = _string(value, key_path, "mbox_sha1sum")
            if _SHA1_HEX.fullmatch(text) is None:
                raise _fail(key_path, "must be the hex SHA-1 of a mailto IRI (40 hex digits)")
        elif key == "openid":
            validate_iri(value, key_path, "openid")
        else:
            _validate_account(value, key_path)
    return used


def _name(obj: JsonObject, path: str) -> None:
    if "name" in obj:
        _string(obj["name"], _at(path, "name"), "name")


def _validate_agent_only(obj: JsonObject, path: str) -> None:
    _only_keys(obj, _AGENT_KEYS, path, "an Agent")
    if "objectType" in obj and obj["objectType"] != "Agent":
        raise _fail(_at(path, "objectType"), "must be 'Agent' for an Agent")
    _name(obj, path)
    if not _identifiers(obj, path, "an Agent"):
        raise _fail(
            path,
            "an Agent must have one inverse functional identifier: mbox, mbox_sha1sum, openid or "
            "account",
        )


def _validate_group(obj: JsonObject, path: str) -> list[str]:
    """A Group; returns the identifiers it uses (none for an anonymous Group)."""
    _only_keys(obj, _GROUP_KEYS, path, "a Group")
    if obj.get("objectType") != "Group":
        raise _fail(_at(path, "objectType"), "must be 'Group' for a Group")
    _name(obj, path)
    identifiers = _identifiers(obj, path, "an identified Group")
    member_path = _at(path, "member")
    if "member" in obj:
        members = _array(obj["member"], member_path, "member")
        for index, member in enumerate(members):
            member_item = _item(member_path, index)
            member_obj = _object(member, member_item, "a Group member")
            if member_obj.get("objectType") == "Group":
                raise _fail(
                    _at(member_item, "objectType"), "a Group's members are Agents, not Groups"
                )
            _validate_agent_only(member_obj, member_item)
    if not identifiers and not obj.get("member"):
        raise _fail(
            member_path,
            "an anonymous Group (one without mbox, mbox_sha1sum, openid or account) must list "
            "its Agents in member",
        )
    return identifiers


def validate_agent(obj: object, version: str, path: str = "actor") -> None:
    """An Agent or a Group (Data 2.4.2): exactly one identifier, or an anonymous Group."""
    del version  # the same rules in 1.0.3 and 2.0.0
    agent = _object(obj, path, "an Agent or Group")
    object_type = agent.get("objectType", "Agent")
    if object_type == "Group":
        _validate_group(agent, path)
    elif object_type == "Agent":
        _validate_agent_only(agent, path)
    else:
        raise _fail(_at(path, "objectType"), "must be 'Agent' or 'Group'")


def validate_identified_agent(obj: object, version: str, path: str = "agent") -> None:
    """An Agent, or a Group with an identifier: what an `agent` parameter must name."""
    validate_agent(obj, version, path)
    agent = _object(obj, path, "an Agent or Group")
    if agent.get("objectType") == "Group" and not any(key in agent for key in IFI_KEYS):
        raise _fail(path, "must be an Agent or an identified Group, not an anonymous Group")


def _validate_authority(obj: object, version: str, path: str) -> None:
    validate_agent(obj, version, path)
    authority = _object(obj, path, "authority")
    if authority.get("objectType") == "Group":
        if any(key in authority for key in IFI_KEYS):
            raise _fail(path, "an authority Group must be anonymous (3-legged OAuth: two Agents)")
        if len(authority.get("member", [])) != 2:
            raise _fail(
                _at(path, "member"),
                "an authority Group must have exactly two Agents (application and user)",
            )


# --- verb, object, activities ----------------------------------------------------------


def _validate_verb(value: object, path: str) -> str:
    verb = _object(value, path, "verb")
    _only_keys(verb, _VERB_KEYS, path, "a Verb")
    verb_id = validate_iri(_required(verb, "id", path, "a Verb"), _at(path, "id"), "a Verb id")
    if "display" in verb:
        validate_language_map(verb["display"], _at(path, "display"))
    return verb_id


def _validate_components(value: object, path: str, list_name: str) -> None:
    components = _array(value, path, list_name)
    seen: set[str] = set()
    for index, component in enumerate(components):
        item_path = _item(path, index)
        item = _object(component, item_path, "an interaction component")
        _only_keys(item, _COMPONENT_KEYS, item_path, "an interaction component")
        component_id = _string(
            _required(item, "id", item_path, "an interaction component"),
            _at(item_path, "id"),
            "an interaction component id",
        )
        if component_id in seen:
            raise _fail(_at(item_path, "id"), f"repeats the id {component_id!r} within {list_name}")
        seen.add(component_id)
        if "description" in item:
            validate_language_map(item["description"], _at(item_path, "description"))


def _validate_definition(value: object, path: str) -> None:
    definition = _object(value, path, "an Activity definition")
    _only_keys(definition, _DEFINITION_KEYS, path, "an Activity definition")
    for key in ("name", "description"):
        if key in definition:
            validate_language_map(definition[key], _at(path, key))
    if "type" in definition:
        validate_iri(definition["type"], _at(path, "type"), "an Activity type")
    if "moreInfo" in definition:
        validate_iri(definition["moreInfo"], _at(path, "moreInfo"), "moreInfo")
    if "extensions" in definition:
        validate_extensions(definition["extensions"], _at(path, "extensions"))
    interaction_keys = [
        key for key in ("correctResponsesPattern", *_ALL_COMPONENT_LISTS) if key in definition
    ]
    if "interactionType" not in definition:
        if interaction_keys:
            raise _fail(
                _at(path, interaction_keys[0]),
                "is an interaction property: the definition must have an interactionType",
            )
        return
    interaction_type = _string(
        definition["interactionType"], _at(path, "interactionType"), "interactionType"
    )
    if interaction_type not in INTERACTION_TYPES:
        raise _fail(
            _at(path, "interactionType"),
            f"must be one of {', '.join(sorted(INTERACTION_TYPES))} (case counts)",
        )
    if "correctResponsesPattern" in definition:
        pattern_path = _at(path, "correctResponsesPattern")
        patterns = _array(
            definition["correctResponsesPattern"], pattern_path, "correctResponsesPattern"
        )
        for index, pattern in enumerate(patterns):
            _string(pattern, _item(pattern_path, index), "a response pattern")
    allowed_lists = COMPONENT_LISTS.get(interaction_type, frozenset())
    for list_name in _ALL_COMPONENT_LISTS:
        if list_name not in definition:
            continue
        if list_name not in allowed_lists:
            owners = sorted(t for t, lists in COMPONENT_LISTS.items() if list_name in lists)
            raise _fail(
                _at(path, list_name),
                f"is only for interactionType {' or '.join(owners)}, not {interaction_type}",
            )
        _validate_components(definition[list_name], _at(path, list_name), list_name)


def _validate_activity(obj: JsonObject, path: str) -> None:
    if "objectType" not in obj and any(key in obj for key in (*IFI_KEYS, "member")):
        raise _fail(
            _at(path, "objectType"),
            "an Agent or Group used as an object must say so in objectType",
        )
    _only_keys(obj, _ACTIVITY_KEYS, path, "an Activity")
    if "objectType" in obj and obj["objectType"] != "Activity":
        raise _fail(_at(path, "objectType"), "must be 'Activity' for an Activity")
    validate_activity_id(_required(obj, "id", path, "an Activity"), _at(path, "id"))
    if "definition" in obj:
        _validate_definition(obj["definition"], _at(path, "definition"))


def validate_activity(obj: object, path: str = "activity") -> None:
    """An Activity object: id IRI, optional definition (Data 2.4.4.1)."""
    _validate_activity(_object(obj, path, "an Activity"), path)


def _validate_statement_ref(value: object, path: str) -> None:
    ref = _object(value, path, "a StatementRef")
    _only_keys(ref, _STATEMENT_REF_KEYS, path, "a StatementRef")
    if ref.get("objectType") != "StatementRef":
        raise _fail(_at(path, "objectType"), "must be 'StatementRef' for a Statement Reference")
    validate_uuid(_required(ref, "id", path, "a StatementRef"), _at(path, "id"))


_OBJECT_TYPES: Final = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")


def _validate_object(value: object, version: str, path: str, *, in_substatement: bool) -> str:
    """The statement's object; returns its objectType (Activity when absent)."""
    obj = _object(value, path, "object")
    object_type = obj.get("objectType", "Activity")
    if object_type not in _OBJECT_TYPES:
        raise _fail(_at(path, "objectType"), f"must be one of {', '.join(_OBJECT_TYPES)}")
    if object_type == "Activity":
        _validate_activity(obj, path)
    elif object_type == "Agent":
        _validate_agent_only(obj, path)
    elif object_type == "Group":
        _validate_group(obj, path)
    elif object_type == "StatementRef":
        _validate_statement_ref(obj, path)
    else:
        if in_substatement:
            raise _fail(_at(path, "objectType"), "a SubStatement must not contain a SubStatement")
        _validate_statement(obj, version, path, substatement=True)
    return str(object_type)


# --- result, context, attachments ------------------------------------------------------


def _validate_score(value: object, path: str) -> None:
    score = _object(value, path, "score")
    _only_keys(score, _SCORE_KEYS, path, "a Score")
    numbers = {key: _number(value, _at(path, key), key) for key, value in score.items()}
    scaled = numbers.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        raise _fail(_at(path, "scaled"), "must be between -1 and 1 inclusive")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        raise _fail(_at(path, "min"), "must be less than max")
    if raw is not None and low is not None and raw < low:
        raise _fail(_at(path, "raw"), "must not be less than min")
    if raw is not None and high is not None and raw > high:
        raise _fail(_at(path, "raw"), "must not be greater than max")


def _validate_result(value: object, path: str) -> None:
    result = _object(value, path, "result")
    _only_keys(result, _RESULT_KEYS, path, "a Result")
    if "score" in result:
        _validate_score(result["score"], _at(path, "score"))
    for key in ("success", "completion"):
        if key in result:
            _boolean(result[key], _at(path, key), key)
    if "response" in result:
        _string(result["response"], _at(path, "response"), "response")
    if "duration" in result:
        validate_iso8601_duration(result["duration"], _at(path, "duration"))
    if "extensions" in result:
        validate_extensions(result["extensions"], _at(path, "extensions"))


def _validate_context_activities(value: object, path: str) -> None:
    context_activities = _object(value, path, "contextActivities")
    _only_keys(context_activities, CONTEXT_ACTIVITY_KINDS, path, "contextActivities")
    for kind, activities in context_activities.items():
        kind_path = _at(path, kind)
        if isinstance(activities, dict):
            _validate_activity(activities, kind_path)
            continue
        for index, activity in enumerate(
            _array(activities, kind_path, f"contextActivities.{kind} (an Activity or an array)")
        ):
            item_path = _item(kind_path, index)
            _validate_activity(_object(activity, item_path, "an Activity"), item_path)


def _validate_relevant_types(obj: JsonObject, path: str) -> None:
    if "relevantTypes" not in obj:
        return
    types_path = _at(path, "relevantTypes")
    relevant_types = _array(obj["relevantTypes"], types_path, "relevantTypes")
    if not relevant_types:
        raise _fail(types_path, "must hold at least one IRI when present")
    for index, relevant_type in enumerate(relevant_types):
        validate_iri(relevant_type, _item(types_path, index), "a relevant type")


def _validate_context_agents(value: object, version: str, path: str) -> None:
    for index, entry in enumerate(_array(value, path, "contextAgents")):
        item_path = _item(path, index)
        context_agent = _object(entry, item_path, "a contextAgent")
        _only_keys(context_agent, _CONTEXT_AGENT_KEYS, item_path, "a contextAgent")
        if context_agent.get("objectType") != "contextAgent":
            raise _fail(_at(item_path, "objectType"), "must be 'contextAgent'")
        agent_path = _at(item_path, "agent")
        agent = _object(
            _required(context_agent, "agent", item_path, "a contextAgent"), agent_path, "agent"
        )
        if agent.get("objectType") == "Group":
            raise _fail(_at(agent_path, "objectType"), "a contextAgent's agent is an Agent")
        validate_agent(agent, version, agent_path)
        _validate_relevant_types(context_agent, item_path)


def _validate_context_groups(value: object, version: str, path: str) -> None:
    for index, entry in enumerate(_array(value, path, "contextGroups")):
        item_path = _item(path, index)
        context_group = _object(entry, item_path, "a contextGroup")
        _only_keys(context_group, _CONTEXT_GROUP_KEYS, item_path, "a contextGroup")
        if context_group.get("objectType") != "contextGroup":
            raise _fail(_at(item_path, "objectType"), "must be 'contextGroup'")
        group_path = _at(item_path, "group")
        group = _object(
            _required(context_group, "group", item_path, "a contextGroup"), group_path, "group"
        )
        _validate_group(group, group_path)
        _validate_relevant_types(context_group, item_path)


def _validate_context(value: object, version: str, path: str, object_type: str) -> None:
    context = _object(value, path, "context")
    keys = _CONTEXT_KEYS_2 if is_2_0(version) else _CONTEXT_KEYS_1
    _only_keys(context, keys, path, "a Context")
    if "registration" in context:
        validate_uuid(context["registration"], _at(path, "registration"))
    if "instructor" in context:
        validate_agent(context["instructor"], version, _at(path, "instructor"))
    if "team" in context:
        team_path = _at(path, "team")
        team = _object(context["team"], team_path, "team")
        if team.get("objectType") != "Group":
            raise _fail(_at(team_path, "objectType"), "team must be a Group (objectType 'Group')")
        _validate_group(team, team_path)
    if "contextActivities" in context:
        _validate_context_activities(context["contextActivities"], _at(path, "contextActivities"))
    for key in ("revision", "platform"):
        if key in context:
            _string(context[key], _at(path, key), key)
            if object_type != "Activity":
                raise _fail(
                    _at(path, key),
                    f"may be used only when the object is an Activity, not {object_type}",
                )
    if "language" in context:
        validate_language_tag(context["language"], _at(path, "language"))
    if "statement" in context:
        _validate_statement_ref(context["statement"], _at(path, "statement"))
    if "extensions" in context:
        validate_extensions(context["extensions"], _at(path, "extensions"))
    if "contextAgents" in context:
        _validate_context_agents(context["contextAgents"], version, _at(path, "contextAgents"))
    if "contextGroups" in context:
        _validate_context_groups(context["contextGroups"], version, _at(path, "contextGroups"))


def _validate_attachment(value: object, path: str) -> None:
    attachment = _object(value, path, "an Attachment")
    _only_keys(attachment, _ATTACHMENT_KEYS, path, "an Attachment")
    usage_type = validate_iri(
        _required(attachment, "usageType", path, "an Attachment"),
        _at(path, "usageType"),
        "usageType",
    )
    validate_language_map(
        _required(attachment, "display", path, "an Attachment"), _at(path, "display")
    )
    if "description" in attachment:
        validate_language_map(attachment["description"], _at(path, "description"))
    content_type_path = _at(path, "contentType")
    content_type = _string(
        _required(attachment, "contentType", path, "an Attachment"),
        content_type_path,
        "contentType",
    )
    if _MEDIA_TYPE.fullmatch(content_type) is None:
        raise _fail(content_type_path, "must be an Internet Media Type such as text/plain")
    length_path = _at(path, "length")
    length = _required(attachment, "length", path, "an Attachment")
    if isinstance(length, bool) or not isinstance(length, int):
        raise _fail(length_path, f"must be an integer (octets), not {_type_name(length)}")
    if length < 0:
        raise _fail(length_path, "must not be negative")
    sha2_path = _at(path, "sha2")
    sha2 = _string(_required(attachment, "sha2", path, "an Attachment"), sha2_path, "sha2")
    if _SHA2_HEX.fullmatch(sha2) is None:
        raise _fail(sha2_path, "must be the hex SHA-2 (224, 256, 384 or 512 bits) of the data")
    if "fileUrl" in attachment:
        validate_iri(attachment["fileUrl"], _at(path, "fileUrl"), "fileUrl")
    if usage_type == SIGNATURE_USAGE_TYPE and content_type != "application/octet-stream":
        raise _fail(content_type_path, "a signature attachment must be application/octet-stream")


def _validate_attachments(value: object, path: str) -> None:
    for index, attachment in enumerate(_array(value, path, "attachments")):
        _validate_attachment(attachment, _item(path, index))


# --- statements ------------------------------------------------------------------------


def _validate_statement(obj: JsonObject, version: str, path: str, *, substatement: bool) -> None:
    if substatement:
        for key in _SUBSTATEMENT_FORBIDDEN:
            if key in obj:
                raise _fail(_at(path, key), f"a SubStatement must not have {key!r}")
        if obj.get("objectType") != "SubStatement":
            raise _fail(_at(path, "objectType"), "must be 'SubStatement' for a SubStatement")
        _only_keys(obj, _SUBSTATEMENT_KEYS, path, "a SubStatement")
    else:
        if is_2_0(version) and "timestamp" in obj and obj["timestamp"] is None:
            # The 2.0 conformance suite sends `"timestamp": null` for "not provided" and expects
            # the LRS to fill it from stored; the caller drops the key (see is_absent_timestamp).
            _only_keys(
                {k: v for k, v in obj.items() if k != "timestamp"},
                _STATEMENT_KEYS,
                path,
                "a Statement",
            )
        else:
            _only_keys(obj, _STATEMENT_KEYS, path, "a Statement")
    what = "a SubStatement" if substatement else "a Statement"
    if "id" in obj:
        validate_uuid(obj["id"], _at(path, "id"))
    validate_agent(_required(obj, "actor", path, what), version, _at(path, "actor"))
    verb_id = _validate_verb(_required(obj, "verb", path, what), _at(path, "verb"))
    object_path = _at(path, "object")
    object_type = _validate_object(
        _required(obj, "object", path, what), version, object_path, in_substatement=substatement
    )
    if verb_id == VOIDED_VERB and not substatement and object_type != "StatementRef":
        raise _fail(
            _at(object_path, "objectType"),
            "a voiding statement (verb voided) must have a StatementRef object",
        )
    if "result" in obj:
        _validate_result(obj["result"], _at(path, "result"))
    if "context" in obj:
        _validate_context(obj["context"], version, _at(path, "context"), object_type)
    if obj.get("timestamp") is not None:
        validate_timestamp(obj["timestamp"], version, _at(path, "timestamp"))
    if "stored" in obj:
        validate_timestamp(obj["stored"], version, _at(path, "stored"))
    if "authority" in obj:
        _validate_authority(obj["authority"], version, _at(path, "authority"))
    if "version" in obj:
        validate_statement_version(obj["version"], version, _at(path, "version"))
    if "attachments" in obj:
        _validate_attachments(obj["attachments"], _at(path, "attachments"))


def validate_statement(obj: object, version: str, *, substatement: bool = False) -> None:
    """A Statement (or, with `substatement`, a SubStatement) under the rules of `version`.

    `version` is the negotiated X-Experience-API-Version ("1.0.3" or "2.0.0").
    """
    statement = _object(obj, "", "a SubStatement" if substatement else "a Statement")
    _validate_statement(statement, version, "", substatement=substatement)


def validate_statements(body: object, version: str) -> list[JsonObject]:
    """A POST body: one statement or an array of them, all valid, no id used twice.

    Returns the statements as a list. Paths of a batch start with the index: `[2].actor.mbox`.
    """
    if isinstance(body, dict):
        validate_statement(body, version)
        return [body]
    statements = _array(body, "", "the body (a Statement or an array of Statements)")
    seen: dict[str, int] = {}
    for index, statement in enumerate(statements):
        path = _item("", index)
        _validate_statement(
            _object(statement, path, "a Statement"), version, path, substatement=False
        )
        statement_id = statement.get("id")
        if isinstance(statement_id, str):
            key = statement_id.lower()
            if key in seen:
                raise _fail(
                    _at(path, "id"), f"repeats the id of statement [{seen[key]}] in the same batch"
                )
            seen[key] = index
    return statements


def is_absent_timestamp(statement: Mapping[str, Any]) -> bool:
    """Whether the statement leaves its timestamp to the LRS (absent, or null under 2.0)."""
    return statement.get("timestamp") is None


class _RepeatedProperty(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedProperty(key)
            seen.add(key)
    return obj


def _no_constant(name: str) -> None:
    raise ValueError(name)


def reject_repeated_properties(raw: bytes | str) -> None:
    """Refuse a JSON text in which an object uses a property twice (Data 2.2; 2.0: "shall").

    Parsers keep the last of two equal keys silently, so this reads the raw text once more;
    call it on a body that already parsed (it assumes valid JSON).
    """
    try:
        json.loads(raw, object_pairs_hook=_object_without_repeats, parse_constant=_no_constant)
    except _RepeatedProperty as repeated:
        raise _fail(
            "", f"uses the property {repeated.key!r} twice in one object (each at most once)"
        ) from None
    except (ValueError, RecursionError):
        return  # not this check's business: the body's own parser judged the JSON
