"""One language per page (issue 21): every page of every role, rendered in French, shows no English word, and
rendered in English shows no French word; the catalogs are complete.

The pages are taken from the authorization matrix (:data:`tests.web.test_web_authorization.ROUTES`), which every
route of the application must join: a page added by another issue (disputes, jobs, register…) is rendered here
as soon as it is classified there, by each role allowed to see it, with the same probe (so the error pages of the
forms — a contract with a syntax error, a declaration without its columns — are read as well). Error pages (404,
403) are read too.

What is read is the text a person sees: tags stripped; ``<code>``/``<pre>`` (machine codes, the contract's YAML,
hashes), and elements marked ``translate="no"`` (names of people, organisations, contracts, the parties' own
designations, which are data and stay as written) are left out. Attribute texts a screen reader speaks
(``title``, ``aria-label``, ``alt``, ``placeholder``) are read.

The word lists are words of one language that are not words of the other (no "service", "total", "notes",
"client"); a hit names the page, the role, the word and its context.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from tests.language_words import ENGLISH, FRENCH, foreign_words
from tests.web.conftest import World, csrf_of, login
from tests.web.test_web_authorization import (  # noqa: F401 (the fixtures seeding the member and the job board)
    PAGE_ROLES,
    ROUTES,
    Route,
    _fill,
    expected,
    job_board,
    relais_member,
    seed_disputes,
)

import charte

SPOKEN_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


def visible_text(html: str) -> str:
    """The words a person sees or hears on the page (see the module's docstring for what is left out)."""
    if not html.lstrip().startswith("<"):
        return html.splitlines()[0] if html else ""  # a CSV export: its header row (the values are codes)
    root = lxml.html.document_fromstring(html)
    for element in root.xpath("//script|//style|//code|//pre|//*[@translate='no']|//textarea"):
        tail = element.tail
        parent = element.getparent()
        if parent is not None:
            previous = element.getprevious()
            if tail:
                if previous is not None:
                    previous.tail = (previous.tail or "") + " " + tail
                else:
                    parent.text = (parent.text or "") + " " + tail
            parent.remove(element)
    spoken = [value for attribute in SPOKEN_ATTRIBUTES for value in root.xpath(f"//@{attribute}")]
    return " ".join([root.text_content(), *map(str, spoken)])


def _pages() -> list[tuple[Route, str, str | None]]:
    out = []
    for route in ROUTES:
        if route.api or route.fresh_session or route.path.startswith("/language/"):
            continue
        if route.allowed[0] not in (200, 422) or route.path.endswith((".pdf", "/qr.svg", "/invoices/{name}")):
            continue
        for role in PAGE_ROLES:
            objects = route.objects[:1] or (None,)  # the role's own object (the matrix checks the others)
            for obj in objects:
                if expected(route, role, obj) == "allow":
                    out.append((route, role, obj))
    return out


PAGES = _pages()


@pytest.fixture(scope="module")
def data_texts(world: World) -> tuple[str, ...]:
    """What the parties wrote, which stays as written in either language: names of organisations, people and
    contracts, the designations of the settlement lines (the contract's own words), the observatory's members."""
    import json

    from sqlalchemy import select

    from charte.observatory import MemberRegistry
    from charte.store import ContractRow, OrganisationRow, SettlementRow, UserRow

    texts: set[str] = set()
    with world.app.state.sessions() as session:
        texts |= {o.name for o in session.scalars(select(OrganisationRow))}
        texts |= {u.display_name or "" for u in session.scalars(select(UserRow))}
        texts |= {t for c in session.scalars(select(ContractRow)) for t in (c.name, c.contract_id)}
        for row in session.scalars(select(SettlementRow)):
            texts |= {line["label"] for line in json.loads(row.settlement_json).get("lines", [])}
    texts |= {m.company for m in MemberRegistry.load(world.data_dir / "observatory").members}
    return tuple(sorted((t for t in texts if t), key=len, reverse=True))


@pytest.fixture(scope="module")
def speakers(world: World) -> Iterator[dict[tuple[str, str], TestClient]]:
    out: dict[tuple[str, str], TestClient] = {}
    for code in ("fr", "en"):
        for role in PAGE_ROLES:
            client = TestClient(world.app, raise_server_exceptions=False)
            if role != "anonymous":
                login(client, world.logins[role])
            client.get(f"/language/{code}")
            out[(code, role)] = client
    yield out
    for client in out.values():
        client.close()


@pytest.fixture(scope="module", autouse=True)
def disputes(world: World) -> None:
    """The disputes the matrix's dispute routes are filled with (the same as the authorization test's)."""
    world.disputes = seed_disputes(world)


def _read(route: Route, role: str, obj: str | None, world: World, client: TestClient) -> str:
    path = _fill(route, world, role, obj, world.disputes)
    data = {k: v.format(role=role) if isinstance(v, str) else v for k, v in (route.data or {}).items()}
    if route.method == "POST":
        data["csrf_token"] = csrf_of(client.get("/login" if role == "anonymous" else "/account").text)
    response = client.request(route.method, path, data=data or None, files=route.files, follow_redirects=False)
    assert response.status_code == route.allowed[0], response.text[:300]
    return response.text


@pytest.mark.parametrize("code", ["fr", "en"])
@pytest.mark.parametrize(("route", "role", "obj"), PAGES,
                         ids=[f"{r.method} {r.path}-{role}" for r, role, _ in PAGES])
def test_every_page_speaks_one_language(world: World, speakers: dict[tuple[str, str], TestClient], route: Route,
                                        role: str, obj: str | None, code: str, data_texts: tuple[str, ...]) -> None:
    html = _read(route, role, obj, world, speakers[(code, role)])
    assert "data-untranslated" not in html, "a problem without its sentence in the catalog (problem:<code>)"
    text = visible_text(html)
    for written in data_texts:
        text = text.replace(written, " ")
    hits = foreign_words(text, ENGLISH if code == "fr" else FRENCH)
    assert hits == [], f"{route.method} {route.path} as {role} in {code}: " + "; ".join(hits[:8])


@pytest.mark.parametrize("code", ["fr", "en"])
@pytest.mark.parametrize("path", ["/contracts/nope", "/observatory?period=1999-01", "/admin"])
def test_error_pages_speak_the_reader_s_language_and_keep_the_header(
        world: World, speakers: dict[tuple[str, str], TestClient], path: str, code: str) -> None:
    response = speakers[(code, "provider")].get(path)
    assert response.status_code == 404
    text = visible_text(response.text)
    assert foreign_words(text, ENGLISH if code == "fr" else FRENCH) == []
    assert 'data-testid="who"' in response.text, "the signed-in header is kept on an error page"


def test_the_french_catalog_translates_every_message_of_the_application() -> None:
    """Every message extracted from the web application's code and templates (as ``pybabel extract`` would, with
    the mapping of :data:`charte.web.i18n.BABEL_MAPPING`) has a French translation."""
    from charte.web.i18n import catalog_messages, extracted_messages

    used = extracted_messages(Path(charte.__file__).parent)
    assert len(used) > 300
    translated = catalog_messages("fr")
    missing = sorted(used - set(translated))
    assert missing == [], f"{len(missing)} messages without French: {missing[:20]}"


PROBLEM_CALLS = ("Problem", "Error", "Finding", "problem")
CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
NOT_SHOWN_ON_PAGES = ("workforce", "telesales", "cli", "charter")  # their problems reach the CLI, not a page


def problem_codes() -> dict[str, str]:
    """Each problem code the application can raise, with the file raising it: the code-like strings given to a
    ``…Problem(…)``, ``…Error(…)`` or ``Finding(…)`` call, directly or as the first item of each (code, where,
    message) of a list."""
    root = Path(charte.__file__).parent
    codes: dict[str, str] = {}
    for path in root.rglob("*.py"):
        if path.relative_to(root).parts[0] in NOT_SHOWN_ON_PAGES:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if not name.endswith(PROBLEM_CALLS):
                continue
            args = node.args
            receiver = getattr(getattr(node.func, "value", None), "id", None)
            if (name == "FieldProblem" or (name == "problem" and receiver not in (None, "lang"))) and len(args) > 1:
                args = args[1:]  # the job board's FieldProblem(field, code, …) and reader.problem(field, code, …)
            for arg in args:  # a code, or a list of (code, where, message); a bare tuple is a path
                items = [i.elts[0] for i in arg.elts if isinstance(i, ast.Tuple) and i.elts] \
                    if isinstance(arg, ast.List) else [arg]
                for item in items:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str) and CODE.match(item.value):
                        codes.setdefault(item.value, str(path.relative_to(root)))
    return codes


