"""What the command line imports: `rescomm --help` (and every command's --help) none of the heavy
libraries; `rescomm geo lookup` pandas and pyarrow but not scipy, shapely or pyproj. The start-up
time itself is measured by benchmarks/bench_cli.py (no timing assertions here)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "pandas", "scipy", "shapely", "pyproj", "pyarrow", "django", "yaml")

_RUN = """
import json, sys
from rescomm.cli import cli
for argv in {argvs!r}:
    try:
        cli.main(argv, prog_name="rescomm", standalone_mode=False)
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def _imported(*argvs: list[str]) -> list[str]:
    """Heavy modules in ``sys.modules`` after running each ``argv`` in one fresh process."""
    proc = subprocess.run([sys.executable, "-c", _RUN.format(argvs=list(argvs), heavy=HEAVY)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def _all_command_paths() -> list[list[str]]:
    import click

    from rescomm.cli import cli

    def walk(group: click.Group, prefix: list[str]):
        for name, command in group.commands.items():
            yield [*prefix, name]
            if isinstance(command, click.Group):
                yield from walk(command, [*prefix, name])

    return list(walk(cli, []))


def test_rescomm_help_imports_no_heavy_library():
    assert _imported(["--help"]) == []


def test_no_command_help_imports_a_heavy_library():
    assert _imported(*[[*path, "--help"] for path in _all_command_paths()]) == []


def test_geo_lookup_imports_only_what_a_postcode_look_up_needs():
    assert _imported(["geo", "lookup", "L1 8JQ"]) == ["numpy", "pandas", "pyarrow"]


def test_importing_the_core_packages_imports_no_heavy_library_until_a_name_is_used():
    code = ("import sys, rescomm.geo, rescomm.data, rescomm.measure, rescomm.stats\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
