"""Settings of the web application, from the environment (prefix ``CHARTE_``) or given in code."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigurationError(RuntimeError):
    """The server refuses to start with these settings (the message says which and why)."""


class WebSettings(BaseSettings):
    """Every setting is read from the environment variable ``CHARTE_<NAME>``:

    - ``CHARTE_DATABASE_URL``: ``postgresql://user@host/db`` for a team server (several workers share it);
      default: a SQLite file in the storage folder;
    - ``CHARTE_STORAGE_PATH`` (or ``CHARTE_DATA_DIR``): the folder of the files — facts, invoices, the
      observatory's declarations; every worker must see the same folder;
    - ``CHARTE_SECRET_KEY``: the key of the CSRF tokens, the same for every worker; REQUIRED in production
      (``charte serve`` without ``--demo``): a random one per process otherwise;
    - ``CHARTE_COOKIE_SECURE=true`` behind TLS: cookies over HTTPS only, and HSTS;
    - ``CHARTE_PUBLIC_URL``: the address users reach (``https://charte.example.fr``), used in the links of
      invitation and dispute e-mails (never taken from a request's ``Host`` header in production) and printed in the
      register's QR codes (the request's address when unset);
    - ``CHARTE_SMTP_URL``: ``smtp://user:password@host:587?starttls=true&from=charte@example.fr`` (or
      ``smtps://…:465``) to send invitations and dispute notifications; without it, the message is written to
      the server's log (an invitation's link is shown to whoever invited);
    - ``CHARTE_SESSION_IDLE_SECONDS`` (default 2 hours) and ``CHARTE_SESSION_MAX_SECONDS`` (12 hours): a
      session ends after that long without a request, and that long after sign-in whatever the activity;
    - ``CHARTE_HEAVY_SLOTS`` (default 2): settlements, contract checks and exports run at most this many at
      once per worker, in threads beside the event loop, so sign-ins and pages never wait behind them;
    - ``CHARTE_THREADS`` (default 40): the threads of a worker that run pages and heavy work; each worker keeps
      that many database connections and may open as many again plus 8 (a thread uses at most two at once), so
      a PostgreSQL server needs ``max_connections`` above workers × (2 × threads + 8);
    - ``CHARTE_API_TOKEN_DAYS`` (default 90): how long a new API token lives.
    """

    model_config = SettingsConfigDict(env_prefix="CHARTE_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default=Path("charte-data"),
                           validation_alias=AliasChoices("data_dir", "CHARTE_STORAGE_PATH", "CHARTE_DATA_DIR"))
    database_url: str = ""
    secret_key: str = ""
    production: bool = False
    cookie_secure: bool = False
    public_url: str = ""
    smtp_url: str = ""
    session_idle_seconds: int = 2 * 3600
    session_max_seconds: int = 12 * 3600
    heavy_slots: int = 2
    heavy_wait_seconds: float = 60.0
    threads: int = Field(default=40, ge=1)
    api_token_days: int = 90
    default_language: str = "fr"

    def link(self, path: str) -> str:
        """An absolute link for an e-mail (the public address, or the local one when it is not set)."""
        return (self.public_url or "http://127.0.0.1:8000").rstrip("/") + path

    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'charte.sqlite3').resolve()}"

    def check_production(self) -> None:
        """Refuse to serve in production without what a shared server needs."""
        if not self.production:
            return
        if len(self.secret_key) < 32:
            raise ConfigurationError(
                "CHARTE_SECRET_KEY is missing or shorter than 32 characters; production needs one key shared by "
                "every worker, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`")
