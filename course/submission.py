"""Grader side: one submission's record, and what is checked before and after nbgrader grades it.

Before: the notebook is there (or renamed), a valid notebook, with unique cell ids and
grade_ids, the nbgrader metadata of every cell as the assignment has it (a test cell re-marked
as an answer, a cell claiming points of its own: each put right and named), its test cells
untouched and in place (each change is named), and no files but its own. After: the cells
that timed out, killed the kernel, failed or had their output cut are named in the message.
"""
import re
import shutil
from dataclasses import dataclass, field

import nbformat
from nbformat.v4.nbbase import random_cell_id

from . import notebooks
from .execute import KERNEL_DIED, OUTPUT_CUT, TIMEOUT


NEEDS_MANUAL_GRADING = "needs manual grading"


@dataclass
class Submission:
    """One student's work on one assignment, and what grading it found."""
    student: str
    assignment: str
    status: str = "graded"  # graded | missing | failed (and in the CSV: needs manual grading)
    problems: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # (notebook, grade_id) -> points

    def row(self, tests, written=None, final=None, late=(0.0, 0.0)):
        """This submission's line of submissions.csv.

        tests, written: {(notebook, grade_id): max points} of the test cells and of the written
        answers graded by hand; final: gradebook.final() of the submission, whose scores
        (changed by hand or given by hand) replace the autograder's; late: gradebook.lateness()
        of the submission, whose penalty comes off the score as on nbgrader's feedback page."""
        written, final = written or {}, final or {}
        seconds_late, penalty = late
        points = {key: final[key][0] if final.get(key, (None,))[0] is not None else self.scores.get(key, 0.0)
                  for key in tests}
        marked = {key: final[key][0] for key in written if final.get(key, (None,))[0] is not None}
        notes = ["; ".join(self.problems) or "all tests passed"]
        changed = [key[1] for key in tests if final.get(key, (None, False))[1]]
        if changed:
            notes.append("scores changed by hand: " + ", ".join(changed))
        if seconds_late > 0:
            notes.append(f"submitted {duration(seconds_late)} after the due date: "
                         + (f"late penalty {number(penalty)} points" if penalty else "no late penalty"))
        status = self.status
        waiting = [key[1] for key in written if key not in marked]
        if status == "graded" and waiting:
            status = NEEDS_MANUAL_GRADING
            notes.append("written answers to grade by hand: " + ", ".join(waiting))
        message = "; ".join(notes)
        return dict(student=self.student, assignment=self.assignment, status=status,
                    score=number(sum(points.values()) + sum(marked.values()) - penalty),
                    max_score=number(sum(tests.values()) + sum(written.values())), message=message)

    def to_json(self):
        return dict(student=self.student, assignment=self.assignment, status=self.status,
                    problems=self.problems, scores=[[nb, gid, s] for (nb, gid), s in self.scores.items()])

    @classmethod
    def from_json(cls, data):
        return cls(data["student"], data["assignment"], data["status"], list(data["problems"]),
                   {(nb, gid): s for nb, gid, s in data["scores"]})


def prepare(work, masters, record, known=()):
    """Check each expected notebook in `work`; keep the gradable ones, return their names.

    known: the relative paths of the assignment's own files (its source folder), which a
    submission may hold without being told about them.
    """
    if not work.is_dir():
        record.problems.append("no submission folder")
        return []
    found = {p.name: p for p in work.glob("*.ipynb")}
    ready = []
    for nb_name, master in masters.items():
        path = work / f"{nb_name}.ipynb"
        strays = [p for n, p in found.items() if n not in {f"{m}.ipynb" for m in masters}]
        if not path.exists() and len(masters) == 1 and len(strays) == 1:
            record.problems.append(f"notebook submitted as {strays[0].name}; graded as {path.name}")
            strays[0].rename(path)
        if not path.exists():
            record.problems.append(f"{nb_name}.ipynb is missing")
            continue
        try:
            nb = notebooks.read(path)
            _repair_cell_ids(nb)
            nbformat.validate(nb)
        except Exception as error:
            record.status = "failed"
            record.problems.append(f"{nb_name}.ipynb is not a notebook, or an invalid one "
                                   f"({type(error).__name__}: {last_line(str(error))}): scored 0")
            path.unlink()
            continue
        record.problems += (_deduplicate_grade_ids(nb) + _restore_metadata(nb, master)
                            + _tampering(nb, master))
        notebooks.write(nb, path)  # canonical nbformat 4, whatever version was submitted
        ready.append(nb_name)
    record.problems += _check_exchange_files(work)
    extras = _remove_extra_files(work, {f"{m}.ipynb" for m in masters} | set(EXCHANGE_FILES), set(known))
    if extras:
        record.problems.append(f"ignored files that are not part of the assignment: {', '.join(extras)}")
    return ready


