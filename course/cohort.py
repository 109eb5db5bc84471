"""Grader side: build cohorts of student submissions from the release: for the demo, the tests and benchmarks.

A submission starts from the student version in release/ (what a student downloads). The
perfect student fills every answer cell with the source solution; a case then replaces the
cells that define some functions with other code (a mistake, or another correct style).
Case files use the format of shared/tools/grade-cases.py: CASES = [dict(name, expect,
target, cells={function: source})].
"""
import json
import runpy
import shutil
from pathlib import Path

from . import RELEASE, ROOT, SOURCE, notebooks

CORPUS = ROOT / "tests" / "corpus"


def release_notebooks(assignment):
    """{notebook name: release notebook} of an assignment."""
    return {p.stem: notebooks.read(p) for p in sorted((RELEASE / assignment).glob("*.ipynb"))}


def solution_cells(assignment, notebook):
    """{answer grade_id: solution source} from the instructor's notebook."""
    nb = notebooks.read(SOURCE / assignment / f"{notebook}.ipynb")
    return {notebooks.grade_id(c): c.source for c in nb.cells if notebooks.nbgrader(c).get("solution")}


def substitute(nb, cells):
    """Return a copy of `nb` where the cell defining each function in `cells` has that source."""
    nb = notebooks.copy(nb)
    for name, source in cells.items():
        cell = next((c for c in nb.cells if notebooks.defines(c, name)), None)
        if cell is None:
            raise KeyError(f"no editable cell defines {name}")
        cell.source = source
    return nb


def perfect(assignment, notebook):
    """The release notebook with every answer cell completed from the source."""
    return substitute(release_notebooks(assignment)[notebook], solution_cells(assignment, notebook))


def notebook_defining(assignment, functions):
    """The name of the assignment's notebook in which all of `functions` are defined."""
    for name, nb in release_notebooks(assignment).items():
        if all(any(notebooks.defines(c, f) for c in nb.cells) for f in functions):
            return name
    raise KeyError(f"no notebook of {assignment} defines {sorted(functions)}")


def load_cases(assignment):
    """The case file of an assignment's wrong-answer corpus (tests/corpus/<name>.py), as a dict."""
    return runpy.run_path(str(CORPUS / f"{assignment.split('-', 1)[-1]}.py"))


def write_submission(folder, student, assignment, notebooks_by_name, extra_files=None, links=None):
    """Lay out one submission as folder/<student>/<assignment>/: the release files plus the
    given notebooks ({name: notebook}, or {name: text} for a file that is not a notebook),
    any extra files ({relative path: text}) and symbolic links ({relative path: target}; "."
    makes the assignment folder itself a link; a target "@ROOT/..." points into this
    repository)."""
    target = Path(folder) / student / assignment
    links = {k: v.replace("@ROOT", str(ROOT)) for k, v in (links or {}).items()}
    if target.is_symlink():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    if "." in links:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(links["."])
        return target
    shutil.copytree(RELEASE / assignment, target, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    for name, nb in notebooks_by_name.items():
        path = target / f"{name}.ipynb"
        # As JSON, not through nbformat, which would quietly repair what a case damaged.
        path.write_text(nb if isinstance(nb, str) else json.dumps(nb, indent=1))
    for relative, text in (extra_files or {}).items():
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(text)
    for relative, link in links.items():
        (target / relative).symlink_to(link)
    return target
