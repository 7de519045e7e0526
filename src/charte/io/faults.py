"""Fault injection for the crash and concurrency tests, driven by the environment (unset in normal use).

- ``CHARTE_FAULT_AT=<point>`` kills the process (SIGKILL) at that point: nothing is cleaned up, as
  after a power cut or ``kill -9``;
- ``CHARTE_PAUSE_AT=<point>`` stops there: the process writes ``charte: paused at <point>`` on
  stderr and waits for a line on stdin, so a test can run something else meanwhile (a reader
  opening the store during an import) and then let it go on.

The register, the ledger and the import store name the points where a crash or another process
could find things half done (``register.after_object``, ``ledger.before_commit``,
``import.before_manifest``…). Unset, a point costs two dictionary lookups.
"""

from __future__ import annotations

import os
import signal
import sys

VARIABLE = "CHARTE_FAULT_AT"
PAUSE = "CHARTE_PAUSE_AT"


def fault_point(name: str) -> None:
    """Die here (``CHARTE_FAULT_AT``) or wait here (``CHARTE_PAUSE_AT``) when the environment names this point."""
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE) == name:
        sys.stderr.write(f"charte: paused at {name}\n")
        sys.stderr.flush()
        sys.stdin.readline()


__all__ = ["PAUSE", "VARIABLE", "fault_point"]
