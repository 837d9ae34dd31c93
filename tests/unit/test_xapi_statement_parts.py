"""The pure parts of the statement store: identities, filter terms, comparison, formats."""

from __future__ import annotations

from lang_portal.xapi import statement_parts as parts
from lang_portal.xapi.answers import duration_iso, duration_ms

LEARNER = {"objectType": "Agent", "name": "Hana", "mbox": "mailto:Hana@Example.com"}
TEACHER = {"mbox": "mailto:sato@example.com"}


def base(**overrides: object) -> dict[str, object]:
    statement: dict[str, object] = {
        "actor": LEARNER,
        "verb": {"id": "http://example.com/v", "display": {"en-US": "did"}},
        "object": {"id": "http://example.com/a", "definition": {"name": {"en-US": "A"}}},
    }
    statement.update(overrides)
    return statement


def test_agent_identity_is_one_string_per_identifier() -> None:
    assert parts.agent_identity(LEARNER) == "mbox:mailto:hana@example.com"
    assert parts.agent_identity({"mbox_sha1sum": "ABC"}) == "mbox_sha1sum:abc"
    account = {"account": {"homePage": "http://x.example", "name": "u1"}}
    assert parts.agent_identity(account) == "account:http://x.example u1"
    assert parts.agent_identity({"objectType": "Group", "member": [LEARNER]}) is None


def test_filter_terms_narrow_and_broad() -> None:
    statement = base(
        context={
            "registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7",
            "instructor": TEACHER,
            "contextActivities": {"parent": [{"id": "http://example.com/course"}]},
        }
    )
    terms = parts.filter_terms(statement)
    assert (parts.TERM_VERB, "http://example.com/v", parts.NARROW) in terms
    assert (parts.TERM_ACTIVITY, "http://example.com/a", parts.NARROW) in terms
    assert (parts.TERM_ACTIVITY, "http://example.com/a", parts.BROAD) in terms
    assert (parts.TERM_ACTIVITY, "http://example.com/course", parts.NARROW) not in terms
    assert (parts.TERM_ACTIVITY, "http://example.com/course", parts.BROAD) in terms
    assert (parts.TERM_AGENT, "mbox:mailto:sato@example.com", parts.NARROW) not in terms
    assert (parts.TERM_AGENT, "mbox:mailto:sato@example.com", parts.BROAD) in terms
    registration = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
    assert (parts.TERM_REGISTRATION, registration, parts.NARROW) in terms


def test_comparison_ignores_what_immutability_allows_and_nothing_else() -> None:
    first = base(timestamp="2026-01-15T09:00:00Z", id="A", stored="x", version="1.0.0")
    same = base(
        timestamp="2026-01-15T10:00:00+01:00",
        verb={"id": "http://example.com/v", "display": {"ja": "した"}},
        object={"id": "http://example.com/a", "objectType": "Activity"},
    )
    assert parts.comparable(first) == parts.comparable(same)
    other = base(result={"success": True})
    assert parts.comparable(first) != parts.comparable(other)


def test_comparison_of_durations_to_hundredths_only_under_2_0() -> None:
    long = base(result={"duration": "PT1.2399S"})
    short = base(result={"duration": "PT1.23S"})
    assert parts.comparable(long) != parts.comparable(short)
    assert parts.comparable(long, hundredths=True) == parts.comparable(short, hundredths=True)


def test_group_member_order_does_not_matter() -> None:
    one = base(actor={"objectType": "Group", "member": [LEARNER, TEACHER]})
    two = base(actor={"objectType": "Group", "member": [TEACHER, LEARNER]})
    assert parts.comparable(one) == parts.comparable(two)


def test_merge_definition_merges_language_maps_and_replaces_the_rest() -> None:
    merged = parts.merge_definition(
        {"name": {"en-US": "A"}, "type": "http://t/1"},
        {"name": {"ja": "エー"}, "type": "http://t/2"},
    )
    assert merged == {"name": {"en-US": "A", "ja": "エー"}, "type": "http://t/2"}


def test_pick_language_follows_accept_language() -> None:
    names = {"en-US": "hello", "ja-JP": "こんにちは", "fr": "bonjour"}
    wanted = parts.parse_accept_language("fr;q=0.5, ja, en;q=0.8")
    assert wanted == ["ja", "en", "fr"]
    assert parts.pick_language(names, wanted) == {"ja-JP": "こんにちは"}
    assert parts.pick_language(names, ["de"]) == {"en-US": "hello"}


def test_ids_format_keeps_identifiers_only() -> None:
    shaped = parts.ids_format(base())
    assert shaped["actor"] == {"objectType": "Agent", "mbox": "mailto:Hana@Example.com"}
    assert shaped["object"] == {"id": "http://example.com/a"}
    assert shaped["verb"] == {"id": "http://example.com/v"}


def test_durations_between_milliseconds_and_iso_8601() -> None:
    assert duration_iso(1500) == "PT1.5S"
    assert duration_iso(60000) == "PT60S"
    assert duration_ms("PT1.5S") == 1500
    assert duration_ms("PT1M2S") == 62000
    assert duration_ms("P1DT1H") == 90_000_000
    assert duration_ms("P1Y") is None
    assert duration_ms("PT") is None
    assert duration_ms(15) is None
