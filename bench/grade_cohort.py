"""Grade one mixed cohort three ways and compare: stock nbgrader, bare nbclient, `course grade`.

Usage (from the project root, after `make test` has built .venv):
    .venv/bin/python bench/grade_cohort.py [--students 40] [--jobs 2] [--timeout 5]
                                           [--assignment A ...] [--keep DIR]
                                           [--baseline REF [--repeat N]] [--skip-stock]

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

With --baseline REF (a commit-ish of this repository: d5bdce5, HEAD, main~2) it also grades the
same cohort with `course grade` as it was at REF, from a detached git worktree (removed at the
end) with this same interpreter, and prints both wall times and their ratio (ours / baseline),
flagging a loss of speed above 5%: the before-and-after that a change on the grading path
reports. The runs alternate, baseline first (baseline, ours, baseline, ours for --repeat 2),
each into a fresh out folder with the same --jobs and --timeout; the best of each side is
compared. "Ours" is the work tree as it is, uncommitted changes included, so `--baseline HEAD`
measures those changes. Where the two give a test cell other points or a submission another
status, the differences are printed as a warning: on this honest cohort only a changed
assignment or a grading bug can cause one. --skip-stock leaves out the stock nbgrader and bare
nbclient runs (the slow part), so `--baseline REF --skip-stock` measures just old against new.
"""
import argparse
import csv
import os
import random
import shutil
import signal
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
    run = course_grade(ROOT, submitted, out, jobs, timeout)
    return {key: points for key, (points, _) in run["cells"].items()}, run["seconds"]


def course_grade(tree, submitted, out, jobs, timeout):
    """`python -m course grade` with the `course` package of `tree` (this repository or a
    worktree of it) and this interpreter. Returns {"seconds", "cells": {(student, assignment,
    grade_id): (points, max_points)}, "submissions": {(student, assignment): (status, score)},
    "messages": {(student, assignment): message}}."""
    env = dict(environment(), PYTHONPATH=str(tree))
    proc, seconds = timed([sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out),
                           "--timeout", str(timeout), "--jobs", str(jobs)], tree, env)
    if proc.returncode != 0 or not (out / "grades.csv").exists():
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        raise SystemExit(f"`course grade` from {tree} failed (exit {proc.returncode}):\n{tail}")
    cells = {(r["student"], r["assignment"], r["grade_id"]): (float(r["points"]), float(r["max_points"]))
             for r in csv.DictReader(open(out / "grades.csv"))}
    rows = list(csv.DictReader(open(out / "submissions.csv")))
    submissions = {(r["student"], r["assignment"]): (r["status"], float(r["score"] or 0)) for r in rows}
    messages = {(r["student"], r["assignment"]): r["message"] for r in rows}
    return dict(seconds=seconds, cells=cells, submissions=submissions, messages=messages)


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def course_file(tree):
    """Where `import course` leads for this interpreter in `tree`, as course_grade runs it."""
    return subprocess.run([sys.executable, "-c", "import course; print(course.__file__)"], cwd=tree,
                          env=dict(environment(), PYTHONPATH=str(tree)), capture_output=True,
                          text=True, check=True).stdout.strip()


class Worktree:
    """A detached git worktree of this repository at `ref`, removed on leaving the block."""

    def __init__(self, ref):
        self.ref = ref
        self.folder = Path(tempfile.mkdtemp(prefix="grade-cohort-baseline-")).resolve()
        self.path = self.folder / "src"

    def __enter__(self):
        try:
            self.commit = git("rev-parse", "--verify", "--quiet", f"{self.ref}^{{commit}}")
        except subprocess.CalledProcessError:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise SystemExit(f"--baseline {self.ref}: not a commit of {ROOT}")
        try:
            git("worktree", "add", "--detach", str(self.path), self.commit)
            # Bytecode now, so the baseline's first run does not pay for compiling it
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(self.path / "course")],
                           capture_output=True, check=True)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if self.path.exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(self.path)], cwd=ROOT,
                           capture_output=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def compare(label, ours_run, other_run, other):
    """Print, as a warning, where `other_run` gives a submission another status or score, or a
    test cell other points, than `ours_run`; returns the number of differences."""
    differ = 0
    for what, mine, theirs, unit in (("status, score", ours_run["submissions"], other_run["submissions"],
                                      "submissions"),
                                     ("points, max", ours_run["cells"], other_run["cells"], "test cells")):
        keys = sorted(set(mine) | set(theirs))
        bad = [k for k in keys if mine.get(k) != theirs.get(k)]
        for key in bad[:20]:
            print(f"  warning: {label}: {unit[:-1]} {key} ({what}): {other} {theirs.get(key)}, ours {mine.get(key)}")
            if unit == "submissions":
                for who, run in ((other, other_run), ("ours", ours_run)):
                    message = " ".join(run["messages"].get(key, "").split())
                    if message:
                        print(f"    {who} says: {message[:160]}{'...' if len(message) > 160 else ''}")
        if len(bad) > 20:
            print(f"  warning: {label}: ... and {len(bad) - 20} more {unit}")
        print(f"{label}: {other} and ours agree on {len(keys) - len(bad)}/{len(keys)} {unit}"
              + ("" if not bad else f"  WARNING: {len(bad)} differ"))
        differ += len(bad)
    return differ


