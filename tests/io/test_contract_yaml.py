"""Reading contract files: one test per problem code, with its line; round-trip; examples; schema."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from charte.domain.contract import Contract
from charte.io.contract_yaml import (
    ContractInvalid,
    Problem,
    check_contract_file,
    check_contract_text,
    dump_contract,
    load_contract,
    loads_contract,
    schema_text,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# A small complete contract: every clause present, so it validates with no finding at all.
BASE = """\
contract: test-contract
client: {name: Client SA, siren: "123456782", siret: "12345678200010",
         address: {street: "12 rue de la Lumière", postcode: "75011", city: Paris},
         electronic_address: {scheme: "0225", id: "123456782"}}
provider:
  name: Provider SAS
  legal_form: SAS
  share_capital: "250000"
  rcs_city: Amiens
  siren: "987654324"
  siret: "98765432400019"
  address: {street: "3 boulevard de Beauvillé", postcode: "80000", city: Amiens}
  electronic_address: {scheme: "0225", id: "987654324"}
  sites:
    - {name: Amiens, country: FR, staff: 100}
    - {name: Porto, country: PT, staff: 50}
relationship_since: 2020-01-01
term: {start: 2026-01-01, end: 2027-12-31}
activities:
  - id: inbound
    function: service
    channel: voice_inbound
    opening_hours: "Mo-Fr 08:00-20:00"
    sites: [Amiens]
    pricing: {per: productive_hour, price: "28.50"}
  - id: mail
    function: service
    channel: email
    opening_hours: "Mo-Fr 09:00-18:00"
    pricing:
      per: handled_contact
      tiers:
        - {from: 0, to: 1000, price: "4.00"}
        - {from: 1000, price: "3.50"}
forecasts:
  horizons:
    - {name: M-1, issued_before: 1 month, granularity: day}
    - {name: W-1, issued_before: 7 days, granularity: 30min}
  band: {under: 10%, over: 15%, horizon: M-1}
  minimum_billing: {rule: forecast_volume, floor: 90%}
  fair_evaluation: {model: erlang_a}
service_commitments:
  - id: sl
    activity: inbound
    metric: service_level
    answered_within: 20s
    short_abandon: 5s
    target: 80%
    evaluation: fair
  - id: mail-24h
    activity: mail
    metric: response_time
    within: 24h
    target: 90%
bonus_malus:
  grids:
    sl: {malus: {per_point: 1%}, bonus: {per_point: 0.5%}, cap_malus: 5%, cap_bonus: 3%}
  overall_cap: {malus: 8%, bonus: 4%}
price_floor: {hourly_wage: "12.40"}
indexation: {index: syntec, formula: "0.15 + 0.85 × I/I0", base_month: 2025-08, anniversary: 01-01, lag_months: 3}
payment_terms: {days: 45}
exit: {notice: 6 months}
liability: {cap_months_of_billing: 12, penalties_cap: 10%}
charter_2010:
  certifications:
    - {name: NF 345, until: 2027-06-30}
  staff_in_france: 80%
