"""Pure functions over valid statements: identities, filter terms, comparison and formats.

Statements reaching these functions have passed `validation.validate_statement`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from lang_portal.xapi.validation import CONTEXT_ACTIVITY_KINDS, IFI_KEYS, VOIDED_VERB

JsonObject = dict[str, Any]

# xapi_terms.kind
TERM_VERB = 1
TERM_ACTIVITY = 2
TERM_AGENT = 3
TERM_REGISTRATION = 4

NARROW = 0
BROAD = 1


def stored_form(moment: datetime) -> str:
    """A moment as the LRS writes `stored` and served timestamps: UTC, milliseconds, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def agent_identity(agent: Mapping[str, Any]) -> str | None:
    """The inverse functional identifier of an Agent or identified Group, as one string."""
    for key in IFI_KEYS:
        if key not in agent:
            continue
        value = agent[key]
        if key == "account":
            return f"account:{value['homePage']} {value['name']}"
        if key == "mbox_sha1sum":
            return f"mbox_sha1sum:{str(value).lower()}"
        if key == "mbox":
            return f"mbox:{str(value).lower()}"
        return f"{key}:{value}"
    return None


def agent_identities(agent: Mapping[str, Any]) -> Iterator[str]:
    """An agent's identity and, for a Group, its members' (a Group matches its members)."""
    identity = agent_identity(agent)
    if identity is not None:
        yield identity
    if agent.get("objectType") == "Group":
        for member in agent.get("member") or ():
            member_identity = agent_identity(member)
            if member_identity is not None:
                yield member_identity


def context_activity_lists(context: Mapping[str, Any] | None) -> Iterator[list[JsonObject]]:
    activities = (context or {}).get("contextActivities") or {}
    for kind in CONTEXT_ACTIVITY_KINDS:
        value = activities.get(kind)
        if isinstance(value, list):
            yield value
        elif isinstance(value, dict):
            yield [value]


def normalise(statement: JsonObject) -> None:
    """What the LRS must change in place: single context activities become arrays (Data
    2.4.6.2), in the statement and in a SubStatement."""
    for part in (statement, statement.get("object") or {}):
        activities = (part.get("context") or {}).get("contextActivities")
        if isinstance(activities, dict):
            for kind, value in list(activities.items()):
                if isinstance(value, dict):
                    activities[kind] = [value]


def object_type(obj: Mapping[str, Any]) -> str:
    return str(obj.get("objectType", "Activity"))


def is_voiding(statement: Mapping[str, Any]) -> bool:
    return bool(statement["verb"]["id"] == VOIDED_VERB)


def statement_ref(statement: Mapping[str, Any]) -> str | None:
    obj = statement["object"]
    if object_type(obj) == "StatementRef":
        return str(obj["id"]).lower()
    return None


def _activities_of(part: Mapping[str, Any], *, broad: bool) -> Iterator[str]:
    obj = part["object"]
    if object_type(obj) == "Activity":
        yield str(obj["id"])
    if broad:
        for activities in context_activity_lists(part.get("context")):
            for activity in activities:
                yield str(activity["id"])


Term = tuple[int, str, int]


def _add_agent(terms: set[Term], agent: Mapping[str, Any], *, narrow: bool) -> None:
    for identity in agent_identities(agent):
        if narrow:
            terms.add((TERM_AGENT, identity, NARROW))
        terms.add((TERM_AGENT, identity, BROAD))


def _add_context(terms: set[Term], context: Mapping[str, Any]) -> None:
    """The broad places of a context: instructor, team, context agents and activities."""
    for key in ("instructor", "team"):
        if key in context:
            _add_agent(terms, context[key], narrow=False)
    for entry in context.get("contextAgents") or ():
        _add_agent(terms, entry["agent"], narrow=False)
    for entry in context.get("contextGroups") or ():
        _add_agent(terms, entry["group"], narrow=False)
    for activities in context_activity_lists(context):
        for activity in activities:
            terms.add((TERM_ACTIVITY, str(activity["id"]), BROAD))


def filter_terms(statement: Mapping[str, Any]) -> set[Term]:
    """Every (kind, value, broad) a statement is found by, StatementRef targets aside.

    Narrow (the plain filters): the verb, the registration, the actor and an Agent or Group
    object (a Group's members too), an Activity object. Broad (related_agents,
    related_activities) adds the context's agents and activities, the authority and a
    SubStatement's parts; every narrow place is broad too.
    """
    terms: set[Term] = {(TERM_VERB, statement["verb"]["id"], NARROW)}
    context = statement.get("context") or {}
    registration = context.get("registration")
    if registration:
        terms.add((TERM_REGISTRATION, str(registration).lower(), NARROW))
    _add_agent(terms, statement["actor"], narrow=True)
    obj = statement["object"]
    kind = object_type(obj)
    if kind == "Activity":
        terms.add((TERM_ACTIVITY, str(obj["id"]), NARROW))
        terms.add((TERM_ACTIVITY, str(obj["id"]), BROAD))
    elif kind in ("Agent", "Group"):
        _add_agent(terms, obj, narrow=True)
    elif kind == "SubStatement":
        _add_agent(terms, obj["actor"], narrow=False)
        inner = obj["object"]
        inner_kind = object_type(inner)
        if inner_kind == "Activity":
            terms.add((TERM_ACTIVITY, str(inner["id"]), BROAD))
        elif inner_kind in ("Agent", "Group"):
            _add_agent(terms, inner, narrow=False)
        _add_context(terms, obj.get("context") or {})
    _add_context(terms, context)
    if "authority" in statement:
        _add_agent(terms, statement["authority"], narrow=False)
    return terms


