"""The ORDER BY of every paged list."""

from __future__ import annotations

from collections.abc import Mapping

from lang_portal.models.common import PageRequest


def order_by(columns: Mapping[str, str], page: PageRequest, tiebreak: str) -> str:
    """`ORDER BY <column> <dir>, <tiebreak> <dir>` for the page's sort key.

    The column comes from the list's fixed map (the sort key was checked against it before the
    request got here), never from client text; the tie-break keeps pages stable.
    """
    direction = "DESC" if page.order == "desc" else "ASC"
    return f"ORDER BY {columns[page.sort_by]} {direction}, {tiebreak} {direction}"
