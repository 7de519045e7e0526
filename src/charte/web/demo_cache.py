"""The demo server's data, prepared once and copied at each start (``charte serve --demo``).

Preparing the demo — generating and settling the month, the observatory's synthetic members with
their barometers (disclosure-controlled) and ranking published, hashing six demo passwords — takes tens
of seconds; it is done once into a cache folder (``CHARTE_DEMO_CACHE``, default ``~/.cache/charte``)
whose name carries charte's version and the SHA-256 of its own code and data files, so a changed
charte prepares afresh and a cache never serves stale figures. Each start copies the prepared folder
(a few MB) into the server's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import charte

DEMO_TENANTS = "demo-tenants.json"


@dataclass
class PreparedDemo:
    folder: Path
    logins: dict[str, str] = field(default_factory=dict)
    password: str = ""
    provider_token: str | None = None


def code_key() -> str:
    """charte's version and the SHA-256 of every file of the installed package (code, templates, data)."""
    root = Path(charte.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in (".pyc",) and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        version = metadata.version("charte")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"{version}-{digest.hexdigest()[:16]}"


def cache_root() -> Path:
    configured = os.environ.get("CHARTE_DEMO_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "charte"


def _build(target: Path, settle: bool) -> None:
    from charte.demo.run import DEFAULT_MONTH, default_contract_path, run_demo
    from charte.observatory.demo_population import write_demo
    from charte.observatory.publications import publish_all
    from charte.web import WebSettings, create_app
    from charte.web.demo_tenants import seed_demo
    from charte.web.observatory_views import observatory_folder

    demo = run_demo(target / "demo")
    web = create_app(WebSettings(data_dir=target, database_url="", secret_key="", production=False))
    tenants = seed_demo(web.state.sessions, target, contract_text=default_contract_path().read_text("utf-8"),
                        demo_dir=demo.out_dir, period=str(DEFAULT_MONTH) if settle else None)
    web.state.engine.dispose()
    observatory = observatory_folder(target)
    write_demo(observatory)
    publish_all(observatory)
    (target / DEMO_TENANTS).write_text(json.dumps({"logins": tenants.logins, "password": tenants.password,
                                                   "provider_token": tenants.provider_token}), encoding="utf-8")


def prepared_template(settle: bool = True) -> Path:
    """The cache folder of the prepared demo, built now if it does not exist yet."""
    template = cache_root() / f"demo-{code_key()}-{'settled' if settle else 'open'}"
    if (template / DEMO_TENANTS).exists():
        return template
    template.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=template.parent))
    try:
        _build(scratch, settle)
        try:
            scratch.rename(template)  # atomic: a concurrent start sees a whole template or none
        except OSError:
            if not (template / DEMO_TENANTS).exists():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return template


def demo_folder(data_dir: Path | None, settle: bool = True) -> PreparedDemo:
    """A folder holding the demo: ``data_dir`` as it is when it already holds one (a restart), otherwise filled
    with a copy of the prepared template (``data_dir``, or a new temporary folder)."""
    folder = data_dir or Path(tempfile.mkdtemp(prefix="charte-demo-"))
    if not (folder / DEMO_TENANTS).exists():
        shutil.copytree(prepared_template(settle), folder, dirs_exist_ok=True)
    tenants = json.loads((folder / DEMO_TENANTS).read_text(encoding="utf-8"))
    return PreparedDemo(folder, dict(tenants["logins"]), str(tenants["password"]), tenants.get("provider_token"))
