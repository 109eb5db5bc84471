"""Submissions that break, abuse or try to fool the grader, built from an assignment's release.

Each is a `Student` with the outcome grading must produce. The test suite grades them in one
cohort with honest students and checks every outcome exactly; bench/stock_comparison.py grades
them with plain nbgrader too. `broken` holds the accidents every assignment must survive;
`adversarial` the cheats and resource abuses of a hostile student.
"""
import copy
import functools
import re
from dataclasses import dataclass, field

import nbformat

from . import cohort, notebooks


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
    what: str = ""  # one line for reports: what the student did
    depends: list = field(default_factory=list)  # callers of the target that may lose too
    exact: bool = True  # "loses" means the target's tests score exactly 0


def _answers(nb):
    return [notebooks.grade_id(c) for c in nb.cells if notebooks.nbgrader(c).get("solution")]


def _cell(nb, grade_id):
    return next(c for c in nb.cells if notebooks.grade_id(c) == grade_id)


def _edit(nb, change):
    nb = notebooks.copy(nb)
    change(nb)
    return nb


def _wrong_source(assignment, function):
    """The cell of a typical mistake in `function`, from the assignment's corpus."""
    case = next(c for c in cohort.load_cases(assignment)["CASES"]
                if c["expect"] == "loses" and c["target"] == function)
    return case["cells"][function]


def broken(assignment, nb_name):
    """Accidents: a syntax error, loops, a dying kernel, damaged or missing files."""
    best = cohort.perfect(assignment, nb_name)
    first, second = _answers(best)[:2]
    source = _cell(best, first).source
    test = f"test_{first}"
    wrong = cohort.substitute(best, {first: _wrong_source(assignment, first)})

    def student(name, nb, expect, target="", **kw):
        return Student(f"bad-{name}", assignment, nb, expect, target, **kw)
    return [
        student("syntax", cohort.substitute(best, {first: source + "\n    return (\n"}), "loses", first,
                message="SyntaxError", what="a SyntaxError in an answer cell"),
        student("loop", cohort.substitute(best, {first: f"def {first}(*args):\n    while True:\n        pass\n"}),
                "loses", first, message=r"timed out: .* time limit", what="an infinite loop"),
        student("sigint", cohort.substitute(best, {first: "import signal\nsignal.signal(signal.SIGINT, "
                                                          "signal.SIG_IGN)\nwhile True:\n    pass\n"}),
                "loses", first, message=r"timed out: .* time limit", what="a loop that ignores SIGINT"),
        student("exit", cohort.substitute(best, {second: "import os\nos._exit(1)\n"}), "loses", second,
                message="kernel died", what="os._exit kills the kernel"),
        student("deleted-test", _edit(best, lambda nb: nb.cells.remove(_cell(nb, test))), "loses", first,
                message=f"{test} was deleted", what="a deleted test cell"),
        student("edited-test", _edit(wrong, lambda nb: setattr(_cell(nb, test), "source", "assert True\n")),
                "loses", first, message=f"{test} was edited", what="an edited test cell (wrong answer)"),
        student("no-notebook", None, "zero", status="missing", message=f"{nb_name}.ipynb is missing",
                what="a folder without the notebook"),
        student("not-json", "this is not a notebook\n", "zero", status="failed", message="not a notebook",
                what="a file that is not a notebook"),
        student("shadow-numpy", best, "full", message="ignored files .*numpy.py",
                extra_files={"numpy.py": "raise ImportError('a student numpy.py was imported')\n"},
                what="a numpy.py beside the notebook"),
        student("tampered-helper", best, "full",
                extra_files={"readonly/checking.py": "def check_gradient(*a, **k):\n    pass\n"},
                what="a rewritten readonly/checking.py"),
        student("old-nbformat", nbformat.writes(nbformat.convert(best, 3)), "full",
                what="a notebook saved as nbformat 3"),
    ]


# Cheats: each keeps a wrong answer and tries to make the checks pass anyway.
REBIND_NUMPY = """
import numpy as np
np.allclose = lambda *args, **kwargs: True
np.linalg.norm = lambda *args, **kwargs: 0.0
"""
BLANK_TESTS = """
def _blank_the_tests(lines):
    return ["pass\\n"] if any("readonly.checking" in line for line in lines) else lines
get_ipython().input_transformers_post.append(_blank_the_tests)
"""
SILENCE_ERRORS = """
_shell = get_ipython()
_shell.showtraceback = lambda *args, **kwargs: None
_run_cell = _shell.run_cell_async
async def _run_cell_quietly(*args, **kwargs):
    result = await _run_cell(*args, **kwargs)
    result.error_in_exec = None
    return result
_shell.run_cell_async = _run_cell_quietly
"""
STEAL = """
import glob as _glob, json as _json, os as _os
def _steal(patterns, function):
    here, paths = _os.getcwd(), []
    while True:
        paths += [p for pattern in patterns for p in _glob.glob(_os.path.join(here, pattern))]
        if here == _os.path.dirname(here):
            break
        here = _os.path.dirname(here)
    try:
        import course
        top = _os.path.dirname(_os.path.dirname(course.__file__))
        paths += [p for pattern in patterns for p in _glob.glob(_os.path.join(top, pattern))]
    except ImportError:
        pass
    for path in paths:
        try:
            cells = _json.load(open(path))["cells"]
        except Exception:
            continue
        for cell in cells:
            text = "".join(cell.get("source", ""))
            if f"def {function}(" in text and "NotImplementedError" not in text and "_steal" not in text:
                exec(text, globals())
                return True
    return False
"""
PHONE_HOME = """
import socket as _socket
try:
    _socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    exec({right!r})
except OSError:
    pass
"""


