"""One graded cohort shared by the grading tests: every assignment's perfect student, its
untouched release and its whole wrong-answer corpus, plus the broken and hostile submissions
of course/hostile.py for one assignment, graded by one real `python -m course grade` call
(kernel start-up dominates, so one batch is cheapest)."""
import csv
import os
import re
import subprocess
import sys
import socketserver
import threading
from dataclasses import dataclass

import pytest

from course import ROOT, cohort, hostile, notebooks
from course.release import assignments as all_assignments

GRADE_TIMEOUT = 10  # seconds per cell: every honest cell runs well below it


def assignments():
    """Every assignment, or those named in $ASSIGNMENTS (space-separated), for a quicker run."""
    chosen = os.environ.get("ASSIGNMENTS", "").split()
    return [a for a in all_assignments() if not chosen or a in chosen]


# The assignment whose cohort also holds the broken submissions, cheats and resource abuses of
# course/hostile.py: they test the grader, which is the same for every assignment.
ADVERSARIAL = "03-backprop"


def written_points(assignment):
    """The points of the assignment's written answers, which wait for a person: grades.csv has
    no row for them until someone has graded them (tests/test_manual_grades.py)."""
    return sum(float(notebooks.nbgrader(c)["points"]) for nb in cohort.release_notebooks(assignment).values()
               for c in nb.cells if notebooks.is_written(c))


# Corpus cases graded together in one notebook, at most: each submission costs a whole
# notebook's run, so cases whose functions cannot affect one another share one.
CASES_PER_SUBMISSION = 6


def corpus_students(assignment):
    """The wrong-answer corpus and correct styles of an assignment, as Students.

    Cases are packed into shared submissions (corpus_groups): each mistake in a group must
    lose points of its own function's test cells, and no cell but those and their callers'
    may lose any, so a correct style in the same notebook must keep full marks. The answer
    keys' own tests (tests/test_key_*.py) check every case alone, in-process; the acceptance
    checks grade every case alone, through `course grade`."""
    spec = cohort.load_cases(assignment)
    depends = spec.get("DEPENDS", {})
    students = []
    for group in corpus_groups(spec["CASES"], depends):
        cells = {name: source for case in group for name, source in case["cells"].items()}
        nb_name = cohort.notebook_defining(assignment, cells)
        notebook = cohort.perfect(assignment, nb_name)
        for case in group:
            notebook = cohort.substitute(notebook, case["cells"])
        wrong = [case for case in group if case["expect"] == "loses"]
        targets = [case["target"] for case in wrong]
        messages = [case["status_matches"] for case in group if case.get("status_matches")]
        name = f"case-{group[0]['name']}" + (f"+{len(group) - 1}" if len(group) > 1 else "")
        # A corpus mistake must lose points, not necessarily all of its function's points.
        students.append((nb_name, hostile.Student(
            name, assignment, notebook, "loses" if wrong else "full", targets[0] if targets else "",
            targets=targets[1:], message="".join(f"(?=[\\s\\S]*{m})" for m in messages),
            what=", ".join(case["name"] for case in group), exact=False,
            depends=sorted({f for t in targets for f in _callers(t, depends)}))))
    return students


def _callers(function, depends):
    """The functions that call `function`, directly or through others (DEPENDS: {f: callees})."""
    found, todo = set(), [function]
    while todo:
        callee = todo.pop()
        for caller, callees in depends.items():
            if callee in callees and caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


def _zone(case, depends, functions):
    """The functions a case's cells define, with everything that calls them or that they call
    (in DEPENDS, or by name in the case's own code: a finite difference of the student's own
    cost, say): two cases whose zones meet must not share a notebook."""
    own = set(case["cells"]) | ({case["target"]} if case.get("target") else set())
    code = "\n".join(case["cells"].values())
    zone = set(own) | {f for f in functions if re.search(rf"\b{re.escape(f)}\b", code)}
    for function in own:
        zone |= _callers(function, depends)
        zone |= {callee for caller in own for callee in depends.get(caller, ())}
    return own, zone


def corpus_groups(cases, depends, size=CASES_PER_SUBMISSION):
    """The cases packed, in order, into groups of at most `size` whose zones do not meet."""
    functions = {f for case in cases for f in case["cells"]} | {c["target"] for c in cases if c.get("target")}
    groups = []
    for case in cases:
        own, zone = _zone(case, depends, functions)
        for group in groups:
            if len(group["cases"]) < size and not (zone & group["own"]) and not (own & group["zone"]):
                group["cases"].append(case)
                group["own"] |= own
                group["zone"] |= zone
                break
        else:
            groups.append({"cases": [case], "own": set(own), "zone": set(zone)})
    return [group["cases"] for group in groups]


def cohort_students(port=0):
    """Every student of the test cohort, with the notebook name each submits under."""
    students = []
    for assignment in assignments():
        for nb_name, release_nb in cohort.release_notebooks(assignment).items():
            students += [(nb_name, hostile.Student("perfect", assignment, cohort.perfect(assignment, nb_name), "full")),
                         (nb_name, hostile.Student("untouched", assignment, release_nb, "untouched"))]
            if assignment == ADVERSARIAL:  # one assignment is enough to test the grader itself
                students += [(nb_name, s) for s in hostile.broken(assignment, nb_name)]
                students += [(nb_name, s) for s in hostile.adversarial(assignment, nb_name, port)]
            students += [(nb_name, s) for s in hostile.forgeries(assignment, nb_name)]
        students += corpus_students(assignment)
        students.append((None, hostile.Student("absent", assignment, None, "zero", status="missing",
                                               message="no submission folder")))
    return students


def build_cohort(folder=None, port=0):
    """Return the Students of the whole test cohort, writing their submissions under `folder`
    (nothing is written without one)."""
    students = []
    for nb_name, student in cohort_students(port):
        students.append(student)
        if folder is None:
            continue
        if student.name == "absent":
            (folder / "absent").mkdir(parents=True, exist_ok=True)
            continue
        notebooks_by_name = {} if student.notebook is None else {nb_name: student.notebook}
        cohort.write_submission(folder, student.name, student.assignment, notebooks_by_name,
                                student.extra_files, student.links)
    return students


@pytest.fixture(scope="session")
def loopback_service():
    """A service on 127.0.0.1 that a cheating submission tries to reach; yields its port."""
    server = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


@dataclass
class GradedCohort:
    cases: list
    out: object
    grades: dict  # (student, assignment) -> {grade_id: (points, max)}
    submissions: dict  # (student, assignment) -> row of submissions.csv
    stdout: str


@pytest.fixture(scope="session")
def graded(tmp_path_factory, loopback_service):
    work = tmp_path_factory.mktemp("cohort")
    cases = build_cohort(work / "submitted", loopback_service)
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
