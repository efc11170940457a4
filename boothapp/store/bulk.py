"""Many new rows of one table in one statement, cheaply (a demo build's bulk writes, #23).

SQLAlchemy's ``insert()`` with a list of dicts builds each row's parameters through the
compiled statement (a look-up and a type processor per column, per row): for the 300,000
follow-up, change-log, scan and audit rows of a 50,000-lead build that was a tenth of the
build. ``insert_rows`` does the same conversions once per column and hands SQLite's driver
plain tuples; the stored values are those SQLAlchemy would store (the column's own bind
processor, its Python-side default for a column a row leaves out). Other databases get
SQLAlchemy's ``insert()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import JSON, Column, insert
from sqlalchemy.orm import Session, configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class

from boothapp.store.tables import table_of

_V = TypeVar("_V")

M = TypeVar("M")


# Values per IN (...) list: far below SQLite's 32,766 bound parameters (and PostgreSQL's 65,535).
IN_CHUNK = 500


def in_chunks(values: Sequence[_V]) -> Iterator[Sequence[_V]]:
    """``values`` in slices of ``IN_CHUNK``, one ``IN (...)`` list each."""
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def insert_rows(s: Session, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each giving the same columns) into ``model``'s table."""
    if not rows:
        return
    if s.get_bind().dialect.name != "sqlite":
        s.execute(insert(table_of(model)), list(rows))
        return
    given = tuple(rows[0])
    # The rows' values picked by C calls (itemgetter), not a Python step per value (#23).
    pick = _picker(given)
    insert_tuples(s, model, given, [pick(r) for r in rows])


def insert_tuples(
    s: Session, model: type[Any], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``insert_rows`` of rows given as tuples of the columns ``names``, in that order: no
    dictionary made for each (200,000 follow-ups of a 50,000-lead build, issue 23)."""
    if not rows:
        return
    table = table_of(model)
    bind = s.get_bind()
    if bind.dialect.name != "sqlite":
        s.execute(insert(table), [dict(zip(names, r, strict=True)) for r in rows])
        return
    filled = [c for c in table.columns if c.key not in names and _has_default(c)]
    columns = [table.columns[k] for k in names] + filled
    dialect = bind.dialect
    procs = [c.type._cached_bind_processor(dialect) for c in columns]
    defaults = [_default_of(c) for c in filled]
    # Only the columns with a conversion are touched per row (None too: a JSON column
    # stores None as JSON null, as SQLAlchemy does).
    convert = [
        (i, p, _is_moment(c), _is_json(c))
        for i, (c, p) in enumerate(zip(columns, procs, strict=True))
        if p is not None
    ]
    # Column by column: the rows' values regrouped by C calls (zip), a Python call per value
    # only where a column converts it (issue 23).
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True))
    cols += [[d() for _ in rows] for d in defaults]
    for i, p, moment, is_json in convert:
        if moment:
            # Once per distinct value: a chunk's rows share a few moments (its save time,
            # the capture minutes, the follow-up slots), each formatted as text by a chain
            # of Python calls, 300,000 times in a 50,000-lead build (issue 23); then a
            # look-up per row by C calls.
            done = {value: p(value) for value in set(cols[i])}
            cols[i] = list(map(done.__getitem__, cols[i]))
        else:
            cols[i] = list(map(_json_memo(p) if is_json else p, cols[i]))
    values = list(zip(*cols, strict=True))
    quote = dialect.identifier_preparer
    listed = ", ".join(quote.quote(c.name) for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {quote.format_table(table)} ({listed}) VALUES ({marks})"
    s.connection().exec_driver_sql(sql, values)


def loaded_row(model: type[M], values: Mapping[str, Any]) -> M:
    """An ORM object of ``model`` holding ``values`` as a query would have loaded them: no
    constructor, no attribute events (a 5,000-lead chunk's rows built for a twentieth of
    ``model(**values)``, issue 23). Transient: ``make_transient_to_detached`` and
    ``Session.add`` make it a stored row of the session."""
    configure_mappers()  # nothing to do once the mappers are set up
    obj: M = manager_of_class(model).new_instance()
    obj.__dict__.update(values)
    return obj


def loaded_rows(model: type[M], rows: Iterable[Mapping[str, Any]]) -> list[M]:
    """``loaded_row`` of each of ``rows``, the mapper looked up once (a 5,000-lead chunk)."""
    configure_mappers()
    new = manager_of_class(model).new_instance
    out: list[M] = []
    for values in rows:
        obj = new()
        obj.__dict__.update(values)
        out.append(obj)
    return out


def loaded_values(row: object, columns: Iterable[str]) -> dict[str, Any]:
    """``row``'s values of ``columns``, from its own dict where loaded (every column of a
    ``loaded_row``): an attribute read through its descriptor is a Python call per column,
    a few hundred thousand in a 50,000-lead build (issue 23)."""
    loaded = row.__dict__
    names = columns if isinstance(columns, tuple) else tuple(columns)
    try:
        # Every column loaded (a ``loaded_row``, a row a query read): picked by one C call,
        # not a Python step per column (~0.8 s of a 50k build's 150,000 rows, issue 23).
        return dict(zip(names, _picker(names)(loaded), strict=True))
    except KeyError:  # some not loaded (expired, deferred): read through the attribute
        return {name: loaded[name] if name in loaded else getattr(row, name) for name in names}


@functools.lru_cache(maxsize=64)
def _picker(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The values of ``names`` from a mapping, as a tuple (one name or none too)."""
    if not names:
        return lambda _loaded: ()
    if len(names) == 1:
        name = names[0]
        return lambda loaded: (loaded[name],)
    return itemgetter(*names)


def _is_moment(column: Column[Any]) -> bool:
    # A TypeDecorator (UTCDateTime) names no Python type of its own: its impl's is the one.
    kind = getattr(column.type, "impl_instance", column.type)
    try:
        return kind.python_type is datetime
    except NotImplementedError:
        return False


def _is_json(column: Column[Any]) -> bool:
    return isinstance(column.type, JSON)


def _json_memo(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A JSON column's ``proc`` with the values most rows give made once: an empty mapping
    (a new lead's CRM ids, an audit row's detail) and None (a new value's old one), a
    serializer call each for 100,000 rows of a 20,000-lead build (issue 23)."""
    empty, none = proc({}), proc(None)

    def convert(value: Any) -> Any:
        if value is None:
            return none
        if type(value) is dict and not value:
            return empty
        return proc(value)

    return convert


def _has_default(column: Column[Any]) -> bool:
    return column.default is not None and (column.default.is_scalar or column.default.is_callable)


def _default_of(column: Column[Any]) -> Callable[[], Any]:
    default: Any = column.default
    if default.is_scalar:
        value = default.arg
        return lambda: value
    fn = default.arg  # SQLAlchemy wraps a callable default to take the execution context
    return lambda: fn(None)
