"""``charte serve``: production serves an empty platform and refuses to start without a secret key;
``--demo`` serves the demo (prepared once, cached), restarts on the same folder, and never writes its
published passwords into ``CHARTE_DATABASE_URL``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.web.conftest import login
from typer.testing import CliRunner

from charte.cli import app


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    found: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **options: found.update(app=web, **options))
    return found


@pytest.fixture(scope="module")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-cache")


def test_serve_demo_prints_the_logins_and_serves_the_settled_demo(tmp_path: Path, served: dict[str, Any],
                                                                   demo_cache: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTE_DEMO_CACHE", str(demo_cache))
    monkeypatch.delenv("CHARTE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["serve", "--demo", "--port", "18001", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:18001/" in result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 18001
    for email in ("provider@demo.charte", "client@demo.charte", "other.client@demo.charte",
                  "trade.body@demo.charte", "mediator@demo.charte", "admin@demo.charte"):
        assert email in result.output
    client = login(TestClient(served["app"]), "client@demo.charte")
    contracts = client.get("/contracts").text
    assert "Service client particuliers" in contracts
    assert "Relais Contact SAS" in contracts and "Énergie Verte SA" in contracts
    other = login(TestClient(served["app"]), "other.client@demo.charte")
    assert 'data-testid="no-contracts"' in other.get("/contracts").text
    # a restart on the same folder finds its demo (it used to crash with email_taken)
    again = CliRunner().invoke(app, ["serve", "--demo", "--data-dir", str(tmp_path / "d")])
    assert again.exit_code == 0, again.output
    login(TestClient(served["app"]), "provider@demo.charte")
    # a second, fresh demo is a copy of the prepared one: the cache holds one template
    fresh = CliRunner().invoke(app, ["serve", "--demo", "--data-dir", str(tmp_path / "e")])
    assert fresh.exit_code == 0, fresh.output
    assert len([p for p in demo_cache.iterdir() if p.name.startswith("demo-")]) == 1


def test_the_demo_never_writes_into_the_configured_database(tmp_path: Path, served: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTE_DATABASE_URL", f"sqlite:///{tmp_path / 'real.sqlite3'}")
    result = CliRunner().invoke(app, ["serve", "--demo"])
    assert result.exit_code == 2
    assert "CHARTE_DATABASE_URL" in result.output
    assert not (tmp_path / "real.sqlite3").exists() and "app" not in served


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path, served: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTE_STORAGE_PATH", str(tmp_path))
    monkeypatch.delenv("CHARTE_SECRET_KEY", raising=False)
    monkeypatch.delenv("CHARTE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "CHARTE_SECRET_KEY" in result.output
    monkeypatch.setenv("CHARTE_SECRET_KEY", "short")
    assert CliRunner().invoke(app, ["serve"]).exit_code == 2
    assert "app" not in served


def test_production_serves_an_empty_platform(tmp_path: Path, served: dict[str, Any],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTE_STORAGE_PATH", str(tmp_path))
    monkeypatch.setenv("CHARTE_SECRET_KEY", "x" * 48)
    monkeypatch.delenv("CHARTE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["serve", "--port", "18002"])
    assert result.exit_code == 0, result.output
    client = TestClient(served["app"])
    token = client.get("/login")
    assert token.status_code == 200
    from tests.web.conftest import csrf_of

    refused = client.post("/login", data={"email": "provider@demo.charte", "password": "demo-charte-2026",
                                          "csrf_token": csrf_of(token.text)})
    assert refused.status_code == 401  # no demo account on a production server
    workers = CliRunner().invoke(app, ["serve", "--workers", "3"])
    assert workers.exit_code == 0, workers.output
    assert served["app"] == "charte.web.server:app" and served["workers"] == 3 and served["factory"] is True
