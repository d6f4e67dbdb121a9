"""`python -m flows.cli ...` runs the bipin command line."""

from flows.cli.app import main

main()
