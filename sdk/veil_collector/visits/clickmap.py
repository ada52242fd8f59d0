"""Click maps: the clicks of many visits on one page, by position and by target.

Rules: read from the index's click rows (kept at ingest: coordinates, viewport, node id, kind and
the name recorded in clear, paths and names as sealed terms), never from events, so a click map over thousands of visits decrypts
nothing; the page drawn under the clicks is one stored snapshot of that page (masked as stored),
fetched separately. ``parse_clickmap`` checks the query (a path pattern as search takes it, an
optional date range, a device class, a bound on points) and raises ``SearchError`` naming what is
wrong. ``clickmap_sql`` writes the read once for both backends. ``summarize`` groups the points by
target name (clicks without a name recorded in clear are one group) with their rage, dead and
error clicks, and names the page view the viewer should draw them on: the most recent one among
the points, of the most common device class.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .search import SearchError, check_pattern, ids_sql, parse_time

MAX_POINTS = 20_000
DEFAULT_POINTS = 5_000
DEVICES = {"mobile": (0, 767), "tablet": (768, 1023), "desktop": (1024, 1_000_000), "all": (0, 1_000_000)}
UNNAMED = None  # the group of clicks whose target has no name recorded in clear
PARAMETERS = ("page", "from", "to", "device", "limit")
POINT_COLUMNS = ("session", "view", "at", "path_id", "x", "y", "page_x", "page_y", "width", "height", "node", "kind", "name_id")


@dataclass(frozen=True)
class ClickMapQuery:
    page: str
    since: float | None = None
    until: float | None = None
    device: str = "all"
    limit: int = DEFAULT_POINTS


def device_of(width: int | None) -> str:
    if width is None:
        return "unknown"
    return next(name for name, (low, high) in DEVICES.items() if low <= width <= high)


def parse_clickmap(params: Mapping[str, Sequence[str]]) -> ClickMapQuery:
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise SearchError(f"unknown parameter {unknown[0]!r}: a click map takes {', '.join(PARAMETERS)}")
    for name, values in params.items():
        if len(values) > 1:
            raise SearchError(f"{name} is given too many times")

    def one(name: str) -> str | None:
        values = params.get(name)
        return values[0] if values else None

    page = one("page")
    if page is None:
        raise SearchError("page is required: the path pattern of the page, e.g. /checkout or /product/*")
    since = None if one("from") is None else parse_time(one("from") or "", "from")
    until = None if one("to") is None else parse_time(one("to") or "", "to")
    if since is not None and until is not None and since > until:
        raise SearchError("from is after to")
    device = one("device") or "all"
    if device not in DEVICES:
        raise SearchError(f"device must be one of {', '.join(DEVICES)}")
    limit_text = one("limit") or str(DEFAULT_POINTS)
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_POINTS:
        raise SearchError(f"limit must be an integer from 1 to {MAX_POINTS}")
    return ClickMapQuery(check_pattern(page, "page", path=True), since, until, device, int(limit_text))


def clickmap_sql(query: ClickMapQuery, path_ids: Sequence[int]) -> tuple[str, list[Any]] | None:
    """The most recent click rows of the pages whose path terms are ``path_ids`` (those the page
    pattern matched; ``limit`` rows), newest first; None when it matched no path."""
    if not path_ids:
        return None
    sql, params = ids_sql("c.path_id", path_ids)
    where = [sql]
    if query.since is not None:
        where.append("c.at >= ?")
        params.append(query.since)
    if query.until is not None:
        where.append("c.at < ?")
        params.append(query.until)
    if query.device != "all":
        low, high = DEVICES[query.device]
        where.append("c.width >= ? AND c.width <= ?")
        params += [low, high]
    columns = ", ".join(f"c.{c}" for c in POINT_COLUMNS)
    return (f"SELECT {columns} FROM visit_clicks c WHERE {' AND '.join(where)} ORDER BY c.at DESC, c.session, c.node LIMIT ?",
            [*params, query.limit])


def point(row: Sequence[Any], term: Callable[[str, int | None], str | None]) -> dict[str, Any]:
    """A click row as the API shows it; ``term(kind, id)`` opens its path and name."""
    p = dict(zip(POINT_COLUMNS, row, strict=True))
    return {"session": p["session"], "view": p["view"], "at": p["at"], "path": term("path", p["path_id"]), "x": p["x"],
            "y": p["y"], "pageX": p["page_x"], "pageY": p["page_y"], "width": p["width"], "height": p["height"],
            "node": p["node"], "kind": p["kind"], "name": term("name", p["name_id"])}


def summarize(query: ClickMapQuery, points: list[dict[str, Any]]) -> dict[str, Any]:
    """The click map's answer: its points, their targets, and the page view to draw them on."""
    groups: dict[str | None, Counter[str]] = defaultdict(Counter)
    for p in points:
        groups[p["name"]][p["kind"]] += 1
    order = sorted(groups.items(), key=lambda g: (-g[1]["click"], -g[1]["rage"] - g[1]["dead"], g[0] or "\uffff"))
    targets = [{"name": name, "clicks": c["click"], "rage": c["rage"], "dead": c["dead"], "errorClicks": c["error"]}
               for name, c in order]
    devices = Counter(device_of(p["width"]) for p in points)
    base = None
    if points:
        common = max(devices, key=lambda d: (devices[d], d))
        chosen = next(p for p in points if device_of(p["width"]) == common)  # points are newest first
        base = {"session": chosen["session"], "view": chosen["view"], "width": chosen["width"],
                "height": chosen["height"], "path": chosen["path"]}
    return {"page": query.page, "points": points, "clicks": sum(1 for p in points if p["kind"] == "click"),
            "visits": len({p["session"] for p in points}), "targets": targets, "devices": dict(sorted(devices.items())),
            "base": base, "limit": query.limit, "truncated": len(points) >= query.limit}
