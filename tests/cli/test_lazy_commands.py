"""``charte`` loads a command's module only when that command runs (issue 17: every command used to import
the web, the store and Alembic). The speed itself is measured in ``benchmarks/web/bench_startup.py``;
these tests check what gets imported, and that ``charte --help`` shows each command's own help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from charte.cli.app import COMMANDS, load_command

HEAVY = ("charte.web", "charte.store", "alembic", "sqlalchemy", "fastapi", "charte.settle", "duckdb", "ibis")


def _imported_after(code: str) -> set[str]:
    script = (f"import sys\n{code}\nimport json\n"
              "print(json.dumps(sorted(m for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_charte_help_imports_no_command_module() -> None:
    modules = _imported_after("from charte.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert not [m for m in modules if m.startswith(HEAVY)]
    assert not [m for m in modules if m.startswith("charte.cli.") and m != "charte.cli.app"]


def test_charte_staff_imports_neither_the_web_nor_the_store() -> None:
    modules = _imported_after("from charte.cli import main\ntry:\n    main(['staff', '--calls', '120', '--per', "
                              "'30min', '--aht', '280s', '--target', '80/20'])\nexcept SystemExit:\n    pass")
    assert "charte.cli.staff" in modules
    assert not [m for m in modules if m.startswith(HEAVY)]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_help_line_of_each_command_is_its_own(name: str) -> None:
    command = load_command(name)
    assert command is not None, name
    assert command.get_short_help_str(limit=300) == COMMANDS[name][1]


def test_the_charte_program_exits_with_the_commands_status_and_no_traceback(tmp_path: Path) -> None:
    charte = [sys.executable, "-c", "from charte.cli import main; main()"]
    missing = subprocess.run([*charte, "validate", str(tmp_path / "missing.yaml")], capture_output=True, text=True,
                             check=False)
    assert missing.returncode == 1 and "unreadable_file" in missing.stdout and "Traceback" not in missing.stderr
    group = subprocess.run([*charte, "admin", "--help"], capture_output=True, text=True, check=False)
    assert group.returncode == 0 and "create-organisation" in group.stdout and "Traceback" not in group.stderr
    unknown = subprocess.run([*charte, "nosuch"], capture_output=True, text=True, check=False)
    assert unknown.returncode == 2 and "No such command" in unknown.stderr


def test_every_registered_command_is_listed() -> None:
    """A command a module registers but :data:`COMMANDS` lacks would answer "No such command"."""
    script = ("from charte.cli.app import app\n"
              "names = {c.name or c.callback.__name__ for c in app.registered_commands}"
              " | {g.name for g in app.registered_groups}\n"
              "print(' '.join(sorted(names)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) == set(COMMANDS)
