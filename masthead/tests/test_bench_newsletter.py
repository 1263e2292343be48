"""bench/newsletter.py at a small size: one worker process sends an edition through the
aiosmtpd sink process, each subscriber once, and the table reports rate and memory."""

import importlib.util
import sys

import pytest

from masthead.core.tests.processes import PROJECT


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(PROJECT / "bench"))  # as when run as a script: `import run` finds bench/run.py
    try:
        spec = importlib.util.spec_from_file_location("bench_newsletter", PROJECT / "bench" / "newsletter.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(PROJECT / "bench"))


@pytest.mark.timeout_sensitive  # processes of their own, on a SQLite data folder of their own
def test_the_bench_sends_a_small_edition_once_to_everyone(bench, tmp_path):
    import run

    environment = run.production_environment(port=run.free_port(), data_dir=tmp_path / "data")
    bench.masthead(environment, "migrate", "-v", "0")
    row = bench.measure(environment, 300, tmp_path, timeout=120)
    assert row["accepted"] == row["distinct"] == 300
    assert row["edition_state"] == "sent"
    assert row["mails_per_second"] > 0 and row["worker_peak_rss_mb"] > 10
    table = bench.markdown({"when": "now", "machine": "2 cores", "rows": [row, {**row, "subscribers": 3000}]})
    assert "| 300 |" in table and "Peak memory from 300 to 3,000 subscribers: +0 MB." in table
