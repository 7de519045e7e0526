"""Sign-in: CSRF tokens on every form, login throttling, the session cookie's flags, languages."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from tests.web.conftest import World, build_world, csrf_of, login

from charte.web import WebSettings, create_app
from charte.web.security import LoginThrottle


def test_a_post_without_the_csrf_token_is_refused(world: World, clients: dict[str, TestClient]) -> None:
    client = clients["provider"]
    path = f"/contracts/{world.contract_a}/settle"
    assert client.post(path, data={"period": "13-2026"}, follow_redirects=False).status_code == 403
    assert client.post(path, data={"period": "13-2026", "csrf_token": "forged"}).status_code == 403
    other_session = csrf_of(clients["client"].get("/contracts").text)
    assert client.post(path, data={"period": "13-2026", "csrf_token": other_session}).status_code == 403
    own = csrf_of(client.get("/contracts").text)
    assert client.post(path, data={"period": "13-2026", "csrf_token": own}).status_code == 422


def test_login_and_logout_need_the_csrf_token_too(world: World) -> None:
    client = TestClient(world.app)
    client.get("/login")
    response = client.post("/login", data={"email": world.logins["provider"], "password": world.password},
                           follow_redirects=False)
    assert response.status_code == 403
    login(client, world.logins["provider"])
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/contracts", follow_redirects=False).status_code == 200
    token = csrf_of(client.get("/contracts").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/contracts", follow_redirects=False).headers["location"] == "/login"


def test_the_session_changes_its_csrf_token_at_sign_in(world: World) -> None:
    client = TestClient(world.app)
    before = csrf_of(client.get("/login").text)
    login(client, world.logins["client"])
    assert csrf_of(client.get("/contracts").text) != before


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_is_throttled_after_five_failures_and_freed_after_the_window(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    clock = Clock()
    world.app.state.throttle = LoginThrottle(5, 900, clock)
    client = TestClient(world.app)
    token = csrf_of(client.get("/login").text)
    email = world.logins["provider"]
    for _ in range(5):
        failed = client.post("/login", data={"email": email, "password": "wrong password", "csrf_token": token})
        assert failed.status_code == 401
    blocked = client.post("/login", data={"email": email, "password": world.password, "csrf_token": token},
                          follow_redirects=False)
    assert blocked.status_code == 429
    clock.now += 899
    assert client.post("/login", data={"email": email, "password": world.password, "csrf_token": token},
                       follow_redirects=False).status_code == 429
    clock.now += 2
    assert client.post("/login", data={"email": email, "password": world.password, "csrf_token": token},
                       follow_redirects=False).status_code == 303


def test_throttle_counts_by_address_across_e_mails() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, 60, clock)
    for email in ("a@x.fr", "b@x.fr", "c@x.fr"):
        throttle.failed(f"email:{email}", "ip:10.0.0.1")
    assert throttle.blocked("email:d@x.fr", "ip:10.0.0.1")
    assert not throttle.blocked("email:d@x.fr", "ip:10.0.0.2")
    throttle.succeeded("ip:10.0.0.1")
    assert not throttle.blocked("email:d@x.fr", "ip:10.0.0.1")


def test_session_cookie_is_httponly_lax_and_secure_when_asked(tmp_path: Path) -> None:
    for secure in (False, True):
        app = create_app(WebSettings(data_dir=tmp_path / str(secure), database_url="sqlite://", secret_key="s",
                                     cookie_secure=secure))
        cookie = TestClient(app).get("/login").headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("secure" in cookie.replace("httponly", "")) is secure


def test_pages_carry_security_headers(world: World) -> None:
    headers = TestClient(world.app).get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in headers["content-security-policy"]


def test_french_by_default_english_on_request(world: World) -> None:
    client = TestClient(world.app)
    assert "Connexion" in client.get("/login").text
    client.get("/language/en", follow_redirects=False)
    page = client.get("/login").text
    assert "Sign in" in page and "Connexion" not in page
    assert client.get("/language/xx", follow_redirects=False).status_code == 404


def test_french_number_and_date_formats_on_the_settlement_page(tmp_path: Path) -> None:
    world = build_world(tmp_path)  # the small settlement of the conftest: 1 000 calls × 2,50 €
    client = login(TestClient(world.app), world.logins["client"])
    french = client.get(f"/contracts/{world.contract_a}/settlements/2026-10").text
    assert "2\u202f500,00\xa0€" in french and "3\u202f000,00\xa0€" in french
    assert "octobre 2026" in french and "20,0\xa0%" in french
    assert "1 000 appels × 2,50 €" in french
    client.get("/language/en")
    english = client.get(f"/contracts/{world.contract_a}/settlements/2026-10").text
    assert "€2,500.00" in english and "October 2026" in english and "1,000 calls × €2.50" in english


def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(world: World) -> None:
    client = TestClient(world.app)
    token = csrf_of(client.get("/login").text)
    unknown = client.post("/login", data={"email": "nobody@demo.charte", "password": "x" * 9, "csrf_token": token})
    wrong = client.post("/login", data={"email": world.logins["admin"], "password": "x" * 9, "csrf_token": token})
    assert unknown.status_code == wrong.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", unknown.text) == strip.sub("", wrong.text)
