"""The demo's cohort, table and plot, and the CLI's answers to bad arguments."""
import subprocess
import sys

from course import ROOT, demo, notebooks
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


def test_table_and_plot_from_a_graded_cohort(graded, tmp_path):
    table = demo.print_table(graded.out)
    for assignment in assignments():
        assert assignment in table
    perfect = next(line for line in table.splitlines() if line.startswith("perfect "))
    assert "all tests passed" in perfect
    for assignment in assignments():
        row = graded.submissions[("untouched", assignment)]
        assert f"{row['score']}/{row['max_score']}" in table
    png = demo.plot_distribution(graded.out, tmp_path / "plot.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
