"""Grade one mixed cohort three ways and compare: stock nbgrader, bare nbclient, `course grade`.

Usage (from the project root, after `make test` has built .venv):
    .venv/bin/python bench/grade_cohort.py [--students 40] [--jobs 2] [--timeout 5]
                                           [--assignment A ...] [--keep DIR]

The cohort: STUDENTS students for every assignment, built from the release. Most are perfect,
about a third hold a typical mistake from the assignment's corpus, one in ten has a syntax
error in an answer cell and one in twenty an answer that loops forever.

1. Stock: plain serial `nbgrader autograde A` (one call per assignment) in a throw-away course.
2. Bare nbclient: the notebooks nbgrader executed (its autograded copies: the submissions with
   every test cell restored), run again with nothing but nbclient, JOBS at a time, each in its
   own folder with the assignment's files, so the baseline has the same parallelism as ours.
3. Ours: `python -m course grade SUBMITTED --jobs JOBS`, which also writes feedback.

It checks that stock and ours give every test cell the same points, then prints the wall times,
our speed-up over stock, and our cost per submission relative to bare nbclient (the two wall
times, both at JOBS at a time). All three are measured in this one run, on this machine.
"""
import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course import ROOT, SOURCE, cohort, notebooks  # noqa: E402
from course.release import assignments as course_assignments  # noqa: E402

KINDS = ["perfect", "mistake", "perfect", "mistake", "perfect", "perfect", "mistake", "perfect",
         "perfect", "broken", "perfect", "mistake", "perfect", "perfect", "mistake", "perfect",
         "perfect", "mistake", "perfect", "loop"]


def build(folder, assignment, students, rng):
    """Write `students` submissions of `assignment`; return {student: kind}."""
    nb_name = next(iter(cohort.release_notebooks(assignment)))
    best = cohort.perfect(assignment, nb_name)
    first = next(notebooks.grade_id(c) for c in best.cells if notebooks.nbgrader(c).get("solution"))
    mistakes = [c for c in cohort.load_cases(assignment)["CASES"] if c["expect"] == "loses"]
    kinds = {}
    for i in range(students):
        student, kind = f"student-{i:03d}", KINDS[i % len(KINDS)]
        nb = best
        if kind == "mistake":
            nb = cohort.substitute(best, rng.choice(mistakes)["cells"])
        elif kind == "broken":
            nb = cohort.substitute(best, {first: "def broken(:\n"})
        elif kind == "loop":
            nb = cohort.substitute(best, {first: f"def {first}(*args, **kwargs):\n    while True:\n        pass\n"})
        cohort.write_submission(folder, student, assignment, {nb_name: nb})
        kinds[student] = kind
    return kinds


def timed(command, cwd, env):
    started = time.monotonic()
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return proc, time.monotonic() - started


def environment():
    bin_dir = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"], PYTHONPATH=str(ROOT))


def stock(course, assignments, submitted, timeout):
    """Serial stock nbgrader; returns ({(student, assignment, grade_id): points}, seconds)."""
    for a in assignments:
        shutil.copytree(SOURCE / a, course / "source" / a)
    shutil.copytree(submitted, course / "submitted")
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "stock"\n'
        f'c.CourseDirectory.root = {str(course)!r}\n')
    nbgrader, env = [sys.executable, "-m", "nbgrader"], environment()
    for a in assignments:
        timed(nbgrader + ["generate_assignment", a, "--force"], course, env)
    seconds = 0.0
    for a in assignments:
        _, spent = timed(nbgrader + ["autograde", a, "--force", f"--Execute.timeout={timeout}"], course, env)
        seconds += spent
    from nbgrader.api import Gradebook, MissingEntry
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "stock") as gradebook:
        for a in assignments:
            for student in sorted(p.name for p in (course / "submitted").iterdir()):
                try:
                    submission = gradebook.find_submission(a, student)
                except MissingEntry:
                    continue
                for nb in submission.notebooks:
                    for g in nb.grades:
                        if g.cell_type == "code":
                            scores[(student, a, g.name)] = float(g.score or 0)
    return scores, seconds


def bare_nbclient(course, work, jobs, timeout):
    """Run every notebook stock nbgrader executed with nbclient alone; returns (count, seconds)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError
    runs = []
    for graded in sorted((course / "autograded").glob("*/*/*.ipynb")):
        student, assignment = graded.parent.parent.name, graded.parent.name
        folder = work / student / assignment
        shutil.copytree(SOURCE / assignment, folder, ignore=shutil.ignore_patterns("*.ipynb"))
        runs.append((notebooks.read(graded), folder))
    os.environ["PYTHONPATH"] = str(ROOT)
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # as nbgrader sets it: demos shrink

    def execute(run):
        nb, folder = run
        client = NotebookClient(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                                kernel_name="python3", resources={"metadata": {"path": str(folder)}})
        try:
            client.execute()
        except CellTimeoutError:
            pass
    started = time.monotonic()
    quiet = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    os.dup2(quiet, 2)  # the kernels' start-up warnings
    try:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(execute, runs))
    finally:
        os.dup2(saved, 2)
    return len(runs), time.monotonic() - started


def ours(submitted, out, jobs, timeout):
    """`course grade`; returns ({(student, assignment, grade_id): points}, seconds)."""
    _, seconds = timed([sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out),
                        "--timeout", str(timeout), "--jobs", str(jobs)], ROOT, environment())
    scores = {(r["student"], r["assignment"], r["grade_id"]): float(r["points"])
              for r in csv.DictReader(open(out / "grades.csv"))}
    return scores, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40, help="students per assignment")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=5, help="seconds per cell, for every runner")
    parser.add_argument("--assignment", action="append", dest="assignments")
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()
    assignments = args.assignments or course_assignments()
    work = Path(args.keep or tempfile.mkdtemp(prefix="grade-cohort-")).resolve()
    rng = random.Random(0)
    kinds = {}
    for a in assignments:
        for student, kind in build(work / "submitted", a, args.students, rng).items():
            kinds[(student, a)] = kind
    total = len(kinds)
    print(f"cohort: {args.students} students x {len(assignments)} assignments = {total} submissions "
          f"({', '.join(f'{k} {sum(v == k for v in kinds.values())}' for k in dict.fromkeys(KINDS))})")
    stock_scores, stock_seconds = stock(work / "stock", assignments, work / "submitted", args.timeout)
    print(f"stock nbgrader autograde, serial: {stock_seconds:7.1f} s  ({stock_seconds / total:.2f} s a submission)")
    count, bare_seconds = bare_nbclient(work / "stock", work / "bare", args.jobs, args.timeout)
    print(f"bare nbclient, {args.jobs} at a time:       {bare_seconds:7.1f} s  ({count} notebooks)")
    our_scores, our_seconds = ours(work / "submitted", work / "ours", args.jobs, args.timeout)
    print(f"course grade --jobs {args.jobs}:             {our_seconds:7.1f} s")
    differ = sorted(k for k in set(stock_scores) | set(our_scores)
                    if stock_scores.get(k) != our_scores.get(k))
    for key in differ[:20]:
        print(f"  scores differ on {key}: stock {stock_scores.get(key)}, ours {our_scores.get(key)}")
    print(f"scores agree on {len(our_scores) - len(differ)}/{len(our_scores)} test cells"
          + ("" if not differ else f"; {len(differ)} differ"))
    print(f"speed-up over stock: {stock_seconds / our_seconds:.2f}  (target >= 1.8)")
    print(f"cost per submission relative to bare nbclient: {our_seconds / bare_seconds:.2f}  (target <= 1.0)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
