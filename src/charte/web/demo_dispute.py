"""The demo's dispute in the web application (``charte serve``): the month's invoice issued, then the dispute of
``charte demo`` (``dispute.json``) replayed step by step through the same functions the pages call, so the served
demo shows the contest, the what-if and its waterfall, the mediator's recommendation and the partial credit note."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from charte.domain.calendar import Month
from charte.store import OrganisationRow, UserRow, contract_access, transaction
from charte.web.config import WebSettings
from charte.web.disputes import (
    ClaimIn,
    StepIn,
    attachment_from_file,
    open_dispute,
    paris_today,
    post_step,
    propose_whatif,
)
from charte.web.invoicing import issue_invoice


def _who(session: Session, organisations: dict[str, str], logins: dict[str, str],
         key: str) -> tuple[OrganisationRow, UserRow | None]:
    organisation = session.get(OrganisationRow, organisations[key])
    assert organisation is not None
    user = session.scalar(select(UserRow).where(UserRow.email == logins[key]))
    return organisation, user


def seed_dispute(sessions: sessionmaker[Session], data_dir: Path, organisations: dict[str, str],
                 logins: dict[str, str], contract_id: str, demo_dir: Path, period: str) -> None:
    """Issue the month's invoice (first day of the next month) and replay the demo's dispute on it."""
    saved = json.loads((demo_dir / "dispute.json").read_text(encoding="utf-8"))
    settings = WebSettings(data_dir=data_dir)
    today = max(paris_today(), Month.parse(period).next().first_day)
    with transaction(sessions) as session:
        provider, provider_user = _who(session, organisations, logins, "provider")
        client, client_user = _who(session, organisations, logins, "client")
        mediator, mediator_user = _who(session, organisations, logins, "mediator")
        as_provider = contract_access(session, provider, contract_id)
        as_client = contract_access(session, client, contract_id)
        assert as_provider is not None and as_client is not None
        number = issue_invoice(session, as_provider, period, data_dir, provider, Month.parse(period).next().first_day)
        claim, thread = saved["claim"], saved["thread"]
        revision = next(p for p in demo_dir.glob("forecast-revision-*.csv"))
        row = open_dispute(session, as_client, client, client_user, "manager", data_dir,
                           ClaimIn(number, claim["scope"], claim["reason"], claim["disputed_amount"], claim["text"],
                                   commitment=claim["commitment"], evidence="forecasts"),
                           [attachment_from_file(data_dir, revision)], today)
        changes = saved["whatifs"]["W1"]["changes"]
        texts = {e["kind"]: e["text"] for e in thread}
        record = propose_whatif(session, as_provider, provider, provider_user, "manager", settings, row, changes,
                                texts["whatif"])
        post_step(session, as_provider, provider, provider_user, "manager", settings, row,
                  StepIn("reject", texts["reject"], whatif=record.id), today)
        post_step(session, as_provider, provider, provider_user, "manager", settings, row,
                  StepIn("invite_mediator", mediator=mediator.id), today)
        as_mediator = contract_access(session, mediator, contract_id)
        assert as_mediator is not None
        post_step(session, as_mediator, mediator, mediator_user, "manager", settings, row,
                  StepIn("recommendation", texts["recommendation"].replace("W1", record.id[:8]), whatif=record.id),
                  today)
        post_step(session, as_client, client, client_user, "manager", settings, row,
                  StepIn("accept", whatif=record.id), today)
        post_step(session, as_provider, provider, provider_user, "manager", settings, row,
                  StepIn("accept", whatif=record.id), today)


__all__ = ["seed_dispute"]
