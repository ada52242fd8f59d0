"""The batch queue's delivery invariant, under any interleaving of what the host does.

Whatever the sequence of pushes (some superseding a pending input), takes, standby peeks and
commits, and batches the host loses: every event that was not superseded leaves exactly once, in
order, under consecutive seqs, or is in a batch counted as lost; no standby chunk exceeds its
budget unless it holds a single event.
"""

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.batch import BatchQueue

LIMIT = 2048

ops = st.lists(
    st.one_of(
        st.tuples(st.just("push"), st.integers(0, 3), st.booleans(), st.integers(1, 1500)),
        st.tuples(st.just("take"), st.integers(200, 6000), st.booleans()),
        st.tuples(st.just("standby"), st.integers(0, 3)),
    ),
    max_size=40,
)


def noise(n: int, size: int) -> str:
    # Deterministic but poorly compressible, so chunks really get cut.
    return "".join(chr(97 + (n * 7919 + i * 104729) % 26) for i in range(size))


@settings(max_examples=300, deadline=None)
@given(ops)
def test_every_event_leaves_exactly_once_or_in_a_batch_counted_lost(operations):
    queue = BatchQueue("s" * 32)
    pushed: list[int] = []  # event numbers, in push order
    superseded: set[int] = set()
    pending_for: dict[int, int] = {}  # field -> its pending event number
    delivered: list[int] = []
    lost: set[int] = set()
    seqs: list[int] = []

    def leave(data: bytes, lose: bool) -> None:
        batch = json.loads(gzip.decompress(data))
        seqs.append(batch["seq"])
        numbers = [e["n"] for e in batch["events"]]
        (lost.update if lose else delivered.extend)(numbers)
        for field, n in list(pending_for.items()):
            if n in numbers:  # it left: a later input to its field supersedes nothing
                del pending_for[field]

    for op in operations:
        if op[0] == "push":
            _, field, coalesce, size = op
            n = len(pushed)
            pushed.append(n)
            event = {"type": 3, "data": {"source": 5, "id": field, "text": noise(n, size)}, "n": n}
            if coalesce and field in pending_for:
                superseded.add(pending_for[field])
            queue.push(event, coalesce_key=("input", field) if coalesce else None)
            if coalesce:  # an event without a key (not an input) supersedes nothing and is never superseded
                pending_for[field] = n
        elif op[0] == "take":
            _, max_chars, lose = op
            data = queue.take(max_chars=max_chars)
            if data is not None:
                leave(data, lose)
        else:
            chunks = queue.peek_chunks(LIMIT)
            for _seq, _count, data in chunks:
                assert len(data) <= LIMIT or len(json.loads(gzip.decompress(data))["events"]) == 1
            for seq, count, data in chunks[: op[1]]:
                assert queue.commit(seq, count)
                leave(data, lose=False)
    while (data := queue.take(max_chars=3000)) is not None:
        leave(data, lose=False)

    assert delivered == sorted(delivered), "events leave in the order they were pushed"
    assert len(delivered) == len(set(delivered)), "no event leaves twice"
    assert set(delivered) | lost == set(pushed) - superseded, "every event leaves or is counted lost"
    assert not (set(delivered) | lost) & superseded, "a superseded event never leaves"
    assert seqs == list(range(len(seqs))), "batch seqs are consecutive from 0"
