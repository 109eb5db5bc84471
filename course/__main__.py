"""`python -m course ...`: see course/cli.py."""
import sys

from .cli import main

sys.exit(main())
