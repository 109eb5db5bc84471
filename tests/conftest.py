"""One graded cohort shared by the grading tests: every assignment's perfect student, its
untouched release, its whole wrong-answer corpus and a set of broken submissions, graded by
one real `python -m course grade` call (kernel start-up dominates, so one batch is cheapest)."""
import csv
import os
import subprocess
import sys
from dataclasses import dataclass, field

import nbformat
import pytest

from course import ROOT, cohort, notebooks
from course.release import assignments as all_assignments

GRADE_TIMEOUT = 10  # seconds per cell: every honest cell runs well below it


def assignments():
    """Every assignment, or those named in $ASSIGNMENTS (space-separated), for a quicker run."""
    chosen = os.environ.get("ASSIGNMENTS", "").split()
    return [a for a in all_assignments() if not chosen or a in chosen]


@dataclass
class Case:
    """A student in the cohort and what grading must do with it."""
    student: str
    assignment: str
    expect: str  # full | loses | untouched | zero
    target: str = ""  # the function whose tests must lose points
    status: str = "graded"
    message: str = ""  # a regex the submission's message must match
    depends: list = field(default_factory=list)  # functions that may lose points with the target


def _answer_functions(nb):
    return [notebooks.grade_id(c) for c in nb.cells if notebooks.nbgrader(c).get("solution")]


def _with_cell(nb, cell_id, source):
    nb = notebooks.copy(nb)
    next(c for c in nb.cells if c.get("id") == cell_id).source = source
    return nb


def broken_submissions(assignment, nb_name):
    """{student: (notebook or text or None, Case)}: the abuses every assignment must survive."""
    best = cohort.perfect(assignment, nb_name)
    first, second = _answer_functions(best)[:2]
    first_cell = next(c for c in best.cells if notebooks.grade_id(c) == first)
    test_cell = next(c for c in best.cells if notebooks.grade_id(c) == f"test_{first}")
    wrong = next(c for c in cohort.load_cases(assignment)["CASES"]
                 if c["expect"] == "loses" and c["target"] == first)
    sigint_proof = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                    "while True:\n    pass\n")
    deleted = notebooks.copy(best)
    deleted.cells = [c for c in deleted.cells if c.get("id") != test_cell.get("id")]
    def case(name, **kw):
        return Case(f"bad-{name}", assignment, **kw)
    return {
        "bad-syntax": (_with_cell(best, first_cell.id, first_cell.source + "\n    return (\n"),
                       case("syntax", expect="loses", target=first, message="SyntaxError")),
        "bad-loop": (_with_cell(best, first_cell.id, f"def {first}(*args):\n    while True:\n        pass\n"),
                     case("loop", expect="loses", target=first, message=r"timed out: .* time limit")),
        "bad-sigint": (_with_cell(best, first_cell.id, sigint_proof),
                       case("sigint", expect="loses", target=first, message=r"timed out: .* time limit")),
        "bad-exit": (cohort.substitute(best, {second: "import os\nos._exit(1)\n"}),
                     case("exit", expect="loses", target=second, message="kernel died")),
        "bad-deleted-test": (deleted, case("deleted-test", expect="loses", target=first,
                                           message=f"test_{first} was deleted")),
        "bad-edited-test": (_with_cell(cohort.substitute(best, wrong["cells"]), test_cell.id, "assert True\n"),
                            case("edited-test", expect="loses", target=first,
                                 message=f"test_{first} was edited")),
        "bad-no-notebook": (None, case("no-notebook", expect="zero", status="missing",
                                       message=f"{nb_name}.ipynb is missing")),
        "bad-not-json": ("this is not a notebook\n", case("not-json", expect="zero", status="failed",
                                                          message="not a notebook")),
        "bad-shadow-numpy": (best, case("shadow-numpy", expect="full", message="ignored files .*numpy.py")),
        "bad-tampered-helper": (best, case("tampered-helper", expect="full")),
        "bad-old-nbformat": (nbformat.writes(nbformat.convert(best, 3)), case("old-nbformat", expect="full")),
    }


# Files some broken submissions add: a module that would shadow numpy, a rewritten helper.
EXTRA_FILES = {
    "bad-shadow-numpy": {"numpy.py": "raise ImportError('a student numpy.py was imported')\n"},
    "bad-tampered-helper": {"readonly/checking.py": "raise ImportError('a student checking.py was imported')\n"},
}


def build_cohort(folder=None):
    """Return the Cases of the whole test cohort, writing its submissions under `folder`
    (nothing is written without one)."""
    cases = []
    def write(student, assignment, notebooks_by_name, extra_files=None):
        if folder is not None:
            cohort.write_submission(folder, student, assignment, notebooks_by_name, extra_files)
    for assignment in assignments():
        spec = cohort.load_cases(assignment)
        depends = spec.get("DEPENDS", {})
        for nb_name, release_nb in cohort.release_notebooks(assignment).items():
            write("perfect", assignment, {nb_name: cohort.perfect(assignment, nb_name)})
            write("untouched", assignment, {nb_name: release_nb})
            for student, (nb, case) in broken_submissions(assignment, nb_name).items():
                write(student, assignment, {nb_name: nb} if nb else {}, EXTRA_FILES.get(student))
                cases.append(case)
        cases += [Case("perfect", assignment, "full"), Case("untouched", assignment, "untouched")]
        for c in spec["CASES"]:
            nb_name = cohort.notebook_defining(assignment, c["cells"])
            student = f"case-{c['name']}"
            nb = cohort.substitute(cohort.perfect(assignment, nb_name), c["cells"])
            write(student, assignment, {nb_name: nb})
            cases.append(Case(student, assignment, c["expect"], c.get("target", ""),
                              message=c.get("status_matches", ""),
                              depends=[f for f, callees in depends.items() if c.get("target") in callees]))
    if folder is not None:
        (folder / "absent").mkdir()  # a student who handed in nothing at all
    cases += [Case("absent", a, "zero", status="missing", message="no submission") for a in assignments()]
    return cases


@dataclass
class GradedCohort:
    cases: list
    out: object
    grades: dict  # (student, assignment) -> {grade_id: (points, max)}
    submissions: dict  # (student, assignment) -> row of submissions.csv
    stdout: str


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    work = tmp_path_factory.mktemp("cohort")
    cases = build_cohort(work / "submitted")
    out = work / "out"
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(work / "submitted"),
                           "--out", str(out), "--timeout", str(GRADE_TIMEOUT)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    grades = {}
    for row in csv.DictReader(open(out / "grades.csv")):
        grades.setdefault((row["student"], row["assignment"]), {})[row["grade_id"]] = (
            float(row["points"]), float(row["max_points"]))
    submissions = {(r["student"], r["assignment"]): r for r in csv.DictReader(open(out / "submissions.csv"))}
    return GradedCohort(cases, out, grades, submissions, proc.stdout)
