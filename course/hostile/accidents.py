"""Grader side (tests and benches): the accidents every assignment must survive: a syntax error,
loops, a dying kernel, damaged or missing files."""
import nbformat

from .. import cohort
from .base import Student, attacked, cell, edit, wrong_source


def broken(assignment, nb_name):
    """Accidents: a syntax error, loops, a dying kernel, damaged or missing files."""
    best = cohort.perfect(assignment, nb_name)
    first, second = attacked(assignment, best)
    source = cell(best, first).source
    test = f"test_{first}"
    wrong = cohort.substitute(best, {first: wrong_source(assignment, first)})

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
        student("deleted-test", edit(best, lambda nb: nb.cells.remove(cell(nb, test))), "loses", first,
                message=f"{test} was deleted", what="a deleted test cell"),
        student("edited-test", edit(wrong, lambda nb: setattr(cell(nb, test), "source", "assert True\n")),
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
