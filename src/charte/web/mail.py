"""Sending invitation e-mails through the SMTP server of ``CHARTE_SMTP_URL``.

``smtp://user:password@host:587?starttls=true&from=charte@example.fr`` (STARTTLS), or
``smtps://user:password@host:465?from=…`` (TLS from the start), or ``smtp://localhost:25`` (a local
relay). Without a URL nothing is sent: the message, with its link, is written to the server's log
(logger ``charte.mail``) and the caller shows the link to whoever invited, who passes it on.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

LOG = logging.getLogger("charte.mail")


class MailError(RuntimeError):
    """The SMTP server refused the message or could not be reached."""


@dataclass(frozen=True)
class Mailer:
    url: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def send(self, to: str, subject: str, body: str) -> bool:
        """Send the message; ``False`` when no SMTP server is configured (the message went to the log)."""
        if not self.url:
            LOG.warning("no CHARTE_SMTP_URL: message to %s not sent; subject %r\n%s", to, subject, body)
            return False
        parts = urlsplit(self.url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError(f"CHARTE_SMTP_URL {parts.scheme}://…: expected smtp://host[:port] or smtps://host[:port]")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        message = EmailMessage()
        message["From"] = options.get("from", f"charte@{parts.hostname}")
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        context = ssl.create_default_context()
        try:
            if parts.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, context=context, timeout=20)
            else:
                client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=20)
            with client:
                if parts.scheme == "smtp" and options.get("starttls", "").lower() in ("1", "true", "yes"):
                    client.starttls(context=context)
                if parts.username:
                    client.login(unquote(parts.username), unquote(parts.password or ""))
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"the SMTP server {parts.hostname} did not take the message: {error}") from error
        return True
