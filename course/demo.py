"""Grader side: the main job: release, build a sample cohort, grade it, and show what came out.

The cohort has, for every assignment: a perfect student, one who submitted the release
untouched, three students with typical mistakes from the wrong-answer corpus, a notebook
that does not parse, an infinite loop, and a student who edited a test cell.
"""
import csv
from collections import defaultdict
from pathlib import Path

from . import ROOT, cohort, notebooks, report
from .grade import grade
from .release import assignments, release

DEMO_TIMEOUT = 10  # seconds per cell: enough for every honest cell, short for the loops


def sample_cohort(folder, assignment):
    """Write the demo students' submissions of `assignment` under `folder`."""
    for nb_name, release_nb in cohort.release_notebooks(assignment).items():
        best = cohort.perfect(assignment, nb_name)
        cases = cohort.load_cases(assignment)["CASES"]
        mistakes = [c for c in cases if c["expect"] == "loses"
                    and cohort.notebook_defining(assignment, c["cells"]) == nb_name]
        picked = list({c["target"]: c for c in mistakes}.values())[:3]
        first = next(c for c in best.cells if notebooks.nbgrader(c).get("solution"))
        test = next(c for c in best.cells if notebooks.is_test(c))
        students = {
            "perfect": best,
            "untouched": release_nb,
            # The same three students make a different typical mistake in every assignment.
            **{f"mistake-{i}": cohort.substitute(best, c["cells"]) for i, c in enumerate(picked, 1)},
            "broken-syntax": _with_source(best, first, first.source + "\n    return (\n"),
            "infinite-loop": _with_source(best, first, "while True:\n    pass\n"),
            "edited-test": _with_source(best, test, "assert True  # all good, honest\n"),
        }
        for student, nb in students.items():
            cohort.write_submission(folder, student, assignment, {nb_name: nb})


def _with_source(nb, cell, source):
    nb = notebooks.copy(nb)
    next(c for c in nb.cells if c.get("id") == cell.get("id")).source = source
    return nb


def run(out=ROOT / "demo-output"):
    out = Path(out)
    print("Regenerating release/ from source/ ...")
    release()
    submitted = out / "submitted"
    for assignment in assignments():
        sample_cohort(submitted, assignment)
    print(f"Grading the sample cohort in {submitted} ...")
    grade(submitted, out=out / "course", timeout=DEMO_TIMEOUT)
    course = out / "course"
    print(print_table(course))
    reports, summary = report.write(course)
    print("\n" + summary)
    print(f"grades:      {course / 'grades.csv'}\nsubmissions: {course / 'submissions.csv'}")
    print(f"feedback:    {course / 'feedback'}/<student>/<assignment>/*.html")
    print(f"reports:     {reports} (CSVs, and per assignment a grade distribution and pass rates)")


def function_points(grades_csv):
    """{(assignment, student): {function: [points, max]}} from grades.csv, test cells summed
    per graded function (test_train and test_train_update both count for train)."""
    table, names = defaultdict(dict), {}
    for row in csv.DictReader(open(grades_csv)):
        if row["assignment"] not in names:
            names[row["assignment"]] = notebooks.tested_functions(cohort.release_notebooks(row["assignment"]))
        function = names[row["assignment"]].get((row["notebook"], row["grade_id"]), row["grade_id"])
        cell = table[(row["assignment"], row["student"])].setdefault(function, [0.0, 0.0])
        cell[0] += float(row["points"])
        cell[1] += float(row["max_points"])
    return table


def print_table(course):
    """Return the student x graded-function table as text, with each status and message."""
    points = function_points(course / "grades.csv")
    statuses = {(r["assignment"], r["student"]): r for r in csv.DictReader(open(course / "submissions.csv"))}
    lines = []
    for assignment in sorted({a for a, _ in points}):
        students = sorted(s for a, s in points if a == assignment)
        # Every student's cells, in order: a written answer has a row once it is graded by hand.
        functions = list(dict.fromkeys(f for s in students for f in points[(assignment, s)]))
        widths = [max(len(f), 7) + 2 for f in functions]
        width = max(len(s) for s in students) + 2
        lines.append(f"\n{assignment}\n" + "student".ljust(width)
                     + "".join(f.rjust(w) for f, w in zip(functions, widths)) + "   total  status")
        for student in students:
            cells = points[(assignment, student)]
            row = statuses[(assignment, student)]
            lines.append(student.ljust(width)
                         + "".join((f"{cells[f][0]:g}/{cells[f][1]:g}" if f in cells else "-").rjust(w)
                                   for f, w in zip(functions, widths))
                         + f"{row['score']:>5}/{row['max_score']:<3} {row['status']}: {row['message'][:70]}")
    return "\n".join(lines)
