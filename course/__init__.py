"""Grader side: Backpropagation by hand: instructor tooling and the grading harness of the course.

`python -m course --help` lists the commands (release, grade, demo). The checking library
that every test cell calls is `course.checking`; answer keys for the hidden tests live in
`course.keys`.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
RELEASE = ROOT / "release"
