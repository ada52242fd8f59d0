"""Build a release of Veil into release/ (`./dev release`): every artifact of one version.

Rules: refuses a tree with changes git has not committed (tracked files changed, untracked files
not ignored), naming them, unless --allow-dirty. The version is the contract's
(sdk/veil/contract.py VERSION, which is veil.__version__): the wheel's, the sdist's, the bundle
manifest's and the npm package's; CHANGELOG.md must have an entry for it ("## <version>"). The
sources are the files git lists (tracked, and untracked ones not ignored), copied into a staging
directory, so nothing ignored (caches, databases, a stale dist/) reaches an artifact. dist/ is
built afresh (build.py) into the staging copy. release/ is written from scratch:

  veil-<version>-py3-none-any.whl   the pip package: the core, veil.testing, the commands
                                    (python -m veil.allowlist, …), veil.integrations, the collector
                                    and proxy (extras collector, postgres, proxy, …), and the built
                                    browser bundle as package data (veil/dist/, veil.bundle). Built
                                    from the sdist, which proves the sdist whole.
  veil-<version>.tar.gz             the sdist: the sources and the built bundle (no Node needed)
  veil-replay-<version>.tgz         the npm package (npm pack of npm/, the bundle in its dist/, and
                                    bundle.mjs: the loader snippet's code, veil.js's integrity)
  CHANGELOG.md, SHA256SUMS

Not to be confused with the *browser's* wheel of the core, which build.py writes into
dist/runtime-<hash>/python/ (for Pyodide): the pip wheel carries it inside its bundle, as data.

Usage: python release.py [--out DIR] [--allow-dirty]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent
CHANGELOG = ROOT / "CHANGELOG.md"
NPM_SOURCES = ROOT / "npm"
NPM_GENERATED = "bundle.mjs"
PACKAGE_BUNDLE = Path("sdk") / "veil" / "dist"  # where the sdist and wheel carry the built bundle


class ReleaseError(RuntimeError):
    pass


@cache
def load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("veil_build", ROOT / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def uncommitted(root: Path) -> list[str]:
    """The paths git reports as changed or untracked (ignored files are not reported)."""
    return [line[3:] for line in git(root, "status", "--porcelain=v1", "--untracked-files=all").splitlines() if line.strip()]


def check_clean(root: Path) -> None:
    changes = uncommitted(root)
    if changes:
        shown = "\n  ".join(changes[:20]) + ("\n  …" if len(changes) > 20 else "")
        raise ReleaseError(f"the tree has {len(changes)} uncommitted change(s); a release is built from committed "
                           f"sources only (commit them, or pass --allow-dirty to build from the tree as it is):\n  {shown}")


def source_files(root: Path) -> list[str]:
    """What git lists: tracked files (as they are in the tree) and untracked ones not ignored."""
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    return sorted(name for name in set(listed) if name and (root / name).is_file())


def stage_sources(root: Path, destination: Path) -> None:
    for name in source_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)


def version(root: Path = ROOT) -> str:
    """The contract's version, checked equal to veil.__version__ as pyproject reads it."""
    init = (root / "sdk" / "veil" / "__init__.py").read_text()
    found = re.search(r'^__version__ = "([^"]+)"$', init, re.MULTILINE)
    if not found:
        raise ReleaseError("sdk/veil/__init__.py has no __version__")
    contract = (root / "sdk" / "veil" / "contract.py").read_text()
    if not re.search(r"^VERSION: str = __version__$", contract, re.MULTILINE):
        raise ReleaseError("sdk/veil/contract.py's VERSION is no longer veil.__version__: release.py reads the version there")
    return found.group(1)


def changelog_entry(text: str, wanted: str) -> str:
    """The CHANGELOG's entry for ``wanted`` (its "## <version>" heading to the next "## ")."""
    lines = text.splitlines()
    heading = re.compile(r"^## \[?" + re.escape(wanted) + r"\]?(\s|$)")
    for i, line in enumerate(lines):
        if heading.match(line):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
            return "\n".join(lines[i:end]).strip()
    raise ReleaseError(f"CHANGELOG.md has no entry for {wanted} (a '## {wanted}' heading): write what this version changes")


# --- the Python package --------------------------------------------------------------------------

# Run in the staging directory by this interpreter (setuptools from the build extra): PEP 517's
# hooks, as `python -m build` would call them, without fetching anything.
SDIST = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
WHEEL = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"


