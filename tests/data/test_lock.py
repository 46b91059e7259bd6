"""The writer lock, crashes and concurrent writers: no write is ever half-done or lost.

* ``kill -9`` of a build at several moments leaves the previous store intact and usable; the
  next build removes the dead build's files.
* ``kill -9`` of an import at several moments leaves the store either as it was or with the
  whole import (never part of a year), and its recorded row counts match.
* A build and an import started together both land: the import waits for the build's lock and
  then imports into the new store (it is not overwritten by the build's rename).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.data.ingest.test_trade import _write_release
from tests.factories import all_tables
from trust_minerals.data.integrity import verify_store
from trust_minerals.data.store import build_database, load_dataset, status

SRC = str(Path(__file__).resolve().parents[2] / "src")
ROOT = str(Path(__file__).resolve().parents[2])


def _spawn(code: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, ROOT])}
    return subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _kill_after(proc: subprocess.Popen[bytes], seconds: float) -> None:
    time.sleep(seconds)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()


def _trade_years(db: Path) -> dict[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT year, count(*) FROM trade GROUP BY year").fetchall())
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.5, 2.0, 5.0])
def test_kill_during_build_keeps_the_previous_store(
    built_db: Path, tmp_path: Path, delay: float
) -> None:
    db = tmp_path / "trust.duckdb"
    db.write_bytes(built_db.read_bytes())
    before = verify_store(db).table
    proc = _spawn(
        f"from trust_minerals.data.store import build_database; build_database({str(db)!r}, force=True)"
    )
    _kill_after(proc, delay)
    assert verify_store(db).table.equals(before)  # intact: every block, every recorded count
    assert len(load_dataset(db).production) > 0
    build_database(db, force=True)  # the next build cleans what the dead one left
    assert not list(tmp_path.glob(".trust.duckdb.building-*"))
    verify_store(db)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5])
def test_kill_during_import_is_all_or_nothing(tmp_path: Path, delay: float) -> None:
    from benchmarks.bench_trade import write_year_file

    db = tmp_path / "trust.duckdb"
    build_database(db, tables=all_tables)
    before = _trade_years(db)
    path = write_year_file(tmp_path, 2022, 1_500_000)
    proc = _spawn(
        "from trust_minerals.data.ingest.trade import import_baci; "
        f"import_baci([{str(path)!r}], {str(db)!r})"
    )
    _kill_after(proc, delay)
    after = _trade_years(db)
    assert after == before or (set(after) - set(before) == {2022} and after[2022] > 0)
    verify_store(db)  # the recorded trade count moved with the rows, or not at all
    # the import area never holds less than the store: the next build keeps what landed (and
    # applies an import killed between its manifest and its commit), never half a year
    kept = status(db)["imports"]
    if 2022 in after:
        assert kept[["year", "trade_rows", "in_store"]].values.tolist() == [
            [2022, after[2022], True]
        ]
    build_database(db, tables=all_tables)
    rebuilt = _trade_years(db)
    assert rebuilt == after or (len(kept) and rebuilt.get(2022) == int(kept["trade_rows"].iloc[0]))
    assert status(db)["imports"]["in_store"].all()
    after = rebuilt
    if after == before:  # an import after the crash succeeds (no stale lock, no stale WAL)
        from trust_minerals.data.ingest.trade import import_baci

        assert import_baci([path], db).rows > 0


@pytest.mark.slow
def test_a_build_and_an_import_started_together_both_land(tmp_path: Path) -> None:
    from trust_minerals.data.ingest.trade import import_baci

    db = tmp_path / "trust.duckdb"
    build_database(db, tables=all_tables)
    _write_release(tmp_path / "rel", 2022, seed=31)
    building = threading.Event()

    def slow_tables():  # type: ignore[no-untyped-def]
        building.set()
        time.sleep(1.0)  # the import starts while the build holds the lock
        return all_tables()

    t = threading.Thread(target=lambda: build_database(db, force=True, tables=slow_tables))
    t.start()
    building.wait()
    n = import_baci([tmp_path / "rel"], db, lock_timeout=60).rows
    t.join()
    assert n > 0 and _trade_years(db).get(2022) == n  # imported after the build, not lost
    verify_store(db)
