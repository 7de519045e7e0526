"""``charte serve``: the web application on this machine, with the demo month loaded.

Runs ``charte demo`` into a temporary folder, creates the demo organisations (the provider
Relais Contact SAS, the client Énergie Verte SA, another client that sees nothing, the trade body,
a mediator, an administrator) with one user each, stores the sample contract between the two
parties with the month's facts, settles it, and serves on ``http://HOST:PORT``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from charte.cli.app import app
from charte.cli.observatory import publish_all
from charte.demo.run import DEFAULT_MONTH, default_contract_path, run_demo
from charte.observatory.demo_population import write_demo
from charte.web import WebSettings, create_app
from charte.web.demo_tenants import seed_demo
from charte.web.observatory_views import observatory_folder


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: Annotated[Path | None, typer.Option(help="Folder for the database and the facts; default: a new "
                                                       "temporary folder (the demo starts afresh each time).")] = None,
    settle_demo: Annotated[bool, typer.Option(help="Settle the demo month before serving.")] = True,
) -> None:
    """Serve the web application with the demo loaded; prints the address and the demo logins."""
    import uvicorn

    console = Console(soft_wrap=True)
    folder = data_dir or Path(tempfile.mkdtemp(prefix="charte-serve-"))
    demo = run_demo(folder / "demo")
    settings = WebSettings(data_dir=folder)
    web = create_app(settings)
    observatory = observatory_folder(folder)
    if not (observatory / "members.json").exists():
        with console.status("Observatory: demo population of members, barometers with disclosure control…"):
            write_demo(observatory)
            publish_all(observatory)
    tenants = seed_demo(web.state.sessions, folder, contract_text=default_contract_path().read_text("utf-8"),
                        demo_dir=demo.out_dir, period=str(DEFAULT_MONTH) if settle_demo else None)
    console.print(f"charte on [bold]http://{host}:{port}/[/bold]  (data: {folder}, database: "
                  f"{settings.effective_database_url()})", highlight=False)
    console.print(f"demo logins (password [bold]{tenants.password}[/bold]):", highlight=False)
    for key, email in tenants.logins.items():
        console.print(f"  {key:<13} {email}", highlight=False)
    console.print(f"API token of the provider: {tenants.provider_token}", highlight=False)
    uvicorn.run(web, host=host, port=port, log_level="warning")
