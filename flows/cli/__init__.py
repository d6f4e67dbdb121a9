"""The `bipin` command line (the top layer): flows/cli/app.py is the root; each *_cmd module adds a stage's commands."""
