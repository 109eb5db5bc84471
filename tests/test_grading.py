"""Grading through the real `python -m course grade`, real nbgrader and real kernels.

Every case of the cohort (see conftest.py) is checked on its own: right answers in any style
keep full marks, each mistake loses exactly its own function's test cells, and broken
submissions get their rows, their zeros and a message that says why."""
import html
import re

import pytest

from conftest import assignments, build_cohort
from course import SOURCE, cohort, notebooks


def cells_of(grades, function):
    return [g for g in grades if g == f"test_{function}" or g.startswith(f"test_{function}_")]


def lost(grades):
    return {g for g, (points, most) in grades.items() if points < most - 1e-9}


def case_ids(cases):
    return [f"{c.assignment}:{c.student}" for c in cases]


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = build_cohort()
        metafunc.parametrize("case", cases, ids=case_ids(cases))


def test_case_is_graded_as_expected(graded, case):
    key = (case.student, case.assignment)
    assert key in graded.grades, f"no rows in grades.csv for {key}"
    grades, row = graded.grades[key], graded.submissions[key]
    assert row["status"] == case.status, row
    if case.message:
        assert re.search(case.message, row["message"]), row["message"]
    if case.expect == "full":
        assert lost(grades) == set(), row["message"]
    elif case.expect == "zero":
        assert all(points == 0 for points, _ in grades.values())
        assert float(row["score"]) == 0
    elif case.expect == "loses":
        own = cells_of(grades, case.target)
        assert own, f"no test cell for {case.target}"
        assert sum(grades[g][0] for g in own) < sum(grades[g][1] for g in own), \
            f"wrong {case.target} kept full marks"
        allowed = set(own) | {g for f in case.depends for g in cells_of(grades, f)}
        assert lost(grades) - allowed == set(), f"a mistake in {case.target} cost other cells too"
    elif case.expect == "untouched":
        release_nb = next(iter(cohort.release_notebooks(case.assignment).values()))
        stubs = [notebooks.grade_id(c) for c in release_nb.cells
                 if notebooks.nbgrader(c).get("solution") and "NotImplementedError" in c.source]
        assert stubs
        for function in stubs:
            assert all(grades[g][0] == 0 for g in cells_of(grades, function)), function
        assert "not implemented yet" in row["message"]


def test_every_test_cell_has_a_row_for_every_submission(graded):
    for assignment in assignments():
        rows = [g for (s, a), g in graded.grades.items() if a == assignment]
        assert len({frozenset(g) for g in rows}) == 1, "students got different sets of rows"


def test_scores_add_up(graded):
    for key, row in graded.submissions.items():
        grades = graded.grades[key]
        assert float(row["score"]) == pytest.approx(sum(p for p, _ in grades.values()))
        assert float(row["max_score"]) == pytest.approx(sum(m for _, m in grades.values()))


def hidden_lines():
    """Every non-blank line of every hidden test region in source/."""
    lines = set()
    for path in SOURCE.glob("*/*.ipynb"):
        for cell in notebooks.read(path).cells:
            parts = re.findall(r"BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S)
            lines |= {line.strip() for part in parts for line in part.splitlines() if line.strip()}
    return lines


def test_feedback_shows_scores_but_no_hidden_tests(graded):
    secret = hidden_lines() | {"BEGIN HIDDEN TESTS"}
    assert len(secret) > 1
    pages = sorted((graded.out / "feedback").glob("*/*/*.html"))
    assert len(pages) >= len([c for c in graded.cases if c.status == "graded"])
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert not [line for line in secret if line in text], page
    for assignment in assignments():
        best = float(graded.submissions[("perfect", assignment)]["max_score"])
        for page in (graded.out / "feedback" / "perfect" / assignment).glob("*.html"):
            text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
            assert re.search(rf"Score: {best:g}(\.0)? / {best:g}", text), f"{page} shows no score"


def test_the_course_folders_stay_untouched_with_out(graded):
    from course import ROOT
    assert not (ROOT / "submitted").exists() or not any((ROOT / "submitted").iterdir())
    assert (graded.out / "gradebook.db").exists() and (graded.out / "autograded").is_dir()
