"""The result cache: answers and their rendered representations, bounded in entries and bytes."""

from __future__ import annotations

import pytest

from kgcase.config import load_settings
from kgcase.web.service import Answer, QueryService, ResultCache
from kgcase.web.worker import Outcome


def service(tmp_path, entries: int) -> QueryService:
    return QueryService(load_settings({"data_dir": str(tmp_path), "cache_entries": entries},
                                      environ={}))


def counting_render(calls: list[str]):
    def render(outcome: Outcome) -> bytes:
        calls.append(outcome.body.decode())
        return b"rendered " + outcome.body
    return render


def test_a_cached_answer_is_rendered_once_per_representation(tmp_path):
    svc = service(tmp_path, entries=16)
    answer = Answer(Outcome(b"rows"), "r1", 'W/"e"', key="k1")
    calls: list[str] = []
    bodies = [svc.rendered(answer, rep, counting_render(calls))
              for rep in ("plain", "plain", "csv", "plain")]
    assert bodies == [b"rendered rows"] * 4
    assert calls == ["rows", "rows"]  # once for plain, once for csv
    other = Answer(Outcome(b"other"), "r1", 'W/"f"', key="k2")  # another query's answer
    assert svc.rendered(other, "plain", counting_render(calls)) == b"rendered other"
    assert calls[-1] == "other"


@pytest.mark.parametrize(("entries", "key"), [(0, "k1"), (16, None)])
def test_without_a_cache_or_key_every_request_is_rendered(tmp_path, entries, key):
    svc = service(tmp_path, entries=entries)
    answer = Answer(Outcome(b"rows"), "r1", None, key=key)
    calls: list[str] = []
    for _ in range(3):
        assert svc.rendered(answer, "plain", counting_render(calls)) == b"rendered rows"
    assert len(calls) == 3


def test_the_cache_holds_its_byte_budget():
    cache = ResultCache(max_entries=10, max_bytes=400)
    for i in range(10):
        cache.put(f"k{i}", Outcome(b"x" * 90))
    kept = [i for i in range(10) if cache.get(f"k{i}") is not None]
    assert kept == [6, 7, 8, 9]  # the oldest were evicted: 4 x 90 bytes fit in 400
    cache.put("big", Outcome(b"x" * 101))  # over a quarter of the budget: not kept
    assert cache.get("big") is None
