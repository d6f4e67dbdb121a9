"""Ingest stage: inbox files -> raw ledger + staging.observations (see docs/DATA_CONTRACT.md)."""
