"""The source notebooks, the committed release and the conventions that grading relies on."""
import ast
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from course import RELEASE, ROOT, SOURCE, coverage, notebooks, release
from course.release import assignments

SOURCE_NOTEBOOKS = sorted(SOURCE.glob("*/*.ipynb"))
RELEASE_NOTEBOOKS = sorted(RELEASE.glob("*/*.ipynb"))
ALL_NOTEBOOKS = SOURCE_NOTEBOOKS + RELEASE_NOTEBOOKS


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_every_source_assignment_is_released():
    assert assignments(), "no assignment in source/"
    assert [p.parent.name for p in SOURCE_NOTEBOOKS] == [p.parent.name for p in RELEASE_NOTEBOOKS]


def test_release_check_passes_on_the_committed_tree():
    proc = subprocess.run([sys.executable, "-m", "course", "release", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "release/ is current" in proc.stdout


def test_release_check_names_a_drifted_file(tmp_path, monkeypatch):
    copy = tmp_path / "release"
    shutil.copytree(RELEASE, copy)
    drifted = next(copy.glob("*/*.ipynb"))
    drifted.write_text(drifted.read_text().replace("def ", "def  ", 1))
    (next(copy.glob("*/readonly")) / "extra.py").write_text("x = 1\n")
    monkeypatch.setattr(release, "RELEASE", copy)
    stale = release.check()
    assert f"release/{drifted.parent.name}/{drifted.name}" in stale
    assert any(s.endswith("readonly/extra.py") for s in stale)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_notebook_is_stored_clean(path):
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    assert notebooks.is_clean(nb), "outputs or execution counts are stored"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    cell_ids = [c.id for c in nb.cells]
    assert all(cell_ids) and len(set(cell_ids)) == len(cell_ids)


@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=ids(RELEASE_NOTEBOOKS))
def test_release_leaks_no_solution_and_no_hidden_test(path):
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "course.keys"):
        assert marker not in text
    source = notebooks.cells_by_grade_id(notebooks.read(SOURCE / path.parent.name / path.name))
    for gid, cell in notebooks.cells_by_grade_id(notebooks.read(path)).items():
        if notebooks.nbgrader(cell).get("solution"):
            solution = re.search(r"BEGIN SOLUTION\n(.*?)### END SOLUTION", source[gid].source, re.S)
            lines = [line.strip() for line in solution.group(1).splitlines() if len(line.strip()) > 12]
            assert not [line for line in lines if line in cell.source], gid


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=ids(SOURCE_NOTEBOOKS))
def test_cell_conventions(path):
    nb = notebooks.read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    answers = [notebooks.grade_id(c) for c in code if notebooks.nbgrader(c).get("solution")]
    tests = [c for c in code if notebooks.is_test(c)]
    tested = {notebooks.tested_function(notebooks.grade_id(c), nb) for c in tests}
    assert None not in tested, "a test cell names no function of the notebook"
    assert set(answers) <= tested, "an answer cell has no test_<name> cell"
    for function in tested:
        defining = [c for c in code if function in notebooks.defined_names(c)]
        assert len(defining) == 1, f"{function} is defined by {len(defining)} cells"
        assert notebooks.defines(defining[0], function), f"{function}'s cell is not editable"
    for cell in tests:
        first = ast.parse(cell.source).body[0]
        assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant), \
            f"{notebooks.grade_id(cell)} does not open with a docstring"
        assert "BEGIN HIDDEN TESTS" in cell.source, f"{notebooks.grade_id(cell)} has no hidden tests"


def validate(path, monkeypatch):
    from nbgrader.validator import Validator
    monkeypatch.chdir(path.parent)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return Validator().validate(str(path))


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=ids(SOURCE_NOTEBOOKS))
def test_nbgrader_validator_passes_the_source(path, monkeypatch):
    result = validate(path, monkeypatch)
    assert not result.get("failed") and not result.get("changed"), result


@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=ids(RELEASE_NOTEBOOKS))
def test_nbgrader_validator_fails_the_release(path, monkeypatch):
    result = validate(path, monkeypatch)
    failed = {c["source"].strip() for c in result.get("failed", [])}
    cells = notebooks.cells_by_grade_id(notebooks.read(path))
    stubs = [gid for gid, c in cells.items() if notebooks.nbgrader(c).get("solution")]
    assert stubs
    for stub in stubs:
        assert cells[f"test_{stub}"].source.strip() in failed, f"test_{stub} passed on the stub"


def test_every_test_cell_is_decided_by_hidden_tests_in_the_grader():
    """A test cell's public part runs in the kernel, where a student can make it pass: only its
    hidden region, run in the grader, can make a score trustworthy. So every test cell has one."""
    from course import judge
    for path in sorted(SOURCE.glob("*/*.ipynb")):
        for cell in notebooks.read(path).cells:
            if notebooks.is_test(cell):
                _, hidden = judge.split_hidden(cell.source)
                assert hidden.strip(), f"{path.parent.name}: {notebooks.grade_id(cell)} has no hidden tests"


def test_every_graded_function_names_enough_typical_mistakes():
    """docs/MISTAKES.md counts, per graded function, the mistakes its visible test names while
    the student works and those its hidden tests name at grading; every function is held to
    coverage.LEAST_VISIBLE and coverage.LEAST_HIDDEN."""
    short = {f"{name} {function}": (len(visible), len(hidden))
             for name in release.assignments()
             for function, (visible, hidden) in coverage.named(name).items()
             if len(visible) < coverage.LEAST_VISIBLE or len(hidden) < coverage.LEAST_HIDDEN}
    assert not short, f"(visible, hidden) named mistakes below the minimum: {short}"
