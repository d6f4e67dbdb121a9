"""Which Prefect server a bipin command talks to, and bipin's own background server.

A command that runs flows (ingest, rank, brief, run) needs a Prefect API to record its runs.
Starting Prefect's temporary server for every command would dominate short commands, so bipin keeps one local
server running in the background under BIPIN_HOME and reuses it (flows/prefect_server/connect.py).
"""
