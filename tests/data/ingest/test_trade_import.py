"""Import of full BACI year files never deletes or changes data silently.

Every refused file leaves the store byte-for-byte as it was; what is refused is named with the
file, line, field and value.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.data.ingest.test_trade import _store, _trade_rows, _write_release
from trust_minerals.data.ingest import trade
from trust_minerals.data.lock import StoreLockedError, writer_lock
from trust_minerals.errors import ParseError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, Path, pd.DataFrame]:
    """A valid 2022 release folder, its year file and a store holding 2021 and 2022 rows."""
    rows = _write_release(tmp_path / "rel", 2022, seed=11)
    return tmp_path / "rel" / "BACI_HS92_Y2022_V202401b.csv", _store(tmp_path / "s.duckdb"), rows


def _refused(f: Path, db: Path, match: str) -> ParseError:
    before = _digest(db)
    with pytest.raises(ParseError, match=match) as err:
        trade.import_baci([f], db)
    assert _digest(db) == before
    return err.value


def test_header_only_file_is_refused_and_the_year_kept(release) -> None:  # type: ignore[no-untyped-def]
    f, db, _ = release
    f.write_text("t,i,j,k,v,q\n")
    _refused(f, db, "no data rows")
    assert (_trade_rows(db)["year"] == 2022).sum() == 1


def test_file_without_mineral_rows_is_refused(release) -> None:  # type: ignore[no-untyped-def]
    f, db, _ = release
    f.write_text("t,i,j,k,v,q\n2022,152,699,870323,1.0,1.0\n2022,152,842,010111,2.0,NA\n")
    _refused(f, db, "2 rows but none")


@pytest.mark.parametrize(
    ("value", "reason"), [("1e306", "implausible"), ("inf", "non-negative"), ("-3", "non-negative")]
)
def test_absurd_and_non_finite_values_are_refused_with_the_line(release, value, reason) -> None:  # type: ignore[no-untyped-def]
    f, db, rows = release
    rows.loc[7, ["k", "v"]] = ["283691", value]
    rows = rows.drop_duplicates(["t", "i", "j", "k"], keep="last")
    rows.to_csv(f, index=False)
    line = list(rows.index).index(7) + 2
    err = _refused(f, db, reason)
    assert err.line == line and err.field == "v" and err.value == value


def test_a_year_outside_the_coverage_is_refused(tmp_path: Path) -> None:
    _write_release(tmp_path / "rel", 2022, seed=12)
    f = tmp_path / "rel" / "BACI_HS92_Y2022_V202401b.csv"
    old = f.with_name("BACI_HS92_Y1850_V202401b.csv")
    old.write_text(f.read_text().replace("2022,", "1850,"))
    db = _store(tmp_path / "s.duckdb")
    _refused(old, db, "outside BACI HS92 coverage 1995-2024")
    assert _trade_rows(db)["year"].min() == 2021


def test_repeated_flows_are_refused_naming_both_lines(release) -> None:  # type: ignore[no-untyped-def]
    f, db, rows = release
    mineral = rows.index[rows["k"] == "283691"][0]
    twice = pd.concat([rows, rows.loc[[mineral]]], ignore_index=True)
    twice.to_csv(f, index=False)
    err = _refused(f, db, "more than once")
    assert f"lines {mineral + 2} and {len(twice) + 1}" in str(err)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02garbage\xff", "binary file"),
        (b"t,i,j,k,v,q\n2022,152,699,283691,1,\xe9\xe9\n", "not UTF-8"),
        (b"t,i,j,k,v,q\n2022,Chile,699,283691,1,1\n", "line 2.*field 'i'.*'Chile'"),
        (b"t,i,j,k,v,q\n2022,152,699,283691,1\n", "cannot read the file"),
    ],
)
def test_malformed_bytes_are_refused(release, content: bytes, match: str) -> None:  # type: ignore[no-untyped-def]
    f, db, _ = release
    f.write_bytes(content)
    _refused(f, db, match)


def test_a_second_writer_fails_with_a_named_error(release) -> None:  # type: ignore[no-untyped-def]
    f, db, _ = release
    before = _digest(db)
    with writer_lock(db, what="test"), pytest.raises(StoreLockedError, match="locked by"):
        trade.import_baci([f], db, lock_timeout=0)
    assert _digest(db) == before


def test_a_second_writer_waits_and_then_runs(release) -> None:  # type: ignore[no-untyped-def]
    f, db, _ = release
    held = threading.Event()

    def hold() -> None:
        with writer_lock(db, what="test"):
            held.set()
            time.sleep(0.5)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    n = trade.import_baci([f], db, lock_timeout=30).rows
    t.join()
    assert n == (_trade_rows(db)["year"] == 2022).sum() > 1
