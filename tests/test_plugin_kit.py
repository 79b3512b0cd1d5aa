"""The kit for plugin authors: the guide's hook reference, the example package, the skeleton.

The example and a fresh skeleton are installed with pip into a temporary virtual environment
that sees the project's packages, and exercised there in subprocesses, from the outside, the
way an operator who installs a third party's plugin would.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from core import hookdocs
from core.app import create_app
from core.cli import main
from core.plugin_skeleton import RESERVED_NAMES
from core.testing import LEAVE_OUT_VARIABLE, in_tree_plugins, process_environ, unavailable

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
EXAMPLE = ROOT / "examples" / "smartcity-pam-jaya"
# What a complaint, a page and the catalogue look like from inside an environment's app,
# built the way `smartcity run` builds it: plugins found through their entry points.
PROBE = """
import json, sys
from gevent import monkey
monkey.patch_all()
from core.app import create_app

client = create_app().test_client()
category, page_path = sys.argv[1:3]
report = {"category": category, "description": "Air mati sejak pagi",
          "lat": -6.1754, "lon": 106.8272}
created = client.post("/api/v1/complaints", json=report)
page = client.get(page_path)
print(json.dumps({
    "categories": [item["code"] for item in client.get("/api/v1/categories").json],
    "created": {"status": created.status_code, "body": created.json},
    "page": {"status": page.status_code, "text": page.get_data(as_text=True)},
}))
"""
# Where the test services are, and which in-tree plugin the tests leave out (the environment's
# `smartcity` runs without it too).
TEST_SETTINGS = (
    "SMARTCITY_TEST_POSTGRES_URL",
    "SMARTCITY_TEST_REDIS_URL",
    "SMARTCITY_TEST_DATABASES",
    LEAVE_OUT_VARIABLE,
)
# Reached when pip finds no build backend (setuptools) on any index it may use.
NO_INDEX = re.compile(r"No matching distribution found for setuptools|Failed to establish")


class PluginEnvironment:
    """A virtual environment on top of the project's packages, into which pip installs
    plugins; ``smartcity`` runs there as ``python -m core.cli``, the console script's code."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefix = root / "venv"
        self.python = self.prefix / "bin" / "python"
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(self.prefix)], check=True
        )
        # The project's site-packages is itself a venv's, which --system-site-packages would
        # not reach: add it as a site directory, so its .pth files (the editable install of
        # smartcity) count too. pip comes from there as well.
        own = sysconfig.get_path("purelib", vars={"base": str(self.prefix)})
        project = sysconfig.get_path("purelib")
        Path(own, "smartcity-project.pth").write_text(
            f"import site; site.addsitedir({project!r})\n"
        )

    def environ(self, **settings: str) -> dict[str, str]:
        """The caller's environment without its smartcity settings (which plugins load, which
        database), plus ``settings``; the test settings stay."""
        environ = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("SMARTCITY_") or name in TEST_SETTINGS
        }
        environ.pop("PYTHONPATH", None)
        environ["SMARTCITY_INSTANCE_PATH"] = str(self.root / "instance")
        return process_environ(environ, **settings)

    def run(
        self, arguments: list[str], cwd: Path | None = None, **settings: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.python), *arguments],
            cwd=cwd or self.root,
            env=self.environ(**settings),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def pip_install(self, project: Path) -> Path:
        """Install a copy of the project (its build leaves files beside the sources), alone:
        its dependency, smartcity, is there already. Returns the copy."""
        copy = self.root / "sources" / project.name
        leftovers = shutil.ignore_patterns("*.egg-info", "build", "__pycache__", ".*cache")
        shutil.copytree(project, copy, ignore=leftovers)
        installed = self.run(["-m", "pip", "install", "--no-deps", "--quiet", str(copy)])
        if installed.returncode != 0 and NO_INDEX.search(installed.stdout + installed.stderr):
            unavailable(f"pip cannot fetch a build backend: {installed.stderr[-300:]}")
        assert installed.returncode == 0, installed.stdout + installed.stderr
        return copy

    def pytest(self, project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
        """The project's own tests, on its own pytest settings (``-p core.testing``)."""
        return self.run(["-m", "pytest", "-q", "-p", "no:cacheprovider", *arguments], cwd=project)

    def smartcity(self, *arguments: str, **settings: str) -> str:
        finished = self.run(["-m", "core.cli", *arguments], **settings)
        assert finished.returncode == 0, finished.stdout + finished.stderr
        return finished.stdout

    def probe(self, category: str, page: str, **settings: str) -> dict:
        finished = self.run(["-c", PROBE, category, page], **settings)
        assert finished.returncode == 0, finished.stderr
        return json.loads(finished.stdout.splitlines()[-1])


def listing(output: str) -> dict[str, list[str]]:
    """`smartcity plugins` as {plugin: [its "name version", "hooks: ...", "routes: ..."]}."""
    plugins: dict[str, list[str]] = {}
    for line in output.splitlines():
        if not line.startswith(" "):
            plugins[line.split()[0]] = [line]
        else:
            plugins[list(plugins)[-1]].append(" ".join(line.split()))
    return plugins


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def core_imports_outside_the_public_surface(package: Path) -> list[str]:
    """Core modules a package's code imports that the docstring of core/__init__.py does not
    list as public (``core.db.session`` makes ``core.db`` public)."""
    import core

    public = set(re.findall(r"``(core(?:\.\w+)*)", core.__doc__ or ""))
    allowed = {"core"} | {name.rpartition(".")[0] for name in public} | public
    return [
        f"{path.relative_to(package)} imports {module}"
        for path in package.rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("core.") and module not in allowed
    ]


# --- the guide ------------------------------------------------------------------------------


def test_guide_hook_reference_is_generated_from_the_hookspecs():
    guide = GUIDE.read_text(encoding="utf-8")
    assert hookdocs.updated(guide) == guide, "docs/plugins.md is out of date: run `make docs`"


def test_hook_reference_says_how_each_hook_answers_and_fences_examples():
    reference = hookdocs.render_reference()
    route = reference.split("#### `route_complaint`")[1].split("####")[0]
    assert "def route_complaint(draft: ComplaintDraft) -> RoutingDecision | None" in route
    assert "the first answer that is not None wins (`firstresult`)" in route
    assert "- `draft`: the validated complaint" in route
    assert "```python\n@hookimpl\ndef route_complaint(draft):" in route
    created = reference.split("#### `complaint_created`")[1].split("####")[0]
    assert "nothing: an event every plugin hears" in created
    assert reference.index("### Start-up") < reference.index("#### `register_agencies`")


# --- the example package --------------------------------------------------------------------


def test_example_imports_only_core_public_surface():
    assert core_imports_outside_the_public_surface(EXAMPLE / "smartcity_pam_jaya") == []


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[PluginEnvironment, Path]:
    """An environment with the example installed by pip, and the sources it was built from."""
    environment = PluginEnvironment(tmp_path_factory.mktemp("example"))
    return environment, environment.pip_install(EXAMPLE)


# The example's and the skeleton's categories reach their agencies by routing rules.
@pytest.mark.needs_plugins("routing")
def test_example_installed_with_pip_is_found_routes_serves_its_page_and_can_be_disabled(
    example,
):
    environment, _ = example
    plugins = listing(environment.smartcity("plugins"))
    assert plugins["pamjaya"] == [
        "pamjaya 0.1.0",
        "hooks: app_started, register_agencies, register_blueprints, register_categories, "
        "register_nav_links, register_routing_rules",
        "routes: /pamjaya",
    ]
    assert {name for name, _ in in_tree_plugins()} <= set(plugins)

    environment.smartcity("db", "upgrade")
    seen = environment.probe("pamjaya_no_water", "/pamjaya", SMARTCITY_PAMJAYA__HOTLINE="1500 123")
    assert {"pamjaya_no_water", "pamjaya_low_pressure", "pamjaya_water_quality"} <= set(
        seen["categories"]
    )
    assert seen["created"]["status"] == 201, seen["created"]
    complaint = seen["created"]["body"]
    assert (complaint["agency"], complaint["unit"]) == ("pamjaya", "distribusi")
    assert complaint["routing"]["rule"] == "pamjaya.supply"
    assert seen["page"]["status"] == 200
    assert "data-hotline>1500 123</a>" in seen["page"]["text"]
    assert 'href="/pamjaya"' in seen["page"]["text"]  # its link in the navigation

    disabled = {"SMARTCITY_DISABLE_PLUGINS": "pamjaya"}
    assert "pamjaya" not in listing(environment.smartcity("plugins", **disabled))
    gone = environment.probe("pamjaya_no_water", "/pamjaya", **disabled)
    assert not [code for code in gone["categories"] if code.startswith("pamjaya")]
    assert gone["created"]["status"] == 400
    assert "category" in gone["created"]["body"]["error"]["fields"]
    assert gone["page"]["status"] == 404


@pytest.mark.needs_plugins("routing")
def test_example_passes_its_own_tests_on_the_project_fixtures(example):
    environment, sources = example
    # On SQLite alone: the skeleton's test runs the fixtures on PostgreSQL too, and a second
    # throw-away PostgreSQL database would double this test's time for nothing new.
    tested = environment.pytest(sources, "-k", "not postgresql")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\b\d+ passed\b", tested.stdout), tested.stdout
    assert " failed" not in tested.stdout


# --- smartcity plugins new ------------------------------------------------------------------


def test_plugins_without_a_subcommand_lists_them_as_plugins_list_does(runner):
    listed = runner.invoke(main, ["plugins"])
    assert listed.exit_code == 0, listed.output
    assert listed.output == runner.invoke(main, ["plugins", "list"]).output
    plugins = listing(listed.output)
    assert all(plugins[name][0] == f"{name} 0.1.0" for name, _ in in_tree_plugins())


@pytest.mark.needs_plugins("routing")
def test_plugins_new_skeleton_installs_is_found_and_passes_its_own_test(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = CliRunner().invoke(main, ["plugins", "new", "parking"])
    assert written.exit_code == 0, written.output
    skeleton = tmp_path / "smartcity-parking"
    assert {
        path.relative_to(skeleton).as_posix() for path in skeleton.rglob("*") if path.is_file()
    } == {
        "pyproject.toml",
        "README.md",
        "smartcity_parking/__init__.py",
        "smartcity_parking/views.py",
        "smartcity_parking/templates/parking/index.html",
        "tests/test_parking.py",
    }
    assert core_imports_outside_the_public_surface(skeleton / "smartcity_parking") == []

    environment = PluginEnvironment(tmp_path / "environment")
    environment.pip_install(skeleton)
    plugins = listing(environment.smartcity("plugins"))
    assert plugins["parking"][0] == "parking 0.1.0"
    assert plugins["parking"][2] == "routes: /parking"

    tested = environment.pytest(skeleton)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\b[12] passed\b", tested.stdout), tested.stdout


@pytest.mark.parametrize(
    "name, message",
    [
        ("Parking", "lowercase letters and digits"),
        ("car-park", "lowercase letters and digits"),
        ("car__park", "single underscores"),
        ("9lives", "starting with a letter"),
        ("a" * 25, "at most 24 characters"),
        ("class", "reserved"),
        ("report", "reserved"),
        ("routing", "installed already"),
    ],
)
def test_plugins_new_refuses_a_name_no_plugin_may_have(tmp_path, monkeypatch, name, message):
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(main, ["plugins", "new", name])
    assert refused.exit_code != 0
    assert message in refused.output
    assert list(tmp_path.iterdir()) == []


def test_plugins_new_never_writes_over_an_existing_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "smartcity-parking").mkdir()
    (tmp_path / "smartcity-parking" / "pyproject.toml").write_text("# mine\n")
    refused = CliRunner().invoke(main, ["plugins", "new", "parking"])
    assert refused.exit_code != 0
    assert "exists already; nothing was written" in refused.output
    assert [path.name for path in (tmp_path / "smartcity-parking").iterdir()] == ["pyproject.toml"]
    assert (tmp_path / "smartcity-parking" / "pyproject.toml").read_text() == "# mine\n"


def test_reserved_names_cover_every_page_prefix_of_core(tmp_path):
    app = create_app(config={"instance_path": str(tmp_path)}, plugins=[])
    prefixes = {rule.rule.split("/")[1] for rule in app.url_map.iter_rules()} - {""}
    assert prefixes <= RESERVED_NAMES
