"""A settlement resting on illustrative reference values says so on its page and is never invoiced (issue 23)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import build_world, csrf_of, login

from charte.demo.run import DemoResult


def test_an_illustrative_settlement_is_marked_and_cannot_be_invoiced(tmp_path: Path, demo: DemoResult) -> None:
    assert demo.settlement is not None and demo.settlement.illustrative
    world = build_world(tmp_path, settlement_json=demo.settlement.to_json())
    provider = login(TestClient(world.app), world.logins["provider"])
    location = f"/contracts/{world.contract_a}/settlements/2026-10"
    page = provider.get(location).text
    assert 'data-testid="illustrative"' in page and "Valeurs de référence ILLUSTRATIVES" in page
    refused = provider.post(f"{location}/invoice", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 422 and "illustrative_reference_data" in refused.text