# Written by nbgrader's exchange when a student submits: when (late penalties) and the secret
# that names the student's feedback files (release_feedback, fetch_feedback).
EXCHANGE_FILES = {"timestamp.txt": 64, "submission_secret.txt": 256}  # name -> most bytes


def _check_exchange_files(work):
    """Keep nbgrader's exchange files that look like what the exchange writes; drop (and name)
    the others, so that a garbled timestamp counts as none instead of failing the grading."""
    from nbgrader.utils import parse_utc
    problems = []
    for name, most in EXCHANGE_FILES.items():
        path = work / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            problems.append(f"{name} is not a file: ignored")
            _remove(path)
            continue
        if not path.exists():
            continue
        data = path.read_bytes()[:most + 1]
        try:
            text = data.decode("ascii").strip()
            if len(data) > most or not text or not text.isprintable():
                raise ValueError(name)
            if name == "timestamp.txt":
                parse_utc(text)
        except ValueError:
            problems.append(f"{name} is not what nbgrader's exchange writes: ignored"
                            + (" (graded as submitted on time)" if name == "timestamp.txt" else ""))
            path.unlink()
    return problems


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _remove_extra_files(work, keep, known):
    """Delete everything but the expected notebooks: helper modules and data come from the
    instructor's copy, and a student's `numpy.py` must not shadow the real one. Returns the
    names removed that the release does not have either."""
    removed = []
    for path in sorted(work.rglob("*"), reverse=True):
        relative = path.relative_to(work).as_posix()
        if relative in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
            continue
        path.unlink()
        if "__pycache__" not in relative and relative not in known:
            removed.append(relative)
    return sorted(removed)


def _tampering(nb, master):
    """Name the test cells a student deleted, edited, retyped or moved above the code they
    test (nbgrader restores edited and retyped ones; a deleted one scores 0)."""
    mine, theirs = notebooks.cells_by_grade_id(nb), notebooks.cells_by_grade_id(master)
    problems = []
    for gid, cell in theirs.items():
        if not notebooks.is_test(cell):
            continue
        if gid not in mine:
            problems.append(f"test cell {gid} was deleted: scored 0")
            continue
        if mine[gid].get("cell_type") != cell.get("cell_type"):
            problems.append(f"test cell {gid} was changed into a {mine[gid].get('cell_type')} cell: "
                            "restored as code")
        elif mine[gid].get("source") != cell.get("source"):
            problems.append(f"test cell {gid} was edited: the original test was restored and used")
        tested = notebooks.tested_function(gid, master)
        where = next((i for i, c in enumerate(nb.cells) if notebooks.defines(c, tested)), None)
        if where is not None and nb.cells.index(mine[gid]) < where:
            problems.append(f"test cell {gid} was moved above the cell defining {tested}: "
                            f"it runs before {tested} exists")
        later = _moved_below(gid, nb, master)
        if later:
            problems.append(f"test cell {gid} was moved below {', '.join(later)}: it runs after "
                            "cells it should run before")
    return problems


def _moved_below(gid, nb, master):
    """The graded cells that come after test cell `gid` in the assignment but before it in
    the submission."""
    def order(notebook):
        return [notebooks.grade_id(c) for c in notebook.cells if notebooks.grade_id(c)]
    theirs, mine = order(master), order(nb)
    after = set(theirs[theirs.index(gid) + 1:])
    return [g for g in mine[:mine.index(gid)] if g in after]


