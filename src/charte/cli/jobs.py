"""``charte jobs``: the job board's housekeeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from charte.cli.app import app
from charte.jobs.candidates import inactive_before
from charte.store import make_engine, migrate, session_factory, transaction
from charte.store.accounts import audit
from charte.store.job_candidates import purge

jobs_app = typer.Typer(help="The job board (members' offers, candidates, work-study).", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("purge")
def purge_command(
    data_dir: Annotated[Path, typer.Option(envvar=["CHARTE_STORAGE_PATH", "CHARTE_DATA_DIR"],
                                           help="The web application's storage folder (CHARTE_STORAGE_PATH): its "
                                                "database and the stored CVs.")] = Path("charte-data"),
    database_url: Annotated[str, typer.Option(envvar="CHARTE_DATABASE_URL", help="The database, when not the "
                                              "SQLite file of the data folder.")] = "",
    today: Annotated[str | None, typer.Option(help="The day to purge as of (YYYY-MM-DD, Europe/Paris); "
                                                   "default: today.")] = None,
) -> None:
    """Delete candidates without activity for 24 months, and accounts whose e-mail was never verified within 7
    days, with their applications and the CVs no one else's application uses (GDPR art. 5(1)(e)). Run it daily
    (cron or a systemd timer)."""
    paris = ZoneInfo("Europe/Paris")
    try:
        day = date.fromisoformat(today) if today else datetime.now(paris).date()
    except ValueError:
        raise typer.BadParameter(f"{today!r}: expected YYYY-MM-DD", param_hint="--today") from None
    moment = datetime.combine(day, time(12, 0), paris).astimezone(UTC) if today else datetime.now(UTC)
    url = database_url or f"sqlite:///{(data_dir / 'charte.sqlite3').resolve()}"
    engine = make_engine(url)
    migrate(engine)
    with transaction(session_factory(engine)) as session:
        done = purge(session, moment, day, data_dir / "jobs" / "cv")
        audit(session, "job_candidates_purged", detail=f"inactive={done.inactive} unverified={done.unverified}")
    Console(soft_wrap=True).print(
        f"{day}: {done.inactive} candidates inactive since before {inactive_before(day)} deleted, "
        f"{done.unverified} never-verified accounts deleted, {done.cv_files} CV files removed", highlight=False)
