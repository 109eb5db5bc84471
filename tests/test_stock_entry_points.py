"""nbgrader's own entry points grade as `python -m course grade` does.

An instructor who already runs nbgrader types `nbgrader autograde`, `generate_feedback` and
`validate` in the course folder, or presses formgrader's Autograde button. With the course's
nbgrader_config.py and nothing else (no PYTHONPATH, no activated venv: PATH holds only the
system's folders), each must give the same gradebook as `course grade` on the same cohort, and
feedback with no hidden test. The course folder is a temporary one (given on the command line,
as nbgrader allows), so the repository is never written to.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import ROOT, SOURCE, cohort, gradebook

ASSIGNMENT = "01-heights"
NBGRADER = Path(sys.executable).parent / "nbgrader"


def bare_env(tmp):
    """What a fresh shell has: the system's PATH, a home, a private TMPDIR; no venv, no PYTHONPATH."""
    return {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", str(tmp)), "TMPDIR": str(tmp),
            "LANG": "C.UTF-8"}


def nbgrader(course, *args, tmp):
    command = [str(NBGRADER), *args, f"--CourseDirectory.root={course}",
               f"--CourseDirectory.source_directory={SOURCE}",
               f"--CourseDirectory.release_directory={course / 'release'}"]
    return subprocess.run(command, cwd=ROOT, env=bare_env(tmp), capture_output=True, text=True, timeout=900)


FORMGRADER_BUTTON = """
import sys
from traitlets.config import PyFileConfigLoader
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
root, course, assignment, students = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
config.CourseDirectory.root = course
config.CourseDirectory.source_directory = root + "/source"
config.CourseDirectory.release_directory = course + "/release"
api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
for student in students:
    result = api.autograde(assignment, student, force=True)
    assert result["success"], result.get("error")
print("autograded", len(students))
"""


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stock")
    tmp = folder / "tmp"
    tmp.mkdir()
    nb_name = next(iter(cohort.release_notebooks(ASSIGNMENT)))
    mistake = next(c for c in cohort.load_cases(ASSIGNMENT)["CASES"] if c["expect"] == "loses")
    students = {"perfect": cohort.perfect(ASSIGNMENT, nb_name),
                "mistake": cohort.substitute(cohort.perfect(ASSIGNMENT, nb_name), mistake["cells"]),
                "untouched": cohort.release_notebooks(ASSIGNMENT)[nb_name]}
    courses = {kind: folder / kind for kind in ("stock", "button", "ours")}
    for course in courses.values():
        for student, nb in students.items():
            cohort.write_submission(course / "submitted", student, ASSIGNMENT, {nb_name: nb})
    runs = {}
    for kind in ("stock", "button"):
        course = courses[kind]
        runs[kind, "generate"] = nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", tmp=tmp)
    runs["stock", "autograde"] = nbgrader(courses["stock"], "autograde", ASSIGNMENT, tmp=tmp)
    runs["stock", "feedback"] = nbgrader(courses["stock"], "generate_feedback", ASSIGNMENT, tmp=tmp)
    runs["button", "autograde"] = subprocess.run(
        [sys.executable, "-c", FORMGRADER_BUTTON, str(ROOT), str(courses["button"]), ASSIGNMENT, *students],
        cwd=tmp, env=bare_env(tmp), capture_output=True, text=True, timeout=900)
    runs["ours", "grade"] = subprocess.run(
        [sys.executable, "-m", "course", "grade", str(courses["ours"] / "submitted"), "--out",
         str(courses["ours"])], cwd=ROOT, capture_output=True, text=True, timeout=900)
    runs["validate", "source"] = subprocess.run(
        [str(NBGRADER), "validate", f"source/{ASSIGNMENT}/{nb_name}.ipynb"], cwd=ROOT,
        env=bare_env(tmp), capture_output=True, text=True, timeout=600)
    runs["validate", "release"] = subprocess.run(
        [str(NBGRADER), "validate", f"release/{ASSIGNMENT}/{nb_name}.ipynb"], cwd=ROOT,
        env=bare_env(tmp), capture_output=True, text=True, timeout=600)
    return dict(courses=courses, runs=runs)


def dump(course):
    return gradebook.dump(f"sqlite:///{course / 'gradebook.db'}")


def test_every_stock_command_ran(cohorts):
    for (kind, step), proc in cohorts["runs"].items():
        if kind != "validate":
            assert proc.returncode == 0, f"{kind} {step}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"


def test_stock_autograde_and_formgraders_button_give_course_grades_gradebook(cohorts):
    ours = dump(cohorts["courses"]["ours"])
    assert any(k[0] == "perfect" and len(k) == 4 and v for k, v in ours.items())
    for kind in ("stock", "button"):
        assert dump(cohorts["courses"][kind]) == ours, kind


def test_the_perfect_student_keeps_full_marks_everywhere(cohorts):
    rows = dump(cohorts["courses"]["stock"])
    perfect = {k[3]: v for k, v in rows.items()
               if k[0] == "perfect" and len(k) == 4 and k[3].startswith("test_")}
    assert perfect and all(v[0] == v[4] for v in perfect.values()), perfect


def test_stock_feedback_has_no_hidden_test_and_the_course_page_policy(cohorts):
    from test_grading import hidden_lines
    pages = list((cohorts["courses"]["stock"] / "feedback").glob("*/*/*.html"))
    assert len(pages) == 3
    for page in pages:
        text = page.read_text()
        assert 'http-equiv="Content-Security-Policy"' in text and "BEGIN HIDDEN TESTS" not in text
        plain = re.sub(r"<[^>]+>", "", text)
        assert not [line for line in hidden_lines() if line in plain], page


def test_validate_passes_the_solution_and_exits_non_zero_on_the_release(cohorts):
    source, release = cohorts["runs"]["validate", "source"], cohorts["runs"]["validate", "release"]
    assert source.returncode == 0 and "Success" in source.stdout + source.stderr, source.stdout[-2000:]
    assert release.returncode == 1 and "VALIDATION FAILED" in release.stdout + release.stderr
