"""veil.integrations.files: what a site sends for a request of a bundle file (docs/loader.md, "Serving `dist/`")."""

from __future__ import annotations

import pytest

from tests.fakebundle import PYODIDE, RUNTIME, make_bundle
from veil.integrations.files import CACHE_IMMUTABLE, CACHE_REVALIDATE, accepted_encodings, resolve


@pytest.fixture
def bundle(tmp_path):
    return make_bundle(tmp_path)


def test_hashed_directories_are_immutable_and_entry_files_revalidated(bundle):
    assert resolve(bundle, f"{RUNTIME}/veil-worker.mjs").headers["Cache-Control"] == CACHE_IMMUTABLE
    assert resolve(bundle, f"{PYODIDE}/pyodide.asm.wasm").headers["Cache-Control"] == CACHE_IMMUTABLE
    for entry in ("veil.js", "veil.mjs", "veil-loader.js", "manifest.json"):
        assert resolve(bundle, entry).headers["Cache-Control"] == CACHE_REVALIDATE, entry


def test_types_are_the_ones_workers_and_webassembly_need(bundle):
    assert resolve(bundle, f"{PYODIDE}/pyodide.asm.wasm").headers["Content-Type"] == "application/wasm"
    assert resolve(bundle, f"{RUNTIME}/veil-worker.mjs").headers["Content-Type"].startswith("text/javascript")
    assert resolve(bundle, "veil.js").headers["Content-Type"].startswith("text/javascript")
    assert resolve(bundle, "manifest.json").headers["Content-Type"] == "application/json"
    assert resolve(bundle, "veil.js").headers["X-Content-Type-Options"] == "nosniff"


def test_the_precompressed_sibling_is_sent_when_the_request_accepts_it(bundle):
    served = resolve(bundle, "veil.js", "gzip, deflate, br, zstd")
    assert served.path.name == "veil.js.br" and served.headers["Content-Encoding"] == "br"
    assert served.headers["Vary"] == "Accept-Encoding"
    assert served.headers["Content-Type"].startswith("text/javascript")  # the original's type, not brotli's
    served = resolve(bundle, "veil.js", "gzip, deflate")  # plain http to another host: Chromium sends no br
    assert served.path.name == "veil.js.gz" and served.headers["Content-Encoding"] == "gzip"
    served = resolve(bundle, "veil.js", "")
    assert served.path.name == "veil.js" and "Content-Encoding" not in served.headers
    assert served.headers["Vary"] == "Accept-Encoding"  # a cache must still tell the representations apart
    served = resolve(bundle, "veil.js", "br;q=0, gzip")
    assert served.headers["Content-Encoding"] == "gzip"
    served = resolve(bundle, f"{PYODIDE}/python_stdlib.zip", "br")  # no .br sibling for this one
    assert served.path.name == "python_stdlib.zip" and "Content-Encoding" not in served.headers
    assert "Vary" not in resolve(bundle, "veil.mjs", "br").headers  # one representation only


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br", {"gzip", "deflate", "br"}),
    ("br;q=0, gzip;q=0.5", {"gzip"}),
    ("*", {"*", "br", "gzip"}),
    ("*, br;q=0", {"*", "gzip"}),
    ("GZIP", {"gzip"}),
    ("br;q=zero", set()),
    ("", set()),
])
def test_accept_encoding_is_read_with_its_weights(header, expected):
    assert accepted_encodings(header) == expected


def test_a_strong_etag_from_the_manifest_answers_304_per_representation(bundle):
    first = resolve(bundle, "veil.js", "br")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('-br"')
    again = resolve(bundle, "veil.js", "br", etag)
    assert again.status == 304 and again.headers["ETag"] == etag and "Content-Encoding" not in again.headers
    # The same tag does not validate the gzip representation.
    assert resolve(bundle, "veil.js", "gzip", etag).status == 200
    assert resolve(bundle, "veil.js", "", f'"other", W/{resolve(bundle, "veil.js").headers["ETag"]}').status == 304


@pytest.mark.parametrize("name", ["../manifest.json", f"{RUNTIME}/../veil.js", "/etc/passwd", "veil.js.br", "secret.txt",
                                  f"{RUNTIME}/", "", ".", f"{RUNTIME}/python"])
def test_only_the_manifests_files_are_ever_served(bundle, name):
    assert resolve(bundle, name) is None


def test_a_listed_file_missing_on_disk_is_not_found_not_an_error(bundle):
    (bundle.directory / "veil.mjs").unlink()
    assert resolve(bundle, "veil.mjs") is None
