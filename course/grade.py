"""Grade a folder of submissions through nbgrader's autograde, whatever state they are in.

Layout read: SUBMITTED/<student>/<assignment>/<notebook>.ipynb. Every student gets a row per
assignment in submissions.csv and a row per test cell in grades.csv, also when the notebook is
missing, is not a notebook, loops, or kills its kernel: such problems cost that submission the
points they break and are named in its message; they never stop the batch.
"""
import csv
import multiprocessing
import os
import re
import shutil
import sqlite3
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4.nbbase import random_cell_id

from . import ROOT, SOURCE, notebooks
from .sandbox import available as sandbox_works, remove_empty_groups
from .execute import KERNEL_DIED, TIMEOUT
from .nbgrader_setup import course_config, nbgrader_api
from .progress import Progress
from .release import assignments as course_assignments

GRADES_COLUMNS = ["student", "assignment", "notebook", "grade_id", "points", "max_points"]
SUBMISSIONS_COLUMNS = ["student", "assignment", "status", "score", "max_score", "message"]


@dataclass
class Submission:
    """One student's work on one assignment, and what grading it found."""
    student: str
    assignment: str
    status: str = "graded"  # graded | missing | failed
    problems: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # (notebook, grade_id) -> points

    def row(self, tests):
        score = sum(self.scores.get(key, 0.0) for key in tests)
        message = "; ".join(self.problems) or "all tests passed"
        return dict(student=self.student, assignment=self.assignment, status=self.status,
                    score=_number(score), max_score=_number(sum(tests.values())), message=message)


def grade(submitted, out=None, names=None, timeout=None, jobs=None, sandbox="auto", log=print):
    """Grade every submission under `submitted`; write the CSVs and feedback into `out`.

    out: the course folder to work in (default: the repository itself, as nbgrader would).
    names: the assignments to grade (default: every assignment folder found in `submitted`).
    jobs: submissions graded at once, each in its own worker process (default: one per core).
    sandbox: 'auto' (kernels in a bubblewrap sandbox where it works), 'on' or 'off'.
    Returns the list of Submission records, in the order of submissions.csv.
    """
    submitted, root = Path(submitted).resolve(), Path(out or ROOT).resolve()
    root.mkdir(parents=True, exist_ok=True)
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))
    names = names or sorted({a.name for s in students for a in (submitted / s).iterdir()
                             if a.is_dir() and a.name in course_assignments()})
    unknown = set(names) - set(course_assignments())
    if unknown:
        raise SystemExit(f"unknown assignment(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(course_assignments())}")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    if sandbox == "auto" and not sandbox_works():
        log("warning: bubblewrap (bwrap) does not work here: kernels run without the sandbox")
    with tempfile.TemporaryDirectory() as scratch:
        settings = dict(root=root, release_dir=Path(scratch) / "release",
                        submitted_dir=Path(scratch) / "submitted", timeout=timeout,
                        sandbox=sandbox, scratch=scratch)
        api = nbgrader_api(course_config(**settings))
        masters = {name: _register(api, name, settings["release_dir"]) for name in names}
        _allow_concurrent_writers(api.coursedir.db_url)
        tasks = [(name, student) for name in names for student in students]
        for name, student in tasks:
            _mirror(submitted / student / name, settings["submitted_dir"] / student / name)
        done = _run(tasks, masters, settings, api, jobs or os.cpu_count() or 1)
    remove_empty_groups()
    records, grade_rows = [], []
    for name, student in tasks:
        record, tests = done[(name, student)], _test_points(masters[name])
        records.append(record)
        grade_rows += [dict(student=student, assignment=name, notebook=nb, grade_id=gid,
                            points=_number(record.scores.get((nb, gid), 0.0)),
                            max_points=_number(points))
                       for (nb, gid), points in tests.items()]
    _write_csv(root / "grades.csv", GRADES_COLUMNS, grade_rows)
    _write_csv(root / "submissions.csv", SUBMISSIONS_COLUMNS,
               [r.row(_test_points(masters[r.assignment])) for r in records])
    return records


def _register(api, name, release_dir):
    """Put the assignment in the gradebook (nbgrader needs its cells); return its notebooks."""
    result = api.generate_assignment(name, force=True)
    if not result["success"]:
        raise RuntimeError(f"could not register {name}: {result.get('error')}")
    return {p.stem: notebooks.read(p) for p in sorted((release_dir / name).glob("*.ipynb"))}


