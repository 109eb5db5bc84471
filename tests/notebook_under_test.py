"""What the in-process tests of the answer keys share: an assignment's source cells and its
wrong-answer corpus, and the notebook's namespace built as the grader would build it, by
running the notebook's definitions in order with a case's cells in place of the functions
they define."""
import json
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
