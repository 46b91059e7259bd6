"""The one table of caps: coercion of every size, and the docs that list them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trust_minerals.caps import cap, caps, check_size
from trust_minerals.errors import InputError


@pytest.mark.parametrize("value", [300000, 300000.0, "300000", " 300000 ", "3e5", "300_000"])
def test_every_spelling_of_a_size_meets_the_same_cap(value: object) -> None:
    with pytest.raises(InputError, match="caps.csv 'draws'") as err:
        check_size("draws", value)
    assert err.value.field == "draws"  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [2.5, "many", True, None, float("inf"), float("nan"), [1]])
def test_a_size_that_is_not_a_whole_number_is_refused(value: object) -> None:
    with pytest.raises(InputError, match="whole number"):
        check_size("draws", value, field="--draws")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_check_size_accepts_exactly_the_closed_range(n: int) -> None:
    c = cap("points")
    if c.min <= n <= c.max:
        assert check_size("points", n) == check_size("points", str(n)) == n
    else:
        with pytest.raises(InputError):
            check_size("points", float(n))


def test_a_server_may_lower_a_cap_and_the_error_says_so() -> None:
    with pytest.raises(InputError, match="lowered"):
        check_size("draws", 1001, maximum=1000)
    assert check_size("draws", 1000, maximum=10**12) == 1000  # never raised above the table


def test_security_page_lists_every_cap_with_its_bounds() -> None:
    page = (Path(__file__).parents[1] / "docs" / "security.md").read_text(encoding="utf-8")
    for c in caps().values():
        assert f"| `{c.name}` | {c.min:,} | {c.max:,} |" in page
