"""Grader side: `python -m course ...`: see course/cli.py."""
import sys

from .cli import main

if __name__ == "__main__":  # worker processes import this module too, and must not run it
    sys.exit(main())
