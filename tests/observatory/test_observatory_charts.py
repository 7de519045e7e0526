"""The observatory's pictures (issue 21): the map of France by region and the ranking as a chart.

The map's outlines are vendored (``charte/reports/data``); these tests check them against independent sources —
INSEE's region codes as the Etalab package ``@etalab/decoupage-administratif`` ships them in the job board's
communes file, and the communes' coordinates — and check the pages against what was published, never against
the code that draws them.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.observatory.test_observatory_web import PROVIDER_SIREN, _app, _login
from tests.web.test_web_language import ENGLISH, FRENCH, foreign_words

from charte.observatory import DeclarationLine
from charte.observatory.members import FRENCH_REGIONS, REGION_CODES
from charte.reports.region_map import CLASS_FILLS, class_bounds, class_fills, region_map, regions

SVG = "{http://www.w3.org/2000/svg}"

#: Regional capitals (chefs-lieux de région) and their INSEE commune codes, from the Code officiel géographique.
CAPITALS = {
    "Guadeloupe": "97105", "Martinique": "97209", "Guyane": "97302", "La Réunion": "97411", "Mayotte": "97611",
    "Île-de-France": "75056", "Centre-Val de Loire": "45234", "Bourgogne-Franche-Comté": "21231",
    "Normandie": "76540", "Hauts-de-France": "59350", "Grand Est": "67482", "Pays de la Loire": "44109",
    "Bretagne": "35238", "Nouvelle-Aquitaine": "33063", "Occitanie": "31555", "Auvergne-Rhône-Alpes": "69123",
    "Provence-Alpes-Côte d'Azur": "13055", "Corse": "2A004",
}


def _communes() -> list[dict[str, str]]:
    raw = resources.files("charte.jobs").joinpath("data", "communes.csv.gz").read_bytes()
    return list(csv.DictReader(gzip.decompress(raw).decode("utf-8").splitlines()))


def _points(path: str) -> list[tuple[float, float]]:
    """The absolute end points of an SVG path (control points left out): enough for a centre and a frame."""
    tokens = re.findall(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)", path)
    arity = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}
    x = y = 0.0
    start = (0.0, 0.0)
    out: list[tuple[float, float]] = []
    i, command = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                x, y = start
                continue
        lower, rel = command.lower(), command.islower()
        args = [float(t) for t in tokens[i:i + arity[lower]]]
        i += arity[lower]
        if lower == "h":
            x = x + args[0] if rel else args[0]
        elif lower == "v":
            y = y + args[0] if rel else args[0]
        else:
            x, y = (x + args[-2], y + args[-1]) if rel else (args[-2], args[-1])
        if lower == "m":
            start = (x, y)
            command = "l" if rel else "L"  # further pairs after a moveto are line-tos
        out.append((x, y))
    return out


def test_every_region_the_observatory_reports_has_exactly_one_shape_and_the_reverse() -> None:
    shapes = regions()
    codes = [r.insee for r in shapes]
    assert len(codes) == len(set(codes)) == 18
    assert set(REGION_CODES) == set(FRENCH_REGIONS)                       # every region the observatory accepts
    assert len(set(REGION_CODES.values())) == 18                           # … has its own code
    assert set(REGION_CODES.values()) == set(codes)                        # … and one shape, and no shape is spare
    assert {r.insee: r.name for r in shapes} == {code: name for name, code in REGION_CODES.items()}
    assert sum(r.overseas for r in shapes) == 5
    # INSEE's codes, independently: each regional capital's commune lies in its region's code (Etalab's COG data)
    region_of = {c["insee"]: c["region"] for c in _communes()}
    assert {name: region_of[commune] for name, commune in CAPITALS.items()} == REGION_CODES
    assert set(region_of.values()) == set(codes)


def test_the_outlines_lie_where_the_communes_of_their_region_are() -> None:
    """A shape keyed by the wrong code (Pays de la Loire drawn as Centre-Val de Loire) is caught: the centres of
    the 13 metropolitan shapes are an affine image of the mean position of each region's communes, within 6 % of
    the frame — two regions swapped put both several times further off."""
    communes = _communes()
    rows, targets = [], []
    for region in (r for r in regions() if not r.overseas):
        points = np.array(_points(region.path))
        assert points.min() >= -5 and points.max() <= 1015, f"{region.name} leaves its 1010 × 1010 frame"
        places = np.array([(float(c["lon"]), float(c["lat"])) for c in communes if c["region"] == region.insee])
        lon, lat = places.mean(axis=0)
        rows.append((lon, lat, 1.0))
        targets.append((points[:, 0].min() + points[:, 0].max()) / 2)
        targets.append((points[:, 1].min() + points[:, 1].max()) / 2)
    a = np.array(rows)
    xs, ys = np.array(targets[0::2]), np.array(targets[1::2])
    fit_x, *_ = np.linalg.lstsq(a, xs, rcond=None)
    fit_y, *_ = np.linalg.lstsq(a, ys, rcond=None)
    off = np.hypot(a @ fit_x - xs, a @ fit_y - ys)
    assert off.max() < 0.06 * 1010, dict(zip([r.name for r in regions() if not r.overseas], off.round(), strict=True))
    assert fit_x[0] > 0 and fit_y[1] < 0                                   # east to the right, north up


def test_quantile_classes_by_hand() -> None:
    # five values in four classes: ceil(i·5/4)-th smallest for i = 1..4 → 2nd, 3rd, 4th and 5th values
    assert class_bounds([10, 20, 30, 40, 50]) == [20, 30, 40, 50]
    assert class_bounds([0, 7, 7]) == [7]                                  # zero has its own class; one distinct value
    assert class_bounds([]) == []
    # three classes use the lightest, a middle and the darkest of the four blues: the top is always the darkest
    assert class_fills(3) == (CLASS_FILLS[0], CLASS_FILLS[2], CLASS_FILLS[3]) and class_fills(1) == CLASS_FILLS[3:]


def test_each_region_takes_the_colour_of_the_legend_class_holding_its_value() -> None:
    # 10, 20, 30, 40, 50 in four quantile classes (bounds 20, 30, 40, 50): 10 and 20 share the lightest class,
    # "10 – 20"; then "21 – 30", "31 – 40" and "41 – 50", the darkest; a published zero has its own swatch "0".
    svg = region_map({"53": (10.0, "10"), "11": (20.0, "20"), "84": (30.0, "30"), "32": (40.0, "40"),
                      "44": (50.0, "50"), "75": (0.0, "0")}, "t")
    root = lxml.html.fragment_fromstring(svg)
    swatches = {text.text: rect.get("fill") for rect, text in
                zip(root.xpath("//g[@class='legend']/rect"), root.xpath("//g[@class='legend']/text"), strict=True)}
    fill = {p.get("data-insee"): p.get("fill") for p in root.xpath("//path")}
    assert fill["53"] == fill["11"] == swatches["10 – 20"] == CLASS_FILLS[0]
    assert fill["84"] == swatches["21 – 30"] and fill["32"] == swatches["31 – 40"]
    assert fill["44"] == swatches["41 – 50"] == CLASS_FILLS[-1]
    assert fill["75"] == swatches["0"] and len(set(swatches.values())) == len(swatches)


def test_a_withheld_region_is_hatched_and_its_title_never_gives_the_value() -> None:
    svg = region_map({"94": (None, "(s)"), "53": (367.0, "367")}, "t")
    root = lxml.html.fragment_fromstring(svg)
    corse = root.xpath("//path[@data-insee='94']")[0]
    pattern = re.fullmatch(r"url\(#([\w-]+)\)", corse.get("fill"))
    assert pattern and root.xpath(f"//pattern[@id='{pattern.group(1)}']")  # its hatching is defined in the chart
    assert corse.xpath("./title")[0].text == "Corse : (s) secret statistique"
    assert root.xpath("//path[@data-insee='53']/title")[0].text == "Bretagne : 367"
    assert root.xpath("//path[@data-insee='11']/title")[0].text == "Île-de-France : aucun site déclaré"
    assert len(root.xpath("//path[@class='region']")) == 18
    with pytest.raises(ValueError, match="99"):
        region_map({"99": (1.0, "1")}, "t")


def _corse_app(tmp_path: Path) -> TestClient:
    """The four members of test_observatory_web in Bretagne, one of them with 7 people in Ajaccio: Corse has one
    member, so its cells are withheld (s)."""
    ajaccio = DeclarationLine(site="Ajaccio", country="FR", region="Corse", function="service", category="employee",
                              headcount=7, hires=0, work_study=0, training_hours=Decimal(0))
    return _app(tmp_path, (ajaccio,))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_map_says_what_the_table_says(tmp_path: Path, lang: str) -> None:
    client = _login(_corse_app(tmp_path), "provider@demo.charte")
    if lang == "en":
        client.get("/language/en")
    page = client.get("/observatory?by=region")
    assert page.status_code == 200
    root = lxml.html.document_fromstring(page.text)
    table = root.xpath("//table[@data-testid='barometer']")[0]
    total = [th.text_content() for th in table.xpath(".//thead/tr/th")].index({"fr": "total", "en": "total"}[lang])
    shown = {tr.xpath("./th")[0].text_content(): tr.xpath("./th|./td")[total].text_content().strip()
             for tr in table.xpath(".//tbody/tr")}
    figure = root.xpath("//figure[@data-testid='region-map']")[0]
    paths = {p.get("data-insee"): p for p in figure.xpath(".//path")}
    assert len(paths) == 18
    secret = {"fr": "secret statistique", "en": "statistical secret"}[lang]
    for name, code in REGION_CODES.items():
        title = paths[code].xpath("./title")[0].text
        if name not in shown:
            assert paths[code].get("data-status") == "absent"
        elif shown[name] in ("(s)", "(c)"):
            assert paths[code].get("data-status") == "withheld" and "url(#" in paths[code].get("fill")
            assert title == f"{name} : {shown[name]} {secret}"
            assert not re.search(r"\d", title)                            # never a value, not even a bound
        else:
            assert title == f"{name} : {shown[name]}"
    assert shown["Corse"] == "(s)"
    assert paths["94"].get("data-status") == "withheld"
    legend = " ".join(t.text_content() for t in figure.xpath(".//*[@class='legend']//text"))
    assert f"(s) (c) {secret}" in legend
    words = figure.text_content()  # the caption, the legend and every title; the regions' names are names
    for name in REGION_CODES:
        words = words.replace(name, " ")
    assert foreign_words(words, ENGLISH if lang == "fr" else FRENCH) == []


def _published_ranking(tmp_path: Path) -> list[dict[str, str]]:
    """The rows of the ranking as frozen in its publication file (read as JSON, not through charte)."""
    files = sorted((tmp_path / "observatory").rglob("ranking-*.json"))
    assert files, "the ranking publication"
    return list(json.loads(files[-1].read_text(encoding="utf-8"))["content"]["rows"])


def test_the_ranking_chart_shows_rank_name_and_score_and_nothing_else(tmp_path: Path) -> None:
    client = _login(_corse_app(tmp_path), "provider@demo.charte")
    page = client.get("/observatory/ranking").text
    root = lxml.html.document_fromstring(page)
    chart = root.xpath("//figure[@data-testid='ranking-chart']")[0]
    published = _published_ranking(tmp_path)
    assert [set(r) for r in published] == [{"rank", "company", "score"}] * 3
    titles = [t.text_content() for t in chart.xpath(".//rect[@class='bar']/title")]
    # the published rows, French decimals: "1. Membre 1 : 55,9"
    assert titles == [f"{r['rank']}. {r['company']} : {r['score'].replace('.', ',')}" for r in published]
    text = chart.text_content()
    for leak in ("Membre 0", PROVIDER_SIREN, "France", "formation", "emplois", "heures", "critère"):
        assert leak not in text, leak


def test_the_member_sees_its_own_breakdown_as_a_chart_and_nobody_else_does(tmp_path: Path) -> None:
    app = _corse_app(tmp_path)
    root = lxml.html.document_fromstring(_login(app, "provider@demo.charte").get("/observatory/ranking").text)
    own = root.xpath("//section[@data-testid='own-breakdown']//figure[@data-testid='own-chart']")
    assert own, "the member's own chart, inside its own breakdown"
    bars = {t.text_content().split(" : ")[0]: t.text_content().split(" : ")[1]
            for t in own[0].xpath(".//rect/title")}
    # Membre 0 (Relais Contact): 100 people, all in France; 1000 training hours; no label; no scorecard or payment
    # record. Known weights 30 + 15 + 20 = 65 (ranking_weights.yaml). France share 1 → 100·30/65 = 46.15;
    # labels 0/3 → 0; training 10 h per head / 35 → 100·20·(10/35)/65 = 8.79; the score 54.9 = 46.15 + 8.79.
    assert bars == {"part des emplois en France": "46,2", "certifications": "0,0", "formation": "8,8",
                    "chartes": "pas de donnée", "retards de paiement subis": "pas de donnée"}
    assert "54,9/100" in root.xpath("//section[@data-testid='own-breakdown']/h2")[0].text_content()
    for other in ("client@demo.charte", "trade.body@demo.charte", "mediator@demo.charte"):
        page = _login(TestClient(app.app), other).get("/observatory/ranking").text
        assert 'data-testid="own-chart"' not in page and 'data-testid="own-breakdown"' not in page
        assert 'data-testid="ranking-chart"' in page


def test_each_criterion_s_points_add_up_to_the_score_by_hand() -> None:
    from tests.observatory.test_observatory_ranking import ON, _population

    from charte.observatory import score_members

    members, declarations, evidence = _population()
    scores = {b.company: b for b in score_members(members, declarations, evidence, ON)}
    # Alpha (test_observatory_ranking): every criterion known, weights 30/15/20/25/10 over 100, scores 0.5, 1/3,
    # 0.5, 0.5, 0.75 → points out of 100: 15, 5, 10, 12.5 and 7.5, which make its 50.0.
    alpha = {k: None if v is None else round(v, 6) for k, v in scores["Alpha"].contributions().items()}
    assert alpha == {"france_share": Decimal(15), "certifications": Decimal(5), "training": Decimal(10),
                     "charter": Decimal("12.5"), "payment_delays": Decimal("7.5")}
    # Bravo: no scorecard and no payment record, left out; 30, 15 and 20 over 65 → 46.15…, 23.07…, 30.76… = 100
    bravo = scores["Bravo"].contributions()
    assert bravo["charter"] is None and bravo["payment_delays"] is None
    assert round(bravo["france_share"] or 0, 2) == Decimal("46.15")
    assert round(sum(v or 0 for v in bravo.values()), 10) == 100
