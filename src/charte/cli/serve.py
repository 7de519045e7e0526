"""``charte serve``: the web application.

- ``charte serve``: production. An empty platform on the database of ``CHARTE_DATABASE_URL`` and the
  files of ``CHARTE_STORAGE_PATH``; refuses to start without ``CHARTE_SECRET_KEY`` (32 characters or
  more); ``--workers N`` runs N processes sharing the database. First steps: ``charte admin
  create-admin`` then ``charte admin create-organisation``.
- ``charte serve --demo``: the demo on this machine only. The demo month, the observatory's synthetic
  members and the six demo accounts (one shared, published password) are prepared ONCE into a cache
  folder keyed by the code's own hash (``~/.cache/charte``, or ``CHARTE_DEMO_CACHE``) and copied into a
  fresh folder at each start, so it is ready in seconds; it never touches ``CHARTE_DATABASE_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from charte.cli.app import app


@app.command("serve")
def serve_command(
    demo: Annotated[bool, typer.Option("--demo", help="Serve the demo (its own SQLite database, published "
                                                      "passwords) instead of the platform of CHARTE_DATABASE_URL.")
                    ] = False,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (production; PostgreSQL advised beyond one)."
                                         )] = 1,
    data_dir: Annotated[Path | None, typer.Option(help="With --demo: the folder of the demo's database and files "
                                                       "(kept across restarts); default: a new temporary folder. "
                                                       "In production use CHARTE_STORAGE_PATH.")] = None,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        help="Addresses of the reverse proxy whose X-Forwarded-For names the client (throttling is per client "
             "address)."),] = None,
    settle_demo: Annotated[bool, typer.Option(help="With --demo: settle the demo month.")] = True,
) -> None:
    """Serve the web application: an empty platform, or the demo with --demo."""
    import uvicorn

    if demo:
        web = _demo_app(host, port, data_dir, settle_demo)
        uvicorn.run(web, host=host, port=port, log_level="warning", forwarded_allow_ips=forwarded_allow_ips)
        return
    from charte.web.config import ConfigurationError, WebSettings

    settings = WebSettings(production=True)
    try:
        settings.check_production()
    except ConfigurationError as error:
        typer.echo(f"charte serve: {error}", err=True)
        raise typer.Exit(2) from None
    if workers > 1 and not settings.database_url.startswith(("postgresql", "postgres")):
        typer.echo("charte serve: several workers on SQLite share one file and wait on each other's writes; "
                   "set CHARTE_DATABASE_URL=postgresql://… for a team server", err=True)
    typer.echo(f"charte on http://{host}:{port}/ ({workers} worker(s); database: "
               f"{_without_password(settings.effective_database_url())}; files: {settings.data_dir})")
    if workers == 1:
        from charte.web.server import app as build

        uvicorn.run(build(settings), host=host, port=port, log_level="info", forwarded_allow_ips=forwarded_allow_ips)
    else:
        from charte.store import make_engine, migrate

        migrate(make_engine(settings.effective_database_url()))  # once, before the workers start
        uvicorn.run("charte.web.server:app", factory=True, host=host, port=port, workers=workers, log_level="info",
                    forwarded_allow_ips=forwarded_allow_ips)


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _demo_app(host: str, port: int, data_dir: Path | None, settle_demo: bool):  # type: ignore[no-untyped-def]
    from rich.console import Console

    from charte.web.demo_cache import demo_folder

    console = Console(soft_wrap=True)
    if os.environ.get("CHARTE_DATABASE_URL"):
        console.print("charte serve --demo: CHARTE_DATABASE_URL is set; the demo (published passwords) never writes "
                      "into a real database: unset it, or run `charte serve` without --demo", highlight=False)
        raise typer.Exit(2)
    with console.status("Demo: preparing (once; cached afterwards)…"):
        prepared = demo_folder(data_dir, settle=settle_demo)
    from charte.web import WebSettings, create_app

    web = create_app(WebSettings(data_dir=prepared.folder, database_url="", secret_key="",
                                 production=False))
    console.print(f"charte (demo) on [bold]http://{host}:{port}/[/bold]  (data: {prepared.folder})", highlight=False)
    console.print(f"demo logins (password [bold]{prepared.password}[/bold]):", highlight=False)
    for key, email in prepared.logins.items():
        console.print(f"  {key:<13} {email}", highlight=False)
    if prepared.provider_token:
        console.print(f"API token of the provider: {prepared.provider_token}", highlight=False)
    return web
