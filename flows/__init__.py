"""bipin (比拼): county league tables from monthly indicator files.

Stages live in sub-packages (ingest, rank, brief) and meet only in the warehouse;
entrypoints (cli, pipeline, serve) sit on top; settings, catalog, periods and
warehouse are the ground floor every stage stands on.
"""
