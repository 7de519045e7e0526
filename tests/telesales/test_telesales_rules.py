"""Each rule in both directions around its boundaries (issue 11); expected verdicts worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.telesales.telesales_attempts import Call, table

from charte.telesales.audit import AuditInputError, AuditResult, AuditSettings, Verdict, audit_table
from charte.telesales.bloctel import BloctelList, hash_number
from charte.telesales.rules import Rule


def audit(calls: list[Call], settings: AuditSettings | None = None) -> AuditResult:
    return audit_table(table(calls), settings)


def flagged(result: AuditResult, rule: Rule) -> set[str]:
    return set(result.violations(rule).column("contact_id").to_pylist())


# -- D. 223-9: hours and days, in the consumer's zone ---------------------------------------------------

def test_calling_hours_boundaries_in_winter_and_summer() -> None:
    # 2026-03-10 is a Tuesday (CET, UTC+1), 2026-07-07 a Tuesday (CEST, UTC+2)
    times = {"09:59:59": True, "10:00:00": False, "12:59:59": False, "13:00:00": True, "13:59:59": True,
             "14:00:00": False, "19:59:59": False, "20:00:00": True}
    calls = [Call(f"{day}-{t}", f"{day} {t}", consumer=f"c-{day}-{t}") for day in ("2026-03-10", "2026-07-07")
             for t in times]
    result = audit(calls)
    expected = {f"{day}-{t}" for day in ("2026-03-10", "2026-07-07") for t, bad in times.items() if bad}
    assert flagged(result, Rule.CALLING_HOURS) == expected
    assert result.finding(Rule.CALLING_HOURS).violations == 8
    assert result.finding(Rule.CALLING_HOURS).verdict is Verdict.VIOLATION


def test_monday_public_holiday_and_weekend() -> None:
    calls = [Call("easter-monday", "2026-04-06 11:00:00", consumer="a"),   # Lundi de Pâques
             Call("tuesday-after", "2026-04-07 11:00:00", consumer="b"),
             Call("saturday", "2026-04-11 11:00:00", consumer="c"),
             Call("whit-monday", "2026-05-25 15:00:00", consumer="d")]     # Lundi de Pentecôte
    result = audit(calls)
    assert flagged(result, Rule.CALLING_HOURS) == {"easter-monday", "saturday", "whit-monday"}
    reasons = {r["contact_id"]: r["reason"] for r in result.violations(Rule.CALLING_HOURS).to_pylist()}
    assert "Lundi de Pâques" in reasons["easter-monday"]
    assert "weekend" in reasons["saturday"]


def test_consumer_in_reunion_is_called_on_reunion_time() -> None:
    # July: Paris UTC+2, Réunion UTC+4.
    calls = [
        Call("re-1230", "2026-07-07 12:30:00", department="974", consumer="a"),   # 10:30 in Paris: fine
        Call("re-1330", "2026-07-07 13:30:00", department="974", consumer="b"),   # 11:30 in Paris, lunch in Réunion
        Call("re-1100", "2026-07-07 11:00:00", department="974", consumer="c"),   # 09:00 in Paris, fine in Réunion
        Call("re-2000", "2026-07-07 20:00:00", department="974", consumer="d"),   # 18:00 in Paris, too late there
        Call("gp-1900", "2026-07-07 19:00:00", department="971", consumer="e"),   # 01:00 next day in Paris: fine
    ]
    result = audit(calls)
    assert flagged(result, Rule.CALLING_HOURS) == {"re-1330", "re-2000"}
    row = result.violations(Rule.CALLING_HOURS).to_pylist()[0]
    assert row["consumer_zone"] == "Indian/Reunion"
    assert str(row["local_time"]) == "2026-07-07 13:30:00"


def test_overseas_holiday_applies_to_its_own_consumers_only_when_local_holidays_are_asked_for() -> None:
    # 20 December: abolition of slavery in La Réunion (Code du travail L3422-2, not L3133-1's list that
    # D. 223-9 names); 2027-12-20 is a Monday. By default the national list only: not a closed day.
    calls = [Call("reunion", "2027-12-20 11:00:00", department="974", consumer="a"),
             Call("paris", "2027-12-20 11:00:00", department="75", consumer="b")]
    assert flagged(audit(calls), Rule.CALLING_HOURS) == set()
    assert flagged(audit(calls, AuditSettings(local_holidays=True)), Rule.CALLING_HOURS) == {"reunion"}


def test_alsace_moselle_good_friday_is_a_local_holiday_option() -> None:
    # Good Friday 2026 is 3 April (Easter 5 April): a holiday in Moselle (L3134-13), not in L3133-1
    calls = [Call("metz", "2026-04-03 11:00:00", department="57", consumer="a"),
             Call("lyon", "2026-04-03 11:00:00", department="69", consumer="b")]
    assert flagged(audit(calls), Rule.CALLING_HOURS) == set()
    assert flagged(audit(calls, AuditSettings(local_holidays=True)), Rule.CALLING_HOURS) == {"metz"}


def test_express_prior_consent_allows_calls_outside_the_hours() -> None:
    # D. 223-9 second paragraph: a consumer who asked to be called at 21:00 (proof referenced) may be
    calls = [Call("asked", "2026-03-10 21:00:00", consumer="a", hours_consent="proof-17"),
             Call("not-asked", "2026-03-10 21:00:00", consumer="b")]
    assert flagged(audit(calls), Rule.CALLING_HOURS) == {"not-asked"}


def test_the_hours_finding_cites_the_single_article_of_the_decret() -> None:
    result = audit([Call("a", "2026-03-10 21:00:00")])
    reference = result.finding(Rule.CALLING_HOURS).reference
    assert "D. 223-9" in reference and "D223-8" not in reference


def test_hours_rule_not_in_force_before_1_march_2023() -> None:
    calls = [Call("before", "2023-02-28 21:00:00", consumer="a"), Call("after", "2023-03-01 21:00:00", consumer="b")]
    assert flagged(audit(calls), Rule.CALLING_HOURS) == {"after"}


# -- D223-9: 4 calls per 30 days, 60 days after a refusal --------------------------------------------

def _four_calls(consumer: str, professional: str = "brand-a") -> list[Call]:
    # day 1 = Monday 2026-03-02, then days 2, 3, 4
    return [Call(f"{consumer}-{d}", f"2026-03-0{d + 1} 11:00:00", consumer=consumer, professional=professional)
            for d in range(1, 5)]


def test_fifth_call_on_day_30_is_a_violation_on_day_31_is_not() -> None:
    calls = [*_four_calls("x"), Call("x-day30", "2026-03-31 11:00:00", consumer="x"),
             *_four_calls("y"), Call("y-day31", "2026-04-01 11:00:00", consumer="y")]
    result = audit(calls)
    assert flagged(result, Rule.CALL_FREQUENCY) == {"x-day30"}
    assert "2026-03-02" in result.violations(Rule.CALL_FREQUENCY).column("reason")[0].as_py()


def test_frequency_counts_per_professional_and_takes_contract_overrides() -> None:
    calls = [*_four_calls("x", "brand-a"), Call("other-brand", "2026-03-20 11:00:00", consumer="x",
                                                professional="brand-b")]
    assert flagged(audit(calls), Rule.CALL_FREQUENCY) == set()
    stricter = AuditSettings(law_overrides={"telesales.max_calls_per_30_days": Decimal(3)})
    assert flagged(audit(calls, stricter), Rule.CALL_FREQUENCY) == {"x-4"}


def test_refusal_then_call_60_days_later_is_a_violation_61_is_not() -> None:
    # refusal on Thursday 2026-01-15; +60 days = Monday 2026-03-16, +61 = Tuesday 2026-03-17
    calls = [Call("a-refusal", "2026-01-15 11:00:00", consumer="a", refused=True),
             Call("a-day60", "2026-03-16 11:00:00", consumer="a"),
             Call("b-refusal", "2026-01-15 11:00:00", consumer="b", refused=True),
             Call("b-day61", "2026-03-17 11:00:00", consumer="b"),
             Call("c-refusal", "2026-01-15 11:00:00", consumer="c", refused=True),
             Call("c-same-day", "2026-01-15 15:00:00", consumer="c")]
    result = audit(calls)
    assert flagged(result, Rule.REFUSAL_SILENCE) == {"a-day60", "c-same-day"}


# -- loi 2025-594: consent from 11 August 2026 ---------------------------------------------------------

def test_campaign_crossing_11_august_2026() -> None:
    calls = [Call("mon-10", "2026-08-10 11:00:00", consumer="a", consent=None),
             Call("tue-11", "2026-08-11 11:00:00", consumer="b", consent=None),
             Call("tue-11-consent", "2026-08-11 11:00:00", consumer="c", consent="form-2026-07-01"),
             Call("tue-11-contract", "2026-08-11 11:00:00", consumer="d", consent=None, contract_in_progress=True),
             Call("blank-consent", "2026-08-12 11:00:00", consumer="e", consent="  ")]
    result = audit(calls)
    assert flagged(result, Rule.PRIOR_CONSENT) == {"tue-11", "blank-consent"}
    finding = result.finding(Rule.PRIOR_CONSENT)
    assert finding.attempts_checked == 3  # from 11 August, the contract in progress exempt
    assert finding.verdict is Verdict.VIOLATION


def test_consent_date_is_the_consumers_local_date() -> None:
    # 2026-08-10 21:00 in Guadeloupe (UTC-4) is 2026-08-11 03:00 in Paris: not yet 11 August for that consumer
    calls = [Call("gp", "2026-08-10 21:00:00", department="971", consumer="a", consent=None)]
    assert flagged(audit(calls), Rule.PRIOR_CONSENT) == set()


def test_no_consent_check_before_the_law_is_not_checked() -> None:
    result = audit([Call("early", "2026-05-05 11:00:00", consent=None)])
    assert result.finding(Rule.PRIOR_CONSENT).verdict is Verdict.NOT_CHECKED


# -- Bloctel ------------------------------------------------------------------------------------------

SALT = "test-salt-not-secret"


def test_bloctel_match_list_date_and_contract_exception() -> None:
    listed, free = hash_number("06 12 34 56 78", SALT), hash_number("06 98 76 54 32", SALT)
    lst = BloctelList(date(2026, 3, 1), frozenset({listed}), "bloctel-2026-03-01.csv", "")
    calls = [Call("listed", "2026-03-10 11:00:00", consumer="a", number_hash=listed),
             Call("free", "2026-03-10 11:00:00", consumer="b", number_hash=free),
             Call("listed-contract", "2026-03-10 11:00:00", consumer="c", number_hash=listed,
                  contract_in_progress=True),
             Call("list-30-days-old", "2026-03-31 11:00:00", consumer="d", number_hash=free),
             Call("list-31-days-old", "2026-04-01 11:00:00", consumer="e", number_hash=free),
             Call("before-list", "2026-02-27 11:00:00", consumer="f", number_hash=listed)]
    result = audit(calls, AuditSettings(bloctel_lists=(lst,)))
    assert flagged(result, Rule.BLOCTEL_OPPOSITION) == {"listed"}
    assert flagged(result, Rule.BLOCTEL_LIST_DATE) == {"list-31-days-old", "before-list"}


def test_monthly_lists_each_call_uses_the_latest_list() -> None:
    number = hash_number("0612345678", SALT)
    march = BloctelList(date(2026, 3, 1), frozenset(), "march", "")
    april = BloctelList(date(2026, 4, 1), frozenset({number}), "april", "")
    calls = [Call("in-march", "2026-03-20 11:00:00", consumer="a", number_hash=number),
             Call("in-april", "2026-04-20 11:00:00", consumer="b", number_hash=number)]
    result = audit(calls, AuditSettings(bloctel_lists=(march, april)))
    assert flagged(result, Rule.BLOCTEL_OPPOSITION) == {"in-april"}
    assert flagged(result, Rule.BLOCTEL_LIST_DATE) == set()


def test_without_a_list_bloctel_is_not_checked() -> None:
    result = audit([Call("a", "2026-03-10 11:00:00")])
    assert result.finding(Rule.BLOCTEL_OPPOSITION).verdict is Verdict.NOT_CHECKED
    assert "--bloctel" in result.finding(Rule.BLOCTEL_OPPOSITION).note


# -- 2010 charter and CPCE L34-5 ------------------------------------------------------------------------

def test_share_of_automated_dialing_modes() -> None:
    modes = ["manual"] * 5 + ["preview"] * 2 + ["predictive"] * 2 + ["automated_message"]
    calls = [Call(f"m{i}", "2026-03-10 11:00:00", consumer=f"c{i}", dial_mode=m,
                  consent=None if m == "automated_message" else "k") for i, m in enumerate(modes)]
    result = audit(calls)
    assert result.automated_share == pytest.approx(0.3)
    shares = {m.mode: (m.attempts, m.automated) for m in result.dial_modes}
    assert shares == {"manual": (5, False), "preview": (2, False), "predictive": (2, True),
                      "automated_message": (1, True)}
    assert result.finding(Rule.AUTOMATED_DIALING).violations == 3
    assert flagged(result, Rule.AUTOMATED_MESSAGE_CONSENT) == {"m9"}
    assert result.campaigns == (("spring", 10, 3),)
    assert result.dial_mode_counts() == {"manual": 5, "preview": 2, "predictive": 2, "automated_message": 1}


def test_all_manual_campaign_conforms_to_the_2010_charter() -> None:
    result = audit([Call("a", "2026-03-10 11:00:00", dial_mode="preview")])
    assert result.finding(Rule.AUTOMATED_DIALING).verdict is Verdict.CONFORM
    assert result.automated_share == 0


# -- input problems -------------------------------------------------------------------------------------

def test_unknown_department_is_an_error_naming_it() -> None:
    with pytest.raises(AuditInputError, match="'999'"):
        audit([Call("a", "2026-03-10 11:00:00", department="999")])


def test_missing_columns_make_rules_not_checked() -> None:
    t = table([Call("a", "2026-09-01 11:00:00")]).drop_columns(["consent_ref", "refused"])
    result = audit_table(t)
    assert result.finding(Rule.PRIOR_CONSENT).verdict is Verdict.NOT_CHECKED
    assert "consent_ref" in result.finding(Rule.PRIOR_CONSENT).note
    assert result.finding(Rule.REFUSAL_SILENCE).verdict is Verdict.NOT_CHECKED
    assert result.finding(Rule.CALLING_HOURS).verdict is Verdict.CONFORM


def test_contract_policy_can_only_tighten_the_frequency_limit() -> None:
    from charte.domain.contract.charter_2010 import OutboundDialing
    from charte.domain.records import DialMode
    from charte.telesales.audit import settings_for_policy

    calls = [*_four_calls("x"), Call("x-5", "2026-03-06 11:00:00", consumer="x")]
    tighter = settings_for_policy(OutboundDialing(mode=DialMode.PREVIEW, max_attempts_per_30_days=2))
    looser = settings_for_policy(OutboundDialing(mode=DialMode.PREVIEW, max_attempts_per_30_days=9))
    assert flagged(audit(calls, tighter), Rule.CALL_FREQUENCY) == {"x-3", "x-4", "x-5"}
    assert flagged(audit(calls, looser), Rule.CALL_FREQUENCY) == {"x-5"}


def test_exemptions_are_configurable() -> None:
    from charte.telesales.rules import Exemptions

    calls = [Call("contract", "2026-09-01 11:00:00", consent=None, contract_in_progress=True)]
    assert flagged(audit(calls), Rule.PRIOR_CONSENT) == set()
    strict = AuditSettings(exemptions=Exemptions(contract_in_progress=frozenset()))
    assert flagged(audit(calls, strict), Rule.PRIOR_CONSENT) == {"contract"}


def test_calls_before_the_decret_only_are_audited_without_error() -> None:
    result = audit([Call("2022", "2022-06-04 21:00:00")])  # a Saturday evening, before 1 March 2023
    assert result.finding(Rule.CALLING_HOURS).verdict is Verdict.NOT_CHECKED
    assert result.finding(Rule.CALL_FREQUENCY).verdict is Verdict.NOT_CHECKED
    assert result.finding(Rule.BLOCTEL_OPPOSITION).verdict is Verdict.NOT_CHECKED


# -- issue 19: a stable attempt key, no guessed zones, normalised dial modes, bad cells named ----------

def test_attempts_sharing_a_key_at_the_same_instant_are_refused_not_mixed() -> None:
    # consumer a refused at 11:00; consumer b was called at the same instant under the same id: before,
    # b's attempt picked up a's refusal and a's window. The key is required to be unique instead.
    calls = [Call("dup", "2026-03-10 11:00:00", consumer="a", refused=True),
             Call("dup", "2026-03-10 11:00:00", consumer="b"), Call("b2", "2026-03-11 11:00:00", consumer="b")]
    with pytest.raises(AuditInputError, match="duplicate_attempt_key") as caught:
        audit(calls)
    assert "'dup' is used by 2 rows" in str(caught.value)


def test_an_attempt_without_a_key_is_refused() -> None:
    calls = [Call("", "2026-03-10 11:00:00", consumer="a"), Call("k", "2026-03-10 11:00:00", consumer="b")]
    with pytest.raises(AuditInputError, match="bad_cells") as caught:
        audit(calls)
    assert "<table>:1: [bad_cell] `contact_id` is empty" in str(caught.value)


def test_distinct_keys_at_the_same_instant_stay_apart() -> None:
    calls = [Call("a1", "2026-03-10 11:00:00", consumer="a", refused=True),
             Call("b1", "2026-03-10 11:00:00", consumer="b"), Call("b2", "2026-03-11 11:00:00", consumer="b")]
    assert flagged(audit(calls), Rule.REFUSAL_SILENCE) == set()


@pytest.mark.parametrize(("written", "automated"), [("Predictive", True), ("PROGRESSIVE ", True),
                                                    ("automated message", True), (" Manual", False),
                                                    ("preview", False)])
def test_dial_modes_are_read_whatever_their_case_and_spaces(written: str, automated: bool) -> None:
    result = audit([Call("a", "2026-03-10 11:00:00", dial_mode=written)])
    assert flagged(result, Rule.AUTOMATED_DIALING) == ({"a"} if automated else set())


def test_an_unknown_dial_mode_is_refused() -> None:
    with pytest.raises(AuditInputError, match="bad_cells") as caught:
        audit([Call("a", "2026-03-10 11:00:00", dial_mode="robot")])
    assert "`dial_mode` is robot; expected one of manual" in str(caught.value)
