"""The SOQL subset the fake Salesforce answers, as the REST Query resource does (CRM.md §2.2).

``GET /services/data/vXX.X/query?q=SELECT f1, Rel.f2 FROM Type WHERE Field IN ('a', 'b')
[AND Field2 IN (...)]`` -> ``{"totalSize", "done", "records": [{"attributes": {...}, ...}]}``;
more than ``page_size`` rows come in pages behind ``nextRecordsUrl`` (``.../query/<locator>``).
A query the fake cannot read gets 400 ``MALFORMED_QUERY``, like a real bad SOQL string.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

_QUERY = re.compile(
    r"^SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<type>\w+)\s+WHERE\s+(?P<where>.+)$", re.I | re.S
)
_IN = re.compile(r"(\w+)\s+IN\s+\(((?:\s*'(?:[^'\\]|\\.)*'\s*,?)*)\)", re.I)
_LITERAL = re.compile(r"'((?:[^'\\]|\\.)*)'")


class SoqlError(ValueError):
    pass


def parse_in_filters(where: str) -> dict[str, set[str]]:
    parts = re.split(r"\s+AND\s+", where.strip(), flags=re.I)
    filters: dict[str, set[str]] = {}
    for part in parts:
        m = _IN.fullmatch(part.strip())
        if not m:
            raise SoqlError(f"unexpected token in WHERE: {part.strip()[:40]}")
        values = {re.sub(r"\\(.)", r"\1", v) for v in _LITERAL.findall(m.group(2))}
        filters[m.group(1)] = values
    return filters


def run_query(soql: str, tables: dict[str, Iterable[dict[str, Any]]]) -> tuple[str, list[dict]]:
    m = _QUERY.match(soql.strip())
    if not m:
        raise SoqlError("unexpected token: expecting SELECT ... FROM ... WHERE")
    fields = [f.strip() for f in m.group("fields").split(",")]
    sobject = m.group("type")
    filters = parse_in_filters(m.group("where"))
    rows = []
    for rec in tables.get(sobject, ()):
        if all(str(rec.get(name, "")) in values for name, values in filters.items()):
            rows.append(_project(sobject, rec, fields))
    return sobject, rows


def _project(sobject: str, rec: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "attributes": {"type": sobject, "url": f"/services/data/v60.0/sobjects/{sobject}/x"}
    }
    for f in fields:
        if "." in f:
            rel, sub = f.split(".", 1)
            related = rec.get(rel) or {}
            node = out.setdefault(rel, {"attributes": {"type": related.get("type", "User")}})
            node[sub] = related.get(sub)
        else:
            out[f] = rec.get(f)
    return out


class QueryPages:
    """Query locators for results bigger than one page."""

    def __init__(self, page_size: int) -> None:
        self.page_size = page_size
        self._next = itertools.count(1)
        self._pending: dict[str, list[dict[str, Any]]] = {}

    def page(self, rows: list[dict[str, Any]], version: str) -> dict[str, Any]:
        head, rest = rows[: self.page_size], rows[self.page_size :]
        body: dict[str, Any] = {"totalSize": len(rows), "done": not rest, "records": head}
        if rest:
            locator = f"01gFAKE{next(self._next):08d}-{self.page_size}"
            self._pending[locator] = rest
            body["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}"
        return body

    def more(self, locator: str, version: str) -> dict[str, Any] | None:
        rows = self._pending.pop(locator, None)
        if rows is None:
            return None
        body = self.page(rows, version)
        body["totalSize"] = len(rows)
        return body
