"""A settlement resting on illustrative reference values says so on its page and is never invoiced (issue 23)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import build_world, csrf_of, login

from charte.settle import ReferenceStamp, Settlement


def test_an_illustrative_settlement_is_marked_and_cannot_be_invoiced(tmp_path: Path, published: Settlement) -> None:
    # the demo month's settlement as if it rested on the illustrative Syntec series
    made_up = replace(published, reference_data=(ReferenceStamp("syntec", "0" * 64, True),))
    world = build_world(tmp_path, settlement_json=made_up.to_json())
    provider = login(TestClient(world.app), world.logins["provider"])
    location = f"/contracts/{world.contract_a}/settlements/2026-10"
    page = provider.get(location).text
    assert 'data-testid="illustrative"' in page and "Valeurs de référence ILLUSTRATIVES" in page
    refused = provider.post(f"{location}/invoice", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 422 and "illustrative_reference_data" in refused.text
