"""Each kind of settlement line explained as a contract manager would write it, in French and in English.

Golden sentences written by hand from the contract clauses and the month's facts stated in each test (figures
worked in the comments); the engine settles, :func:`charte.settle.explain.explain` words the line, and the whole
sentence must match — numbers, amounts, percentages and dates as each language writes them (``3 000,00 €`` /
``€3,000.00``, ``1er janvier 2027`` / ``1 January 2027``), no clause path or mode code in the sentence.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.settle.scenarios import FIXED_FEE, INDEXATION, NOVEMBER, at, contract, facts, row, sl_contract, w1

from charte.domain.calendar import Month
from charte.settle import ForecastSeries, Incident, IndexValue, LineKind, Successes, settle
from charte.settle.engine import lines_of
from charte.settle.explain import explain

NNBSP, NBSP = "\u202f", "\u00a0"  # French thousands separator, and the space before € and %


def _fr(text: str) -> str:
    """Golden French written with plain spaces: `3 000,00` → narrow no-break, `30,00 €` → no-break before €/%."""
    for number in ("1 000", "3 000", "3 100", "2 500", "2 923", "12 345", "18 000", "36 000", "360 000", "3 600",
                   "1 290", "1 500", "1 400", "9 300"):
        text = text.replace(number, number.replace(" ", NNBSP))
    return text.replace(" €", NBSP + "€").replace(" %", NBSP + "%")


def _says(line: object, french: str, english: str) -> None:
    assert explain(line, "fr") == _fr(french)  # type: ignore[arg-type]
    assert explain(line, "en") == english  # type: ignore[arg-type]


def test_hourly_price_before_its_first_revision():
    # Term from 1 January 2026, anniversary 01-01: the first revision is on 1 January 2027, so November 2026 is
    # billed at the base price 30.00. 10 productive hours = 36,000 s; 36,000 ÷ 3,600 × 30.00 = 300.00.
    (line,) = settle(contract(INDEXATION), NOVEMBER,
                     facts([row("2026-11-02T09:00", 100, 90, productive_hours=10)])).lines
    _says(line,
          "10,00 heures productives (36 000 secondes mesurées) × 30,00 € — prix de base, première révision le "
          "1er janvier 2027 ; calcul : 36 000 ÷ 3 600 × 30,00 = 300,00 €",
          "10.00 productive hours (36,000 seconds measured) × €30.00 — base price, first revision on 1 January "
          "2027; calculation: 36,000 ÷ 3,600 × 30.00 = €300.00")


def test_hourly_price_revised_by_the_syntec_index():
    # Revised on 1 January 2027 with I = Syntec of October 2026 (3-month lag) = 309, I0 = August 2025 = 300:
    # 0.15 + 0.85 × 309/300 = 0.15 + 0.8755 = 1.0255 (within the 0%–4% bounds); 28.50 × 1.0255 = 29.22675 → 29.23.
    # 100 h = 360,000 s; 360,000 ÷ 3,600 × 29.23 = 2,923.00.
    index = [IndexValue("syntec", Month(2025, 8), Decimal(300)), IndexValue("syntec", Month(2026, 10), Decimal(309))]
    (line,) = settle(contract(INDEXATION, price="28.50"), Month(2027, 2),
                     facts([row("2027-02-01T09:00", 100, 90, productive_hours=100)], index_values=index)).lines
    _says(line,
          "100,00 heures productives (360 000 secondes mesurées) × 29,23 € — prix de base 28,50 € révisé le "
          "1er janvier 2027 : indice Syntec 309 (octobre 2026) pour 300 à la base (août 2025), coefficient 1,0255 "
          "selon la formule 0,15 + 0,85 × I/I0, prix révisé arrondi au centime ; "
          "calcul : 360 000 ÷ 3 600 × 29,23 = 2 923,00 €",
          "100.00 productive hours (360,000 seconds measured) × €29.23 — base price €28.50 revised on 1 January "
          "2027: Syntec index 309 (October 2026) against 300 at the base (August 2025), coefficient 1.0255 by the "
          "formula 0.15 + 0.85 × I/I0, revised price rounded to the cent; "
          "calculation: 360,000 ÷ 3,600 × 29.23 = €2,923.00")


def _priced(pricing: dict[str, object], function: str = "service"):
    c = contract()
    document = c.document()
    document["activities"][0].update(pricing=pricing, function=function)
    return type(c).model_validate(document)


def test_price_per_handled_contact_in_graduated_tiers():
    # 3,500 handled contacts: the first 3,000 at 3.10 = 9,300.00, the 500 beyond at 2.80 = 1,400.00.
    c = _priced({"per": "handled_contact", "tiers": [{"from": 0, "to": 3000, "price": "3.10"},
                                                     {"from": 3000, "price": "2.80"}]})
    first, second = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 3500, 3000, handled=3500)])).lines
    _says(first,
          "3 000,00 contacts traités × 3,10 € — prix de base, sans révision ; tranche de 0 à 3 000 contacts "
          "traités (barème progressif) ; calcul : 3 000 × 3,10 = 9 300,00 €",
          "3,000.00 handled contacts × €3.10 — base price, no revision; band from 0 to 3,000 handled contacts "
          "(graduated tiers); calculation: 3,000 × 3.10 = €9,300.00")
    _says(second,
          "500,00 contacts traités × 2,80 € — prix de base, sans révision ; tranche à partir de 3 000 contacts "
          "traités (barème progressif) ; calcul : 500 × 2,80 = 1 400,00 €",
          "500.00 handled contacts × €2.80 — base price, no revision; band from 3,000 handled contacts upward "
          "(graduated tiers); calculation: 500 × 2.80 = €1,400.00")


def test_price_per_minute_of_handling():
    # 100 contacts handled in 180 s each = 18,000 s = 300 minutes × 0.62 = 186.00.
    c = _priced({"per": "minute", "price": "0.62"})
    (line,) = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 100, 90, aht=180)])).lines
    _says(line,
          "300,00 minutes facturées (18 000 secondes mesurées) × 0,62 € — prix de base, sans révision ; "
          "calcul : 18 000 ÷ 60 × 0,62 = 186,00 €",
          "300.00 billed minutes (18,000 seconds measured) × €0.62 — base price, no revision; "
          "calculation: 18,000 ÷ 60 × 0.62 = €186.00")



def test_fixed_monthly_fee_whole_and_split_by_an_amendment():
    # November: the whole fee, 2,500.00. December has 31 days: 1–16 December (16 days) at 2,500.00 a month
    # = 2,500.00 × 16 ÷ 31 = 1,290.3226 → 1,290.32; 17–31 December (15 days) under avenant-3 at 3,100.00
    # = 3,100.00 × 15 ÷ 31 = 1,500.00.
    rows = [row("2026-11-02T09:00", 10, 10, productive_hours=1)]
    (whole,) = lines_of(settle(contract(FIXED_FEE), NOVEMBER, facts(rows)), LineKind.FIXED_FEE)
    _says(whole, "Forfait mensuel de 2 500,00 € — prix de base, sans révision ; calcul : 2 500,00 = 2 500,00 €",
          "Fixed monthly fee of €2,500.00 — base price, no revision; calculation: 2,500.00 = €2,500.00")
    december = settle(contract(FIXED_FEE), Month(2026, 12), facts([row("2026-12-01T09:00", 10, 10,
                                                                       productive_hours=1)]))
    first, second = lines_of(december, LineKind.FIXED_FEE)
    _says(first,
          "Forfait mensuel de 2 500,00 € pour 16 jours sur 31 — prix de base, sans révision ; du 1er décembre 2026 "
          "au 16 décembre 2026 selon le contrat initial, au prorata des jours calendaires ; "
          "calcul : 2 500,00 × 16 ÷ 31 = 1 290,32 €",
          "Fixed monthly fee of €2,500.00 for 16 days of 31 — base price, no revision; from 1 December 2026 to "
          "16 December 2026 under the contract as signed, pro rata of calendar days; "
          "calculation: 2,500.00 × 16 ÷ 31 = €1,290.32")
    _says(second,
          "Forfait mensuel de 3 100,00 € pour 15 jours sur 31 — prix de base, sans révision ; du 17 décembre 2026 "
          "au 31 décembre 2026 selon l’avenant avenant-3, au prorata des jours calendaires ; "
          "calcul : 3 100,00 × 15 ÷ 31 = 1 500,00 €",
          "Fixed monthly fee of €3,100.00 for 15 days of 31 — base price, no revision; from 17 December 2026 to "
          "31 December 2026 under amendment avenant-3, pro rata of calendar days; "
          "calculation: 3,100.00 × 15 ÷ 31 = €1,500.00")


def _success(fee: dict[str, str]):
    c = _priced({"per": "productive_hour", "price": "31.00", "success_fee": {"event": "sale", **fee}}, "commercial")
    result = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 10, 10, productive_hours=1)],
                                       successes=[Successes("inbound", 17, Decimal("12345.67"))]))
    (line,) = lines_of(result, LineKind.SUCCESS_FEE)
    return line


def test_success_fee_per_sale_and_as_a_share_of_the_value_sold():
    # 17 sales × 35.00 = 595.00; or 8% of the 12,345.67 sold = 987.6536 → 987.65.
    _says(_success({"amount": "35.00"}),
          "17 succès (sale) × 35,00 € — prix de base, sans révision ; calcul : 17 × 35,00 = 595,00 €",
          "17 successes (sale) × €35.00 — base price, no revision; calculation: 17 × 35.00 = €595.00")
    _says(_success({"share": "8%"}),
          "8 % de la valeur vendue, 12 345,67 €, sur 17 succès (sale) ; calcul : 8 % × 12 345,67 = 987,65 €",
          "8% of the value sold, €12,345.67, over 17 successes (sale); calculation: 8% × 12,345.67 = €987.65")


MINIMUM = """\
forecasts:
  horizons: [{name: M-1, issued_before: 1 month, granularity: month}]
  band: {under: 10%, over: 10%, horizon: M-1}
  minimum_billing: {rule: forecast_volume, floor: 90%, horizon: M-1, triggered_on: handled}
