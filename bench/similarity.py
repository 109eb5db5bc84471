"""Grader side: benchmark of `course similarity`: detection on the corpora, and time for a cohort of N students.

    .venv/bin/python bench/similarity.py detection
    .venv/bin/python bench/similarity.py scale [--students 1000] [--assignment 03-backprop]

detection: for every graded function long enough to copy-check, a copy of the source solution
disguised in each way (tests/similarity_cohort.py) among the corpus's independent solutions:
is the copy pair ranked above every independent pair, and does it cross the threshold?
scale: N students' notebooks written in the autograded layout (each answer drawn from the
corpus's independent styles, their own lines between the styles' lines, 2 % of students copying a classmate with every disguise at
once), then `similarity.run` timed end to end (reading, fingerprinting, comparing, CSV, HTML).
"""
import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course import cohort, similarity as S  # noqa: E402
from tests import similarity_cohort as sc  # noqa: E402

ALL = ["01-heights", "02-neuron", "03-backprop", "04-planar", "05-gradcheck", "06-digits"]


def detection():
    ranks = {k: [0, 0] for k in sc.KINDS}
    flagged = {k: 0 for k in sc.KINDS}
    worst_independent = (0.0, None)
    copy_scores = {k: [] for k in sc.KINDS}
    for assignment in ALL:
        released = {(nb, f): src for nb, c in S.released_cells(assignment).items() for f, src in c.items()}
        for (notebook, function), by in sc.independent(assignment).items():
            pairs = S.compare_function(sc.answers(notebook, function, by), released[(notebook, function)])
            best = max((p.score for p in pairs), default=0.0)
            if best > worst_independent[0]:
                worst_independent = (best, f"{assignment} {function}")
            if not sc.substantial(by["source"]):
                continue
            for kind in sc.KINDS:
                disguised = sc.disguise(by["source"], kind)
                if disguised is None:
                    continue
                found = next((p for p in S.compare_function(
                    sc.answers(notebook, function, dict(by, copier=disguised)),
                    released[(notebook, function)]) if "copier" in (p.a.student, p.b.student)
                    and "source" in (p.a.student, p.b.student)), None)
                score = found.score if found else 0.0
                copy_scores[kind].append(score)
                ranks[kind][1] += 1
                ranks[kind][0] += score > best
                flagged[kind] += bool(found and found.flagged)
    print(f"threshold {S.THRESHOLD}; highest pair of independent solutions: "
          f"{worst_independent[0]:.3f} ({worst_independent[1]})")
    print("disguise      ranked above every independent pair   flagged   median copy score")
    for kind in sc.KINDS:
        scores = sorted(copy_scores[kind])
        print(f"{kind:12s}  {ranks[kind][0]:3d} / {ranks[kind][1]:3d}"
              f"{'':28s}{flagged[kind]:3d}       {scores[len(scores) // 2]:.2f}")


def own_lines(source, rng):
    """A style with lines of the student's own between its lines (random numbers, so no
    two students share them): honest students drawn from a handful of corpus styles would
    otherwise be byte-identical, which no real cohort is."""
    import ast
    lines = source.splitlines()
    tree = ast.parse(source)
    starts = sorted({(st.lineno - 1, st.col_offset) for node in ast.walk(tree)
                     if isinstance(node, ast.FunctionDef) for st in node.body}, reverse=True)
    for index, col in starts:
        if True:
            lines.insert(index, " " * col + f"scratch = {rng.randint(10**5, 10**6)} * "
                                            f"{rng.random():.6f} - {rng.randint(1, 999)}")
    return "\n".join(lines) + "\n"


def scale(students, assignment, jobs):
    rng = random.Random(19)
    styles = sc.independent(assignment)
    release = cohort.release_notebooks(assignment)
    with tempfile.TemporaryDirectory() as tmp:
        keep = Path(tmp)
        folder = Path(tmp) / "autograded"
        start = time.perf_counter()
        chosen = {}
        for s in range(students):
            name = f"student{s:04d}"
            for notebook, nb in release.items():
                cells = {}
                for (nb_name, function), by in styles.items():
                    if nb_name != notebook:
                        continue
                    if s >= 20 and s % 50 == 0:  # a copier: a classmate's answer, disguised
                        victim = chosen[(f"student{s - 7:04d}", function)]
                        cells[function] = sc.disguise(victim, "all")
                    else:
                        cells[function] = own_lines(rng.choice(list(by.values())), rng)
                    chosen[(name, function)] = cells[function]
                path = folder / name / assignment / f"{notebook}.ipynb"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(cohort.substitute(nb, cells)))
        built = time.perf_counter() - start
        start = time.perf_counter()
        written = S.run([assignment], out=tmp, jobs=jobs)
        took = time.perf_counter() - start
        csv_path, html_path, flagged = written[assignment]
        rows = sum(1 for _ in open(csv_path)) - 1
        print(f"{students} students of {assignment}: cohort written in {built:.1f} s; "
              f"similarity in {took:.1f} s ({jobs or 'one per core'} jobs); {rows} pairs in the CSV, {flagged} flagged; "
              f"HTML {html_path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("detection", "scale"))
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--assignment", default="03-backprop")
    parser.add_argument("--jobs", type=int, help="default: one per core")
    args = parser.parse_args()
    detection() if args.what == "detection" else scale(args.students, args.assignment, args.jobs)
