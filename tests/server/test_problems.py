"""The server's error boundary: a bug is a short 500 problem for the client and a logged traceback."""

from __future__ import annotations

import logging
import warnings

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():  # starlette's TestClient warns about httpx on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from trust_minerals.errors import InputError
from trust_minerals.server.problems import install_handlers


def _app() -> FastAPI:
    app = FastAPI()
    install_handlers(app)

    @app.get("/bug")
    def bug() -> dict[str, str]:
        raise KeyError("secret-internal-name")

    @app.get("/bad")
    def bad() -> dict[str, str]:
        raise InputError("year 1850 is outside the data (2018-2025)")

    return app


def test_unexpected_error_is_logged_with_its_traceback_and_not_shown(caplog):
    client = TestClient(_app(), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="trust_minerals.server.problems"):
        r = client.get("/bug")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "secret-internal-name" not in r.text
    assert r.json()["detail"] == "unexpected error; see the server log"
    logged = [rec for rec in caplog.records if rec.name == "trust_minerals.server.problems"]
    assert len(logged) == 1
    assert "GET /bug" in logged[0].getMessage()
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is KeyError


@pytest.mark.parametrize("path", ["/bad"])
def test_named_error_is_not_logged_as_a_bug(caplog, path):
    client = TestClient(_app(), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="trust_minerals.server.problems"):
        r = client.get(path)
    assert r.status_code == 422
    assert "1850" in r.json()["detail"]
    assert not [rec for rec in caplog.records if rec.name == "trust_minerals.server.problems"]
