"""Grade the hostile corpus with stock nbgrader and with `python -m course grade`, side by side.

Usage (from the project root, after `make test` has built .venv):
    .venv/bin/python bench/stock_comparison.py [--assignment 03-backprop] [--timeout 10]

The cohort: a perfect student, the untouched release, and every broken, adversarial and forging
submission of course/hostile/ (accidents, cheats, forgeries of every class of issue #14). Stock nbgrader 0.9.6 runs as an instructor would run it
(`nbgrader generate_assignment` and `nbgrader autograde` in a throw-away course folder); ours
is `python -m course grade`. Each case is judged by the same rule as the test suite
(hostile.wrong_outcome, on scores only for stock, which has no status or message), and the
script prints one line per case and how many cases each grader got right.
"""
import argparse
import csv
import os
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course import ROOT, SOURCE, cohort, hostile  # noqa: E402


def cohort_of(assignment, port):
    nb_name = next(iter(cohort.release_notebooks(assignment)))
    students = [hostile.Student("perfect", assignment, cohort.perfect(assignment, nb_name), "full",
                                what="a correct submission"),
                hostile.Student("untouched", assignment, cohort.release_notebooks(assignment)[nb_name],
                                "untouched", what="the release, untouched")]
    students += (hostile.broken(assignment, nb_name) + hostile.adversarial(assignment, nb_name, port)
                 + hostile.forgeries(assignment, nb_name))
    return nb_name, students


def write(folder, nb_name, students):
    for s in students:
        cohort.write_submission(folder, s.name, s.assignment,
                                {} if s.notebook is None else {nb_name: s.notebook}, s.extra_files, s.links)


def run(command, cwd, env):
    started = time.monotonic()
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return proc, time.monotonic() - started


def stock(work, assignment, nb_name, students, timeout):
    """Grade with plain nbgrader in a throw-away course; {student: {grade_id: (points, max)}}."""
    course = work / "stock"
    shutil.copytree(SOURCE / assignment, course / "source" / assignment)
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "stock"\n'
        f'c.CourseDirectory.root = {str(course)!r}\n')
    write(course / "submitted", nb_name, students)
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], PYTHONPATH=str(ROOT))
    nbgrader = [sys.executable, "-m", "nbgrader"]
    run(nbgrader + ["generate_assignment", assignment, "--force"], course, env)
    _, seconds = run(nbgrader + ["autograde", assignment, "--force", f"--Execute.timeout={timeout}"],
                     course, env)
    from nbgrader.api import Gradebook, MissingEntry
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "stock") as gradebook:
        for s in students:
            try:
                submission = gradebook.find_submission(assignment, s.name)
            except MissingEntry:
                scores[s.name] = {}
                continue
            scores[s.name] = {g.name: (float(g.score or 0), float(g.max_score))
                              for nb in submission.notebooks for g in nb.grades if g.cell_type == "code"}
    return scores, seconds


def ours(work, nb_name, students, timeout):
    write(work / "submitted", nb_name, students)
    out = work / "ours"
    _, seconds = run([sys.executable, "-m", "course", "grade", str(work / "submitted"), "--out",
                      str(out), "--timeout", str(timeout)], ROOT, dict(os.environ))
    scores, rows = {}, {}
    for row in csv.DictReader(open(out / "grades.csv")):
        scores.setdefault(row["student"], {})[row["grade_id"]] = (float(row["points"]), float(row["max_points"]))
    for row in csv.DictReader(open(out / "submissions.csv")):
        rows[row["student"]] = row
    return scores, rows, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="03-backprop")
    parser.add_argument("--timeout", type=int, default=10, help="seconds per cell, for both graders")
    args = parser.parse_args()
    service = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    threading.Thread(target=service.serve_forever, daemon=True).start()
    nb_name, students = cohort_of(args.assignment, service.server_address[1])
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        stock_scores, stock_seconds = stock(work, args.assignment, nb_name, students, args.timeout)
        our_scores, our_rows, our_seconds = ours(work, nb_name, students, args.timeout)
    service.shutdown()
    right = {"stock": 0, "ours": 0}
    print(f"{'case':28} {'stock nbgrader':40} {'course grade':40} what")
    for s in students:
        verdicts = {"stock": hostile.wrong_outcome(s, stock_scores.get(s.name, {})),
                    "ours": hostile.wrong_outcome(s, our_scores.get(s.name, {}), our_rows.get(s.name))}
        for grader, verdict in verdicts.items():
            right[grader] += not verdict
        print(f"{s.name:28} {(verdicts['stock'] or 'right')[:39]:40} {(verdicts['ours'] or 'right')[:39]:40} {s.what}")
    print(f"\nright: stock nbgrader {right['stock']}/{len(students)} in {stock_seconds:.0f} s, "
          f"course grade {right['ours']}/{len(students)} in {our_seconds:.0f} s")
    return 0 if right["ours"] == len(students) else 1


if __name__ == "__main__":
    sys.exit(main())
