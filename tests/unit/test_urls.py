import pytest

from veil.urls import scrub_srcset, scrub_url


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://shop.example/cart", "https://shop.example/cart"),
        ("https://shop.example/reset?token=abc123&lang=en", "https://shop.example/reset?token=***&lang=***"),
        ("https://shop.example/p#access_token=xyz", "https://shop.example/p#***"),
        ("mailto:ada@example.com?subject=hi", "mailto:***"),
        ("tel:+44 20 7946 0000", "tel:***"),
        ("https://user:pw@shop.example/", "https://shop.example/"),
        ("/users/ada@example.com/orders", "/users/***/orders"),
        ("/users/ada%40example.com/orders", "/users/***/orders"),
        ("/orders/123456789", "/orders/***"),
        ("/orders/2024", "/orders/2024"),
        ("javascript:alert(document.cookie)", "javascript:"),
        ("data:text/plain;base64,c2VjcmV0", "data:,"),
        ("?q=diabetes", "?q=***"),
    ],
)
def test_scrub_url(url, expected):
    assert scrub_url(url) == expected


def test_srcset_keeps_descriptors_and_scrubs_each_url():
    assert scrub_srcset("/a.png?u=7 1x, /b.png?u=7 2x") == "/a.png?u=*** 1x, /b.png?u=*** 2x"


def test_scrubbing_is_idempotent():
    for url in ("https://x.example/a?b=c#d", "mailto:a@b.c", "/u/123456/x?y"):
        assert scrub_url(scrub_url(url)) == scrub_url(url)