def activity_definitions(statement: Mapping[str, Any]) -> Iterator[tuple[str, JsonObject]]:
    """(activity id, definition) for every Activity in the statement that carries one."""
    parts: list[Mapping[str, Any]] = [statement]
    if object_type(statement["object"]) == "SubStatement":
        parts.append(statement["object"])
    for part in parts:
        obj = part["object"]
        if object_type(obj) == "Activity" and isinstance(obj.get("definition"), dict):
            yield str(obj["id"]), obj["definition"]
        for activities in context_activity_lists(part.get("context")):
            for activity in activities:
                if isinstance(activity.get("definition"), dict):
                    yield str(activity["id"]), activity["definition"]


_LANGUAGE_MAP_KEYS = ("name", "description")
_COMPONENT_KEYS = ("choices", "scale", "source", "target", "steps")


def merge_definition(current: JsonObject, incoming: Mapping[str, Any]) -> JsonObject:
    """The canonical definition after one more statement: language maps merged entry by
    entry (the newest text per language), interaction components and the rest replaced."""
    merged = dict(current)
    for key, value in incoming.items():
        if isinstance(value, dict) and (key in _LANGUAGE_MAP_KEYS or key == "extensions"):
            merged[key] = {**(current.get(key) or {}), **value}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# --- comparison (Data 2.3.1, "Statement Comparison Requirements") -----------------------