def _hook(code: str, source: Path, out: Path) -> Path:
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=source, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ReleaseError(f"building in {source} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return out / done.stdout.strip().splitlines()[-1]


def python_artifacts(source: Path, out: Path, work: Path) -> tuple[Path, Path]:
    """The sdist of ``source`` (a staged tree with the bundle in sdk/veil/dist), and the wheel built
    from that sdist."""
    sdist = _hook(SDIST, source, out)
    unpacked = work / "sdist"
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (tree,) = unpacked.iterdir()
    wheel = _hook(WHEEL, tree, out)
    return sdist, wheel


# --- the npm package -----------------------------------------------------------------------------

LOADER_CALL = re.compile(r'^\((function \(w, d, src, integrity\) \{\n.*\n\})\)\(window, document, "[^"]*", "__VEIL_INTEGRITY__"\);\s*$',
                         re.DOTALL)


def npm_bundle_module(loader_source: str, integrity: str, release_version: str) -> str:
    """bundle.mjs of the npm package: the loader snippet's function (shim/loader.js, unchanged:
    the ESM entry calls it with the site's base URL), veil.js's integrity and the version."""
    found = LOADER_CALL.match(loader_source)
    if not found:
        raise ReleaseError("shim/loader.js is no longer `(function (w, d, src, integrity) {…})(window, document, \"…\", "
                           "\"__VEIL_INTEGRITY__\");`: release.py's npm entry calls that function")
    return ("// Generated by release.py from shim/loader.js and the bundle's manifest: do not edit.\n"
            f"export const VERSION = {json.dumps(release_version)};\n"
            f"/** veil.js's SRI value in this package's dist/. */\nexport const INTEGRITY = {json.dumps(integrity)};\n"
            "/** The loader snippet (shim/loader.js): queue calls on a stub window.Veil, load veil.js after the load event. */\n"
            f"export const runLoader = {found.group(1)};\n")


def npm_artifact(dist: Path, out: Path, work: Path, release_version: str, loader_source: str) -> Path:
    """``npm pack`` of npm/ with the bundle as dist/, the generated bundle.mjs and the version."""
    staging = work / "npm"
    shutil.copytree(NPM_SOURCES, staging)
    shutil.copytree(dist, staging / "dist")
    if CHANGELOG.exists():
        shutil.copy2(CHANGELOG, staging / "CHANGELOG.md")
    manifest = json.loads((dist / "manifest.json").read_text())
    (staging / NPM_GENERATED).write_text(npm_bundle_module(loader_source, manifest["files"]["veil.js"]["sha384"], release_version))
    package = json.loads((staging / "package.json").read_text())
    package["version"] = release_version
    (staging / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    npm = shutil.which("npm")
    if npm is None:
        raise ReleaseError("npm is missing (./dev installs it)")
    done = subprocess.run([npm, "pack", "--json", "--pack-destination", str(out.resolve())], cwd=staging,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ReleaseError(f"npm pack failed:\n{done.stderr[-3000:]}")
    return out / json.loads(done.stdout)[0]["filename"]


# --- the release ---------------------------------------------------------------------------------

def release(out: Path, *, allow_dirty: bool = False, dist: Path | None = None, root: Path = ROOT) -> list[Path]:
    """Write every artifact into ``out`` (emptied first) and return their paths. ``dist``: a bundle
    already built from this tree (the tests pass theirs); default: build one afresh."""
    if not allow_dirty:
        check_clean(root)
    release_version = version(root)
    changelog_entry(CHANGELOG.read_text() if CHANGELOG.exists() else "", release_version)
    with tempfile.TemporaryDirectory(prefix="veil-release-") as tmp:
        work = Path(tmp)
        source = work / "source"
        stage_sources(root, source)
        bundle = source / PACKAGE_BUNDLE
        if dist is None:
            load_build().build(bundle)
        else:
            shutil.copytree(dist, bundle)
        manifest = json.loads((bundle / "manifest.json").read_text())
        if manifest.get("version") != release_version:
            raise ReleaseError(f"the bundle is version {manifest.get('version')}, the contract {release_version}: rebuild it")
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        sdist, wheel = python_artifacts(source, out, work)
        tarball = npm_artifact(bundle, out, work, release_version, load_build().loader_snippet())
    (out / "CHANGELOG.md").write_text(CHANGELOG.read_text())
    artifacts = [wheel, sdist, tarball]
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in artifacts)
    (out / "SHA256SUMS").write_text(sums)
    return [*artifacts, out / "CHANGELOG.md", out / "SHA256SUMS"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "release", help="output directory (default: release/)")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="build from the tree as it is, uncommitted changes included (not for publishing)")
    args = parser.parse_args(argv)
    try:
        artifacts = release(args.out, allow_dirty=args.allow_dirty)
    except (ReleaseError, load_build().BuildError) as err:
        print(f"release.py: {err}", file=sys.stderr)
        return 1
    print(f"Veil {version()}: {args.out}")
    for path in artifacts:
        print(f"  {path.name:40} {path.stat().st_size / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
