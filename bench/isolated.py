"""What every benchmark does around its run: none of this machine's ``SMARTCITY_`` settings, and
a temporary folder for its databases and instances, removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def run_isolated(name: str, benchmark: Callable[[Path], None]) -> None:
    """Run ``benchmark(workdir)`` with only the settings the script sets."""
    for variable in [variable for variable in os.environ if variable.startswith("SMARTCITY_")]:
        del os.environ[variable]
    workdir = Path(tempfile.mkdtemp(prefix=f"smartcity-bench-{name}-"))
    try:
        benchmark(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