def _instant(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _agent_key(agent: Any) -> bytes:
    return orjson.dumps(agent, option=orjson.OPT_SORT_KEYS)


def _comparable_agent(agent: Any) -> Any:
    if not isinstance(agent, dict):
        return agent
    agent = dict(agent)
    if "mbox" in agent and isinstance(agent["mbox"], str):
        agent["mbox"] = agent["mbox"].lower()
    if "mbox_sha1sum" in agent and isinstance(agent["mbox_sha1sum"], str):
        agent["mbox_sha1sum"] = agent["mbox_sha1sum"].lower()
    agent.setdefault("objectType", "Agent")
    if isinstance(agent.get("member"), list):
        agent["member"] = sorted((_comparable_agent(m) for m in agent["member"]), key=_agent_key)
    return agent


def _comparable_activity(activity: Any) -> Any:
    if not isinstance(activity, dict):
        return activity
    return {key: value for key, value in activity.items() if key != "definition"} | {
        "objectType": activity.get("objectType", "Activity")
    }


_SECONDS = re.compile(r"(\d+)\.(\d{0,2})\d*S$")


def _hundredths(duration: Any) -> Any:
    """A duration with its seconds cut to 0.01 s (2.0: finer precision is not compared)."""
    if not isinstance(duration, str):
        return duration
    return _SECONDS.sub(lambda m: f"{m.group(1)}.{m.group(2).ljust(2, '0')}S", duration)


def _comparable_part(part: Mapping[str, Any], hundredths: bool = False) -> JsonObject:
    result: JsonObject = {}
    for key, value in part.items():
        if key in ("id", "authority", "stored", "version"):
            continue
        if key == "timestamp":
            result[key] = _instant(value)
        elif key == "actor":
            result[key] = _comparable_agent(value)
        elif key == "verb":
            result[key] = {"id": value.get("id")} if isinstance(value, dict) else value
        elif key == "object" and isinstance(value, dict):
            kind = object_type(value)
            if kind == "Activity":
                result[key] = _comparable_activity(value)
            elif kind in ("Agent", "Group"):
                result[key] = _comparable_agent(value)
            elif kind == "SubStatement":
                result[key] = _comparable_part(value, hundredths)
            else:
                result[key] = {**value, "id": str(value.get("id", "")).lower()}
        elif key == "context" and isinstance(value, dict):
            context = dict(value)
            if isinstance(context.get("registration"), str):
                context["registration"] = context["registration"].lower()
            for agent_key in ("instructor", "team"):
                if agent_key in context:
                    context[agent_key] = _comparable_agent(context[agent_key])
            activities = context.get("contextActivities")
            if isinstance(activities, dict):
                context["contextActivities"] = {
                    kind: [_comparable_activity(a) for a in (v if isinstance(v, list) else [v])]
                    for kind, v in activities.items()
                }
            result[key] = context
        elif key == "result" and hundredths and isinstance(value, dict) and "duration" in value:
            result[key] = {**value, "duration": _hundredths(value["duration"])}
        else:
            result[key] = value
    return result


def comparable(
    statement: Mapping[str, Any], *, ignore_timestamp: bool = False, hundredths: bool = False
) -> bytes:
    """The parts of a statement that immutability covers, in one canonical serialisation.

    `hundredths` (2.0.0 rules): durations are compared to 0.01 s; 1.0.3 compares them as
    strings (Data 2.3.1).
    """
    part = _comparable_part(statement, hundredths)
    if ignore_timestamp:
        part.pop("timestamp", None)
    return orjson.dumps(part, option=orjson.OPT_SORT_KEYS)


# --- formats (Communication 2.1.3: format=ids|exact|canonical) --------------------------


def _ids_agent(agent: Mapping[str, Any]) -> JsonObject:
    result: JsonObject = {"objectType": agent.get("objectType", "Agent")}
    for key in IFI_KEYS:
        if key in agent:
            result[key] = agent[key]
            break
    else:
        if agent.get("objectType") == "Group":
            result["member"] = [_ids_agent(member) for member in agent.get("member") or ()]
    return result


def _ids_object(obj: Mapping[str, Any]) -> JsonObject:
    kind = object_type(obj)
    if kind == "Activity":
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _ids_agent(obj)
    if kind == "SubStatement":
        return _ids_part(obj)
    return dict(obj)


def _ids_part(part: Mapping[str, Any]) -> JsonObject:
    result = dict(part)
    result["actor"] = _ids_agent(part["actor"])
    result["verb"] = {"id": part["verb"]["id"]}
    result["object"] = _ids_object(part["object"])
    if "authority" in part:
        result["authority"] = _ids_agent(part["authority"])
    context = part.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_agent(context[key])
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            context["contextActivities"] = {
                kind: [{"id": a["id"]} for a in value] for kind, value in activities.items()
            }
        if "contextAgents" in context:
            context["contextAgents"] = [
                {**entry, "agent": _ids_agent(entry["agent"])} for entry in context["contextAgents"]
            ]
        if "contextGroups" in context:
            context["contextGroups"] = [
                {**entry, "group": _ids_agent(entry["group"])} for entry in context["contextGroups"]
            ]
        result["context"] = context
    return result


def ids_format(statement: Mapping[str, Any]) -> JsonObject:
    return _ids_part(statement)


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges, most wanted first (RFC 2616 14.4); `*` stands for any."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def pick_language(language_map: Mapping[str, Any], wanted: Sequence[str]) -> JsonObject:
    """One entry of a language map: the best match for the client's languages."""
    if not language_map:
        return dict(language_map)
    lowered = {key.lower(): key for key in language_map}
    for tag in wanted:
        if tag == "*":
            break
        if tag in lowered:
            key = lowered[tag]
            return {key: language_map[key]}
        for candidate, key in lowered.items():
            if candidate.startswith(tag + "-") or tag.startswith(candidate + "-"):
                return {key: language_map[key]}
    for fallback in ("und", "en-us", "en"):
        if fallback in lowered:
            key = lowered[fallback]
            return {key: language_map[key]}
    key = next(iter(language_map))
    return {key: language_map[key]}


def filter_definition_languages(definition: Mapping[str, Any], wanted: Sequence[str]) -> JsonObject:
    result = dict(definition)
    for key in _LANGUAGE_MAP_KEYS:
        if isinstance(result.get(key), dict):
            result[key] = pick_language(result[key], wanted)
    for key in _COMPONENT_KEYS:
        if isinstance(result.get(key), list):
            result[key] = [
                {
                    **component,
                    "description": pick_language(component["description"], wanted),
                }
                if isinstance(component.get("description"), dict)
                else component
                for component in result[key]
            ]
    return result


def canonical_format(
    statement: Mapping[str, Any],
    definitions: Mapping[str, JsonObject],
    wanted: Sequence[str],
) -> JsonObject:
    """Activities with the LRS's canonical definitions, one language per map."""

    def activity(value: Mapping[str, Any]) -> JsonObject:
        result = dict(value)
        definition = definitions.get(str(value["id"]), value.get("definition"))
        if isinstance(definition, dict):
            result["definition"] = filter_definition_languages(definition, wanted)
        return result

    def part(value: Mapping[str, Any]) -> JsonObject:
        result = dict(value)
        obj = value["object"]
        if object_type(obj) == "Activity":
            result["object"] = activity(obj)
        elif object_type(obj) == "SubStatement":
            result["object"] = part(obj)
        verb = value["verb"]
        if isinstance(verb.get("display"), dict):
            result["verb"] = {**verb, "display": pick_language(verb["display"], wanted)}
        context = value.get("context")
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            result["context"] = {
                **context,
                "contextActivities": {
                    kind: [activity(a) for a in items]
                    for kind, items in context["contextActivities"].items()
                },
            }
        return result

    return part(statement)


def referenced_activity_ids(statement: Mapping[str, Any]) -> set[str]:
    ids: set[str] = set()
    parts: list[Mapping[str, Any]] = [statement]
    if object_type(statement["object"]) == "SubStatement":
        parts.append(statement["object"])
    for part in parts:
        ids.update(_activities_of(part, broad=True))
    return ids
