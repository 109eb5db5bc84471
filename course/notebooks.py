"""Grader side: reading, writing and naming notebook cells, the way every course command needs them."""
import json
import re
from pathlib import Path

import nbformat


def read(path):
    """Return the notebook at `path` as nbformat version 4 (older versions are upgraded)."""
    return nbformat.read(str(path), as_version=4)


def write(nb, path):
    """Write `nb` to `path` in nbformat's canonical layout."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def copy(nb):
    """Return a deep copy of `nb` that can be changed freely."""
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def nbgrader(cell):
    """Return the nbgrader metadata of `cell` ({} for a plain cell)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell):
    return nbgrader(cell).get("grade_id")


def is_test(cell):
    """True for an autograded test cell."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_written(cell):
    """True for a written answer graded by hand: an nbgrader task cell with points."""
    return bool(nbgrader(cell).get("task")) and "points" in nbgrader(cell)


def defined_names(cell):
    """Return the names of the functions and classes that a code cell defines at top level."""
    if cell.get("cell_type") != "code":
        return []
    return re.findall(r"^(?:def|class)\s+(\w+)", cell.get("source", ""), re.M)


def defines(cell, name):
    """True for the cell a student edits to define `name`: its answer cell, or an editable
    plain code cell (a worked example) whose `def` line defines it."""
    meta = nbgrader(cell)
    if cell.get("cell_type") != "code":
        return False
    if meta.get("solution"):
        return meta.get("grade_id") == name
    if meta.get("grade") or meta.get("locked"):
        return False
    return name in defined_names(cell)


def label(cell):
    """A short name for a cell in messages: its grade_id, the function it defines, or its id."""
    names = defined_names(cell)
    return grade_id(cell) or (names[0] if names else None) or cell.get("id") or "a cell"


def tested_function(test_id, nb):
    """The function a test cell checks: the longest name defined in `nb` that its grade_id
    names as test_<name> or test_<name>_<what>; None if there is none."""
    names = {n for c in nb.cells for n in [grade_id(c), *defined_names(c)] if n}
    candidates = [n for n in names if test_id == f"test_{n}" or test_id.startswith(f"test_{n}_")]
    return max(candidates, key=len, default=None)


def tested_functions(notebooks_by_name):
    """{(notebook name, test grade_id): the function it tests (or the grade_id, when the cell
    names none)} over an assignment's notebooks, in cell order."""
    return {(name, grade_id(c)): tested_function(grade_id(c), nb) or grade_id(c)
            for name, nb in notebooks_by_name.items() for c in nb.cells if is_test(c)}


def copy_metadata(meta):
    """A copy of a cell's nbgrader metadata, to give another cell."""
    return nbformat.from_dict(json.loads(json.dumps(meta)))


def cells_by_grade_id(nb):
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def is_clean(nb):
    """True when no code cell stores outputs or an execution count."""
    return not any(c.get("outputs") or c.get("execution_count")
                   for c in nb.cells if c.cell_type == "code")