def _allow_concurrent_writers(db_url):
    """Switch the SQLite gradebook to write-ahead logging, so that workers do not lock readers."""
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
            db.execute("PRAGMA journal_mode=WAL")


def _run(tasks, masters, settings, api, jobs):
    """Grade each (assignment, student); {task: Submission}. Serial in this process for one
    job, else in `jobs` worker processes, each with its own nbgrader (and so its own kernels)."""
    done, progress = {}, Progress(len(tasks))
    if jobs <= 1 or len(tasks) <= 1:
        for name, student in tasks:
            done[(name, student)] = _grade_task(api, settings, name, student, masters[name])
            progress.step(done[(name, student)].status == "failed")
        return done
    context = multiprocessing.get_context("spawn")  # no forked copies of zmq or asyncio state
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(settings,)) as pool:
        futures = {pool.submit(_worker_task, name, student, masters[name]): (name, student)
                   for name, student in tasks}
        for future in as_completed(futures):
            name, student = futures[future]
            try:
                done[(name, student)] = future.result()
            except Exception as error:  # a worker that died takes only its submission down
                record = Submission(student, name, status="failed")
                record.problems.append(f"the grader failed on it: {type(error).__name__}: {error}")
                done[(name, student)] = record
            progress.step(done[(name, student)].status == "failed")
    return done


_WORKER_API = None


def _start_worker(settings):
    global _WORKER_API
    _WORKER_API = (nbgrader_api(course_config(**settings)), settings)


def _worker_task(name, student, masters):
    api, settings = _WORKER_API
    return _grade_task(api, settings, name, student, masters)


def _grade_task(api, settings, name, student, masters):
    work = Path(settings["submitted_dir"]) / student / name
    return _grade_one(api, Path(settings["root"]), work, student, name, masters)


def _grade_one(api, root, work, student, name, masters):
    """Prepare, autograde and read back one submission (a scratch copy of it, in `work`);
    never raises for a bad submission."""
    record = Submission(student, name)
    ready = _prepare(work, masters, record)
    if not ready:
        record.status = "missing" if record.status == "graded" else record.status
        return record
    result = api.autograde(name, student, force=True)
    if not result["success"]:
        record.status = "failed"
        record.problems.append("nbgrader could not grade it: " + _nbgrader_error(result))
        return record
    record.scores = _read_scores(api, name, student)
    for nb_name in ready:
        graded = notebooks.read(root / "autograded" / student / name / f"{nb_name}.ipynb")
        record.problems += _execution_problems(graded)
    feedback = api.generate_feedback(name, student, force=True)
    if not feedback["success"]:
        record.problems.append("feedback could not be generated: " + _last_line(feedback.get("error")))
    return record


def _prepare(work, masters, record):
    """Check each expected notebook in `work`; keep the gradable ones, return their names."""
    if not work.is_dir():
        record.problems.append("no submission folder")
        return []
    found = {p.name: p for p in work.glob("*.ipynb")}
    ready = []
    for nb_name, master in masters.items():
        path = work / f"{nb_name}.ipynb"
        strays = [p for n, p in found.items() if n not in {f"{m}.ipynb" for m in masters}]
        if not path.exists() and len(masters) == 1 and len(strays) == 1:
            record.problems.append(f"notebook submitted as {strays[0].name}; graded as {path.name}")
            strays[0].rename(path)
        if not path.exists():
            record.problems.append(f"{nb_name}.ipynb is missing")
            continue
        try:
            nb = notebooks.read(path)
            _repair_cell_ids(nb)
            nbformat.validate(nb)
        except Exception as error:
            record.status = "failed"
            record.problems.append(f"{nb_name}.ipynb is not a notebook, or an invalid one "
                                   f"({type(error).__name__}: {_last_line(str(error))}): scored 0")
            path.unlink()
            continue
        record.problems += _deduplicate_grade_ids(nb) + _tampering(nb, master)
        notebooks.write(nb, path)  # canonical nbformat 4, whatever version was submitted
        ready.append(nb_name)
    extras = _remove_extra_files(work, {f"{m}.ipynb" for m in masters})
    if extras:
        record.problems.append(f"ignored files that are not part of the assignment: {', '.join(extras)}")
    return ready


