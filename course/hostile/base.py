"""Grader side (tests and benches): a hostile submission with the outcome grading must give it,
and how an outcome is judged."""
import copy
import functools
import re
from dataclasses import dataclass, field

import nbformat

from .. import cohort, notebooks
from ..submission import NEEDS_MANUAL_GRADING


@dataclass
class Student:
    """One submission and what grading must make of it."""
    name: str
    assignment: str
    notebook: object  # a notebook, the text of a file that is not one, or None for no file
    expect: str  # full | loses (exactly the target's tests score 0) | zero | untouched
    target: str = ""
    status: str = "graded"
    message: str = ""  # a regex that the submission's message must match
    extra_files: dict = field(default_factory=dict)  # {relative path: text}
    # {relative path ("." for the assignment folder): target} of symbolic links in the folder;
    # a target starting with @ROOT/ points into the repository
    links: dict = field(default_factory=dict)
    what: str = ""  # one line for reports: what the student did
    depends: list = field(default_factory=list)  # callers of the target that may lose too
    targets: list = field(default_factory=list)  # more functions that must lose, in one notebook
    exact: bool = True  # "loses" means the target's tests score exactly 0


def answers(nb):
    return [notebooks.grade_id(c) for c in nb.cells if notebooks.nbgrader(c).get("solution")]


# The answers the broken, cheating and leaving students of an assignment work on: by default
# its first two; 03-backprop's attacks were written for its Jacobians, which its graph
# section's gates now come before.
ATTACKED = {"03-backprop": ("J_b3", "J_b2")}


def attacked(assignment, nb):
    """(first, second): the two answers the hostile students of `assignment` work on."""
    return ATTACKED.get(assignment) or tuple(answers(nb)[:2])


def cell(nb, grade_id):
    return next(c for c in nb.cells if notebooks.grade_id(c) == grade_id)


def edit(nb, change):
    nb = notebooks.copy(nb)
    change(nb)
    return nb


def wrong_source(assignment, function):
    """The cell of a typical mistake in `function`, from the assignment's corpus."""
    case = next(c for c in cohort.load_cases(assignment)["CASES"]
                if c["expect"] == "loses" and c["target"] == function)
    return case["cells"][function]


def cells_of(grades, function, assignment):
    """The test cells of `function` among grades' keys: test_<function> and test_<function>_*,
    but not the cells of a function with a longer name (test_nn_predict is not nn's)."""
    tested = _tested_functions(assignment)
    return [g for g in grades if tested.get(g) == function]


@functools.lru_cache(maxsize=None)
def _tested_functions(assignment):
    """{test grade_id: the function it tests} over the assignment's release notebooks."""
    return {gid: function for (_, gid), function
            in notebooks.tested_functions(cohort.release_notebooks(assignment)).items()}


def wrong_outcome(student, grades, row=None):
    """Return what is wrong with how `student` was graded ("" when it is right).

    grades: {test grade_id: (points, max points)}; row: the student's line of submissions.csv,
    whose status and message are checked when given. A graded submission whose written answers
    wait for a person ("needs manual grading") counts as graded.
    """
    lost = {g for g, (points, most) in grades.items() if points < most - 1e-9}
    if not grades:
        return "no scores at all"
    if row is not None:
        status = "graded" if row["status"] == NEEDS_MANUAL_GRADING else row["status"]
        if status != student.status:
            return f"status {row['status']!r}, expected {student.status!r}"
        if student.message and not re.search(student.message, row["message"]):
            return f"message {row['message']!r} does not match {student.message!r}"
    if student.expect == "full" and lost:
        return f"lost points on {sorted(lost)}"
    if student.expect == "zero" and any(points for points, _ in grades.values()):
        return "scored points"
    if student.expect == "loses":
        allowed = {g for f in student.depends for g in cells_of(grades, f, student.assignment)}
        for target in [student.target, *student.targets]:
            own = cells_of(grades, target, student.assignment)
            if not own:
                return f"no test cell for {target}"
            if not set(own) & lost:
                return f"{target} kept full marks"
            if student.exact and any(grades[g][0] for g in own):
                return f"{target} kept some points"
            allowed |= set(own)
        if lost - allowed:
            return f"a mistake in {', '.join([student.target, *student.targets])} also cost {sorted(lost - allowed)}"
    if student.expect == "untouched":
        release_nb = cohort.release_notebooks(student.assignment)
        stubs = [notebooks.grade_id(c) for nb in release_nb.values() for c in nb.cells
                 if notebooks.nbgrader(c).get("solution") and "NotImplementedError" in c.source]
        scored = [g for f in stubs for g in cells_of(grades, f, student.assignment) if grades[g][0]]
        if scored:
            return f"points for unimplemented functions on {scored}"
    return ""
