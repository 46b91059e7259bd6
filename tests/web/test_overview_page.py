"""The overview page states what its criticality score ranks and how the method was adapted."""

from __future__ import annotations

import html
from typing import Any

import pytest


@pytest.fixture()
def page_client(web_db: Any) -> Any:
    from tests.api.conftest import make_client

    with make_client(web_db) as c:
        yield c


def test_overview_states_the_score_axis_and_adaptation(page_client: Any) -> None:
    from trust_minerals.metrics.criticality.methods import method_definition

    r = page_client.get("/")
    assert r.status_code == 200
    d = method_definition("trust")
    text = html.unescape(r.text)
    assert d.score_axis in text and d.adaptation in text
