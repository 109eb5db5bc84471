"""The similarity report (issue 19): disguised copies found and ranked first, independent
solutions and shared code left alone, a report that shows student code only as text, written
only under --out. Cohorts come from the corpora (tests/similarity_cohort.py); no grading run."""
import csv
import re

import pytest

from course import cohort
from course import similarity as S
from tests import similarity_cohort as sc

ALL = ["01-heights", "02-neuron", "03-backprop", "04-planar", "05-gradcheck", "06-digits"]

# Where a disguised copy of the source solution does NOT outrank every pair of the corpus's
# independent solutions of that function (measured; see docs/SIMILARITY.md). These corpus
# styles were written as variants of one solution and share most of their lines.
KNOWN_MISSES = {
    ("04-planar", "update_parameters", "inserted"), ("06-digits", "train", "reformatted"),
}
ALL_KIND_MISSES = {  # "all": every disguise at once
    ("03-backprop", "J_b2"), ("03-backprop", "J_W1"), ("04-planar", "compute_cost"),
    ("04-planar", "backward_propagation"), ("04-planar", "update_parameters"),
    ("06-digits", "train"),
}


def functions(assignment):
    released = {(nb, f): src for nb, cells in S.released_cells(assignment).items()
                for f, src in cells.items()}
    for (notebook, function), by_student in sc.independent(assignment).items():
        yield notebook, function, by_student, released[(notebook, function)]


def copy_pair(pairs):
    return next((p for p in pairs if {p.a.student, p.b.student} == {"source", "copier"}), None)


@pytest.mark.parametrize("assignment", ALL)
def test_disguised_copies_outrank_every_pair_of_independent_solutions(assignment):
    misses = []
    for notebook, function, by_student, released in functions(assignment):
        if not sc.substantial(by_student["source"]):
            continue
        independent = S.compare_function(sc.answers(notebook, function, by_student), released)
        best = max((p.score for p in independent), default=0.0)
        for kind in sc.KINDS:
            disguised = sc.disguise(by_student["source"], kind)
            if disguised is None:
                continue
            assert disguised != by_student["source"]
            cohort_ = dict(by_student, copier=disguised)
            pairs = S.compare_function(sc.answers(notebook, function, cohort_), released)
            found = copy_pair(pairs)
            ranked_first = found is not None and found.score > best
            known = ((assignment, function, kind) in KNOWN_MISSES
                     or (kind == "all" and (assignment, function) in ALL_KIND_MISSES))
            if not ranked_first and not known:
                misses.append((function, kind, found and round(found.score, 2), round(best, 2)))
    assert not misses, misses


@pytest.mark.parametrize("assignment", ALL)
def test_renamed_and_recommented_copies_cross_the_threshold(assignment):
    missed = []
    for notebook, function, by_student, released in functions(assignment):
        if not sc.substantial(by_student["source"]):
            continue
        for kind in ("renamed", "comments"):
            cohort_ = dict(by_student, copier=sc.disguise(by_student["source"], kind))
            found = copy_pair(S.compare_function(sc.answers(notebook, function, cohort_), released))
            if not (found and found.flagged) and (assignment, function) != ("06-digits", "train"):
                missed.append((function, kind, found and round(found.score, 2)))
    assert not missed, missed


@pytest.mark.parametrize("assignment", ALL)
def test_no_pair_of_independent_solutions_crosses_the_default_threshold(assignment):
    flagged = []
    for notebook, function, by_student, released in functions(assignment):
        pairs = S.compare_function(sc.answers(notebook, function, by_student), released)
        flagged += [(function, p.a.student, p.b.student, round(p.score, 2)) for p in pairs if p.flagged]
    assert not flagged, flagged


def test_starter_code_and_a_line_everyone_writes_flag_nobody():
    released = S.released_cells("02-neuron")
    notebook = next(nb for nb, cells in released.items() if "sigmoid_derivative_from_output" in cells)
    stub = released[notebook]["sigmoid_derivative_from_output"]
    one_line = "def sigmoid_derivative_from_output(a):\n    return a * (1 - a)\n"
    students = {f"untouched{i}": stub for i in range(6)}
    students.update({f"everyone{i}": one_line for i in range(20)})
    pairs = S.compare_function(sc.answers(notebook, "sigmoid_derivative_from_output", students), stub)
    assert not [p for p in pairs if p.flagged]
    # A longer answer that most of the cohort shares (the code everyone writes) flags nobody.
    common = "def f(x):\n    total = 0\n    for value in x:\n        total = total + value * value\n    return total / len(x)\n"
    cohort_ = {f"s{i}": common.replace("value", f"v{i}") for i in range(12)}
    assert not [p for p in S.compare_function(sc.answers("nb", "f", cohort_), "") if p.flagged]


def test_a_cohort_of_notebooks_gives_csv_and_html_only_under_out(tmp_path):
    """End to end from notebooks built with course.cohort: the copy is flagged in the CSV, the
    page escapes student text and loads nothing, and nothing is written outside --out."""
    assignment = "03-backprop"
    notebook = cohort.notebook_defining(assignment, ["J_W1"])
    base = cohort.perfect(assignment, notebook)
    styles = [c["cells"] for c in cohort.load_cases(assignment)["CASES"] if c["expect"] == "full"]
    submitted = tmp_path / "graded" / "autograded"
    hostile = "def J_W1(x, y):\n    s = '</pre><script>alert(1)</script>'\n" + "\n".join(
        f"    w{i} = {i} * x + y" for i in range(8)) + "\n    return s\n"
    cells = {}
    for i, style in enumerate(styles):
        cells[f"student{i}"] = cohort.substitute(base, style)
    cells["original"] = cohort.substitute(base, {"J_W1": hostile})
    cells["copier"] = cohort.substitute(base, {"J_W1": sc.disguise(hostile, "renamed")})
    for student, nb in cells.items():
        cohort.write_submission(submitted, student, assignment, {notebook: nb})
    out = tmp_path / "graded"
    before = {p for p in tmp_path.rglob("*")}
    written = S.run([assignment], out=out)
    after = {p for p in tmp_path.rglob("*")} - before
    assert all(out / "similarity" in p.parents or p == out / "similarity" for p in after)
    rows = list(csv.DictReader(open(written[assignment][0])))
    flagged = [r for r in rows if r["flagged"] == "1"]
    assert {(r["function"], frozenset((r["student_a"], r["student_b"]))) for r in flagged} == {
        ("J_W1", frozenset(("original", "copier")))}
    assert flagged[0]["lines_a"] and flagged[0]["lines_b"]
    page = written[assignment][1].read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<mark>" in page and "data:image/png;base64," in page
    assert not re.search(r"(src|href)=['\"](https?:|//)", page)
    # The command line does the same, and says where it wrote.
    from course.cli import main
    assert main(["similarity", assignment, "--out", str(out)]) == 0
    assert (out / "similarity" / f"{assignment}.csv").read_text() == open(written[assignment][0]).read()
    assert not (out / "feedback").exists()
