"""``python -m veil.preview``: see veil.preview.cli."""

from .cli import main

main()
