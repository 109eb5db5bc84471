"""Grader side (tests and benches): cheats and resource abuses of a hostile student, and tampered
cells and files."""
import copy

import nbformat

from .. import cohort
from .base import Student, attacked, cell, edit, wrong_source

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
    first, second = attacked(assignment, best)
    wrong, right = wrong_source(assignment, first), cell(best, first).source
    right_second = cell(best, second).source

    def cheat(name, code, what, message="failed"):
        return Student(f"cheat-{name}", assignment, cohort.substitute(best, {first: wrong + code}),
                       "loses", first, message=message, what=what)

    def abuse(name, code, what, message, expect="loses"):
        return Student(f"abuse-{name}", assignment, cohort.substitute(best, {second: code}),
                       expect, second if expect == "loses" else "", message=message, what=what)

    def moved(nb):
        test = cell(nb, f"test_{first}")
        nb.cells.remove(test)
        nb.cells.insert(0, test)

    def renumbered(nb):
        nb.cells[1]["id"] = nb.cells[0]["id"]

    def duplicated(nb):
        test = cell(nb, f"test_{first}")
        nb.cells.insert(nb.cells.index(test), copy.deepcopy(test))

    def retyped(nb):
        test = cell(nb, f"test_{first}")
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
        Student("tamper-moved-test", assignment, edit(best, moved), "loses", first,
                message=f"test_{first} was moved above", what="moves a test cell to the top"),
        Student("tamper-duplicate-test", assignment, edit(best, duplicated), "full",
                message=f"test_{first} appears more than once", what="duplicates a test cell"),
        Student("tamper-retyped-test", assignment, edit(best, retyped), "full",
                message=f"test_{first} was changed into a markdown cell",
                what="turns a test cell into markdown"),
        Student("tamper-duplicate-ids", assignment, edit(best, renumbered), "full",
                what="two cells with the same id"),
        Student("tamper-kernelspec", assignment, edit(best, kernelspec), "full",
                what="another kernelspec"),
        Student("tamper-empty-file", assignment, "", "zero", status="failed", message="not a notebook",
                what="an empty file"),
        Student("tamper-wrong-name", assignment, None, "full", message="submitted as",
                extra_files={"my answers.ipynb": nbformat.writes(best)},
                what="the notebook under another name"),
    ]
