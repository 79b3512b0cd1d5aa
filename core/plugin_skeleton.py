"""Write the skeleton of a plugin's own package: ``smartcity plugins new NAME``."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from pathlib import Path
from string import Template

# A plugin's name is its entry name, blueprint name, URL prefix, package suffix and config
# section; SMARTCITY_<NAME>__<KEY> splits on "__", so a name never holds two underscores.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
MAX_NAME_LENGTH = 24
# Core's own first path segments (a plugin's page is mounted at /<name>) and agency.
RESERVED_NAMES = frozenset(
    {
        "api",
        "complaints",
        "console",
        "core",
        "health",
        "language",
        "login",
        "logout",
        "media",
        "report",
        "static",
        "triage",
        "vendor",
    }
)

PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "$distribution"
version = "0.1.0"
description = "A smartcity plugin: $title."
readme = "README.md"
requires-python = ">=3.11"
# The platform it plugs into: install this package where smartcity runs from.
dependencies = ["smartcity>=0.1"]

# How smartcity finds the plugin: the entry name is the plugin's name, its blueprint's name
# and its config section ([$name], SMARTCITY_${upper}__<KEY>).
[project.entry-points."smartcity.plugins"]
$name = "$package"

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
$package = ["templates/*/*.html"]

[tool.pytest.ini_options]
# smartcity's own pytest plugin: the app, client, runner, make_account... fixtures.
addopts = "-p core.testing"
testpaths = ["tests"]

[tool.ruff]
line-length = 100
target-version = "py311"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF"]
"""

HOOKIMPLS = '''\
"""$title: a smartcity plugin (agency, category, routing rule, page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import hookimpl
from core.types import AgencySpec, CategorySpec, NavLink, RoutingRule

if TYPE_CHECKING:
    from flask import Blueprint

NAME = "$name"
# Codes are shared by every installed plugin (a duplicate stops the start): keep NAME in them.
AGENCY = "$name"
CATEGORY = "${name}_report"


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="$title",
            description="Who answers these reports.",
        ),
    ]


@hookimpl
def register_categories() -> list[CategorySpec]:
    return [
        CategorySpec(
            code=CATEGORY,
            agency=AGENCY,
            name_id="$title",
            name_en="$title",
        ),
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    return [RoutingRule(f"{NAME}.reports", AGENCY, categories=(CATEGORY,))]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from $package.views import pages

    return [pages]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("$title", f"/{NAME}")]
'''

VIEWS = '''\
"""The page at /$name: what residents can report to the agency."""

from __future__ import annotations

import flask
from core.catalog import catalog
from flask import render_template

from $package import AGENCY, NAME

# Named after the plugin: mounted at /$name, listed by `smartcity plugins`.
pages = flask.Blueprint(NAME, __name__, template_folder="templates")


@pages.get("")
def index() -> str:
    categories = [item for item in catalog().categories.values() if item.agency == AGENCY]
    agency = catalog().agencies[AGENCY]
    return render_template(
        "$name/index.html",
        agency=agency,
        categories=categories,
    )
'''

PAGE = """\
{% extends "base.html" %}
{% block title %}{{ agency.name }} · smartcity{% endblock %}
{% block content %}
<section class="page narrow">
  <h1>{{ agency.name }}</h1>
  <ul>
    {% for category in categories %}
    <li data-category="{{ category.code }}">
      {{ category.name_id if language == "id" else category.name_en }}
    </li>
    {% endfor %}
  </ul>
  <p><a href="/report">{{ _("Report a problem") }}</a></p>
</section>
{% endblock %}
"""

TEST = '''\
"""The plugin in an app built by smartcity's own test fixtures (core.testing)."""

from __future__ import annotations

import pytest
from core.testing import in_tree_plugins

import $package

MONAS = {"lat": -6.1754, "lon": 106.8272}  # Gambir, Jakarta Pusat


@pytest.fixture
def app_plugins():
    """The city's own plugins and this one, handed to the ``app`` fixture explicitly."""
    plugin = ("$name", $package)
    return [*in_tree_plugins(), plugin]


def test_its_category_reaches_its_agency_and_its_page_lists_it(client):
    report = {
        "category": "${name}_report",
        "description": "A first report",
        **MONAS,
    }
    created = client.post("/api/v1/complaints", json=report)
    assert created.status_code == 201, created.json
    assert created.json["agency"] == "$name"
    assert created.json["routing"]["rule"] == "$name.reports"
    page = client.get("/$name")
    assert page.status_code == 200
    assert 'data-category="${name}_report"' in page.text
'''

README = """\
# $distribution

A smartcity plugin, started with `smartcity plugins new $name`.

- `$package/__init__.py`: the hook implementations: an agency, a category, a routing rule,
  the page and its link in the navigation;
- `$package/views.py`, `$package/templates/$name/`: the page at `/$name`;
- `tests/`: tests on smartcity's own fixtures (`-p core.testing` in `pyproject.toml`).

Rename the agency `$name` and the category `${name}_report` for what the plugin brings: codes
are shared by every installed plugin, and a duplicate stops smartcity's start. The guide, with
every hook, is smartcity's `docs/plugins.md`.

Into the environment smartcity runs from:

```sh
pip install -e .
smartcity db upgrade   # syncs the plugin's agency and category into the database
smartcity plugins      # lists "$name 0.1.0" with its hooks and routes
python -m pytest
```

Settings: `[$name]` in smartcity's config file, or `SMARTCITY_${upper}__<KEY>`, read from
`app.config["SMARTCITY"]["$name"]`. `SMARTCITY_DISABLE_PLUGINS=$name` switches it off.
"""

FILES = {
    "pyproject.toml": PYPROJECT,
    "README.md": README,
    "$package/__init__.py": HOOKIMPLS,
    "$package/views.py": VIEWS,
    "$package/templates/$name/index.html": PAGE,
    "tests/test_$name.py": TEST,
}


def check_name(name: str, taken: Iterable[str] = ()) -> None:
    """Refuse a name that cannot be a plugin's, or that a plugin or core uses already."""
    if len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"{name!r}: a plugin's name is lowercase letters and digits, words joined by single"
            f" underscores, starting with a letter, at most {MAX_NAME_LENGTH} characters"
        )
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        raise ValueError(f"{name!r} is reserved: choose another name")
    if name in set(taken):
        raise ValueError(f"a plugin named {name!r} is installed already")


def write_skeleton(name: str, parent: Path, taken: Iterable[str] = ()) -> list[Path]:
    """Write ``smartcity-<name>/`` in ``parent``; refuse to touch one that exists."""
    check_name(name, taken)
    values = {
        "name": name,
        "upper": name.upper(),
        "title": name.replace("_", " ").capitalize(),
        "package": f"smartcity_{name}",
        "distribution": f"smartcity-{name.replace('_', '-')}",
    }
    root = parent / values["distribution"]
    if root.exists():
        raise FileExistsError(f"{root} exists already; nothing was written")
    written = []
    for relative, text in FILES.items():
        path = root / Template(relative).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
        written.append(path)
    return written
