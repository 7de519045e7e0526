"""Files in and out: contract YAML, contact records and interval reports, exports."""
