"""release.py: a release is built from committed sources, at the contract's version, with notes."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import tomllib

import pytest

from tests.artifacts.test_artifacts import load_release
from tests.helpers import ROOT, load_build
from veil import __version__, contract

release = load_release()


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is missing")
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "kept.txt").write_text("a")
    (tmp_path / "gone.txt").write_text("b")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def test_a_clean_tree_passes_and_every_kind_of_change_is_refused_by_name(repo):
    release.check_clean(repo)
    (repo / "ignored").mkdir()
    (repo / "ignored" / "cache.bin").write_text("x")
    release.check_clean(repo)  # ignored files are no change
    (repo / "kept.txt").write_text("changed")
    (repo / "new.txt").write_text("new")
    with pytest.raises(release.ReleaseError, match=r"2 uncommitted change\(s\).*--allow-dirty") as refused:
        release.check_clean(repo)
    assert "kept.txt" in str(refused.value) and "new.txt" in str(refused.value)


def test_the_staged_sources_are_what_git_lists_never_ignored_or_deleted_files(repo, tmp_path_factory):
    (repo / "ignored").mkdir()
    (repo / "ignored" / "cache.bin").write_text("x")
    (repo / "gone.txt").unlink()
    (repo / "new.txt").write_text("new")
    staged = tmp_path_factory.mktemp("staged")
    release.stage_sources(repo, staged)
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()) == [".gitignore", "kept.txt", "new.txt"]


def test_the_version_is_the_contracts_and_the_changelog_has_its_entry():
    assert release.version() == __version__ == contract.VERSION
    entry = release.changelog_entry((ROOT / "CHANGELOG.md").read_text(), __version__)
    assert entry.startswith(f"## {__version__}") and len(entry.splitlines()) > 3


def test_a_version_without_an_entry_is_refused():
    text = "# Changelog\n\n## 1.0.0\n\n- one\n\n## 0.9.0\n\n- two\n"
    assert release.changelog_entry(text, "0.9.0") == "## 0.9.0\n\n- two"
    assert release.changelog_entry(text, "1.0.0") == "## 1.0.0\n\n- one"
    with pytest.raises(release.ReleaseError, match="no entry for 1.0"):
        release.changelog_entry(text, "1.0")


def test_the_npm_entry_runs_the_loader_snippets_own_function():
    source = load_build().loader_snippet()
    module = release.npm_bundle_module(source, "sha384-abc", "1.2.3")
    assert "export const runLoader = function (w, d, src, integrity) {" in module
    assert 'export const INTEGRITY = "sha384-abc";' in module and 'export const VERSION = "1.2.3";' in module
    body = source[source.index("{"):source.rindex("})(window")]
    assert body in module  # unchanged
    if shutil.which("node"):  # it parses as a module and exports a function
        probe = "import(process.argv[1]).then((m) => console.log(typeof m.runLoader, m.INTEGRITY))"
        path = ROOT / ".cache" / "release-test-bundle.mjs"
        path.parent.mkdir(exist_ok=True)
        path.write_text(module)
        try:
            done = subprocess.run(["node", "-e", probe, str(path)], capture_output=True, text=True, check=True)
        finally:
            path.unlink()
        assert done.stdout.split() == ["function", "sha384-abc"]


def test_a_loader_of_another_shape_is_refused():
    with pytest.raises(release.ReleaseError, match="shim/loader.js is no longer"):
        release.npm_bundle_module('(function (w, d) { })(window, document, "/x", "y");', "sha384-abc", "1")


def test_every_package_under_sdk_is_packaged_and_its_data_files_too():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["packages"]["find"]["include"]
    packages = [p.name for p in (ROOT / "sdk").iterdir() if (p / "__init__.py").is_file()]
    assert packages and all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns) for name in packages), packages
    assert setuptools.get("include-package-data", True)
    assert "graft sdk" in (ROOT / "MANIFEST.in").read_text().splitlines()


def test_the_npm_package_lists_every_file_of_npm_and_its_entries_exist():
    package = json.loads((ROOT / "npm" / "package.json").read_text())
    shipped = set(package["files"])
    for path in (ROOT / "npm").iterdir():
        if path.name != "package.json":
            assert path.name in shipped, f"npm/{path.name} is not in package.json's files"
    generated = {release.NPM_GENERATED, "dist/", "CHANGELOG.md"}
    assert shipped - {p.name for p in (ROOT / "npm").iterdir()} == generated
    for target in package["exports"].values():
        for path in (target.values() if isinstance(target, dict) else [target]):
            assert path.removeprefix("./").split("/")[0] in {*shipped, "dist", "package.json"}, path
