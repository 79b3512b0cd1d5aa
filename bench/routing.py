"""Routing decisions per second at 300 districts and 200 rules, against a bare Shapely lookup.

Builds the app in this process (``core.app.create_app``, every in-tree plugin)
on a temporary SQLite database, imports 300 synthetic districts through the
district importer (a made-up city over Jakarta's extent: 5 cities, 44 kecamatan,
251 kelurahan, nested, with irregular shared borders) and gives it operators'
rules from config, so that with the plugins' own rules there are 200. All of it
comes from a seeded random generator: every run routes the same complaints.

Each complaint (a point in the city, a category, a description, an hour of the
day) is decided as intake decides it: the ``route_complaint`` hook, inside an
app context, so pluggy, the routing plugin's hook, its district index (found
through its holder, as a request finds it), every rule tried and the triage
fallback are all measured. The bare loop does only what any router must: for the
same points, an STRtree query of the same 300 polygons (prepared) with the
``intersects`` predicate, one point at a time. The two take turns on the same
slices of points (bare, engine, engine, bare, ...) after a warm-up, so a change
in the machine's speed hits both alike. Target: the engine decides at least
half as many complaints per second as the bare loop looks up points.

    .venv/bin/python bench/routing.py [--points 60000] [--rounds 20] [--seed 2026]
"""

from __future__ import annotations

# Patch first, as every entry point does: the app is then the one a server runs.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from flask import Flask  # noqa: E402
from isolated import run_isolated  # noqa: E402
from sqlalchemy import select  # noqa: E402

from core import db  # noqa: E402
from core.app import create_app  # noqa: E402
from core.catalog import Catalog, catalog  # noqa: E402
from core.plugins import entry_points, hooks  # noqa: E402
from core.types import ComplaintDraft  # noqa: E402
from plugins.routing.districts import load_district_index  # noqa: E402
from plugins.routing.importer import import_districts  # noqa: E402
from plugins.routing.models import District  # noqa: E402
from plugins.routing.state import routing_state  # noqa: E402

TARGET_RATIO = 0.5
RULES = 200
CHECKED_POINTS = 2000  # where bare loop and routing index must agree, before timing
# Jakarta's extent (lon, lat); the districts tile it without gaps.
CITY_BOUNDS = (106.69, -6.37, 106.97, -6.09)
LEVEL_COUNTS = {"city": 5, "district": 44, "subdistrict": 251}
# Each district is a union of small Voronoi cells, so borders are irregular and shared.
VORONOI_CELLS = 6000
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")

PLACE_WORDS = (
    "pasar", "sekolah", "masjid", "terminal", "stasiun", "halte", "jembatan", "taman",
    "gang", "perumahan", "kantor kelurahan", "puskesmas", "rusun", "pertigaan", "lapangan",
)  # fmt: skip
KEYWORDS = (
    "sungai", "kali", "got", "selokan", "lubang", "aspal", "lampu", "mati", "genangan",
    "macet", "parkir", "trotoar", "pohon", "tumbang", "bau", "asap", "malam", "tawuran",
    "truk", "angkot", "ojek", "busway", "kabel", "bocor", "licin", "gelap", "liar", "anak",
)  # fmt: skip
EMERGENCY_WORDS = ("darurat", "kebakaran", "korban", "luka", "tenggelam")
HOUR_WINDOWS = ((22, 6), (6, 18), (8, 16), (18, 24), (0, 6), (7, 10), (16, 20))


# --- the city: 300 nested districts ----------------------------------------------------------


