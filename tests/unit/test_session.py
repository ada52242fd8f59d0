from veil.session import IDLE_MS, MAX_MS, Session, expired, parse_stored, resolve, touch

NOW = 1_800_000_000_000.0


def test_new_session_has_a_128_bit_id_and_draws_sampling_once():
    session, new = resolve(None, NOW, sample_rate=25, sample_draw=10)
    assert new and len(session.id) == 32 and int(session.id, 16) >= 0 and session.sampled
    kept, new = resolve(session.to_json(), NOW + 1000, sample_rate=25, sample_draw=99)
    assert not new and kept.id == session.id and kept.sampled
    assert not resolve(None, NOW, sample_rate=25, sample_draw=25)[0].sampled
    assert not resolve(None, NOW, sample_rate=0, sample_draw=0)[0].sampled


def test_sessions_end_after_30_idle_minutes_or_4_hours():
    session = Session("a" * 32, NOW, NOW, True)
    assert not expired(session, NOW + IDLE_MS - 1)
    assert expired(session, NOW + IDLE_MS)
    busy = Session("a" * 32, NOW, NOW + MAX_MS - 1, True)
    assert expired(busy, NOW + MAX_MS)
    assert expired(session, NOW - 1), "a clock that went backwards starts over"


def test_tampered_or_foreign_storage_starts_a_new_session():
    for raw in [{"id": "x"}, {"id": "A" * 32, "started": NOW, "lastActive": NOW, "sampled": True},
                {"id": "a" * 32, "started": NOW, "lastActive": NOW, "sampled": "yes"},
                {"id": "a" * 32, "started": NOW, "lastActive": NOW, "sampled": True, "email": "ada@x"}, "junk"]:
        assert parse_stored(raw) is None


def test_touch_extends_only_on_activity_and_rotates_when_expired():
    session = Session("a" * 32, NOW, NOW, True)
    assert touch(session, NOW + 5000, False, 100, 0) == (session, False)
    extended, rotated = touch(session, NOW + 5000, True, 100, 0)
    assert not rotated and extended.lastActive == NOW + 5000
    fresh, rotated = touch(session, NOW + IDLE_MS, True, 50, 60)
    assert rotated and fresh.id != session.id and not fresh.sampled