def _remove_extra_files(work, keep):
    """Delete everything but the expected notebooks: helper modules and data come from the
    instructor's copy, and a student's `numpy.py` must not shadow the real one. Returns the
    names removed that the release does not have either."""
    removed = []
    for path in sorted(work.rglob("*"), reverse=True):
        relative = path.relative_to(work).as_posix()
        if relative in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
            continue
        path.unlink()
        if "__pycache__" not in relative and not (SOURCE / work.name / relative).exists():
            removed.append(relative)
    return sorted(removed)


def _tampering(nb, master):
    """Name the test cells a student deleted, edited, retyped or moved above the code they
    test (nbgrader restores edited and retyped ones; a deleted one scores 0)."""
    mine, theirs = notebooks.cells_by_grade_id(nb), notebooks.cells_by_grade_id(master)
    problems = []
    for gid, cell in theirs.items():
        if not notebooks.is_test(cell):
            continue
        if gid not in mine:
            problems.append(f"test cell {gid} was deleted: scored 0")
            continue
        if mine[gid].get("cell_type") != cell.get("cell_type"):
            problems.append(f"test cell {gid} was changed into a {mine[gid].get('cell_type')} cell: "
                            "restored as code")
        elif mine[gid].get("source") != cell.get("source"):
            problems.append(f"test cell {gid} was edited: the original test was restored and used")
        tested = notebooks.tested_function(gid, master)
        where = next((i for i, c in enumerate(nb.cells) if notebooks.defines(c, tested)), None)
        if where is not None and nb.cells.index(mine[gid]) < where:
            problems.append(f"test cell {gid} was moved above the cell defining {tested}: "
                            f"it runs before {tested} exists")
    return problems


def _deduplicate_grade_ids(nb):
    """Keep the last cell of each grade_id, as nbgrader does, but make the earlier copies plain
    cells (nbgrader would leave them with metadata it then rejects, failing the notebook)."""
    seen, problems = set(), []
    for cell in reversed(nb.cells):
        gid = notebooks.grade_id(cell)
        if gid and gid in seen:
            del cell.metadata["nbgrader"]
            problems.append(f"cell {gid} appears more than once: only its last copy is graded")
        seen.add(gid)
    return problems


def _repair_cell_ids(nb):
    """Give fresh ids to cells whose id repeats an earlier one (a copy-paste accident)."""
    seen = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in seen:
            cell["id"] = random_cell_id()
        seen.add(cell["id"])


def _execution_problems(nb):
    """Name the cells that timed out, killed the kernel, raised while defining code, or failed."""
    problems = []
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            continue
        error, where = errors[-1], notebooks.label(cell)
        if error.get("ename") in (TIMEOUT, KERNEL_DIED):
            problems.append(f"{where}: {error.get('evalue')}")
        elif notebooks.is_test(cell):
            problems.append(f"{where} failed: {_describe(error)}")
        elif notebooks.defined_names(cell) or notebooks.nbgrader(cell).get("solution"):
            problems.append(f"{where} raised {_describe(error)}")
    return problems


def _describe(error):
    """'Name: message' for an error output, without IPython's temporary file names."""
    text = re.sub(r"\(\d+\.py, (line \d+)\)", r"(\1)", _last_line(error.get("evalue"), ""))
    return f"{error.get('ename')}: {text}" if text else str(error.get("ename"))


def _nbgrader_error(result):
    """The most telling line of a failed nbgrader call: its first logged error, else the last."""
    logged = [line.split("|", 1)[-1].strip() for line in str(result.get("log", "")).splitlines()
              if "ERROR" in line]
    return logged[0][:200] if logged else _last_line(result.get("error"))


def _read_scores(api, name, student):
    from nbgrader.api import Gradebook
    scores = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        for nb in gradebook.find_submission(name, student).notebooks:
            for g in nb.grades:
                if g.cell_type == "code":
                    scores[(nb.name, g.name)] = float(g.score or 0.0)
    return scores


def _test_points(masters):
    """{(notebook, test grade_id): max points} for the assignment's notebooks, in cell order."""
    return {(nb_name, notebooks.grade_id(c)): float(notebooks.nbgrader(c)["points"])
            for nb_name, nb in masters.items() for c in nb.cells if notebooks.is_test(c)}


def _mirror(source, target):
    """Make `target` an exact copy of `source` (or remove it when `source` does not exist)."""
    if target.exists():
        shutil.rmtree(target)
    if source.exists():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))


def _write_csv(path, columns, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _number(value):
    return f"{value:g}"


def _last_line(text, default="unknown error"):
    lines = [line for line in str(text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else default
