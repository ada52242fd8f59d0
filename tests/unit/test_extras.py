"""`veil-collector` and `veil-proxy` run from a fresh install of their extra, and say which extra
is missing when it is not installed.

Each command's extra in pyproject.toml must provide every third-party module its code imports (a
function-level import and ``import_module("name")`` count too), and a command started without its
extra exits with one line naming the extra to install, never an import traceback.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib

import pytest

from tests.helpers import ROOT
from tests.unit.test_import_graph import SDK, python_graph
from veil_collector.extras import needs_extra

OURS = {"veil", "veil_collector", "veil_proxy"}
# storage/__init__ imports the PostgreSQL backend only when a postgresql:// URL is opened.
LAZY_POSTGRES = ("veil_collector.storage", "veil_collector.storage.postgres")
# `veil-collector mcp` imports the MCP server (the mcp extra) only when that subcommand runs.
LAZY_AGENT = ("veil_collector.__main__", "veil_collector.agent")
_IMPORT_MODULE = re.compile(r'''import_module\(\s*["']([A-Za-z_][\w.]*)["']''')


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def extra_distributions(extra: str) -> set[str]:
    """The distributions ``pip install 'veil[extra]'`` installs by name (the base dependencies,
    the extra's, and those of every ``veil[...]`` it names)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    found: set[str] = set()
    todo, seen = [extra], set()
    requirements = list(project["dependencies"])
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for requirement in extras[name]:
            self_ref = re.fullmatch(r"veil\[([^\]]+)\]", requirement)
            if self_ref:
                todo.extend(part.strip() for part in self_ref.group(1).split(","))
            else:
                requirements.append(requirement)
    for requirement in requirements:
        found.add(_normal(re.split(r"[\[=<>~! ;]", requirement, maxsplit=1)[0]))
    return found


def reached(roots: set[str], *skip_edges: tuple[str, str]) -> set[str]:
    """The sdk modules ``roots`` import, directly or not (every import counts, as in the graph test)."""
    graph = python_graph()
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(child for child in graph.get(name, ()) if (name, child) not in skip_edges)
    return seen


def third_party(modules: set[str]) -> set[str]:
    """The top-level names of the non-standard, non-Veil modules these sdk modules import."""
    names: set[str] = set()
    for module in modules:
        base = SDK.joinpath(*module.split("."))
        path = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
        names.update(name.partition(".")[0] for name in _IMPORT_MODULE.findall(source))
    return {n for n in names if n not in OURS and n not in sys.stdlib_module_names and n != "__future__"}


def distributions_of(names: set[str]) -> dict[str, set[str]]:
    """Each imported name's distributions (an unknown name maps to itself, and fails the check)."""
    known = importlib.metadata.packages_distributions()
    return {name: {_normal(d) for d in known.get(name, [name])} for name in names}


def _collector_modules() -> set[str]:
    modules = {name for name in python_graph() if name.split(".")[0] == "veil_collector"}
    return modules - {LAZY_POSTGRES[1], LAZY_AGENT[1]}


COMMANDS = {
    "collector": lambda: reached(_collector_modules(), LAZY_POSTGRES, LAZY_AGENT),
    "mcp": lambda: reached({LAZY_AGENT[1]}, LAZY_POSTGRES),
    "postgres": lambda: reached({LAZY_POSTGRES[1]}),
    "proxy": lambda: reached({"veil_proxy", "veil_proxy.__main__", "veil_proxy.app"}),
}


@pytest.mark.parametrize("extra", sorted(COMMANDS))
def test_each_extra_provides_every_module_its_command_imports(extra):
    provided = extra_distributions(extra)
    missing = {name: dists for name, dists in distributions_of(third_party(COMMANDS[extra]())).items()
               if not dists & provided}
    assert missing == {}, f"add these to the {extra!r} extra in pyproject.toml"


def test_the_checks_see_what_they_check():
    assert {"starlette", "orjson", "cryptography", "isal", "uvicorn"} <= third_party(COMMANDS["collector"]())
    assert "psycopg" not in third_party(COMMANDS["collector"]())
    assert "mcp" not in third_party(COMMANDS["collector"]()) and "mcp" in third_party(COMMANDS["mcp"]())
    assert {"psycopg", "psycopg_pool"} <= third_party(COMMANDS["postgres"]())
    # The proxy's sign-in form is parsed by Starlette with python-multipart (checked by its command).
    assert {"starlette", "httpx2", "python_multipart"} <= third_party(COMMANDS["proxy"]())
    assert "orjson" not in third_party(COMMANDS["proxy"]())
    assert "python-multipart" in extra_distributions("proxy")
    assert "psycopg" in extra_distributions("postgres") and "starlette" in extra_distributions("postgres")


def test_a_missing_third_party_module_names_the_extra():
    with pytest.raises(SystemExit) as exit_info, needs_extra("veil-proxy", "proxy"):
        import_name = "no_such_module_for_veil_tests"
        __import__(import_name)
    assert str(exit_info.value) == ("veil-proxy needs the Python package 'no_such_module_for_veil_tests', which is not "
                                    "installed: pip install 'veil[proxy]'")


def test_a_missing_module_of_veil_is_raised_as_it_is():
    with pytest.raises(ModuleNotFoundError), needs_extra("veil-collector", "collector"):
        __import__("veil_collector.no_such_module")


def _run_without(hidden: str, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command's main with ``hidden`` impossible to import (as if its extra were not installed)."""
    code = (f"import sys; sys.modules[{hidden!r}] = None; sys.argv = [{command!r}, *{list(args)!r}]; "
            f"from {command.replace('-', '_')}.__main__ import main; main()")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)


@pytest.mark.parametrize(("hidden", "command", "args", "extra"), [
    ("orjson", "veil-collector", ("--db", "/nonexistent/never-opened.sqlite3"), "collector"),
    ("starlette", "veil-collector", (), "collector"),
    ("psycopg", "veil-collector", ("--database", "postgresql://nobody@127.0.0.1:1/none"), "postgres"),
    ("httpx2", "veil-proxy", ("--collector", "http://127.0.0.1:1/v1/batches"), "proxy"),
    ("python_multipart", "veil-proxy", ("--collector", "http://127.0.0.1:1/v1/batches"), "proxy"),
    ("mcp", "veil-collector", ("mcp", "--db", "/nonexistent/never-opened.sqlite3"), "mcp"),
])
def test_a_command_without_its_extra_says_which_to_install(hidden, command, args, extra):
    done = _run_without(hidden, command, *args)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [
        (f"{command}{ {'postgres': ' --database postgresql://…', 'mcp': ' mcp'}.get(extra, '')} needs the Python package {hidden!r}, "
         f"which is not installed: pip install 'veil[{extra}]'")]


def test_help_needs_no_extra():
    for command in ("veil-collector", "veil-proxy"):
        done = _run_without("starlette", command, "--help")
        assert done.returncode == 0 and done.stdout.startswith(f"usage: {command}"), done.stderr
