"""Issue #23: leads evaluated in a worker process come back as this process evaluates them,
in order; a worker that fails costs nothing (the part is evaluated here)."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest

from boothapp.core.config.defaults import default_config
from boothapp.demo.people import make_people
from boothapp.services import bulk_evaluation, bulk_worker
from boothapp.services.bulk_evaluation import evaluate_items, evaluated_parts


def _parts() -> list[list[bulk_evaluation.Item]]:
    people = make_people(9, 4)
    answers: dict[str, object] = {"company_size": "over_250", "timeline": "now"}
    items = [(p.contact, answers if i % 2 else {}, "") for i, p in enumerate(people)]
    return [items[0:3], items[3:6], items[6:9]]


def test_a_worker_process_evaluates_as_this_process_does() -> None:
    cfg, parts = default_config(), _parts()
    with evaluated_parts(parts, cfg, "TR", parallel=True) as evaluated:
        got = list(evaluated)
    assert got == [evaluate_items(p, cfg, "TR") for p in parts]
    assert [len(g) for g in got] == [3, 3, 3]


class _BrokenPool:
    """A pool whose worker died (as ``concurrent.futures`` reports it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def submit(self, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("worker killed"))
        return future

    def shutdown(self, **kwargs: Any) -> None:
        pass


def test_a_failed_worker_leaves_the_work_to_this_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(bulk_worker, "ProcessPoolExecutor", _BrokenPool)
    cfg, parts = default_config(), _parts()
    with caplog.at_level(logging.WARNING), evaluated_parts(parts, cfg, "", parallel=True) as ev:
        got = list(ev)
    assert got == [evaluate_items(p, cfg, "") for p in parts]
    assert "worker failed: worker killed" in caplog.text


class _RefusingPool(_BrokenPool):
    """A pool that broke on an earlier call refuses the next one (``submit`` raises)."""

    def submit(self, *args: Any) -> Future[Any]:
        raise BrokenProcessPool("a child process terminated abruptly")


def test_a_worker_that_refuses_work_leaves_it_to_this_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(bulk_worker, "ProcessPoolExecutor", _RefusingPool)
    cfg, parts = default_config(), _parts()
    with caplog.at_level(logging.WARNING), bulk_worker.bulk_worker(True) as worker:
        results = [worker.submit(evaluate_items, p, cfg, "TR") for p in parts]
        got = [r() for r in results]
    assert got == [evaluate_items(p, cfg, "TR") for p in parts]
    assert caplog.text.count("worker failed") == 1  # then no more asking it


class _Node:
    """An object in a reference cycle: freed only by a cyclic collection."""

    me: object = None


_LEFT: list[Any] = []


def _make_cycle() -> bool:
    import gc
    import weakref

    node = _Node()
    node.me = node
    _LEFT.append(weakref.ref(node))
    return gc.isenabled()


def _cycles_left() -> int:
    return sum(ref() is not None for ref in _LEFT)


def test_the_worker_collects_each_calls_cycles_before_the_next() -> None:
    # Issue 23: automatic collections are off in the worker (their passes were a seventh of
    # its time); each call collects what the earlier calls left, so garbage never piles up.
    import gc

    with bulk_worker.bulk_worker(True) as worker:
        automatic = worker.submit(_make_cycle)()
        left = worker.submit(_cycles_left)()
    assert (automatic, left) == (False, 0)
    assert gc.isenabled()  # this process keeps its own