def test_every_problem_a_page_can_show_has_its_french_sentence() -> None:
    codes = problem_codes()
    assert {"yaml_syntax", "not_settled", "wrong_password", "missing_column"} <= set(codes)
    translated = catalog_messages_fr()
    missing = sorted(f"{code} ({where})" for code, where in codes.items() if f"problem:{code}" not in translated)
    assert missing == [], f"{len(missing)} problem codes without a French sentence (problem:<code>): {missing[:20]}"


def catalog_messages_fr() -> dict[str, str]:
    from charte.web.i18n import catalog_messages

    return catalog_messages("fr")


def test_a_problem_reads_as_a_sentence_with_its_code_in_the_references() -> None:
    from charte.web.i18n import language

    french = str(language("fr").problem("wrong_password", "the current password is wrong"))
    assert "Le mot de passe actuel est faux." in french
    assert "<summary>détails / références</summary><code>[wrong_password] the current password is wrong</code>" \
        in french
    assert "data-untranslated" not in french
    english = str(language("en").problem("wrong_password", "the current password is wrong"))
    assert english.startswith('<span class="problem" data-code="wrong_password">the current password is wrong')
    unknown = str(language("fr").problem("brand_new_code", "x"))
    assert "data-untranslated" in unknown and "Ceci n’a pas pu être accepté" in unknown


def test_the_export_headers_speak_the_reader_s_language(world: World,
                                                        speakers: dict[tuple[str, str], TestClient]) -> None:
    french = speakers[("fr", "provider")].get("/observatory/barometer.csv").text.splitlines()[0]
    english = speakers[("en", "provider")].get("/observatory/barometer.csv").text.splitlines()[0]
    assert french.startswith("tableau,mesure")
    assert english.startswith("table,measure")
    assert "column:" not in english


def test_no_french_page_shows_a_problem_without_its_french_sentence(world: World,
                                                                   speakers: dict[tuple[str, str], TestClient]) -> None:
    client = speakers[("fr", "provider")]
    token = csrf_of(client.get("/contracts/new").text)
    page = client.post("/contracts/new", data={"yaml_text": "id: [", "csrf_token": token})
    assert page.status_code == 422
    assert 'data-code="yaml_syntax"' in page.text and "data-untranslated" not in page.text
    assert "Le fichier n’est pas un YAML valide." in page.text
