"""The demo's cohort and table, the reports, and the CLI's answers to bad arguments."""
import csv
import subprocess
import sys

import pytest

from course import ROOT, demo, notebooks
from course.submission import NEEDS_MANUAL_GRADING
from conftest import assignments


def test_sample_cohort_has_every_kind_of_student(tmp_path):
    for assignment in assignments():
        demo.sample_cohort(tmp_path, assignment)
    students = {p.name for p in tmp_path.iterdir()}
    assert {"perfect", "untouched", "broken-syntax", "infinite-loop", "edited-test"} <= students
    assert len([s for s in students if s.startswith("mistake-")]) >= 3
    for assignment in assignments():
        looping = next((tmp_path / "infinite-loop" / assignment).glob("*.ipynb"))
        assert any("while True" in c.source for c in notebooks.read(looping).cells)


def test_table_from_a_graded_cohort(graded):
    table = demo.print_table(graded.out)
    for assignment in assignments():
        assert assignment in table
    perfect = next(line for line in table.splitlines() if line.startswith("perfect "))
    assert "all tests passed" in perfect
    for assignment in assignments():
        row = graded.submissions[("untouched", assignment)]
        assert f"{row['score']}/{row['max_score']}" in table



def test_grading_wrote_reports_that_agree_with_the_csvs(graded):
    """`course grade` ends with the reports; they must say what grades.csv says."""
    folder = graded.out / "reports"
    summary = {r["assignment"]: r for r in csv.DictReader(open(folder / "summary.csv"))}
    rates = {(r["assignment"], r["function"]): float(r["pass_rate"])
             for r in csv.DictReader(open(folder / "function-pass-rates.csv"))}
    points = demo.function_points(graded.out / "grades.csv")
    for assignment in assignments():
        graded_here = [s for (s, a), row in graded.submissions.items()
                       if a == assignment and row["status"] in ("graded", NEEDS_MANUAL_GRADING)]
        assert int(summary[assignment]["submissions"]) == len(graded_here)
        for function in points[(assignment, "perfect")]:
            right = sum(points[(assignment, s)][function][0] == points[(assignment, s)][function][1]
                        for s in graded_here)
            assert rates[(assignment, function)] == pytest.approx(right / len(graded_here), abs=1e-3)
        for kind in ("grades", "functions"):
            assert (folder / f"{assignment}-{kind}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    mistakes = list(csv.DictReader(open(folder / "common-mistakes.csv")))
    for assignment in assignments():
        named = [m for m in mistakes if m["assignment"] == assignment]
        assert named, f"no common mistakes reported for {assignment}"
        for m in named:
            if "#" not in m["mistake"]:  # a diagnosis, quoted as is in the students' messages
                # (where a long line keeps only its start and its end, as the report may too)
                pieces = [p.strip() for p in m["mistake"].split("...") if p.strip()]
                having = [row for (s, a), row in graded.submissions.items()
                          if a == assignment and any(p[:50] in row["message"] or p[-50:] in row["message"]
                                                     for p in pieces)]
                assert len(having) >= int(m["submissions"]) > 0, m


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_grade_refuses_an_unknown_assignment_clearly(tmp_path):
    (tmp_path / "someone" / "99-nothing").mkdir(parents=True)
    proc = run_cli("grade", str(tmp_path), "--out", str(tmp_path / "out"), "--assignment", "99-nothing")
    assert proc.returncode != 0
    assert "unknown assignment(s): 99-nothing" in proc.stderr


def test_cli_help_names_every_command():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("release", "grade", "demo"):
        assert command in proc.stdout