"""


def test_minimum_billing_top_up():
    # M-1 forecast 1,000 contacts, band −10%: 900. 850 handled < 900: under the band. Minimum = 90% × 1,000
    # = 900 contacts; billed 850; top-up 50 × 2.00 = 100.00.
    c = contract(MINIMUM)
    document = c.document()
    document["activities"][0]["pricing"] = {"per": "handled_contact", "price": "2.00"}
    c = type(c).model_validate(document)
    m1 = ForecastSeries.build("inbound", "M-1", "month", date(2026, 10, 1), [at("2026-10-31T23:00")], [1000], [180])
    result = settle(c, NOVEMBER, facts([row("2026-11-02T09:00", 950, 800, handled=850)], forecasts=[m1]))
    (top_up,) = lines_of(result, LineKind.MINIMUM_BILLING)
    _says(top_up,
          "850 appels traités, sous la bande de la prévision M-1 (1 000) : le minimum est 90 % × volume prévu "
          "(1 000,00 contacts traités) = 900,00 contacts traités ; quantité facturée 850,00 contacts traités, d’où "
          "un complément de 50,00 contacts traités à 2,00 € ; calcul : 50 × 2,00 = 100,00 €",
          "850 handled calls, below the band of the M-1 forecast (1,000): the minimum is 90% × forecast volume "
          "(1,000.00 handled contacts) = 900.00 handled contacts; billed 850.00 handled contacts, hence a top-up "
          "of 50.00 handled contacts at €2.00; calculation: 50 × 2.00 = €100.00")


def _sl_month(answered: int, *extra: str):
    # one interval carrying the month, as forecast: 100 productive hours → 100 × 30.00 = 3,000.00 billed
    return settle(sl_contract("raw", *extra), NOVEMBER,
                  facts([row("2026-11-02T09:00", 100, answered, productive_hours=100)],
                        forecasts=[w1([("2026-11-02T09:00", 100)])]))


SL = "décrochés en 20 s ou moins ÷ offerts", "answered within 20 s ÷ offered"  # the formula book's definition


def test_malus_capped_by_its_grid_and_the_penalties_cap():
    # SL 70/100 = 70%, 10 points under the 80% threshold (target 80%); 10 × 1% = 10% of 3,000.00 = 300.00,
    # capped by the grid at 5%: −150.00. The liability clause caps penalties at 3% × 3,000.00 = 90.00: 150.00
    # − 90.00 = 60.00 given back.
    result = _sl_month(70, "liability: {cap_months_of_billing: 12, penalties_cap: 3%}\n")
    (malus,) = lines_of(result, LineKind.MALUS)
    _says(malus,
          f"Niveau de service de 70 % ({SL[0]} ; résultat brut) en deçà du seuil de 80 % (objectif 80 %) : écart "
          "de 10 points compté au prorata, 10 × 1 % par point = 10 % de la base de 3 000,00 €, plafonné à 5 % "
          "(non plafonné : -300,00 €) ; calcul : −(5 % × 3 000,00) = -150,00 €",
          f"Service level of 70% ({SL[1]}; raw result) short of the threshold of 80% (target 80%): a gap of 10 "
          "points counted pro rata, 10 × 1% per point = 10% of the base of €3,000.00, capped at 5% (uncapped: "
          "-€300.00); calculation: −(5% × 3,000.00) = -€150.00")
    (cap,) = lines_of(result, LineKind.CAP_ADJUSTMENT)
    _says(cap,
          "Plafond des pénalités (responsabilité, axe 8) : 3 % de 3 000,00 € = 90,00 € ; montant avant plafond "
          "150,00 €, l’excédent est rendu ; calcul : 150,00 − 90,00 = 60,00 €",
          "Penalties cap (liability, axis 8): 3% of €3,000.00 = €90.00; amount before the cap €150.00, the excess "
          "is given back; calculation: 150.00 − 90.00 = €60.00")


def test_bonus_beyond_its_threshold():
    # SL 90/100 = 90%: 5 points above the 85% bonus threshold × 0.5% = 2.5% of 3,000.00 = +75.00 (cap 3%: not hit).
    (bonus,) = lines_of(_sl_month(90), LineKind.BONUS)
    _says(bonus,
          f"Niveau de service de 90 % ({SL[0]} ; résultat brut) au-delà du seuil de 85 % (objectif 80 %) : écart "
          "de 5 points compté au prorata, 5 × 0,5 % par point = 2,5 % de la base de 3 000,00 € ; "
          "calcul : (2,5 % × 3 000,00) = 75,00 €",
          f"Service level of 90% ({SL[1]}; raw result) beyond the threshold of 85% (target 80%): a gap of 5 "
          "points counted pro rata, 5 × 0.5% per point = 2.5% of the base of €3,000.00; "
          "calculation: (2.5% × 3,000.00) = €75.00")


TWO_COMMITMENTS = """\
service_commitments:
  - {id: sl, activity: inbound, metric: service_level, answered_within: 20s, target: 80%}
  - {id: ar, activity: inbound, metric: answer_rate, target: 95%}