def voronoi_cells(rng: random.Random, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Random points over the city and their Voronoi cells within it, in the same order."""
    min_lon, min_lat, max_lon, max_lat = CITY_BOUNDS
    seeds = np.array(
        [(rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)) for _ in range(count)]
    )
    bounds = shapely.box(*CITY_BOUNDS)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=bounds)
    )
    seed_index, cell_index = shapely.STRtree(cells).query(shapely.points(seeds), predicate="within")
    ordered = np.empty(count, dtype=object)
    ordered[seed_index] = cells[cell_index]
    return seeds, shapely.intersection(ordered, bounds)


def split(rng: random.Random, seeds: np.ndarray, members: list[int], parts: int) -> list[list[int]]:
    """Cells split among ``parts`` of them chosen at random, each taking the cells nearest it."""
    centres = seeds[rng.sample(members, min(parts, len(members)))]
    distances = ((seeds[members][:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    owners = distances.argmin(axis=1)
    return [
        [cell for cell, owner in zip(members, owners, strict=True) if owner == part]
        for part in range(len(centres))
    ]


def shares(total: int, sizes: list[int]) -> list[int]:
    """``total`` split in proportion to ``sizes``, at least one each."""
    counts = [max(1, round(total * size / sum(sizes))) for size in sizes]
    counts[counts.index(max(counts))] += total - sum(counts)
    return counts


@dataclass(frozen=True)
class SyntheticDistrict:
    code: str
    name: str
    level: str
    parent: str | None
    geometry: shapely.Geometry


def synthetic_districts(rng: random.Random) -> list[SyntheticDistrict]:
    """Cities split into kecamatan split into kelurahan, each the union of its cells."""
    seeds, cells = voronoi_cells(rng, VORONOI_CELLS)
    districts: list[SyntheticDistrict] = []

    def add(code: str, level: str, parent: str | None, members: list[int]) -> None:
        name = f"{level.title()} {code.upper()}"
        districts.append(
            SyntheticDistrict(code, name, level, parent, shapely.coverage_union_all(cells[members]))
        )

    cities = split(rng, seeds, list(range(len(seeds))), LEVEL_COUNTS["city"])
    kecamatan_counts = shares(LEVEL_COUNTS["district"], [len(city) for city in cities])
    kecamatan: list[tuple[str, list[int]]] = []
    for city_number, (city, count) in enumerate(
        zip(cities, kecamatan_counts, strict=True), start=1
    ):
        city_code = f"c{city_number}"
        add(city_code, "city", None, city)
        for number, members in enumerate(split(rng, seeds, city, count), start=1):
            kecamatan.append((f"{city_code}-k{number:02d}", members))
            add(kecamatan[-1][0], "district", city_code, members)
    kelurahan_counts = shares(
        LEVEL_COUNTS["subdistrict"], [len(members) for _, members in kecamatan]
    )
    for (kecamatan_code, members), count in zip(kecamatan, kelurahan_counts, strict=True):
        for number, kelurahan in enumerate(split(rng, seeds, members, count), start=1):
            add(f"{kecamatan_code}-l{number:02d}", "subdistrict", kecamatan_code, kelurahan)
    return districts


def write_geojson(districts: list[SyntheticDistrict], path: Path) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"code": d.code, "name": d.name, "level": d.level, "parent": d.parent},
            "geometry": json.loads(shapely.to_geojson(d.geometry)),
        }
        for d in districts
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# --- the rules: what an operator of a city this size writes ----------------------------------


def operator_rules(
    rng: random.Random, catalog: Catalog, districts: list[SyntheticDistrict], count: int
) -> list[dict[str, Any]]:
    """``[[routing.rules]]`` entries: mostly one agency's categories in some districts.

    55 % area rules (categories and 1-3 districts of any level), 20 % keyword
    rules, 10 % hour rules (night shifts, some in one city), 10 % emergencies
    (keywords only, any category, high priority), 5 % rules with every condition.
    """
    by_agency: dict[str, list[str]] = {}
    for category in catalog.categories.values():
        by_agency.setdefault(category.agency, []).append(category.code)
    agencies = sorted(by_agency)
    codes_by_level = {
        level: [d.code for d in districts if d.level == level] for level in LEVEL_COUNTS
    }

    def some_districts(most: int) -> list[str]:
        level = rng.choices(list(LEVEL_COUNTS), weights=(15, 50, 35))[0]
        return rng.sample(codes_by_level[level], rng.randint(1, most))

    def some_categories() -> tuple[str, list[str]]:
        owner = rng.choice(agencies)
        chosen = rng.sample(by_agency[owner], min(len(by_agency[owner]), rng.randint(1, 2)))
        # One rule in five hands another agency's categories over (river trash to public works).
        return (owner if rng.random() < 0.8 else rng.choice(agencies)), chosen

    rules = []
    kinds = rng.choices(
        ("area", "keyword", "hours", "emergency", "every"), weights=(55, 20, 10, 10, 5), k=count
    )
    for number, kind in enumerate(kinds, start=1):
        agency, categories = some_categories()
        rule: dict[str, Any] = {
            "name": f"bench.{kind}-{number:03d}",
            "agency": agency,
            "categories": categories,
        }
        if kind == "area":
            rule.update(districts=some_districts(3), priority=rng.choice((0, 0, 0, 1)))
        elif kind == "keyword":
            rule.update(
                keywords=rng.sample(KEYWORDS, rng.randint(1, 3)), priority=rng.randint(0, 2)
            )
        elif kind == "hours":
            rule.update(hours=list(rng.choice(HOUR_WINDOWS)), priority=1)
            if rng.random() < 0.5:
                rule["districts"] = rng.sample(codes_by_level["city"], 1)
        elif kind == "emergency":
            del rule["categories"]
            rule.update(
                keywords=rng.sample(EMERGENCY_WORDS, rng.randint(1, 2)), priority=rng.randint(5, 10)
            )
        else:
            rule.update(
                districts=some_districts(2),
                keywords=rng.sample(KEYWORDS, 2),
                hours=list(rng.choice(HOUR_WINDOWS)),
                priority=3,
            )
        rules.append(rule)
    return rules


def in_tree_plugins() -> list[tuple[str, object]]:
    """Every plugin of setup.cfg, handed over explicitly, as the tests do."""
    return [
        (point.name, point.load()) for point in entry_points() if point.value.startswith("plugins.")
    ]


# --- the complaints ---------------------------------------------------------------------------


def complaints(
    rng: random.Random, catalog: Catalog, count: int, timezone: ZoneInfo
) -> list[ComplaintDraft]:
    """Drafts as intake makes them: a point, a category, a description and when it was reported.

    About a third of the descriptions carry a word some rule looks for; 3 % an emergency word.
    """
    min_lon, min_lat, max_lon, max_lat = CITY_BOUNDS
    categories = list(catalog.categories.values())
    midnight = datetime(2026, 11, 28, tzinfo=timezone)
    drafts = []
    for _ in range(count):
        category = rng.choice(categories)
        words = rng.sample(KEYWORDS, rng.choice((0, 0, 1, 2)))
        if rng.random() < 0.03:
            words.append(rng.choice(EMERGENCY_WORDS))
        description = (
            f"{category.name_id} di dekat {rng.choice(PLACE_WORDS)} sejak {rng.randint(1, 9)} hari"
            + "".join(f", {word}" for word in words)
            + ", mohon segera ditindaklanjuti."
        )
        point = (rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon))
        reported_at = midnight + timedelta(seconds=rng.randrange(86_400))
        drafts.append(catalog.draft(category, description, point, reported_at))
    return drafts


# --- the two loops ----------------------------------------------------------------------------


def bare_lookups(tree: shapely.STRtree, drafts: Sequence[ComplaintDraft]) -> int:
    """The floor: the polygons holding each point, found with one STRtree query each."""
    found = 0
    for draft in drafts:
        found += len(tree.query(shapely.Point(draft.lon, draft.lat), predicate="intersects"))
    return found


def engine_decisions(route: Callable[..., Any], drafts: Sequence[ComplaintDraft]) -> int:
    """The routing hook on each complaint, as ``core.complaints.route`` calls it."""
    for draft in drafts:
        route(draft=draft)
    return len(drafts)


@dataclass
class Loop:
    """One of the two loops, and the slices of points it has been timed on."""

    name: str
    run: Callable[[Sequence[ComplaintDraft]], int]
    seconds: float = 0.0
    own_cpu: float = 0.0
    machine_cpu: float = 0.0
    points: int = 0

    def timed(self, points: Sequence[ComplaintDraft]) -> float:
        """Run on a slice of points; return the slice's rate per second."""
        machine_before, own_before = machine_cpu_seconds(), time.process_time()
        started = time.perf_counter()
        self.run(points)
        elapsed = time.perf_counter() - started
        self.seconds += elapsed
        self.own_cpu += time.process_time() - own_before
        self.machine_cpu += machine_cpu_seconds() - machine_before
        self.points += len(points)
        return len(points) / elapsed

    @property
    def rate(self) -> float:
        return self.points / self.seconds

    @property
    def others_cpu(self) -> float:
        """CPU used by other processes meanwhile, as a share of one core."""
        return max(self.machine_cpu - self.own_cpu, 0.0) / self.seconds


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND


# --- the benchmark ---------------------------------------------------------------------------


def build_app(workdir: Path, rules: list[dict[str, Any]]) -> Flask:
    """The app on a migrated SQLite database in ``workdir``, with ``rules`` as the operator's."""
    settings = {
        "instance_path": str(workdir / "instance"),
        "database_url": f"sqlite:///{workdir / 'smartcity.sqlite3'}",
        "rate_limit_enabled": False,
        "routing": {"rules": rules},
    }
    app = create_app(config=settings, plugins=in_tree_plugins())
    with app.app_context():
        db.database().upgrade()
    return app


def plugins_rules_and_catalog(workdir: Path) -> tuple[int, Catalog]:
    """How many rules the plugins register themselves, and their catalogue."""
    app = build_app(workdir, [])
    with app.app_context():
        return len(routing_state().engine.rules), catalog()


def import_city(app: Flask, geojson: Path) -> None:
    """The districts through the importer, as ``smartcity import districts`` stores them."""
    with app.app_context():
        session = db.session()
        import_districts(session, geojson)
        session.commit()


def stored_tree(app: Flask) -> tuple[shapely.STRtree, list[str]]:
    """The stored polygons, prepared, in an STRtree; and their codes in the same order."""
    with app.app_context():
        rows = db.session().execute(select(District.code, District.geometry)).all()
    geometries = shapely.from_wkb([geometry for _, geometry in rows])
    shapely.prepare(geometries)
    return shapely.STRtree(geometries), [code for code, _ in rows]


def check_same_districts(
    app: Flask, tree: shapely.STRtree, codes: list[str], drafts: Sequence[ComplaintDraft]
) -> float:
    """The bare loop finds the districts the routing index finds; return districts per point."""
    with app.app_context():
        index = load_district_index(db.session())
    found = 0
    for draft in drafts:
        bare = {
            codes[i]
            for i in tree.query(shapely.Point(draft.lon, draft.lat), predicate="intersects")
        }
        ours = {district.code for district in index.locate(draft.lat, draft.lon)}
        if bare != ours:
            raise RuntimeError(
                f"bare and routing disagree at {draft.lat}, {draft.lon}: {bare} / {ours}"
            )
        found += len(bare)
    return found / len(drafts)


def describe_decisions(route: Callable[..., Any], drafts: Sequence[ComplaintDraft]) -> str:
    """Who decided: the operator's rules (from config), the plugins' own, or triage."""
    rules = Counter(route(draft=draft).rule for draft in drafts)
    by_config = sum(count for rule, count in rules.items() if rule.startswith("bench."))
    by_triage = rules.get("core.triage", 0)
    by_plugins = len(drafts) - by_config - by_triage
    return (
        f"decided by an operator's rule {by_config / len(drafts):.0%}, by a plugin's "
        f"{by_plugins / len(drafts):.0%}, by triage {by_triage / len(drafts):.0%}"
    )


def benchmark(args: argparse.Namespace, workdir: Path) -> None:
    rng = random.Random(args.seed)
    started = time.perf_counter()
    districts = synthetic_districts(rng)
    plugin_rules, city_catalog = plugins_rules_and_catalog(workdir / "probe")
    config_rules = operator_rules(rng, city_catalog, districts, RULES - plugin_rules)
    app = build_app(workdir, config_rules)
    import_city(app, write_geojson(districts, workdir / "districts.geojson"))
    timezone = ZoneInfo(app.config["SMARTCITY"]["timezone"])
    drafts = complaints(rng, city_catalog, args.points, timezone)
    tree, codes = stored_tree(app)

    vertices = [shapely.get_num_coordinates(d.geometry) for d in districts]
    levels = Counter(d.level for d in districts)
    with app.app_context():
        rules = len(routing_state().engine.rules)
        route = hooks(app).route_complaint
        print(
            f"{len(districts)} districts ({', '.join(f'{n} {lv}' for lv, n in levels.items())}; "
            f"median {statistics.median(vertices):.0f} vertices, max {max(vertices)}), "
            f"{rules} rules ({plugin_rules} from plugins, {len(config_rules)} from config), "
            f"{len(drafts)} complaints; set up in {time.perf_counter() - started:.1f} s"
        )
        per_point = check_same_districts(app, tree, codes, drafts[:CHECKED_POINTS])
        print(
            f"bare loop and routing index agree on {CHECKED_POINTS} points: "
            f"{per_point:.2f} districts a point"
        )
        print(describe_decisions(route, drafts[:CHECKED_POINTS]))
        compare(args, tree, route, drafts)


def compare(
    args: argparse.Namespace,
    tree: shapely.STRtree,
    route: Callable[..., Any],
    drafts: list[ComplaintDraft],
) -> None:
    """Warm both up, then alternate slices (bare, engine, engine, bare, ...) on the same points."""
    size = len(drafts) // args.rounds
    slices = [drafts[i * size : (i + 1) * size] for i in range(args.rounds)]
    bare = Loop("bare lookup", lambda points: bare_lookups(tree, points))
    engine = Loop("engine decision", lambda points: engine_decisions(route, points))
    for loop in (bare, engine):
        loop.run(slices[0][: size // 4])
    # As `smartcity run` does after start-up: long-lived objects out of the collector's way.
    gc.collect()
    gc.freeze()
    ratios = []
    for number, points in enumerate(slices):
        order = (bare, engine) if number % 2 == 0 else (engine, bare)
        rates = {loop.name: loop.timed(points) for loop in order}
        ratios.append(rates[engine.name] / rates[bare.name])
    print(f"\n{args.rounds} alternating slices of {size} points each; {os.cpu_count()} cores")
    print("                   per second   µs each   others' CPU")
    for loop in (bare, engine):
        print(
            f"  {loop.name:<15} {loop.rate:10,.0f} {1e6 / loop.rate:9.1f} {loop.others_cpu:12.0%}"
        )
    ratio = engine.rate / bare.rate
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    print(
        f"  ratio engine/bare: {ratio:.2f}  (slices: median {statistics.median(ratios):.2f}, "
        f"{min(ratios):.2f}-{max(ratios):.2f}; target >= {TARGET_RATIO:.2f}: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=60_000, help="complaints routed by each")
    parser.add_argument("--rounds", type=int, default=20, help="slices the points are cut into")
    parser.add_argument(
        "--seed", type=int, default=2026, help="seed of the city, rules and complaints"
    )
    args = parser.parse_args()
    run_isolated("routing", lambda workdir: benchmark(args, workdir))


if __name__ == "__main__":
    main()
