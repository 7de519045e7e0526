from datetime import UTC, datetime

import pyarrow as pa
import pytest

from charte.domain.records import CONTACT_RECORD, INTERVAL_REPORT, field_names
from charte.io.canonical import arrow_schema, contact_records_table, interval_report_table, write_csv, write_parquet


def test_schema_follows_the_canonical_fields():
    schema = arrow_schema(CONTACT_RECORD)
    assert schema.names == list(field_names(CONTACT_RECORD))
    assert schema.field("arrived_at").type == pa.timestamp("us", tz="UTC")
    assert not schema.field("contact_id").nullable and schema.field("agent_id").nullable


def test_missing_optional_columns_become_nulls_and_required_ones_are_refused():
    t = contact_records_table({
        "contact_id": ["c1"], "activity": ["a"], "channel": ["voice_inbound"],
        "arrived_at": [datetime(2026, 10, 1, 8, tzinfo=UTC)], "outcome": ["answered"],
    })
    assert t.column("agent_id").null_count == 1
    with pytest.raises(ValueError, match="required column 'outcome'"):
        contact_records_table({"contact_id": ["c1"], "activity": ["a"], "channel": ["voice_inbound"],
                               "arrived_at": [datetime(2026, 10, 1, 8, tzinfo=UTC)]})
    with pytest.raises(ValueError, match="not in the canonical schema"):
        contact_records_table({"contact_id": ["c1"], "colour": ["red"]})


def test_interval_report_takes_threshold_columns_in_order(tmp_path):
    t = interval_report_table({
        "activity": ["a"], "interval_start": [datetime(2026, 10, 1, 8, tzinfo=UTC)], "interval_minutes": [30],
        "offered": [10], "handled": [9], "abandoned": [1], "answered_within_60s": [9], "answered_within_20s": [7],
    })
    assert t.schema.names[-2:] == ["answered_within_20s", "answered_within_60s"]
    assert t.schema.names[: len(INTERVAL_REPORT)] == list(field_names(INTERVAL_REPORT))
    write_parquet(t, tmp_path / "r.parquet")
    write_csv(t, tmp_path / "r.csv")
    assert "2026-10-01 08:00:00" in (tmp_path / "r.csv").read_text()
