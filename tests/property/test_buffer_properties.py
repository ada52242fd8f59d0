"""The record-on-error buffer's invariants, over any sequence of events and ticks."""

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.buffer import EventBuffer
from veil.rrweb import EventType

WINDOW_MS = 10_000
MAX_CHARS = 2_000

# (kind, size of its JSON, milliseconds since the previous step); kind None is a tick.
steps = st.lists(st.tuples(
    st.sampled_from([EventType.META, EventType.FULL_SNAPSHOT, EventType.INCREMENTAL_SNAPSHOT,
                     EventType.INCREMENTAL_SNAPSHOT, EventType.CUSTOM, None]),
    st.integers(1, 900),
    st.integers(0, 4_000),
), max_size=80)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_the_buffer_starts_from_a_full_snapshot_and_keeps_its_bounds(sequence):
    buffer = EventBuffer(WINDOW_MS, MAX_CHARS)
    now = 0
    for kind, size, gap in sequence:
        now += gap
        if kind is None:
            buffer.advance(now)
        else:
            buffer.push(kind, f"{int(kind)}:" + "x" * size, now)
        assert buffer.chars <= MAX_CHARS
        for segment in buffer.segments:
            kinds = [e.split(":")[0] for e in segment.events[:2]]
            assert kinds[0] == str(int(EventType.FULL_SNAPSHOT)) or kinds[:2] == [str(int(EventType.META)), str(int(EventType.FULL_SNAPSHOT))]
        # Every segment but the newest starts within the window.
        assert all(s.start >= now - WINDOW_MS for s in buffer.segments[:-1])
    held = buffer.drain()
    if held:
        assert held[0].startswith((f"{int(EventType.META)}:", f"{int(EventType.FULL_SNAPSHOT)}:"))
