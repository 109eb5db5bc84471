"""Grader side: what a grading run has finished, so that the next run can skip it: `course grade` resumes.

One small JSON file per submission, LEDGER/<assignment>/<student>.json, written (atomically)
only after the submission's gradebook entries, autograded copy and feedback are in place. It
holds the submission's record, a fingerprint of everything its grade depends on (the submitted
files, the assignment's master files, the grading settings and the grader's own code), and
what its feedback page shows of the grades given by hand.
An interrupted run leaves no entry for the submissions it was grading, so the next run grades
them again, and nbgrader's update-in-place means nothing is counted twice.
"""
import functools
import hashlib
import json
import os
from pathlib import Path

from . import ROOT
from .submission import Submission


def fingerprint(assignment, files, masters, settings):
    """A digest of a submission's files, its assignment's files, the settings and the grader."""
    digest = hashlib.sha256()
    for group in (files, masters, _grader_code(assignment)):
        for relative, data in sorted(group.items()):
            digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
        digest.update(b"\1")
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def _grader_code(assignment):
    """{path: bytes} of the grader's modules and the assignment's answer key: a new grader or
    a new key means a new grade (another assignment's key does not)."""
    package = ROOT / "course"
    key = package / "keys" / f"{assignment.split('-', 1)[-1]}.py"
    paths = (sorted(package.glob("*.py")) + sorted(package.glob("inside/*.py"))
             + [package / "keys" / "__init__.py"] + [key] * key.exists())
    return {p.relative_to(package).as_posix(): p.read_bytes() for p in paths}


class Ledger:
    """The finished submissions of one course folder."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def _path(self, assignment, student):
        return self.folder / assignment / f"{student}.json"

    def finished(self, assignment, student, fingerprint):
        """The Submission recorded for this exact fingerprint, or None."""
        try:
            entry = json.loads(self._path(assignment, student).read_text())
        except (OSError, ValueError):
            return None
        if entry.get("fingerprint") != fingerprint:
            return None
        return Submission.from_json(entry["record"])

    def write(self, record, fingerprint):
        """Note `record` as finished; its feedback page is the worker's, with nothing by hand."""
        self._write(record.assignment, record.student,
                    {"fingerprint": fingerprint, "record": record.to_json()})

    def feedback_marks(self, assignment, student):
        """What a person had put into the grades when this submission's feedback page was made
        (gradebook.by_hand); [] for a page made by the autograder alone."""
        try:
            return json.loads(self._path(assignment, student).read_text()).get("feedback_marks", [])
        except (OSError, ValueError):
            return []

    def set_feedback_marks(self, assignment, student, marks):
        entry = json.loads(self._path(assignment, student).read_text())
        self._write(assignment, student, dict(entry, feedback_marks=marks))

    def _write(self, assignment, student, entry):
        path = self._path(assignment, student)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(entry))
        os.replace(partial, path)
