"""``charte validate`` and ``charte schema``: check contract files, export the contract's JSON Schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from charte.cli.app import app
from charte.cli.language import LangOption, chosen_language, cli_gettext, problem_lines
from charte.io.contract_yaml import Problem, check_contract_file, schema_text


def _summary(problems: list[Problem], files: int, lang: str) -> str:
    _ = cli_gettext(lang)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    return _("{files} contract file(s) checked: {errors} error(s), {warnings} warning(s)").format(
        files=files, errors=errors, warnings=warnings)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="contract YAML files", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="print the problems as JSON")] = False,
    on: Annotated[str | None, typer.Option(help="date for expiry checks (YYYY-MM-DD); today by default")] = None,
    lang: LangOption = None,
) -> None:
    """Check contract files and list every problem as `file:line: [code] message`.

    In French (--lang fr) each problem reads as a sentence, with its code and technical detail on the line under
    it. Exit status 1 if any file has an error; warnings alone exit 0.
    """
    code = chosen_language(lang)
    _ = cli_gettext(code)
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise typer.BadParameter(f"{on!r} is not a date; expected YYYY-MM-DD", param_hint="--on") from None
    problems = [p for path in files for p in check_contract_file(path, day)]
    if as_json:
        payload = {
            "ok": not any(p.is_error for p in problems),
            "files": [str(f) for f in files],
            "errors": sum(1 for p in problems if p.is_error),
            "warnings": sum(1 for p in problems if not p.is_error),
            "problems": [p.as_dict() for p in problems],
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            first, *rest = problem_lines(f"{problem.file}:{problem.line}", problem.code, problem.message, code)
            typer.echo(first + ("" if problem.is_error else " " + _("(warning)")))
            for line in rest:
                typer.echo(line)
        typer.echo(_summary(problems, len(files), code), err=True)
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write to this file instead of printing")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of a contract file, for editors."""
    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
