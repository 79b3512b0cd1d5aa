"""Meta-tests that keep the plugin architecture honest."""

from __future__ import annotations

import ast
import configparser
import inspect
from pathlib import Path

import pytest

from core import hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOK_NAMES = sorted(
    name
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(function, "smartcity_spec")
)


def declared_plugins() -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    lines = parser["options.entry_points"]["smartcity.plugins"].strip().splitlines()
    return dict(tuple(part.strip() for part in line.split("=")) for line in lines)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_core_never_imports_a_plugin():
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "core").rglob("*.py")
        for module in imported_modules(path)
        if module == "plugins" or module.startswith("plugins.")
    ]
    assert offenders == []


def test_every_plugin_package_is_declared_as_an_entry_point():
    packages = {
        path.parent.name for path in (ROOT / "plugins").glob("*/__init__.py") if path.is_file()
    }
    declared = declared_plugins()
    assert set(declared) == packages
    assert all(target == f"plugins.{name}" for name, target in declared.items())
    assert {"cctv", "routing", "police", "dispatch"} <= packages


def test_entry_points_are_installed_for_every_declared_plugin():
    from core.plugins import entry_points

    assert {ep.name for ep in entry_points()} >= set(declared_plugins())


def test_hook_names_follow_the_convention():
    for name in HOOK_NAMES:
        assert name.startswith(
            (
                "register_",
                "complaint_",
                "route_",
                "locate_",
                "find_",
                "assets_",
                "cameras_",
                "can_",
                "live_",
                "app_",
                "server_",
                "load_",
            )
        )


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_every_hookspec_documents_each_argument(name):
    spec = getattr(hookspecs, name)
    doc = inspect.getdoc(spec) or ""
    assert len(doc) > 80, f"{name} needs a docstring for plugin authors"
    for argument in inspect.signature(spec).parameters:
        assert f"{argument}:" in doc or f"``{argument}``" in doc, f"{name}: document {argument}"
    assert "Returns" in doc, f"{name}: say what it returns"


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_every_hook_has_its_own_test(name):
    test_files = [*(ROOT / "tests").rglob("test_*.py"), *(ROOT / "plugins").rglob("test_*.py")]
    sources = "\n".join(path.read_text() for path in test_files)
    assert f"def test_hook_{name}(" in sources


def test_plugins_import_only_core_public_surface():
    public = {
        "core",
        "core.types",
        "core.models",
        "core.db",
        "core.catalog",
        "core.plugins",
        "core.live",
        "core.auth",
        "core.errors",
        "core.schemas",
        "core.complaints",
        "core.changes",
        "core.serialize",
        "core.media",
        "core.leases",
        "core.sla",
        "core.geo",
        "core.geojson",
        "core.offices",
    }
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "plugins").rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for module in imported_modules(path)
        if module.startswith("core") and module not in public
    ]
    assert offenders == []


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