def _restore_metadata(nb, master):
    """Give every cell that carries one of the assignment's grade_ids the assignment's nbgrader
    metadata for it, and take nbgrader metadata off cells whose grade_id the assignment does
    not have: nbgrader would otherwise fail the whole notebook ("Inconsistent checksums"), or
    grade a cell the student marked as a test of their own."""
    theirs, problems = notebooks.cells_by_grade_id(master), []
    for cell in nb.cells:
        gid = notebooks.grade_id(cell)
        meta = cell.get("metadata", {})
        if "nbgrader" not in meta:
            continue
        if gid not in theirs:
            del meta["nbgrader"]
            problems.append(f"a cell marked as nbgrader cell {gid or '(no id)'}, which the "
                            "assignment does not have: graded as a plain cell")
            continue
        expected = notebooks.nbgrader(theirs[gid])
        if dict(meta["nbgrader"]) != dict(expected):
            changed = sorted(k for k in set(meta["nbgrader"]) | set(expected)
                             if meta["nbgrader"].get(k) != expected.get(k) and k != "checksum")
            meta["nbgrader"] = notebooks.copy_metadata(expected)
            if changed:
                problems.append(f"cell {gid}'s nbgrader settings were changed ({', '.join(changed)}): "
                                "restored")
    return problems


def _deduplicate_grade_ids(nb):
    """Keep the last cell of each grade_id, as nbgrader does, but make the earlier copies plain
    cells (nbgrader would leave them with metadata it then rejects, failing the notebook)."""
    seen, problems = set(), []
    for cell in reversed(nb.cells):
        gid = notebooks.grade_id(cell)
        if gid and gid in seen:
            del cell.metadata["nbgrader"]
            problems.append(f"cell {gid} appears more than once: only its last copy is graded")
        seen.add(gid)
    return problems


def _repair_cell_ids(nb):
    """Give fresh ids to cells whose id repeats an earlier one (a copy-paste accident)."""
    seen = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in seen:
            cell["id"] = random_cell_id()
        seen.add(cell["id"])


def execution_problems(nb):
    """Name the cells that timed out, killed the kernel, raised while defining code, or failed."""
    problems = []
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if any(o.get("output_type") == "stream" and OUTPUT_CUT in str(o.get("text", ""))
               for o in outputs):
            problems.append(f"{notebooks.label(cell)}: its output was cut at the grader's limit")
        errors = [o for o in outputs if o.get("output_type") == "error"]
        if not errors:
            continue
        error, where = errors[-1], notebooks.label(cell)
        if error.get("ename") in (TIMEOUT, KERNEL_DIED):
            problems.append(f"{where}: {error.get('evalue')}")
        elif notebooks.is_test(cell):
            problems.append(f"{where} failed: {_describe(error)}")
        elif notebooks.defined_names(cell) or notebooks.nbgrader(cell).get("solution"):
            problems.append(f"{where} raised {_describe(error)}")
    return problems


def _describe(error):
    """'Name: message' for an error output, without IPython's temporary file names."""
    text = re.sub(r"\(\d+\.py, (line \d+)\)", r"(\1)", last_line(error.get("evalue"), ""))
    return f"{error.get('ename')}: {text}" if text else str(error.get("ename"))


def nbgrader_error(result):
    """The most telling line of a failed nbgrader call: its first logged error, else the last."""
    logged = [line.split("|", 1)[-1].strip() for line in str(result.get("log", "")).splitlines()
              if "ERROR" in line]
    return logged[0][:200] if logged else last_line(result.get("error"))


LINE_KEPT = 300  # characters of a message's last line kept in submissions.csv


def last_line(text, default="unknown error"):
    """The last non-blank line of `text`, at most LINE_KEPT characters: a longer one keeps
    its start (which check) and its end (the diagnosis, which comes last) around an ellipsis."""
    lines = [line for line in str(text or "").strip().splitlines() if line.strip()]
    if not lines:
        return default
    line = lines[-1]
    if len(line) <= LINE_KEPT:
        return line
    head = LINE_KEPT // 2
    return line[:head] + " … " + line[-(LINE_KEPT - head - 3):]


def duration(seconds):
    """A length of time as a person says it: 3 days 4 hours, 2 hours 5 minutes, 40 seconds."""
    units = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    parts, left = [], int(round(seconds))
    for name, size in units:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {name}{'s' * (count != 1)}")
        if len(parts) == 2:
            break
    return " ".join(parts) or "0 seconds"


def number(value):
    """A score as the CSVs write it: 2, 0.5, 1.25."""
    return f"{value:g}"
