"""Written answers and scores given by hand, through the real `python -m course grade`.

A small cohort of 01-heights (a perfect student, one with a mistake, the untouched release) is
graded; then scores are given by hand the way formgrader saves them (nbgrader's gradebook API:
a manual score on the written answer, a changed score on a test cell, a comment), and the same
command runs again. Every output must show the grades given by hand (the gradebook, both CSVs,
the reports and the feedback pages), nothing is graded again, and a forced re-grade keeps them.
"""
import csv
import html
import re
import subprocess
import sys

import pytest

from course import ROOT, cohort, notebooks

ASSIGNMENT = "01-heights"
STUDENTS = ("perfect", "mistake", "untouched")


def written_cells():
    """{grade_id: points} of the assignment's written answers (task cells)."""
    return {notebooks.grade_id(c): float(notebooks.nbgrader(c)["points"])
            for nb in cohort.release_notebooks(ASSIGNMENT).values() for c in nb.cells
            if notebooks.is_written(c)}


def test_every_assignment_asks_for_a_written_answer_with_a_mark_scheme_kept_from_students():
    from course import RELEASE, SOURCE
    from course.release import assignments
    for assignment in assignments():
        for path in (SOURCE / assignment).glob("*.ipynb"):
            tasks = [c for c in notebooks.read(path).cells if notebooks.is_written(c)]
            assert tasks, f"{assignment} has no written answer graded by hand"
            for cell in tasks:
                assert "BEGIN MARK SCHEME" in cell.source and "END MARK SCHEME" in cell.source, cell.id
                assert notebooks.nbgrader(cell).get("locked"), f"{cell.id} can be edited by students"
            released = (RELEASE / assignment / path.name).read_text()
            assert "MARK SCHEME" not in released and "Model answer" not in released, assignment


def grade(submitted, out, *extra):
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out),
                           "--timeout", "30", "--jobs", "2", *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def read(out):
    grades = {}
    for r in csv.DictReader(open(out / "grades.csv")):
        grades.setdefault(r["student"], {})[r["grade_id"]] = r["points"]
    submissions = {r["student"]: r for r in csv.DictReader(open(out / "submissions.csv"))}
    summary = next(csv.DictReader(open(out / "reports" / "summary.csv")))
    return grades, submissions, summary


