"""Group commit: many requests writing at once share transactions, yet each is answered with its own
truthful result, only after its batch is durable, and one bad batch fails no other."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from veil_collector.storage import AddResult, StorageBusy, batch_from_events
from veil_collector.storage.common import GroupCommit
from tests.unit.test_storage import KEY, V1, backend, batch, store  # noqa: F401 - fixtures, both backends


def test_concurrent_writers_each_get_their_own_answer_and_every_batch_is_stored_once(store):  # noqa: F811 - the imported fixture, by name
    sessions = [f"{i:016x}" for i in range(6)]
    jobs = [batch(s, V1, q) for s in sessions for q in range(5)]
    jobs += jobs[::3]  # retries racing their originals
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(store.add, jobs))
    assert results.count(AddResult.STORED) == 30
    assert results.count(AddResult.DUPLICATE) == len(jobs) - 30
    for s in sessions:
        assert [q for _, q in store.identities(s)] == [0, 1, 2, 3, 4]
    assert store.totals()["batches"] == 30


def test_one_group_answers_each_batch_as_if_it_had_been_written_alone(store):  # noqa: F811
    # What the writer hands one transaction: new batches, a copy of one of them, another body under
    # an identity of the group, and batches sent without their key (one of an unknown page view).
    old = batch("c" * 16, V1, 0)
    assert store.add(old) is AddResult.STORED
    group = [batch("a" * 16, V1, 0), batch("b" * 16, V1, 0), batch("a" * 16, V1, 0),
             batch("a" * 16, V1, 0, text="other"), batch("c" * 16, V1, 1), batch("c" * 16, "e" * 16, 0),
             batch("d" * 16, V1, 0), old]
    keyless = [False, False, False, False, False, True, True, True]
    results = store._add_many(group, keyless)
    assert results == [AddResult.STORED, AddResult.STORED, AddResult.DUPLICATE, AddResult.CONFLICT,
                       AddResult.STORED, AddResult.KEY_REQUIRED, AddResult.STORED, AddResult.DUPLICATE]
    assert store.totals()["batches"] == 5 and store.identities("c" * 16) == [(V1, 0), (V1, 1)]
    assert [q for _, q in store.identities("a" * 16)] == [0]


def test_a_group_that_fails_is_retried_batch_by_batch_so_only_the_bad_one_fails():
    release, groups = threading.Event(), []

    def write_many(batches):
        release.wait(5)
        groups.append(len(batches))
        if any(b.seq == 13 for b in batches):
            raise RuntimeError("this batch cannot be written")
        return [AddResult.STORED] * len(batches)

    def write_one(b):
        if b.seq == 13:
            raise RuntimeError("this batch cannot be written")
        return AddResult.STORED

    writer = GroupCommit(write_many, write_one)
    seqs = [1, 2, 13, 4, 5]
    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(writer.add, batch("a" * 16, V1, q)) for q in seqs]
        threading.Timer(0.3, release.set).start()
        outcomes = []
        for f in futures:
            try:
                outcomes.append(f.result(10))
            except RuntimeError:
                outcomes.append("failed")
    writer.close()
    assert outcomes == [AddResult.STORED, AddResult.STORED, "failed", AddResult.STORED, AddResult.STORED]
    assert max(groups) > 1, "batches queued meanwhile were written together"


def test_a_write_that_does_not_finish_in_time_is_busy_never_a_false_acknowledgement():
    stuck = threading.Event()
    writer = GroupCommit(lambda bs: (stuck.wait(5), [AddResult.STORED] * len(bs))[1],
                         lambda b: AddResult.STORED, wait_seconds=0.2)
    with pytest.raises(StorageBusy):
        writer.add(batch_from_events("a" * 16, V1, 0, [{"type": 3, "data": {}, "timestamp": 1}], 10))
    stuck.set()
    writer.close()