def against_baseline(ref, submitted, work, jobs, timeout, repeat):
    """Grade the cohort with `course grade` at `ref` and as it is now, alternately, `repeat`
    times each; print every run, the best of each and their ratio. Returns ours' fastest run."""
    with Worktree(ref) as tree:
        short = git("rev-parse", "--short", tree.commit)
        name = f"baseline {short}"
        subject = git("log", "-1", "--format=%s", tree.commit)
        print(f"baseline: {ref} = {short} ({subject[:70]}{'...' if len(subject) > 70 else ''})")
        for label, path in (("baseline", tree.path), ("ours", ROOT)):
            found = Path(course_file(path)).resolve()
            if path.resolve() not in found.parents:
                raise SystemExit(f"{label}: `import course` in {path} gives {found}, not the package there")
            print(f"  {label:8s} course = {found}")
        changed = git("status", "--porcelain", "--", "course")
        head = git("rev-parse", "--short", "HEAD")
        print(f"  ours is the work tree {ROOT} (HEAD {head}"
              + (f", {len(changed.splitlines())} uncommitted change(s) under course/)" if changed else
                 ", nothing uncommitted under course/)"))
        runs = {"baseline": [], "ours": []}
        for i in range(1, repeat + 1):
            for label, path in (("baseline", tree.path), ("ours", ROOT)):
                run = course_grade(path, submitted, work / f"{label}-{i}", jobs, timeout)
                runs[label].append(run)
                print(f"  run {i}/{repeat} {name if label == 'baseline' else 'ours':16s} "
                      f"course grade --jobs {jobs}: {run['seconds']:7.1f} s")
    best = {label: min(r["seconds"] for r in rs) for label, rs in runs.items()}
    ratio = best["ours"] / best["baseline"]
    print(f"course grade --jobs {jobs}, best of {repeat}: ours {best['ours']:.1f} s, "
          f"{name} {best['baseline']:.1f} s; ratio ours / baseline {ratio:.3f}")
    change = (ratio - 1) * 100
    if change > 5:
        print(f"WARNING: slower than {short} by {change:.1f}% (limit 5%)")
    elif change > 0:
        print(f"slower than {short} by {change:.1f}% (within the 5% limit)")
    else:
        print(f"faster than {short} by {-change:.1f}% ({best['baseline'] / best['ours']:.3f}x)")
    compare("scores", runs["ours"][0], runs["baseline"][0], name)
    for label, rs in runs.items():
        for i, run in enumerate(rs[1:], 2):
            if run["cells"] != rs[0]["cells"] or run["submissions"] != rs[0]["submissions"]:
                compare(f"repeat {i} of {label}", rs[0], run, f"{label} run {i}")
    return min(runs["ours"], key=lambda r: r["seconds"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40, help="students per assignment")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=5, help="seconds per cell, for every runner")
    parser.add_argument("--assignment", action="append", dest="assignments")
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--baseline", metavar="REF",
                        help="also grade the cohort with `course grade` as it was at this commit-ish "
                             "of the repository, and compare wall times and scores")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="with --baseline: runs of each side, alternating, baseline first (default 1)")
    parser.add_argument("--skip-stock", action="store_true",
                        help="skip the stock nbgrader and bare nbclient runs")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.repeat > 1 and not args.baseline:
        parser.error("--repeat needs --baseline")
    if args.baseline:  # a kill still removes the worktree (the `finally`s run)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    assignments = args.assignments or course_assignments()
    work = Path(args.keep or tempfile.mkdtemp(prefix="grade-cohort-")).resolve()
    try:
        return bench(args, assignments, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def bench(args, assignments, work):
    rng = random.Random(0)
    kinds = {}
    for a in assignments:
        for student, kind in build(work / "submitted", a, args.students, rng).items():
            kinds[(student, a)] = kind
    total = len(kinds)
    print(f"cohort: {args.students} students x {len(assignments)} assignments = {total} submissions "
          f"({', '.join(f'{k} {sum(v == k for v in kinds.values())}' for k in dict.fromkeys(KINDS))})")
    if not args.skip_stock:
        stock_scores, stock_seconds = stock(work / "stock", assignments, work / "submitted", args.timeout)
        print(f"stock nbgrader autograde, serial: {stock_seconds:7.1f} s  ({stock_seconds / total:.2f} s a submission)")
        count, bare_seconds = bare_nbclient(work / "stock", work / "bare", args.jobs, args.timeout)
        print(f"bare nbclient, {args.jobs} at a time:       {bare_seconds:7.1f} s  ({count} notebooks)")
    if args.baseline:
        run = against_baseline(args.baseline, work / "submitted", work, args.jobs, args.timeout, args.repeat)
        our_scores = {key: points for key, (points, _) in run["cells"].items()}
        our_seconds = run["seconds"]
    else:
        our_scores, our_seconds = ours(work / "submitted", work / "ours", args.jobs, args.timeout)
        print(f"course grade --jobs {args.jobs}:             {our_seconds:7.1f} s")
    if args.skip_stock:
        return 0
    differ = sorted(k for k in set(stock_scores) | set(our_scores)
                    if stock_scores.get(k) != our_scores.get(k))
    for key in differ[:20]:
        print(f"  scores differ on {key}: stock {stock_scores.get(key)}, ours {our_scores.get(key)}")
    print(f"scores agree on {len(our_scores) - len(differ)}/{len(our_scores)} test cells"
          + ("" if not differ else f"; {len(differ)} differ"))
    print(f"speed-up over stock: {stock_seconds / our_seconds:.2f}  (target >= 1.8)")
    print(f"cost per submission relative to bare nbclient: {our_seconds / bare_seconds:.2f}  (target <= 1.0)")
    return 1 if differ else 0

if __name__ == "__main__":
    sys.exit(main())
