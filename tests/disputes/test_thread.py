"""The dispute's rules: who posts what, when it is agreed or ended, what is owed by when, the sealed thread."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from charte.disputes.thread import (
    IN_DISPUTE,
    REFUSED,
    Actor,
    Claim,
    Entry,
    Kind,
    Reason,
    Scope,
    Status,
    broken_links,
    chain,
    check_claim,
    check_step,
    pending_answers,
    recipients,
    state,
)
from charte.domain.contract import DisputeTerms

CLIENT, PROVIDER, MEDIATOR = Actor("client", True), Actor("provider", True), Actor("mediator", True)


def claim(**kw) -> Claim:  # type: ignore[no-untyped-def]
    base = {"invoice": "F000001", "invoice_date": date(2026, 11, 1), "invoice_total": Decimal("170890.56"),
            "scope": Scope.VERDICT, "reason": Reason.FORECAST_USED, "disputed_amount": Decimal("1295.00"),
            "commitment": "sl-80-20", "text": "Mailing annoncé le 9 octobre"}
    return Claim(**{**base, **kw})


def thread(*steps: tuple[str, Kind, dict]) -> list[Entry]:  # type: ignore[type-arg]
    entries: list[Entry] = []
    for i, (standing, kind, kw) in enumerate(steps):
        at = kw.pop("at", datetime(2026, 11, 5 + i, 9, 0, tzinfo=UTC))
        entries.append(chain(entries, Entry(0, kind, at, standing, **kw)))
    return entries


def test_the_whole_path_to_an_agreement():
    entries = thread(("client", Kind.CONTEST, {}), ("provider", Kind.WHATIF, {"whatif": "w1"}),
                     ("client", Kind.INVITE_MEDIATOR, {}),
                     ("mediator", Kind.RECOMMENDATION, {"whatif": "w1", "text": "Accept w1"}),
                     ("provider", Kind.ACCEPT, {"whatif": "w1"}))
    s = state(entries)
    assert (s.status, s.mediator, s.recommended, s.agreed) == (Status.IN_MEDIATION, True, "w1", None)
    entries = thread(*[(e.standing, e.kind, {"whatif": e.whatif, "text": e.text}) for e in entries],
                     ("client", Kind.ACCEPT, {"whatif": "w1"}))
    assert state(entries).status == Status.AGREED and state(entries).agreed == "w1"
    entries.append(chain(entries, Entry(0, Kind.RESOLUTION, datetime(2026, 11, 20, tzinfo=UTC), "provider",
                                        whatif="w1", document="F000002")))
    s = state(entries)
    assert (s.status, s.document) == (Status.RESOLVED, "F000002")
    assert check_step(s, CLIENT, Kind.MESSAGE, text="encore") [0].code == "dispute_ended"


def test_an_accept_later_withdrawn_by_a_reject_is_no_agreement():
    entries = thread(("client", Kind.CONTEST, {}), ("client", Kind.WHATIF, {"whatif": "w1"}),
                     ("client", Kind.ACCEPT, {"whatif": "w1"}), ("client", Kind.REJECT, {"whatif": "w1", "text": "x"}),
                     ("provider", Kind.ACCEPT, {"whatif": "w1"}))
    assert state(entries).agreed is None


@pytest.mark.parametrize(("actor", "kind", "code"), [
    (Actor("client", False), Kind.MESSAGE, "read_only"),
    (Actor("provider", False), Kind.ACCEPT, "read_only"),
    (MEDIATOR, Kind.MESSAGE, "not_a_participant"),          # not invited yet
    (MEDIATOR, Kind.RECOMMENDATION, "mediator_only"),
    (PROVIDER, Kind.WITHDRAWAL, "client_only"),
    (Actor("trade_body", True), Kind.WHATIF, "not_a_participant"),
    (CLIENT, Kind.ACCEPT, "whatif_needed"),                 # an agreement is on a what-if, never on words
    (CLIENT, Kind.CLOSING, "text_needed"),
    (PROVIDER, Kind.REJECT, "text_needed"),
    (CLIENT, Kind.CONTEST, "not_a_step"),
    (PROVIDER, Kind.RESOLUTION, "not_a_step"),
])
def test_who_may_post_what(actor: Actor, kind: Kind, code: str):
    s = state(thread(("client", Kind.CONTEST, {})))
    assert code in [p.code for p in check_step(s, actor, kind)]


def test_the_mediator_posts_once_invited_and_only_settled_what_ifs_can_be_agreed():
    s = state(thread(("client", Kind.CONTEST, {}), ("provider", Kind.INVITE_MEDIATOR, {}),
                     ("provider", Kind.WHATIF, {"whatif": "w1"})))
    assert check_step(s, MEDIATOR, Kind.RECOMMENDATION, text="ok", whatif="w1") == []
    assert check_step(s, MEDIATOR, Kind.WHATIF) == []
    assert [p.code for p in check_step(s, MEDIATOR, Kind.ACCEPT, whatif="w1", acceptable={"w1"})] == ["parties_only"]
    assert [p.code for p in check_step(s, CLIENT, Kind.ACCEPT, whatif="w1")] == ["whatif_not_settled"]
    assert check_step(s, CLIENT, Kind.ACCEPT, whatif="w1", acceptable={"w1"}) == []
    assert [p.code for p in check_step(s, CLIENT, Kind.ACCEPT, whatif="w9", acceptable={"w9"})] == ["unknown_whatif"]
    assert [p.code for p in check_step(s, CLIENT, Kind.INVITE_MEDIATOR)] == ["mediator_already_invited"]


def test_answers_owed_and_overdue_in_paris_dates():
    terms = DisputeTerms()  # the stated default: 15 days
    # Contest posted 2026-11-05 23:30 UTC = 6 Nov 00:30 in Paris: the provider owes an answer by 21 Nov.
    entries = thread(("client", Kind.CONTEST, {"at": datetime(2026, 11, 5, 23, 30, tzinfo=UTC)}))
    (owed,) = pending_answers(entries, terms)
    assert (owed.party, owed.since, owed.due) == ("provider", date(2026, 11, 6), date(2026, 11, 21))
    assert not owed.overdue(date(2026, 11, 21)) and owed.overdue(date(2026, 11, 22))
    assert owed.days_late(date(2026, 11, 25)) == 4
    # The provider proposes a what-if on 10 Nov: its answer is given; now the client owes one (by 25 Nov).
    entries.append(chain(entries, Entry(0, Kind.WHATIF, datetime(2026, 11, 10, 10, tzinfo=UTC), "provider",
                                        whatif="w1")))
    (owed,) = pending_answers(entries, DisputeTerms(answer_within="10 days"))
    assert (owed.party, owed.due) == ("client", date(2026, 11, 20))
    # A recommendation calls for both parties' answers.
    entries.append(chain(entries, Entry(0, Kind.INVITE_MEDIATOR, datetime(2026, 11, 11, tzinfo=UTC), "client")))
    entries.append(chain(entries, Entry(0, Kind.RECOMMENDATION, datetime(2026, 11, 12, tzinfo=UTC), "mediator",
                                        text="r")))
    assert [p.party for p in pending_answers(entries, terms)] == ["client", "provider"]


def test_the_thread_is_sealed_step_by_step():
    entries = thread(("client", Kind.CONTEST, {}), ("provider", Kind.MESSAGE, {"text": "Reçu"}),
                     ("client", Kind.MESSAGE, {"text": "Merci"}))
    assert broken_links(entries) == []
    edited = [entries[0], Entry(**{**entries[1].__dict__, "text": "Refusé"}), entries[2]]
    assert broken_links(edited) == [2]
    assert broken_links([entries[0], entries[2]]) == [3]  # step 3 no longer follows step 1: step 2 was deleted


def test_claims_are_checked_field_by_field():
    terms = DisputeTerms(window="1 month")
    assert check_claim(claim(), terms, date(2026, 11, 30), commitments=["sl-80-20"]) == []
    problems = check_claim(claim(scope=Scope.LINE, line=7, disputed_amount=Decimal("170890.57")), terms,
                           date(2026, 12, 2), lines=[1])
    assert {(p.code, p.where) for p in problems} == {
        ("unknown_line", "line"), ("disputed_amount_exceeds_invoice", "disputed_amount"),
        ("dispute_window_closed", "invoice")}
    window = next(p for p in problems if p.code == "dispute_window_closed")
    assert "2026-12-01" in window.message and "1 days later" in window.message
    assert [p.code for p in check_claim(claim(disputed_amount=Decimal("100")), terms, date(2026, 11, 2),
                                        commitments=["sl-80-20"], already_disputed=Decimal("170800"))] \
        == ["disputed_amount_exceeds_invoice"]
    assert [p.code for p in check_claim(claim(reason=Reason.OTHER, text=" "), DisputeTerms(), date(2027, 6, 1),
                                        commitments=["sl-80-20"])] == ["text_needed"]


def test_the_invoice_status_a_claim_sets():
    assert claim().invoice_status == IN_DISPUTE
    assert claim(scope=Scope.INVOICE, disputed_amount=Decimal("170890.56")).invoice_status == REFUSED
    assert claim(scope=Scope.INVOICE, disputed_amount=Decimal("100.00")).invoice_status == IN_DISPUTE


def test_each_step_is_told_to_everyone_but_its_author():
    contest = Entry(1, Kind.CONTEST, datetime(2026, 11, 5, tzinfo=UTC), "client")
    assert recipients(contest, mediator_invited=False) == ("provider",)
    invite = Entry(2, Kind.INVITE_MEDIATOR, datetime(2026, 11, 5, tzinfo=UTC), "provider")
    assert recipients(invite, mediator_invited=False) == ("client", "mediator")
    recommendation = Entry(3, Kind.RECOMMENDATION, datetime(2026, 11, 5, tzinfo=UTC), "mediator")
    assert recipients(recommendation, mediator_invited=True) == ("client", "provider")
