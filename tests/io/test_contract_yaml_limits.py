"""The contract loader's limits (issue 17): a few hundred bytes of nested aliases must not expand to
millions of values, a contract over 2 MB is refused with the limit, a self-referring alias and an
absurd nesting are refused — each with a stable code, before anything walks the document."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from charte.io.contract_yaml import (
    MAX_CONTRACT_BYTES,
    MAX_EXPANDED_NODES,
    check_contract_file,
    check_contract_text,
)


def alias_bomb(depth: int) -> str:
    """Each level repeats the previous ten times: depth d expands to about 10**(d+1) scalars."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, depth + 1)]
    return "\n".join([*lines, f"activities: *a{depth}"])


def codes(text: str) -> list[str]:
    return [p.code for p in check_contract_text(text, "bomb.yaml")[1]]


def test_a_370_byte_alias_bomb_is_refused_with_its_own_code() -> None:
    text = alias_bomb(6)
    assert len(text.encode()) < 500
    # 10 scalars at level 0, ×10 per level: 10**7 scalars at depth 6, far above the limit
    assert MAX_EXPANDED_NODES < 10 ** 7
    problems = check_contract_text(text, "bomb.yaml")[1]
    assert [p.code for p in problems] == ["yaml_aliases_expand_too_far"]
    assert f"{MAX_EXPANDED_NODES:,}" in problems[0].message


def test_a_small_expansion_is_still_read_and_validated() -> None:
    # depth 2: 1 + 10 × (1 + 10 × 11) = 1,111 nodes under `activities`: allowed, then validation speaks
    assert "yaml_aliases_expand_too_far" not in codes(alias_bomb(2))
    assert "unknown_field" in codes(alias_bomb(2))


def test_an_alias_that_contains_itself_is_refused() -> None:
    assert codes("contract: &loop [1, *loop]\n") == ["yaml_alias_loop"]


def test_deep_nesting_is_refused() -> None:
    assert codes("contract: " + "[" * 100 + "]" * 100 + "\n") == ["yaml_too_deep"]
    assert codes("contract: " + "[" * 5000 + "]" * 5000 + "\n") == ["yaml_too_deep"]


def test_a_contract_over_the_limit_is_refused_with_the_limit_not_called_empty(tmp_path: Path) -> None:
    text = "title: " + "x" * MAX_CONTRACT_BYTES + "\n"
    problems = check_contract_text(text, "big.yaml")[1]
    assert [p.code for p in problems] == ["contract_too_large"]
    assert "2,000,000 bytes" in problems[0].message and f"{len(text):,}" in problems[0].message
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    assert [p.code for p in check_contract_file(path)] == ["contract_too_large"]


def test_multibyte_text_is_measured_in_bytes() -> None:
    # 600,000 × "é" is 1.2 MB of UTF-8 (under), 1,100,000 × "é" is 2.2 MB (over) though 1.1 M characters
    assert "contract_too_large" not in codes("title: " + "é" * 600_000 + "\n")
    assert codes("title: " + "é" * 1_100_000 + "\n") == ["contract_too_large"]


def test_charte_validate_reports_the_bomb(tmp_path: Path) -> None:
    from charte.cli import app

    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(6), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--lang", "en", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: [yaml_aliases_expand_too_far]" in result.output


def test_a_control_character_is_a_yaml_problem_at_its_line() -> None:
    # found by schemathesis on the API: PyYAML refuses the text before parsing, outside any line mark
    problems = check_contract_text("contract: x\ntitle: a\x1fb\n", "c.yaml")[1]
    assert [(p.code, p.line) for p in problems] == [("yaml_syntax", 2)]
    assert "#x001f" in problems[0].message