def page_text(out, student):
    page = next((out / "feedback" / student / ASSIGNMENT).glob("*.html"))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text())).split())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The outputs after the first run, after grading by hand and a re-run, and after --force."""
    folder = tmp_path_factory.mktemp("manual")
    submitted, out = folder / "submitted", folder / "out"
    nb_name = next(iter(cohort.release_notebooks(ASSIGNMENT)))
    mistake = next(c for c in cohort.load_cases(ASSIGNMENT)["CASES"] if c["expect"] == "loses")
    perfect = cohort.perfect(ASSIGNMENT, nb_name)
    for student, nb in (("perfect", perfect),
                        ("mistake", cohort.substitute(cohort.perfect(ASSIGNMENT, nb_name), mistake["cells"])),
                        ("untouched", cohort.release_notebooks(ASSIGNMENT)[nb_name])):
        cohort.write_submission(submitted, student, ASSIGNMENT, {nb_name: nb})
    first = dict(log=grade(submitted, out), csv=read(out), page=page_text(out, "perfect"))

    from nbgrader.api import Gradebook
    task, points = next(iter(written_cells().items()))
    lost = next(g for g, p in first["csv"][0]["mistake"].items() if float(p) == 0)
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as book:  # what formgrader's save does
        submission = book.find_submission(ASSIGNMENT, "perfect")
        nb = submission.notebooks[0]
        for g in nb.grades:
            if g.name == task:
                g.manual_score, g.needs_manual_grade = points, False
        for c in nb.comments:
            if c.name == task:
                c.manual_comment = "A clear argument from the sign of the derivative."
        wrong = book.find_submission(ASSIGNMENT, "mistake").notebooks[0]
        for g in wrong.grades:
            if g.name == lost:
                g.manual_score, g.needs_manual_grade = 1.0, False
        book.db.commit()
    second = dict(log=grade(submitted, out), csv=read(out), page=page_text(out, "perfect"),
                  mistake_page=page_text(out, "mistake"))
    third = dict(log=grade(submitted, out))
    forced = dict(log=grade(submitted, out, "--force"), csv=read(out), page=page_text(out, "perfect"))
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as book:
        kept = {g.name: g.manual_score for g in book.find_submission(ASSIGNMENT, "perfect").notebooks[0].grades}
    return dict(first=first, second=second, third=third, forced=forced, task=task, points=points,
                lost=lost, kept=kept, out=out)


def test_a_written_answer_waits_for_a_person_and_is_not_scored_zero(runs):
    grades, submissions, summary = runs["first"]["csv"]
    perfect = submissions["perfect"]
    assert perfect["status"] == "needs manual grading"
    assert runs["task"] in perfect["message"] and "all tests passed" in perfect["message"]
    auto = sum(float(p) for p in grades["perfect"].values())
    assert float(perfect["score"]) == auto
    assert float(perfect["max_score"]) == auto + sum(written_cells().values())
    assert runs["task"] not in grades["perfect"], "an ungraded written answer has a row of 0 points"
    assert int(summary["awaiting_manual_grading"]) == 3
    assert re.search(rf"Score: {auto:g}(\.0)? / {auto + runs['points']:g}", runs["first"]["page"])
    assert "MARK SCHEME" not in runs["first"]["page"] and "Model answer" not in runs["first"]["page"]


def test_grades_given_by_hand_reach_every_output_without_grading_again(runs):
    grades, submissions, summary = runs["second"]["csv"]
    assert "3 submission(s) already graded, skipped" in runs["second"]["log"]
    assert "2 feedback page(s) made again" in runs["second"]["log"]
    assert float(grades["perfect"][runs["task"]]) == runs["points"]
    assert float(grades["mistake"][runs["lost"]]) == 1.0
    perfect, mistake = submissions["perfect"], submissions["mistake"]
    assert perfect["status"] == "graded" and perfect["score"] == perfect["max_score"]
    assert mistake["status"] == "needs manual grading"
    assert f"scores changed by hand: {runs['lost']}" in mistake["message"]
    before = runs["first"]["csv"][1]["mistake"]
    assert float(mistake["score"]) == float(before["score"]) + 1.0
    assert int(summary["awaiting_manual_grading"]) == 2
    first_mean = float(runs["first"]["csv"][2]["mean"])
    assert float(summary["mean"]) == pytest.approx(first_mean + (runs["points"] + 1.0) / 3, abs=0.01)
    top = float(perfect["max_score"])
    assert re.search(rf"Score: {top:g}(\.0)? / {top:g}", runs["second"]["page"])
    assert "A clear argument from the sign of the derivative." in runs["second"]["page"]
    assert "MARK SCHEME" not in runs["second"]["page"] and "Model answer" not in runs["second"]["page"]
    assert re.search(rf"Score: {float(mistake['score']):g}(\.0)? / {top:g}", runs["second"]["mistake_page"])


def test_an_unchanged_gradebook_makes_no_page_again(runs):
    assert "3 submission(s) already graded, skipped" in runs["third"]["log"]
    assert "made again" not in runs["third"]["log"]


def test_a_forced_regrade_keeps_the_grades_given_by_hand(runs):
    grades, submissions, _ = runs["forced"]["csv"]
    assert "already graded" not in runs["forced"]["log"]
    assert runs["kept"][runs["task"]] == runs["points"]
    assert float(grades["perfect"][runs["task"]]) == runs["points"]
    assert float(grades["mistake"][runs["lost"]]) == 1.0
    assert submissions["perfect"]["score"] == submissions["perfect"]["max_score"]
    assert "A clear argument from the sign of the derivative." in runs["forced"]["page"]


def test_formgrader_lists_the_written_answers_to_grade(runs):
    """nbgrader's formgrader reads its lists through NbGraderAPI: after the first run it must
    have flagged every graded submission for manual grading, and after grading by hand the
    perfect one no longer. The copy formgrader shows graders keeps the mark scheme."""
    from course.nbgrader_setup import course_config, nbgrader_api
    api = nbgrader_api(course_config(root=runs["out"]))
    flags = {s["student"]: s["needs_manual_grade"] for s in api.get_submissions(ASSIGNMENT)}
    assert flags["perfect"] is False and flags["mistake"] is True
    graded = next((runs["out"] / "autograded" / "perfect" / ASSIGNMENT).glob("*.ipynb"))
    assert "BEGIN MARK SCHEME" in graded.read_text()
