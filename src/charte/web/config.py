"""Settings of the web application, from the environment (prefix ``CHARTE_``) or given in code."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """``CHARTE_DATABASE_URL`` (SQLite file in the data folder by default; ``postgresql://…`` for teams),
    ``CHARTE_DATA_DIR`` (facts files, Parquet), ``CHARTE_SECRET_KEY`` (signs the session cookie; a random
    one per process when unset), ``CHARTE_COOKIE_SECURE`` (send the cookie over HTTPS only: set it behind
    TLS), login throttling (``CHARTE_LOGIN_MAX_FAILURES`` failures per ``CHARTE_LOGIN_WINDOW_SECONDS``)."""

    model_config = SettingsConfigDict(env_prefix="CHARTE_", extra="ignore")

    data_dir: Path = Path("charte-data")
    database_url: str = ""
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    cookie_secure: bool = False
    session_max_age_seconds: int = 8 * 3600
    login_max_failures: int = 5
    login_window_seconds: int = 900
    default_language: str = "fr"
    public_url: str = ""  # CHARTE_PUBLIC_URL: the address printed in register QR codes (the request's by default)

    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'charte.sqlite3').resolve()}"
