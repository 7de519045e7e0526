"""``charte serve`` loads the demo, prints the address and the logins, and serves an app that knows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.web.conftest import login
from typer.testing import CliRunner

from charte.cli import app


def test_serve_prints_the_address_and_logins_and_serves_the_settled_demo(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **options: served.update(app=web, **options))
    result = CliRunner().invoke(app, ["serve", "--port", "18001", "--data-dir", str(tmp_path)])
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
