"""What the in-process tests of the answer keys share: an assignment's source cells and its
wrong-answer corpus, the notebook's namespace built as the grader would build it (by running
the notebook's definitions in order with a case's cells in place of the functions they
define), a way to read a check's or a test cell's failure, and the rules of every corpus."""
import json
import re
import runpy
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


def load(folder, name):
    """Put `course` and the assignment's `readonly` package on the path; return the source
    notebook's cells ({cell id: source}) and the corpus (tests/corpus/<name>.py) as a dict."""
    assignment = ROOT / "source" / folder
    for path in (ROOT, assignment):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    notebook = json.loads((assignment / f"{name}.ipynb").read_text())
    cells = {cell["id"]: "".join(cell["source"]) for cell in notebook["cells"]}
    return cells, runpy.run_path(str(ROOT / "tests" / "corpus" / f"{name}.py"))


def namespace(cells, definitions, replacements=None, before="", after=""):
    """Return the notebook's globals after the cells `definitions`, then `before`, then the
    replacement cells, then `after` (code that the public parts of test cells would run)."""
    ns = {"__name__": "__main__"}
    for cell_id in definitions:
        exec(cells[cell_id], ns)
    exec(before, ns)
    for source in (replacements or {}).values():
        exec(source, ns)
    exec(after, ns)
    return ns


def failure(action, kind=AssertionError):
    """Run `action()`; return the message of the `kind` error it raised, or None if it passed.
    (A check's CheckFailure and a test cell's failed assert are both AssertionErrors.)"""
    try:
        action()
    except kind as error:
        return str(error)
    return None


def check_corpus(corpus, functions, mistakes, name=r"[a-z][a-z0-9_]*"):
    """The rules every wrong-answer corpus keeps: unique case names matching `name`, the
    key's `functions` in order with no dependencies, at least three typical mistakes for each
    function, each replacing that function's cell only, at least five other correct styles,
    and a message pattern in `mistakes` for every mistake and for nothing else."""
    cases = corpus["CASES"]
    names = [case["name"] for case in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    assert all(re.fullmatch(name, n) for n in names)
    assert corpus["FUNCTIONS"] == list(functions) and corpus["DEPENDS"] == {}
    for function in functions:
        wrong = [c for c in cases if c["expect"] == "loses" and c["target"] == function]
        assert len(wrong) >= 3, f"fewer than three typical mistakes for {function}"
        assert all(list(c["cells"]) == [function] for c in wrong)
    assert len([c for c in cases if c["expect"] == "full"]) >= 5
    assert set(mistakes) == {c["name"] for c in cases if c["expect"] == "loses"}
