"""``python -m rescomm`` runs the command line."""

from rescomm.cli import main

main()
