"""Sign-in throttling shared by every worker (the counters are rows of the database).

Three counters slow down guessing, none of them lets a stranger lock a user out:

- per client address (``ip:``): a budget of failures per window for any accounts, then a delay that
  doubles with each further failure — password spraying from one address slows to a crawl. A
  successful sign-in from that address does NOT reset it (an attacker with one valid account cannot
  clear the counter by signing in with it);
- per account (``account:``): after a few failures from anywhere, a delay that doubles up to a short
  cap (minutes, never a lock). It does not apply from an address the account signed in from
  successfully in the last weeks (``known:``), so a stranger failing on purpose does not keep the
  user out of their usual office or home;
- per account and address (``pair:``): the same small budget for one address on one account, which
  applies everywhere (also from a known address) and is cleared by a successful sign-in there.

While a key is delayed, attempts are refused (HTTP 429 with ``Retry-After``) without checking the
password. The clock is passed in, so tests need no sleeping. (OWASP Authentication Cheat Sheet,
"Account lockout" and "Login throttling"; NIST SP 800-63B §5.2.2 rate limiting.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from charte.store.models import LoginThrottleRow


@dataclass(frozen=True)
class Budget:
    """``free`` failures per ``window``; the n-th failure beyond them delays the key by
    ``first_delay × 2^(n-1)``, at most ``max_delay``."""

    free: int
    window: timedelta
    first_delay: timedelta
    max_delay: timedelta

    def delay(self, failures: int) -> timedelta:
        beyond = failures - self.free
        if beyond <= 0:
            return timedelta(0)
        delay: timedelta = self.first_delay * (2 ** min(beyond - 1, 40))
        return min(delay, self.max_delay)


@dataclass(frozen=True)
class ThrottlePolicy:
    address: Budget = Budget(20, timedelta(hours=1), timedelta(seconds=2), timedelta(hours=1))
    account: Budget = Budget(5, timedelta(minutes=15), timedelta(seconds=1), timedelta(minutes=5))
    pair: Budget = Budget(5, timedelta(minutes=15), timedelta(seconds=1), timedelta(minutes=15))
    known_for: timedelta = timedelta(days=30)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _keys(email: str, address: str) -> dict[str, str]:
    account = email.strip().lower()[:254]
    return {"address": f"ip:{address[:64]}", "account": f"account:{account}", "pair": f"pair:{account}|{address[:64]}",
            "known": f"known:{account}|{address[:64]}"}


def wait_before_login(db: Session, email: str, address: str, now: datetime,
                      policy: ThrottlePolicy = ThrottlePolicy()) -> timedelta:
    """How long this address must wait before trying this account again (zero: it may try now)."""
    keys = _keys(email, address)
    rows = {row.key: row for row in db.scalars(select(LoginThrottleRow).where(LoginThrottleRow.key.in_(keys.values())))}
    known = rows.get(keys["known"])
    known_address = known is not None and now - (_aware(known.last_at) or now) < policy.known_for
    checked = ["address", "pair"] + ([] if known_address else ["account"])
    wait = timedelta(0)
    for name in checked:
        row = rows.get(keys[name])
        until = _aware(row.blocked_until) if row is not None else None
        if until is not None and until > now:
            wait = max(wait, until - now)
    return wait


def _bump(db: Session, key: str, budget: Budget, now: datetime) -> None:
    row = db.get(LoginThrottleRow, key, with_for_update=True)
    if row is None:
        try:
            with db.begin_nested():
                db.add(LoginThrottleRow(key=key, failures=0, window_start=now, last_at=now))
        except IntegrityError:  # another worker inserted it meanwhile
            pass
        row = db.get(LoginThrottleRow, key, with_for_update=True, populate_existing=True)
        assert row is not None
    if now - (_aware(row.window_start) or now) >= budget.window:
        row.failures, row.window_start = 0, now
    row.failures += 1
    row.last_at = now
    delay = budget.delay(row.failures)
    row.blocked_until = now + delay if delay else None


def login_failed(db: Session, email: str, address: str, now: datetime,
                 policy: ThrottlePolicy = ThrottlePolicy()) -> None:
    keys = _keys(email, address)
    _bump(db, keys["address"], policy.address, now)
    _bump(db, keys["account"], policy.account, now)
    _bump(db, keys["pair"], policy.pair, now)
    db.flush()


def login_succeeded(db: Session, email: str, address: str, now: datetime) -> None:
    """Clear this account's counter for this address and remember the address as known for the account. The
    address's counter (all accounts) and the account's (all addresses) are left to their window: a success
    gives neither a sprayer nor a distributed guesser a fresh budget."""
    keys = _keys(email, address)
    db.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == keys["pair"]))
    known = db.get(LoginThrottleRow, keys["known"])
    if known is None:
        db.add(LoginThrottleRow(key=keys["known"], failures=0, window_start=now, last_at=now))
    else:
        known.last_at = now
    db.flush()


def purge_stale(db: Session, now: datetime, older_than: timedelta = timedelta(days=31)) -> int:
    """Forget counters nobody touched for a month."""
    return int(db.execute(delete(LoginThrottleRow).where(LoginThrottleRow.last_at < now - older_than))
               .rowcount or 0)  # type: ignore[attr-defined]
