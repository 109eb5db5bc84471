"""Nothing one submission does may reach another: students who leave traces in the sandbox are
graded before the classmates who would find them, by the same kernel factory, with one worker
and with two (course/hostile/leftovers.py). Every grade must be exactly right: the leavers and
the perfect victims keep full marks, the copiers lose what they tried to take."""
import csv
import subprocess
import sys

import pytest

from conftest import ADVERSARIAL, GRADE_TIMEOUT
from course import ROOT, cohort, hostile


@pytest.fixture(scope="module")
def students():
    nb_name = next(iter(cohort.release_notebooks(ADVERSARIAL)))
    return nb_name, hostile.leftovers(ADVERSARIAL, nb_name, copies=2, victims=3)


@pytest.mark.parametrize("jobs", [1, 2])
def test_traces_left_in_the_sandbox_reach_no_one_graded_after(students, jobs, tmp_path):
    nb_name, cases = students
    for student in cases:
        cohort.write_submission(tmp_path / "submitted", student.name, ADVERSARIAL, {nb_name: student.notebook})
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(tmp_path / "submitted"), "--out", str(out),
                           "--jobs", str(jobs), "--timeout", str(GRADE_TIMEOUT)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    grades = {}
    for row in csv.DictReader(open(out / "grades.csv")):
        grades.setdefault(row["student"], {})[row["grade_id"]] = (float(row["points"]), float(row["max_points"]))
    rows = {r["student"]: r for r in csv.DictReader(open(out / "submissions.csv"))}
    wrong = {s.name: hostile.wrong_outcome(s, grades[s.name], rows[s.name]) for s in cases}
    assert not {name: why for name, why in wrong.items() if why}, rows
