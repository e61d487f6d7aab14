"""``python -m claimscope``."""

from claimscope.adapters.cli import main

main()
