"""Fault injection for the crash tests: ``CHARTE_FAULT_AT=<point>`` kills the process (SIGKILL) at that point.

The register, the ledger and the import store name the points where a crash could leave things
half done (``register.after_object``, ``ledger.before_commit``…); the tests run a command in a
subprocess with the variable set and check that what remains is consistent. Unset (always, in
normal use), a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "CHARTE_FAULT_AT"


def fault_point(name: str) -> None:
    """Die here, at once and without cleaning up, when ``CHARTE_FAULT_AT`` names this point."""
    if os.environ.get(VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


__all__ = ["VARIABLE", "fault_point"]