bonus_malus:
  symmetric: false
  no_double_penalty: false
  grids:
    sl: {malus: {per_point: 1%}, cap_malus: 5%}
    ar: {malus: {per_point: 1%}, cap_malus: 5%}
  overall_cap: {malus: 6%}
"""


def test_overall_malus_cap():
    # 100 offered, 90 handled, 70 answered within 20 s; 100 h × 30.00 = 3,000.00 billed. SL 70%: 10 points × 1%
    # = 10%, capped by its grid at 5% = 150.00; answer rate 90/100 = 90%: 5 points under 95% × 1% = 5% = 150.00.
    # Maluses 300.00; the overall cap allows 6% × 3,000.00 = 180.00: 300.00 − 180.00 = 120.00 given back.
    result = settle(contract(TWO_COMMITMENTS), NOVEMBER,
                    facts([row("2026-11-02T09:00", 100, 70, handled=90, productive_hours=100)]))
    (cap,) = lines_of(result, LineKind.CAP_ADJUSTMENT)
    _says(cap,
          "Plafond global des malus : 6 % de 3 000,00 € = 180,00 € ; montant avant plafond 300,00 €, l’excédent est "
          "rendu ; calcul : 300,00 − 180,00 = 120,00 €",
          "Overall malus cap: 6% of €3,000.00 = €180.00; amount before the cap €300.00, the excess is given back; "
          "calculation: 300.00 − 180.00 = €120.00")


def test_malus_with_an_interval_set_aside_for_a_client_incident():
    # 09:00: 100 offered, 70 answered within 20 s; 09:30 falls in the client's CRM outage (09:40–10:10), set aside
    # (exclusions: client_incidents): SL = 70/100 = 70%, 10 points under 80% × 1% = 10%, capped at 5% of the
    # 100 h × 30.00 = 3,000.00 billed: −150.00.
    rows = [row("2026-11-02T09:00", 100, 70, productive_hours=50), row("2026-11-02T09:30", 100, 10,
                                                                        productive_hours=50)]
    outage = Incident("inbound", at("2026-11-02T09:40"), at("2026-11-02T10:10"), "client_outage", "client")
    forecast = w1([("2026-11-02T09:00", 100), ("2026-11-02T09:30", 100)])
    result = settle(sl_contract("raw"), NOVEMBER, facts(rows, incidents=[outage], forecasts=[forecast]))
    (malus,) = lines_of(result, LineKind.MALUS)
    _says(malus,
          f"Niveau de service de 70 % ({SL[0]} ; résultat brut) en deçà du seuil de 80 % (objectif 80 %) : écart "
          "de 10 points compté au prorata, 10 × 1 % par point = 10 % de la base de 3 000,00 €, plafonné à 5 % "
          "(non plafonné : -300,00 €) ; 1 intervalle(s) écarté(s) pour incident côté client ; "
          "calcul : −(5 % × 3 000,00) = -150,00 €",
          f"Service level of 70% ({SL[1]}; raw result) short of the threshold of 80% (target 80%): a gap of 10 "
          "points counted pro rata, 10 × 1% per point = 10% of the base of €3,000.00, capped at 5% (uncapped: "
          "-€300.00); 1 interval(s) set aside for incidents on the client's side; "
          "calculation: −(5% × 3,000.00) = -€150.00")
