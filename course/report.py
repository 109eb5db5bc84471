"""Grader side: reports on a graded cohort, read back from the gradebook: what an instructor looks at first.

Per assignment: how many submissions, their mean and median score (grades given by hand
included), how many still wait for a written answer to be graded by hand, the share of submissions
that got each graded function fully right, and the mistakes the checks named most often (read
from the failing test cells of the autograded notebooks). Written as three CSVs and two PNGs
per assignment into COURSE/reports/, and printed. `course grade` writes them after grading;
`python -m course report` draws them again from any gradebook, SQLite or PostgreSQL.
"""
import csv
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import cohort, notebooks
from .nbgrader_setup import course_config, nbgrader_api

TOP_MISTAKES = 5


@dataclass
class AssignmentReport:
    name: str
    max_score: float
    scores: list = field(default_factory=list)  # one total per submission
    passed: Counter = field(default_factory=Counter)  # function -> submissions fully right
    mistakes: Counter = field(default_factory=Counter)  # (function, mistake) -> submissions
    waiting: int = 0  # submissions with a written answer not yet graded by hand

    @property
    def count(self):
        return len(self.scores)

    def pass_rates(self, functions):
        return {f: self.passed[f] / self.count if self.count else 0.0 for f in functions}


def collect(course, db=None):
    """{assignment: AssignmentReport} from the gradebook of the course folder `course`."""
    from nbgrader.api import Gradebook
    course = Path(course)
    db_url = nbgrader_api(course_config(root=course, db=db)).coursedir.db_url
    reports, functions = {}, {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            released = cohort.release_notebooks(assignment.name)
            tested = notebooks.tested_functions(released)
            functions[assignment.name] = list(dict.fromkeys(tested.values()))
            top = sum(float(notebooks.nbgrader(c)["points"]) for nb in released.values()
                      for c in nb.cells if notebooks.is_test(c) or notebooks.is_written(c))
            written = {(nb_name, notebooks.grade_id(c)) for nb_name, nb in released.items()
                       for c in nb.cells if notebooks.is_written(c)}
            report = reports[assignment.name] = AssignmentReport(assignment.name, top)
            for submission in assignment.submissions:
                student, lost = submission.student.id, set()
                total, waiting = 0.0, False
                for nb in submission.notebooks:
                    for g in nb.grades:
                        if (nb.name, g.name) in written:
                            waiting |= g.manual_score is None
                            total += float(g.score or 0.0) if g.manual_score is not None else 0.0
                            continue
                        if g.cell_type != "code" or (nb.name, g.name) not in tested:
                            continue
                        total += float(g.score or 0.0)
                        if float(g.score or 0.0) < float(g.max_score) - 1e-9:
                            lost.add(tested[(nb.name, g.name)])
                report.scores.append(total)
                report.waiting += waiting
                report.passed.update(f for f in functions[assignment.name] if f not in lost)
                for function, mistake in set(_mistakes(course, student, assignment.name, tested)):
                    report.mistakes[(function, mistake)] += 1
    return reports, functions


def _mistakes(course, student, assignment, tested):
    """(function, what went wrong) for each failing test cell of an autograded submission."""
    for path in sorted((course / "autograded" / student / assignment).glob("*.ipynb")):
        for cell in notebooks.read(path).cells:
            key = (path.stem, notebooks.grade_id(cell))
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if key in tested and errors:
                yield tested[key], mistake_of(errors[0].get("ename", ""), errors[0].get("evalue", ""))


def mistake_of(ename, evalue):
    """The mistake a failure names: a check's diagnosis when it has one, else its message with
    the numbers blurred, so that the same mistake on different inputs counts once."""
    text = str(evalue).strip().splitlines()[0] if str(evalue).strip() else ename
    diagnosed = re.match(r".* disagrees with .*?\(relative error [^)]*\)[:.] *(.+)$", text)
    if diagnosed:
        return diagnosed.group(1)
    return re.sub(r"\d+(\.\d+)?(e-?\d+)?", "#", text)[:160]


def write(course, db=None, folder=None):
    """Write the CSVs and PNGs; return (the folder, the printed summary)."""
    reports, functions = collect(course, db)
    folder = Path(folder or Path(course) / "reports")
    folder.mkdir(parents=True, exist_ok=True)
    summary, rates, common = [], [], []
    for name, r in sorted(reports.items()):
        summary.append(dict(assignment=name, submissions=r.count, max_score=f"{r.max_score:g}",
                            awaiting_manual_grading=r.waiting,
                            mean=f"{statistics.fmean(r.scores):.2f}" if r.scores else "",
                            median=f"{statistics.median(r.scores):g}" if r.scores else ""))
        rates += [dict(assignment=name, function=f, pass_rate=f"{rate:.3f}")
                  for f, rate in r.pass_rates(functions[name]).items()]
        common += [dict(assignment=name, function=f, mistake=m, submissions=n)
                   for (f, m), n in r.mistakes.most_common(TOP_MISTAKES)]
        _plot(r, functions[name], folder / f"{name}-grades.png", folder / f"{name}-functions.png")
    _write_csv(folder / "summary.csv", ["assignment", "submissions", "max_score", "awaiting_manual_grading",
                                            "mean", "median"], summary)
    _write_csv(folder / "function-pass-rates.csv", ["assignment", "function", "pass_rate"], rates)
    _write_csv(folder / "common-mistakes.csv", ["assignment", "function", "mistake", "submissions"], common)
    return folder, _text(reports, functions)


def _text(reports, functions):
    lines = []
    for name, r in sorted(reports.items()):
        if not r.count:
            lines.append(f"{name}: no submissions")
            continue
        lines.append(f"{name}: {r.count} submissions, mean {statistics.fmean(r.scores):.2f}, "
                     f"median {statistics.median(r.scores):g} of {r.max_score:g}"
                     + (f"; {r.waiting} with written answers to grade by hand" if r.waiting else ""))
        lines.append("  fully right: " + ", ".join(f"{f} {rate:.0%}" for f, rate in
                                                   r.pass_rates(functions[name]).items()))
        for (f, mistake), n in r.mistakes.most_common(TOP_MISTAKES):
            lines.append(f"  {n:4d} x {f}: {mistake[:110]}")
    return "\n".join(lines)


def _plot(report, functions, grades_png, functions_png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(5, 3.5))
    ax.hist(report.scores, bins=[b - 0.5 for b in range(int(report.max_score) + 2)], rwidth=0.8,
            color="tab:blue")
    ax.set(title=f"{report.name}: {report.count} submissions", xlabel=f"score (out of {report.max_score:g})",
           ylabel="submissions")
    figure.tight_layout()
    figure.savefig(grades_png, dpi=100)
    plt.close(figure)
    rates = report.pass_rates(functions)
    figure, ax = plt.subplots(figsize=(max(4, 0.8 * len(rates) + 1), 3.5))
    ax.bar(list(rates), [100 * v for v in rates.values()], color="tab:green")
    ax.set(title=f"{report.name}: fully right", ylabel="% of submissions", ylim=(0, 100))
    ax.tick_params(axis="x", rotation=45)
    figure.tight_layout()
    figure.savefig(functions_png, dpi=100)
    plt.close(figure)


def _write_csv(path, columns, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
