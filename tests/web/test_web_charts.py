"""Charts people look at (issue 21): server-rendered SVG with a title, a legend, axis labels that do not run
together, and the same figures as a table for screen readers."""

from __future__ import annotations

import re

import lxml.html
from fastapi.testclient import TestClient
from tests.web.conftest import World

from charte.reports.charts import MIN_LABEL_PX, WIDTH, bars_with_band, hbars, waterfall

SVG = "{http://www.w3.org/2000/svg}"


def _ticks(svg: str) -> list[str]:
    return re.findall(r'<text x="[^"]+" y="[^"]+" class="tick">([^<]*)</text>', svg)


def test_a_month_of_days_keeps_its_axis_labels_apart() -> None:
    days = [f"{d:02d}/10" for d in range(1, 32)]
    svg = bars_with_band(days, [100.0] * 31, [100.0] * 31, 0.1, 0.1, "t")
    ticks = _ticks(svg)
    assert 0 < len(ticks) * MIN_LABEL_PX <= WIDTH  # at most one label per 44 pixels: "31/1(" never happens again
    assert ticks[0] == "01/10"
    assert '<g class="legend"' in svg and "<title" in svg and "prévision" in svg and "tolérance" in svg


def test_the_waterfall_climbs_from_the_base_to_the_total() -> None:
    # base 1 000 €, minimum billing +200 €, malus −150 €: the total bar is 1 050 € (1 000 + 200 − 150).
    svg = waterfall([("prestations", 1000.0), ("minimum", 200.0), ("malus", -150.0)], "total HT", "t")
    assert "total HT : 1\u202f050,00\xa0€" in svg
    assert svg.count('class="bar up"') == 2 and svg.count('class="bar down"') == 2  # one bar each + its legend swatch
    assert "malus : -150,00\xa0€" in svg


def test_a_withheld_cell_is_hatched_and_keeps_its_mark() -> None:
    svg = hbars([("Bretagne", 367.0, "367"), ("Corse", None, "(s)")], "t")
    assert 'class="withheld"' in svg and "(s)" in svg and '<pattern id="hatch"' in svg
    assert "367" in svg


def test_the_settlement_page_shows_its_waterfall_and_the_figures_as_a_table(
        world: World, clients: dict[str, TestClient]) -> None:
    html = clients["provider"].get(f"/contracts/{world.contract_a}/settlements/2026-10").text
    root = lxml.html.document_fromstring(html)
    figure = root.xpath('//figure[@data-testid="waterfall"]')
    assert figure, "the waterfall chart"
    table = figure[0].xpath(".//details[@class='chart-data']//table")
    assert table, "the chart's figures as a table"
    last = table[0].xpath(".//tbody/tr")[-1]
    total = root.xpath('//*[@data-testid="total-ht"]')[0].text_content().strip()
    assert last.xpath("./td")[0].text_content().strip() == total  # the chart ends on the invoice's own total
    assert figure[0].xpath(".//svg/title") or "<title" in lxml.html.tostring(figure[0]).decode()


def test_the_barometer_by_region_is_a_chart_with_withheld_cells_hatched(world: World,
                                                                       clients: dict[str, TestClient]) -> None:
    html = clients["trade_body"].get("/observatory?by=region").text
    assert 'data-testid="barometer-chart"' in html
    assert "secret statistique" in html  # the legend names the hatching
    assert 'data-testid="barometer"' in html  # the table stays: the same figures for screen readers
