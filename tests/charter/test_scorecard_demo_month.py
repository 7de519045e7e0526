"""The scorecard on a real settled month: the demo writes it, and a Settlement reads as its JSON does."""

from __future__ import annotations

import json
from pathlib import Path

from charte.charter import month_of
from charte.demo.run import run_demo


def test_demo_writes_the_scorecard_and_settlements_read_like_their_json(tmp_path: Path) -> None:
    result = run_demo(tmp_path)
    assert result.settlement is not None and result.scorecard is not None
    assert {"scorecard.json", "scorecard.html"} <= set(result.files)
    document = json.loads((tmp_path / "scorecard.json").read_text(encoding="utf-8"))
    assert document["months"] == [str(result.month)]
    assert "<svg" in (tmp_path / "scorecard.html").read_text(encoding="utf-8")
    from_object = month_of(result.settlement)
    from_json = month_of(json.loads((tmp_path / "settlement.json").read_text(encoding="utf-8")))
    assert from_object == from_json
    assert from_object.before_bonus_malus - from_object.malus + from_object.bonus == from_object.total_excluding_vat
    assert result.scorecard.item("2", "targets_met").verdict != "not_enough_data"
