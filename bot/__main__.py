"""`python -m bot` is the `lotse` command."""

from bot.cli import main

main()
