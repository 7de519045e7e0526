"""Sign-in (issue 17): server-side sessions behind an opaque cookie, revocable and timed out; CSRF tokens;
login throttling shared by every worker that never lets a stranger lock a user out; languages; headers.

Time is a clock the test moves (``Clock``): nothing sleeps.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import World, build_world, csrf_of, login

from charte.store import UserRow, transaction
from charte.web import WebSettings, create_app
from charte.web.security import SESSION_COOKIE


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def timed(tmp_path: Path) -> tuple[World, Clock]:
    world = build_world(tmp_path, database_url=f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    clock = Clock()
    world.app.state.clock = clock
    return world, clock


def client_at(world: World, address: str = "10.0.0.1") -> TestClient:
    return TestClient(world.app, client=(address, 50000))


def attempt(client: TestClient, email: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=False).status_code


def signed_in(client: TestClient) -> bool:
    response = client.get("/contracts", follow_redirects=False)
    return response.status_code == 200


# ---------------------------------------------------------------- CSRF

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


def test_the_session_changes_its_csrf_token_and_cookie_at_sign_in(world: World) -> None:
    client = TestClient(world.app)
    before = csrf_of(client.get("/login").text)
    cookie_before = client.cookies[SESSION_COOKIE]
    login(client, world.logins["client"])
    assert csrf_of(client.get("/contracts").text) != before
    assert client.cookies[SESSION_COOKIE] != cookie_before


def test_csrf_tokens_hold_across_workers_sharing_the_secret_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = create_app(WebSettings(data_dir=tmp_path, database_url=url, secret_key="k" * 40))
    second = create_app(WebSettings(data_dir=tmp_path, database_url=url, secret_key="k" * 40))
    one = TestClient(first)
    token = csrf_of(one.get("/login").text)
    two = TestClient(second, cookies={SESSION_COOKIE: one.cookies[SESSION_COOKIE]})
    assert csrf_of(two.get("/login").text) == token


# ---------------------------------------------------------------- the cookie and the session behind it

def test_the_cookie_is_an_opaque_random_token_carrying_nothing_about_the_user(world: World) -> None:
    client = login(TestClient(world.app), world.logins["provider"])
    cookie = client.cookies[SESSION_COOKIE]
    assert re.fullmatch(r"s[A-Za-z0-9_-]{43}", cookie)
    with transaction(world.app.state.sessions) as db:
        user = db.query(UserRow).filter_by(email=world.logins["provider"]).one()
        for secret in (user.id, world.orgs["provider"], user.password_hash[-16:], user.email):
            assert secret not in cookie
    other = login(TestClient(world.app), world.logins["provider"])
    assert other.cookies[SESSION_COOKIE] != cookie  # a new random token per session


def test_a_cookie_copied_before_logout_no_longer_works(world: World) -> None:
    client = login(TestClient(world.app), world.logins["client"])
    copied = client.cookies[SESSION_COOKIE]
    thief = TestClient(world.app, cookies={SESSION_COOKIE: copied})
    assert signed_in(thief)
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/contracts").text)})
    assert not signed_in(thief)
    assert not signed_in(client)


def test_a_session_ends_when_idle_and_at_its_absolute_end(timed: tuple[World, Clock]) -> None:
    world, clock = timed
    settings = world.app.state.settings
    idle, absolute = settings.session_idle_seconds, settings.session_max_seconds
    client = login(client_at(world), world.logins["client"])
    clock.advance(seconds=idle - 60)
    assert signed_in(client)  # activity keeps it alive...
    clock.advance(seconds=idle)
    assert not signed_in(client)  # ...until it sits idle for the idle timeout
    client = login(client_at(world), world.logins["client"])
    for _ in range(absolute // (idle // 2)):
        clock.advance(seconds=idle // 2)
        if clock.now >= datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(seconds=absolute):
            break
        assert signed_in(client)
    clock.advance(seconds=idle // 2)
    assert not signed_in(client)  # used all along, it still ends at its absolute end


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(world: World) -> None:
    email = world.logins["provider_reader"]
    here, elsewhere = login(TestClient(world.app), email), login(TestClient(world.app), email)
    token = csrf_of(here.get("/account").text)
    wrong = here.post("/account/password", data={"csrf_token": token, "current": "not the password",
                                                 "password": "a new passphrase 2026",
                                                 "confirm": "a new passphrase 2026"})
    assert wrong.status_code == 422 and "wrong_password" in wrong.text
    assert signed_in(elsewhere)
    changed = here.post("/account/password", data={"csrf_token": token, "current": world.password,
                                                   "password": "a new passphrase 2026",
                                                   "confirm": "a new passphrase 2026"})
    assert changed.status_code == 200
    assert signed_in(here) and not signed_in(elsewhere)
    assert attempt(TestClient(world.app), email, world.password) == 401
    login(TestClient(world.app), email, "a new passphrase 2026")


def test_sign_out_everywhere_ends_every_session_of_the_user(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    email = world.logins["client"]
    first, second = login(TestClient(world.app), email), login(TestClient(world.app), email)
    bystander = login(TestClient(world.app), world.logins["provider"])
    response = first.post("/account/sessions/end-all", data={"csrf_token": csrf_of(first.get("/account").text)},
                          follow_redirects=False)
    assert response.status_code == 303
    assert not signed_in(first) and not signed_in(second)
    assert signed_in(bystander)


def test_a_disabled_account_loses_its_sessions_at_once(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    victim = login(TestClient(world.app), world.logins["provider_reader"])
    admin = login(TestClient(world.app), world.logins["admin"])
    with transaction(world.app.state.sessions) as db:
        user_id = db.query(UserRow).filter_by(email=world.logins["provider_reader"]).one().id
    disabled = admin.post(f"/admin/users/{user_id}/active", data={"csrf_token": csrf_of(admin.get("/admin").text),
                                                                  "active": "false"}, follow_redirects=False)
    assert disabled.status_code == 303
    assert not signed_in(victim)
    assert attempt(TestClient(world.app), world.logins["provider_reader"], world.password) == 401
    assert "admin.account_disabled" in admin.get("/admin").text


def test_sessions_are_shared_by_workers_on_one_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = build_world(tmp_path, database_url=url)
    second = create_app(WebSettings(data_dir=tmp_path, database_url=url, secret_key="test-secret"))
    client = login(TestClient(first.app), first.logins["client"])
    cookie = client.cookies[SESSION_COOKIE]
    on_second = TestClient(second, cookies={SESSION_COOKIE: cookie})
    assert signed_in(on_second)
    on_second.post("/logout", data={"csrf_token": csrf_of(on_second.get("/contracts").text)})
    assert not signed_in(TestClient(first.app, cookies={SESSION_COOKIE: cookie}))


def test_session_cookie_is_httponly_lax_and_secure_when_asked(tmp_path: Path) -> None:
    for secure in (False, True):
        app = create_app(WebSettings(data_dir=tmp_path / str(secure), database_url="sqlite://", secret_key="s",
                                     cookie_secure=secure))
        response = TestClient(app).get("/login")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("secure" in cookie.replace("httponly", "")) is secure
        assert ("strict-transport-security" in response.headers) is secure


# ---------------------------------------------------------------- throttling

def test_five_failures_delay_the_account_from_that_address_even_with_the_right_password(
        timed: tuple[World, Clock]) -> None:
    world, clock = timed
    email = world.logins["provider"]
    attacker = client_at(world, "10.6.6.6")
    assert [attempt(attacker, email, "wrong password") for _ in range(5)] == [401] * 5
    assert attempt(attacker, email, "wrong password") == 401  # the 6th is checked, then delays the next
    token = csrf_of(attacker.get("/login").text)
    refused = attacker.post("/login", data={"email": email, "password": world.password, "csrf_token": token})
    assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 300
    clock.advance(seconds=int(refused.headers["retry-after"]))
    assert attempt(attacker, email, world.password) == 303


def test_a_stranger_cannot_lock_the_user_out_of_an_address_they_use(timed: tuple[World, Clock]) -> None:
    world, clock = timed
    email = world.logins["client"]
    assert attempt(client_at(world, "192.0.2.10"), email, world.password) == 303  # the user's office
    for n in range(30):  # a stranger from many addresses
        status = attempt(client_at(world, f"198.51.100.{n}"), email, "guess")
        assert status in (401, 429)
    assert attempt(client_at(world, "192.0.2.10"), email, world.password) == 303
    # from an address never used, the account's delay applies, but it is a delay of minutes, never a lock
    traveller = client_at(world, "203.0.113.5")
    token = csrf_of(traveller.get("/login").text)
    delayed = traveller.post("/login", data={"email": email, "password": world.password, "csrf_token": token})
    assert delayed.status_code == 429 and int(delayed.headers["retry-after"]) <= 300
    clock.advance(seconds=300)
    assert attempt(traveller, email, world.password) == 303


def test_spraying_from_one_address_is_slowed_and_its_own_success_does_not_reset_it(
        timed: tuple[World, Clock]) -> None:
    world, clock = timed
    sprayer = client_at(world, "10.9.9.9")
    statuses = [attempt(sprayer, f"user{n}@example.fr", "Password2026!") for n in range(25)]
    assert statuses[:20] == [401] * 20 and 429 in statuses[20:]
    # the sprayer owns one real account: signing in with it does not clear the address's counter
    assert attempt(sprayer, world.logins["other_client"], world.password) == 429
    clock.advance(hours=2)  # the address's window has passed
    assert attempt(sprayer, world.logins["other_client"], world.password) == 303
    statuses = [attempt(sprayer, f"user{n}@example.fr", "Password2026!") for n in range(25)]
    assert 429 in statuses  # counted again from its own failures; the success gave no fresh budget beyond the window
    # another address's success resets nothing of this one
    assert attempt(client_at(world, "10.1.1.1"), world.logins["client"], world.password) == 303
    assert attempt(sprayer, "someone@example.fr", "x") == 429


def test_the_throttle_is_shared_by_workers_on_one_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = build_world(tmp_path, database_url=url)
    clock = Clock()
    second = create_app(WebSettings(data_dir=tmp_path, database_url=url, secret_key="test-secret"), clock=clock)
    first.app.state.clock = clock
    email = first.logins["provider"]
    for n in range(6):
        app = first.app if n % 2 else second
        assert attempt(TestClient(app, client=("10.2.2.2", 1)), email, "wrong password") == 401
    assert attempt(TestClient(second, client=("10.2.2.2", 1)), email, first.password) == 429
    assert attempt(TestClient(first.app, client=("10.2.2.2", 1)), email, first.password) == 429


# ---------------------------------------------------------------- language, headers, redirects

def test_french_by_default_english_on_request(world: World) -> None:
    client = TestClient(world.app)
    assert "Connexion" in client.get("/login").text
    client.get("/language/en", follow_redirects=False)
    page = client.get("/login").text
    assert "Sign in" in page and "Connexion" not in page
    assert client.get("/language/xx", follow_redirects=False).status_code == 404


@pytest.mark.parametrize("referer", [
    "http://testserver//evil.example/x", "http://testserver/\\evil.example", "https://evil.example/contracts",
    "http://evil.example/", "javascript:alert(1)", "//evil.example", "http://testserver@evil.example/",
    "http://testserver:80@evil.example/"])
def test_the_language_switch_never_redirects_off_the_site(world: World, referer: str) -> None:
    response = TestClient(world.app).get("/language/fr", headers={"referer": referer}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert "evil" not in location


def test_the_language_switch_returns_to_the_page_it_came_from(world: World) -> None:
    response = TestClient(world.app).get("/language/en", headers={"referer": "http://testserver/contracts?x=1"},
                                         follow_redirects=False)
    assert response.headers["location"] == "/contracts?x=1"


def test_pages_and_downloads_are_never_cached_and_carry_security_headers(world: World,
                                                                       clients: dict[str, TestClient]) -> None:
    headers = TestClient(world.app).get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in headers["content-security-policy"]
    client = clients["provider"]
    for path in ("/contracts", f"/contracts/{world.contract_a}", f"/contracts/{world.contract_a}/invoices/"
                 "invoice-F000001.pdf", "/observatory"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    api = TestClient(world.app).get("/api/contracts", headers={"Authorization": f"Bearer {world.tokens['client']}"})
    assert api.headers["cache-control"] == "no-store"
    assert "no-store" not in TestClient(world.app).get("/static/charte.css").headers.get("cache-control", "")


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
    client = TestClient(world.app, client=("10.3.3.3", 1))
    token = csrf_of(client.get("/login").text)
    unknown = client.post("/login", data={"email": "nobody@demo.charte", "password": "x" * 9, "csrf_token": token})
    wrong = client.post("/login", data={"email": world.logins["admin"], "password": "x" * 9, "csrf_token": token})
    assert unknown.status_code == wrong.status_code == 401
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", unknown.text) == strip.sub("", wrong.text)
