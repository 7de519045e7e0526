"""Pure domain values. Imports nothing of charte above it, does no I/O, reads no clock."""
