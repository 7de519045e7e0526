"""``charte admin``: the first steps and the upkeep of a team server, on the database of
``CHARTE_DATABASE_URL`` and the files of ``CHARTE_STORAGE_PATH``.

- ``charte admin create-admin EMAIL``: a platform administrator (password asked twice, or read from
  standard input with ``--password-stdin``);
- ``charte admin create-organisation NAME --kind provider --siren 987654324 --manager EMAIL``: an
  organisation and the invitation of its first manager (e-mailed through ``CHARTE_SMTP_URL``; without
  it, the link is printed here for you to pass on);
- ``charte admin invite SIREN_OR_ID --manager EMAIL``: invite the first manager again (a lost link);
- ``charte admin backup FILE.tar.gz`` / ``charte admin restore FILE.tar.gz``: the database (every
  table, one consistent read) and every stored file, restored into an empty database and folder.

Every action is written to the audit log as ``admin.*``.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from charte.cli.app import app

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from charte.store import OrganisationRow
    from charte.web.config import WebSettings

admin_app = typer.Typer(help="Run a team server: organisations, invitations, administrators, backup and restore.",
                        no_args_is_help=True)
app.add_typer(admin_app, name="admin")


def _settings() -> WebSettings:
    from charte.web.config import WebSettings

    return WebSettings()


def _sessions() -> tuple[sessionmaker[Session], WebSettings]:
    from charte.store import make_engine, migrate, session_factory

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url())
    migrate(engine)
    return session_factory(engine), settings


def _fail(message: str) -> typer.Exit:
    typer.echo(f"charte admin: {message}", err=True)
    return typer.Exit(1)


@admin_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument(help="The administrator's e-mail (their sign-in).")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")
                              ] = False,
) -> None:
    """Create a platform administrator (and the administration's organisation the first time)."""
    from sqlalchemy import select

    from charte.store import AccountError, OrganisationRow, add_member, audit, create_organisation, create_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else \
        typer.prompt("Password (12 characters at least)", hide_input=True, confirmation_prompt=True)
    sessions, _ = _sessions()
    with sessions() as session, session.begin():
        administration = session.scalar(select(OrganisationRow).where(OrganisationRow.kind == "admin").limit(1))
        try:
            administration = administration or create_organisation(session, "Administration charte", "admin")
            user = create_user(session, email, password)
            add_member(session, user, administration, "manager")
        except AccountError as error:
            raise _fail(f"[{error.code}] {error}") from None
        audit(session, "admin.administrator_created", user_id=None, organisation_id=administration.id, target=user.id,
              detail=f"{user.email} (command line)")
    typer.echo(f"administrator {email.strip().lower()} created; sign in at /login")


def _invite(session: Session, organisation: OrganisationRow, manager: str, settings: WebSettings) -> str:
    from charte.store import audit
    from charte.store.invitations import invite_first_manager
    from charte.web.mail import Mailer, MailError

    issued = invite_first_manager(session, organisation, manager, None, datetime.now(UTC))
    audit(session, "admin.first_manager_invited", organisation_id=None, target=organisation.id,
          detail=f"{issued.row.email} (command line)")
    base = settings.public_url.rstrip("/") or "http://127.0.0.1:8000"
    link = f"{base}/invitations/{issued.token}"
    body = (f"Vous êtes invité(e) à rejoindre {organisation.name} sur charte. Ouvrez ce lien dans les 7 jours pour "
            f"choisir votre mot de passe :\n\n{link}\n")
    try:
        sent = Mailer(settings.smtp_url).send(issued.row.email, f"Invitation sur charte : {organisation.name}", body)
    except MailError as error:
        typer.echo(f"charte admin: {error}", err=True)
        sent = False
    return f"invitation e-mailed to {issued.row.email}" if sent else \
        f"no e-mail sent (CHARTE_SMTP_URL unset or failing): give {issued.row.email} this link, valid 7 days:\n{link}"


@admin_app.command("create-organisation")
def create_organisation_command(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    kind: Annotated[str, typer.Option(help="provider, client, trade_body or mediator.")],
    manager: Annotated[str, typer.Option(help="E-mail of its first manager, who receives the invitation.")],
    siren: Annotated[str | None, typer.Option(help="SIREN (9 digits): required for a provider or a client.")] = None,
) -> None:
    """Create an organisation and invite its first manager."""
    from charte.store import AccountError, audit, create_organisation

    if kind not in ("provider", "client", "trade_body", "mediator"):
        raise _fail(f"--kind {kind!r}: expected provider, client, trade_body or mediator")
    if kind in ("provider", "client") and not siren:
        raise _fail("a provider or a client is known by its SIREN: --siren")
    sessions, settings = _sessions()
    with sessions() as session, session.begin():
        try:
            organisation = create_organisation(session, name, kind, siren)
            audit(session, "admin.organisation_created", target=organisation.id,
                  detail=f"{kind} {organisation.name} SIREN {organisation.siren or '-'} (command line)")
            outcome = _invite(session, organisation, manager, settings)
        except AccountError as error:
            raise _fail(f"[{error.code}] {error}") from None
    typer.echo(f"organisation {organisation.name} ({kind}) created, id {organisation.id}; {outcome}")


@admin_app.command("invite")
def invite_command(
    organisation: Annotated[str, typer.Argument(help="The organisation's SIREN or id.")],
    manager: Annotated[str, typer.Option(help="E-mail of its first manager.")],
) -> None:
    """Invite an organisation's first manager again (refused once it has members)."""
    from sqlalchemy import or_, select

    from charte.store import AccountError, OrganisationRow

    sessions, settings = _sessions()
    with sessions() as session, session.begin():
        found = list(session.scalars(select(OrganisationRow).where(
            or_(OrganisationRow.id == organisation, OrganisationRow.siren == organisation))))
        if len(found) != 1:
            raise _fail(f"{organisation}: expected the SIREN or id of exactly one organisation; found {len(found)}")
        try:
            outcome = _invite(session, found[0], manager, settings)
        except AccountError as error:
            raise _fail(f"[{error.code}] {error}") from None
    typer.echo(outcome)


@admin_app.command("backup")
def backup_command(
    archive: Annotated[Path, typer.Argument(help="The archive to write (.tar.gz).")],
) -> None:
    """Back up the database (every table, one consistent read) and the storage folder into one archive."""
    from charte.store import make_engine
    from charte.store.backup import backup
    from charte.web.demo_cache import code_key

    settings = _settings()
    summary = backup(make_engine(settings.effective_database_url()), settings.data_dir, archive, code_key())
    typer.echo(f"{archive}: {sum(summary.rows.values()):,} rows in {len(summary.rows)} tables (schema "
               f"{summary.revision}), {summary.files:,} files")


@admin_app.command("restore")
def restore_command(
    archive: Annotated[Path, typer.Argument(help="An archive written by `charte admin backup`.")],
) -> None:
    """Restore an archive into an EMPTY database (CHARTE_DATABASE_URL) and an empty storage folder."""
    from charte.store import make_engine
    from charte.store.backup import BackupError, restore

    settings = _settings()
    settings.data_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        summary = restore(make_engine(settings.effective_database_url()), settings.data_dir, archive)
    except BackupError as error:
        raise _fail(str(error)) from None
    typer.echo(f"{archive}: restored {sum(summary.rows.values()):,} rows (schema {summary.revision}) and "
               f"{summary.files:,} files into {settings.data_dir}; everybody signs in again")