"""


def test_base_contract_is_clean() -> None:
    contract, problems = check_contract_text(BASE, "c.yaml")
    assert problems == []
    assert contract is not None
    assert contract.activity("inbound").pricing.price == Decimal("28.50")


# (code, text to replace in BASE, replacement, text on the line the problem must point at)
CASES = [
    ("yaml_syntax", "payment_terms: {days: 45}", "payment_terms: {days: 45", "exit:"),
    ("duplicate_key", "payment_terms: {days: 45}", "payment_terms: {days: 45}\npayment_terms: {days: 30}",
     "payment_terms: {days: 30}"),
    ("missing_clause", "payment_terms: {days: 45}\n", "", "contract: test-contract"),
    ("missing_field", "    answered_within: 20s\n", "", "  - id: sl"),
    ("unknown_field", "    short_abandon: 5s\n", "    short_abandon: 5s\n    short_abandons: 5s\n", "short_abandons"),
    ("wrong_type", "{name: Amiens, country: FR, staff: 100}", "{name: Amiens, country: FR, staff: many}",
     "staff: many"),
    ("invalid_value", "cap_months_of_billing: 12", "cap_months_of_billing: 12, cap_amount: \"100000\"",
     "cap_months_of_billing"),
    ("unknown_choice", "    function: service\n    channel: email", "    function: service\n    channel: fax",
     "channel: fax"),
    ("amount_not_exact", 'price: "28.50"', "price: 28.50", "price: 28.50"),
    ("invalid_percentage", "target: 80%", "target: 0.8", "target: 0.8"),
    ("invalid_duration", "answered_within: 20s", "answered_within: 20", "answered_within: 20"),
    ("invalid_identifier", "  - id: mail-24h", "  - id: mail 24h", "id: mail 24h"),
    ("invalid_opening_hours", '"Mo-Fr 09:00-18:00"', '"Mo-Fr 18:00-09:00"', "18:00-09:00"),
    ("invalid_siren", 'siren: "123456782"', 'siren: "123456789"', "123456789"),
    ("volume_bands_overlap", "{from: 1000, price: \"3.50\"}", "{from: 900, price: \"3.50\"}", "tiers:"),
    ("volume_bands_gap", "{from: 1000, price: \"3.50\"}", "{from: 1200, price: \"3.50\"}", "tiers:"),
    ("payment_term_exceeds_legal_max", "payment_terms: {days: 45}", "payment_terms: {days: 60}", "payment_terms"),
    ("recovery_indemnity_below_legal", "payment_terms: {days: 45}",
     "payment_terms: {days: 45, recovery_indemnity: \"25\"}", "payment_terms"),
    ("unknown_activity", "    activity: mail\n", "    activity: mails\n", "activity: mails"),
    ("unknown_commitment", "    sl: {malus", "    sla: {malus", "sla: {malus"),
    ("unknown_horizon", "horizon: M-1}", "horizon: W-2}", "band:"),
    ("unknown_site", "    sites: [Amiens]", "    sites: [Lille]", "sites: [Lille]"),
    ("unknown_law_key", "payment_terms: {days: 45}", "payment_terms: {days: 45}\nlaw_overrides: {payment.days: 30}",
     "law_overrides"),
    ("duplicate_id", "  - id: mail\n", "  - id: inbound\n",
     "  - id: inbound\n    function: service\n    channel: email"),
    ("term_ends_before_start", "end: 2027-12-31", "end: 2025-12-31", "term:"),
    ("relationship_after_term_start", "relationship_since: 2020-01-01", "relationship_since: 2026-06-01",
     "relationship_since"),
    ("indexation_weights_not_one", "0.15 + 0.85", "0.20 + 0.85", "indexation:"),
    ("cap_above_overall_cap", "cap_malus: 5%", "cap_malus: 9%", "    sl: {malus"),
    ("bonus_malus_not_symmetric", " bonus: {per_point: 0.5%},", "", "    sl: {malus"),
    ("metric_channel_mismatch", "    activity: inbound\n    metric: service_level",
     "    activity: mail\n    metric: service_level", "    metric: service_level"),
    ("evaluation_needs_forecast_band", "forecasts:\n  horizons:\n    - {name: M-1, issued_before: 1 month, "
     "granularity: day}\n    - {name: W-1, issued_before: 7 days, granularity: 30min}\n  band: {under: 10%, over: "
     "15%, horizon: M-1}\n  minimum_billing: {rule: forecast_volume, floor: 90%}\n  fair_evaluation: {model: "
     "erlang_a}\n", "", "    evaluation: fair"),
    ("success_fee_not_commercial", 'pricing: {per: productive_hour, price: "28.50"}',
     'pricing: {per: productive_hour, price: "28.50", success_fee: {event: sale, amount: "20"}}', "success_fee"),
    ("amendment_outside_term", "payment_terms: {days: 45}", "payment_terms: {days: 45}\namendments:\n  - id: a1\n"
     "    effective: 2029-01-01\n    summary: late\n    changes: {payment_terms: {days: 30}}", "effective: 2029"),
    ("amendments_out_of_order", "payment_terms: {days: 45}", "payment_terms: {days: 45}\namendments:\n"
     "  - {id: a1, effective: 2026-06-01, summary: one, changes: {payment_terms: {days: 40}}}\n"
     "  - {id: a2, effective: 2026-03-01, summary: two, changes: {payment_terms: {days: 30}}}", "id: a2"),
]

WARNING_CASES = [
    ("certification_expired", "until: 2027-06-30", "until: 2025-06-30", "until: 2025"),
    ("axis_not_covered", "price_floor: {hourly_wage: \"12.40\"}\n", "", "contract: test-contract"),
    ("staff_in_france_below_practice", "staff_in_france: 80%", "staff_in_france: 30%", "staff_in_france"),
    ("double_penalty_risk", "  overall_cap:",
     "    ab: {malus: {per_point: 1%}, bonus: {per_point: 1%}}\n  overall_cap:", "    ab: {malus"),
    ("notice_short_for_relationship", "exit: {notice: 6 months}", "exit: {notice: 6 months, notice_per_year: 1 month}",
     "exit:"),
    ("amendment_retroactive", "payment_terms: {days: 45}", "payment_terms: {days: 45}\namendments:\n"
     "  - {id: a1, signed: 2026-07-01, effective: 2026-06-01, summary: one, changes: {payment_terms: {days: 40}}}",
     "id: a1"),
]


def _apply(old: str, new: str) -> str:
    assert old in BASE, f"test case does not match the base contract: {old!r}"
    return BASE.replace(old, new, 1)


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(("code", "old", "new", "marker"), CASES, ids=[c[0] for c in CASES])
def test_each_error_code_is_reported_with_its_line(code: str, old: str, new: str, marker: str) -> None:
    text = _apply(old, new)
    contract, problems = check_contract_text(text, "c.yaml")
    assert contract is None, "nothing is half-loaded: a contract with an error is not built"
    matching = [p for p in problems if p.code == code]
    assert matching, f"expected [{code}], got {[str(p) for p in problems]}"
    assert matching[0].severity == "error"
    assert matching[0].line == _line_of(text, marker), str(matching[0])
    assert str(matching[0]).startswith(f"c.yaml:{matching[0].line}: [{code}] ")


@pytest.mark.parametrize(("code", "old", "new", "marker"), WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_each_warning_code_is_reported_and_the_contract_still_loads(code: str, old: str, new: str, marker: str) -> None:
    text = _apply(old, new)
    if code == "double_penalty_risk":
        text = text.replace("    within: 24h\n    target: 90%\n", "    within: 24h\n    target: 90%\n"
                            "  - {id: ab, activity: inbound, metric: abandonment, short_abandon: 5s, target: 5%}\n")
    contract, problems = check_contract_text(text, "c.yaml")
    matching = [p for p in problems if p.code == code]
    assert matching, f"expected [{code}], got {[str(p) for p in problems]}"
    assert all(p.severity == "warning" for p in problems)
    assert matching[0].line == _line_of(text, marker), str(matching[0])
    assert contract is not None


def test_every_problem_is_listed_at_once() -> None:
    """The issue's bad input: a missing clause, a wrong type, overlapping bands, a payment term beyond
    the legal maximum and an unknown activity, all in one file, all reported."""
    text = (BASE.replace("liability: {cap_months_of_billing: 12, penalties_cap: 10%}\n", "")
            .replace("staff: 100}", "staff: many}")
            .replace('{from: 1000, price: "3.50"}', '{from: 900, price: "3.50"}')
            .replace("payment_terms: {days: 45}", "payment_terms: {days: 90}")
            .replace("    activity: mail\n", "    activity: mails\n"))
    _, problems = check_contract_text(text, "c.yaml")
    codes = {p.code for p in problems if p.is_error}
    assert {"wrong_type", "volume_bands_overlap", "payment_term_exceeds_legal_max", "unknown_activity"} <= codes
    assert any(p.code == "axis_not_covered" and "liability" in p.message for p in problems)
    with pytest.raises(ContractInvalid) as raised:
        loads_contract(text, "c.yaml")
    assert {p.code for p in raised.value.problems} >= codes


def test_messages_say_expected_and_found() -> None:
    _, problems = check_contract_text(_apply("staff: 100}", "staff: many}"), "c.yaml")
    (problem,) = problems
    assert "'many'" in problem.message and "whole number" in problem.message
    _, problems = check_contract_text(_apply("payment_terms: {days: 45}", "payment_terms: {days: 50}"), "c.yaml")
    assert "50 days exceeds the legal maximum of 45" in problems[0].message
    assert "by 5 days" in problems[0].message


def test_unknown_top_level_clause_suggests_the_right_name() -> None:
    _, problems = check_contract_text(BASE + "forcasts: {}\n", "c.yaml")
    assert [p.code for p in problems] == ["unknown_field"]
    assert "did you mean `forecasts`" in problems[0].message


def test_an_amendment_breaking_the_contract_points_into_the_amendment() -> None:
    text = BASE + ("amendments:\n  - id: a1\n    effective: 2026-06-01\n    summary: longer terms\n"
                   "    changes:\n      payment_terms: {days: 75}\n")
    _, problems = check_contract_text(text, "c.yaml")
    (problem,) = problems
    assert problem.code == "payment_term_exceeds_legal_max"
    assert problem.line == _line_of(text, "      payment_terms: {days: 75}")
    assert problem.message.startswith("amendment 'a1' (effective 2026-06-01):")


def test_law_override_changes_the_legal_maximum() -> None:
    text = _apply("payment_terms: {days: 45}", "payment_terms: {days: 50}\n"
                  "law_overrides: {payment.max_days_periodic_invoice: 50}")
    contract, problems = check_contract_text(text, "c.yaml")
    assert problems == []
    assert contract is not None
    assert contract.law("payment.max_days_periodic_invoice", date(2026, 1, 1)).overridden


def test_empty_and_non_mapping_files() -> None:
    assert [p.code for p in check_contract_text("", "c.yaml")[1]] == ["missing_clause"]
    assert [p.code for p in check_contract_text("- a\n- b\n", "c.yaml")[1]] == ["wrong_type"]


def test_unreadable_file(tmp_path: Path) -> None:
    problems = check_contract_file(tmp_path / "absent.yaml")
    assert [p.code for p in problems] == ["unreadable_file"]
    with pytest.raises(ContractInvalid):
        load_contract(tmp_path / "absent.yaml")


def test_problem_format() -> None:
    problem = Problem("a.yaml", 12, "volume_bands_overlap", "volume bands overlap: 0–1,000 and 900–2,000")
    assert str(problem) == "a.yaml:12: [volume_bands_overlap] volume bands overlap: 0–1,000 and 900–2,000"
    assert problem.format() == str(problem)


# ---------------------------------------------------------------- round trip, examples, schema

def test_round_trip_through_yaml() -> None:
    contract = loads_contract(BASE)
    text = dump_contract(contract)
    again = loads_contract(text)
    assert again == contract
    assert dump_contract(again) == text
    assert "price: '28.50'" in text and "target: 80%" in text and "answered_within: 20s" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_validate_clean_and_round_trip(path: Path) -> None:
    problems = check_contract_file(path)
    if path.name == "contrat-desequilibre.yaml":  # strains the charters on purpose (charter scorecard example)
        assert problems and all(p.severity == "warning" for p in problems)
    elif path.name == "anonymous-bank-1999.yaml":  # real 1999 data: laws not yet in force, axes the data lacks
        assert problems and all(p.severity == "warning" for p in problems)
        assert {p.code for p in problems} == {"law_not_in_force", "axis_not_covered"}
    else:
        assert problems == []
    contract = load_contract(path)
    assert loads_contract(dump_contract(contract)) == contract
    for amendment in contract.amendments:
        version = contract.as_of(amendment.effective)
        assert amendment.id in version.applied_amendments
        assert loads_contract(dump_contract(version)).document() == version.document()


def test_the_four_examples_exist() -> None:
    names = {p.name for p in EXAMPLES}
    assert {"service-client-energie.yaml", "hotline-support-telecom.yaml", "vente-sortante-assurance.yaml",
            "back-office-email-chat.yaml"} <= names


def test_demo_contract_as_the_demo_expects_it() -> None:
    contract = load_contract(ROOT / "examples" / "service-client-energie.yaml")
    activity = contract.activity("service-inbound")
    assert activity.channel.value == "voice_inbound"
    assert activity.hours.text == "Mo-Fr 08:00-20:00; Sa 09:00-18:00; PH off"
    assert activity.hours.is_open_on(date(2026, 1, 3)) and not activity.hours.is_open_on(date(2026, 1, 4))
    assert not activity.hours.is_open_on(date(2026, 5, 1))  # Fête du travail, PH off
    (sl,) = [c for c in contract.service_commitments if c.metric == "service_level"]
    assert (sl.activity, sl.threshold_seconds, sl.short_abandon_seconds) == ("service-inbound", 20, 5)
    assert str(sl.target) in ("0.8", "0.80")
    assert contract.forecasts is not None
    assert contract.forecasts.band.under == contract.forecasts.band.over == Decimal("0.1")
    assert contract.forecasts.minimum_billing is not None
    assert contract.forecasts.minimum_billing.floor == Decimal("0.9")


def test_committed_schema_is_up_to_date() -> None:
    committed = (ROOT / "schema" / "contract.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run `charte schema -o schema/contract.schema.json` and commit the result"


def test_schema_describes_the_clauses() -> None:
    schema = json.loads(schema_text())
    assert schema["required"] == ["contract", "client", "provider", "term", "activities", "payment_terms"]
    assert schema["additionalProperties"] is False
    for clause in ("forecasts", "service_commitments", "bonus_malus", "price_floor", "indexation", "exit",
                   "liability", "charter_2010", "amendments", "law_overrides"):
        assert clause in schema["properties"]


def test_examples_are_plain_yaml_mappings() -> None:
    for path in EXAMPLES:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)
    assert isinstance(Contract, type)


SALES = (ROOT / "examples" / "vente-sortante-assurance.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("code", "old", "new", "marker", "severity"), [
    ("outbound_attempts_exceed_legal_max", "max_attempts_per_30_days: 3", "max_attempts_per_30_days: 6",
     "max_attempts_per_30_days: 6", "error"),
    ("automated_dialer", "mode: preview", "mode: predictive", "mode: predictive", "warning"),
    ("dialing_policy_missing", "  outbound_dialing:\n", "  outbound_dialing_draft:\n", "channel: voice_outbound",
     "warning"),
])
def test_outbound_dialing_rules(code: str, old: str, new: str, marker: str, severity: str) -> None:
    text = SALES.replace(old, new, 1)
    assert text != SALES
    if code == "dialing_policy_missing":  # drop the policy block entirely
        head, _, _ = text.partition("  outbound_dialing_draft:\n")
        text = head
    _, problems = check_contract_text(text, "s.yaml")
    (problem,) = [p for p in problems if p.code == code]
    assert problem.line == _line_of(text, marker)
    assert problem.severity == severity
