import pytest

from veil.pii import contains_pii, iban_ok, luhn_ok, scrub_pii


@pytest.mark.parametrize(
    "text, secret",
    [
        ("write to ada.lovelace@example.co.uk today", "ada.lovelace@example.co.uk"),
        ("card 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("card 5500-0000-0000-0004", "5500-0000-0000-0004"),
        ("ssn 123-45-6789", "123-45-6789"),
        ("iban GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
        ("iban DE89370400440532013000", "DE89370400440532013000"),
        ("call +44 20 7946 0958", "+44 20 7946 0958"),
        ("call (555) 123-4567", "(555) 123-4567"),
        ("call +14155552671", "+14155552671"),
        ("Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
        ("key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        ("jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4f", "eyJhbGciOiJIUzI1"),
        ("gh ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdefghijklmnopqrstuvwxyz0123"),
        ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("hash 3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b", "3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b"),
    ],
)
def test_pii_is_masked_keeping_length(text, secret):
    out = scrub_pii(text)
    assert secret not in out
    assert len(out) == len(text)


@pytest.mark.parametrize(
    "text",
    ["Order #A-7731-2290", "date 2024-01-15", "price $1,299.00", "2 person tent", "version 3.14.2", "card 4111 1111 1111 1112"[:14]],
)
def test_ordinary_text_is_left_alone(text):
    assert scrub_pii(text) == text


def test_checksums():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765433")


def test_contains_pii():
    assert contains_pii("ada@example.com") and not contains_pii("hello")
