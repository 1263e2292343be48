"""bench/beacons.py: its wrk script makes every beacon a new reader, and its table says
which goals a run met and how many acknowledged beacons were lost."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from masthead.core.tests.processes import PROJECT


@pytest.fixture(scope="module")
def beacons():
    sys.path.insert(0, str(PROJECT / "bench"))  # as when run as a script: `import run` finds bench/run.py
    try:
        spec = importlib.util.spec_from_file_location("bench_beacons", PROJECT / "bench" / "beacons.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(PROJECT / "bench"))


def row(rps, **extra):
    return {"rps": rps, "p50_ms": 1.0, "p99_ms": 5.0, "errors": 0, "acknowledged_with_warm_up": 100, **extra}


def test_goals_compare_redis_with_the_bare_wsgi_rate_and_count_losses(beacons):
    rows = {
        beacons.ROW_SQLITE: row(1200, stored=100, lost=0),
        beacons.ROW_BARE: row(20000),
        beacons.ROW_NGINX: row(40000),
        beacons.ROW_REDIS: row(9000, stored=100, lost=0),
        beacons.ROW_KILLED: row(7000, stored=98, lost=2),
    }
    met = beacons.goals(rows)
    assert met[beacons.ROW_SQLITE][1] is True
    assert met[beacons.ROW_REDIS][1] is False  # 9,000/s is under half of 20,000/s
    assert met[beacons.ROW_KILLED][1] is False
    table = beacons.markdown({"when": "now", "machine": "2 cores", "duration": 5, "rows": rows})
    assert f"| {beacons.ROW_KILLED} | 7,000 | 1.00 | 5.00 | 0 | 100 | 98 | 2 |" in table
    assert "| reference: nginx `return 204` | 40,000 | 1.00 | 5.00 | 0 | 100 |  |  |  |" in table


def test_the_share_of_bare_is_the_median_of_the_alternating_pairs(beacons):
    """One pair passes or fails by the luck of its bare run on a shared machine: the
    median pair decides, and every Redis run must still reach 8,000/s."""
    rows = {
        beacons.ROW_BARE: row(30000),
        beacons.ROW_REDIS: row(13000, pairs=[[13000, 30000], [14000, 22000], [12600, 24000]]),
    }
    assert beacons.share_of_bare(rows) == pytest.approx(12600 / 24000)
    assert beacons.goals(rows)[beacons.ROW_REDIS][1] is True
    assert "median 52.50%" in beacons.markdown({"when": "now", "machine": "2 cores", "duration": 5, "rows": rows})
    rows[beacons.ROW_REDIS]["pairs"][2] = [7900, 15000]  # half of its bare run, but under 8,000/s
    assert beacons.goals(rows)[beacons.ROW_REDIS][1] is False
    rows[beacons.ROW_REDIS]["pairs"] = [[13000, 30000], [14000, 22000], [11000, 24000]]
    assert beacons.goals(rows)[beacons.ROW_REDIS][1] is False  # the median pair: 46%


def test_the_median_run_keeps_its_own_rate_and_the_counts_of_all_runs(beacons):
    runs = [row(9000, stored=100, lost=0), row(7000, stored=90, lost=2), row(8000, stored=95, lost=1)]
    middle = beacons.median_run(runs)
    assert (middle["rps"], middle["stored"], middle["lost"], middle["runs"]) == (8000, 285, 3, 3)


def test_the_bare_reference_runs_under_the_same_granian_command_as_serve(beacons, tmp_path):
    config = beacons.SimpleNamespace(host="127.0.0.1", port=8123, data_dir=tmp_path)
    bare = beacons.granian_command(config, application="bare_wsgi:application")
    served = beacons.granian_command(config)
    assert bare[:-1] == served[:-1] and served[-1] == "masthead.wsgi:application"


def test_each_wrk_run_sends_readers_of_its_own(beacons, tmp_path):
    scripts = [beacons.beacon_script(tmp_path, [5, 6])[1] for _ in range(2)]
    texts = [Path(path).read_text() for path in scripts]
    assert texts[0] != texts[1]  # another run number: other addresses
    assert "page=" in texts[0] and "X-Forwarded-For" in texts[0]


def test_the_bare_wsgi_reference_answers_204(beacons):
    probe = "import bare_wsgi, io; s=[]; r=bare_wsgi.application({'wsgi.input': io.BytesIO(b'page=1')}, lambda *a: s.append(a)); print(s[0][0], r)"
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT / "bench", capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "204 No Content []"
