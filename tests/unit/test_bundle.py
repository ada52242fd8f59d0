"""veil.bundle: the built bundle a pip-installed Veil serves, found and described by its manifest."""

from __future__ import annotations

import json

import pytest

from tests.fakebundle import FILES, RUNTIME, make_bundle, sri
from veil import bundle as bundle_module
from veil.bundle import Bundle, BundleNotFound, script_json


def test_a_bundle_is_its_directory_and_its_manifest(tmp_path):
    bundle = make_bundle(tmp_path)
    assert bundle.directory == tmp_path.resolve()
    assert bundle.integrity("veil.js") == sri(FILES["veil.js"][0])
    assert bundle.integrity(f"{RUNTIME}/veil-worker.mjs") == sri(FILES[f"{RUNTIME}/veil-worker.mjs"][0])
    assert set(bundle.immutable_directories) == {"pyodide-0123456789ab", RUNTIME}
    with pytest.raises(KeyError, match="not a file of the Veil bundle"):
        bundle.integrity("../secrets.txt")


def test_no_bundle_is_a_clear_error_naming_where_it_looked(tmp_path):
    with pytest.raises(BundleNotFound, match=str(tmp_path)):
        Bundle.load(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(BundleNotFound, match="not a readable manifest"):
        Bundle.load(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {"other.js": {}}}))
    with pytest.raises(BundleNotFound, match="not Veil's manifest"):
        Bundle.load(tmp_path)


def test_the_loader_asks_for_veil_js_where_the_site_serves_it_with_its_integrity(tmp_path):
    bundle = make_bundle(tmp_path)
    script = bundle.loader_script("/assets/veil/veil.js")
    assert '"/assets/veil/veil.js"' in script and "/static/veil/veil.js" not in script
    assert bundle.integrity("veil.js") in script
    # A path that would close the script element is written escaped.
    assert "</script>" not in bundle.loader_script("/x/</script><script>alert(1)//veil.js")


def test_a_file_that_is_not_the_loader_is_refused(tmp_path):
    bundle = make_bundle(tmp_path)
    (tmp_path / "veil-loader.js").write_text("console.log('something else')")
    with pytest.raises(BundleNotFound, match="not the loader snippet"):
        bundle.loader_script("/x/veil.js")


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "<!--", "a\u2028b", "&amp;", {"k": ["<b>", ">"]}])
def test_script_json_cannot_close_the_element_and_reads_back_the_same(value):
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_the_real_build_is_a_bundle_whose_loader_carries_veil_js_integrity(dist):
    bundle = Bundle.load(dist)
    assert bundle.version == bundle_module.__version__
    script = bundle.loader_script("/somewhere/veil.js")
    assert bundle.integrity("veil.js") in script and '"/somewhere/veil.js"' in script
    for name in bundle.files:
        assert (dist / name).is_file(), name


def test_the_checkout_bundle_is_found_without_being_named():
    if not (bundle_module.CHECKOUT_DIST and (bundle_module.CHECKOUT_DIST / "manifest.json").is_file()):
        pytest.skip("no dist/ built in this checkout")
    assert bundle_module.directory() in (bundle_module.PACKAGE_DIST.resolve(), bundle_module.CHECKOUT_DIST.resolve())
    assert bundle_module.integrity() == bundle_module.manifest()["files"]["veil.js"]["sha384"]