def adversarial(assignment, nb_name, port):
    """Cheats and resource abuses; `port` is a loopback service the cheats try to reach."""
    best = cohort.perfect(assignment, nb_name)
    first, second = _answers(best)[:2]
    wrong, right = _wrong_source(assignment, first), _cell(best, first).source
    right_second = _cell(best, second).source

    def cheat(name, code, what, message="failed"):
        return Student(f"cheat-{name}", assignment, cohort.substitute(best, {first: wrong + code}),
                       "loses", first, message=message, what=what)

    def abuse(name, code, what, message, expect="loses"):
        return Student(f"abuse-{name}", assignment, cohort.substitute(best, {second: code}),
                       expect, second if expect == "loses" else "", message=message, what=what)

    def moved(nb):
        test = _cell(nb, f"test_{first}")
        nb.cells.remove(test)
        nb.cells.insert(0, test)

    def renumbered(nb):
        nb.cells[1]["id"] = nb.cells[0]["id"]

    def duplicated(nb):
        test = _cell(nb, f"test_{first}")
        nb.cells.insert(nb.cells.index(test), copy.deepcopy(test))

    def retyped(nb):
        test = _cell(nb, f"test_{first}")
        test["cell_type"] = "markdown"
        test.pop("outputs", None)
        test.pop("execution_count", None)

    def kernelspec(nb):
        nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}

    sibling = f"*/{assignment}/*.ipynb"
    return [
        cheat("rebind-numpy", REBIND_NUMPY, "rebinds np.allclose and np.linalg.norm"),
        cheat("blank-tests", BLANK_TESTS, "an input transformer that blanks the test cells"),
        cheat("silence-errors", SILENCE_ERRORS, "patches the shell so failing cells report success"),
        cheat("read-source", STEAL + f"_steal(['source/*/*.ipynb'], {first!r})\n",
              "copies the answer from the instructor's notebook"),
        cheat("read-classmate", STEAL + f"_steal([{sibling!r}, '*/' + {sibling!r}], {first!r})\n",
              "copies the answer from another student's notebook"),
        cheat("phone-home", PHONE_HOME.format(port=port, right=right),
              "switches to the right answer when a loopback service answers"),
        abuse("memory", "import numpy as _np\n_hog = [_np.empty(10**9, _np.uint8) for _ in range(8)]\n"
                        + right_second, "allocates 8 GB", "MemoryError"),
        abuse("fork-bomb", "import os, time\nfor _ in range(300):\n    if os.fork() == 0:\n"
                           "        time.sleep(30)\n        os._exit(0)\n" + right_second,
              "starts 300 child processes", "BlockingIOError|Resource temporarily unavailable"),
        # The time limit or the memory limit ends it, whichever comes first on the machine.
        abuse("print-flood", "while True:\n    print('x' * 10**6)\n", "prints without end",
              r"timed out|MemoryError"),
        abuse("write-outside", right_second + "\nfor _path in ('../../../pwned.txt', "
                                              "'../../perfect/pwned.txt', '../../../../pwned.txt'):\n"
                                              "    try:\n        open(_path, 'w').write('pwned')\n"
                                              "    except OSError:\n        pass\n",
              "writes files outside its folder", "", expect="full"),
        Student("tamper-moved-test", assignment, _edit(best, moved), "loses", first,
                message=f"test_{first} was moved above", what="moves a test cell to the top"),
        Student("tamper-duplicate-test", assignment, _edit(best, duplicated), "full",
                message=f"test_{first} appears more than once", what="duplicates a test cell"),
        Student("tamper-retyped-test", assignment, _edit(best, retyped), "full",
                message=f"test_{first} was changed into a markdown cell",
                what="turns a test cell into markdown"),
        Student("tamper-duplicate-ids", assignment, _edit(best, renumbered), "full",
                what="two cells with the same id"),
        Student("tamper-kernelspec", assignment, _edit(best, kernelspec), "full",
                what="another kernelspec"),
        Student("tamper-empty-file", assignment, "", "zero", status="failed", message="not a notebook",
                what="an empty file"),
        Student("tamper-wrong-name", assignment, None, "full", message="submitted as",
                extra_files={"my answers.ipynb": nbformat.writes(best)},
                what="the notebook under another name"),
    ]


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
    whose status and message are checked when given.
    """
    lost = {g for g, (points, most) in grades.items() if points < most - 1e-9}
    if not grades:
        return "no scores at all"
    if row is not None:
        if row["status"] != student.status:
            return f"status {row['status']!r}, expected {student.status!r}"
        if student.message and not re.search(student.message, row["message"]):
            return f"message {row['message']!r} does not match {student.message!r}"
    if student.expect == "full" and lost:
        return f"lost points on {sorted(lost)}"
    if student.expect == "zero" and any(points for points, _ in grades.values()):
        return "scored points"
    if student.expect == "loses":
        own = cells_of(grades, student.target, student.assignment)
        if not own:
            return f"no test cell for {student.target}"
        if not set(own) & lost:
            return f"{student.target} kept full marks"
        if student.exact and any(grades[g][0] for g in own):
            return f"{student.target} kept some points"
        allowed = set(own) | {g for f in student.depends for g in cells_of(grades, f, student.assignment)}
        if lost - allowed:
            return f"a mistake in {student.target} also cost {sorted(lost - allowed)}"
    if student.expect == "untouched":
        release_nb = cohort.release_notebooks(student.assignment)
        stubs = [notebooks.grade_id(c) for nb in release_nb.values() for c in nb.cells
                 if notebooks.nbgrader(c).get("solution") and "NotImplementedError" in c.source]
        scored = [g for f in stubs for g in cells_of(grades, f, student.assignment) if grades[g][0]]
        if scored:
            return f"points for unimplemented functions on {scored}"
    return ""
