"""Grader side: grade a folder of submissions through nbgrader's autograde, whatever their state.

Layout read: SUBMITTED/<student>/<assignment>/<notebook>.ipynb. Every student gets a row per
assignment in submissions.csv and a row per test cell in grades.csv, also when the notebook is
missing, is not a notebook, loops, or kills its kernel: such problems cost that submission the
points they break and are named in its message; they never stop the batch.

This process coordinates: it registers the assignments in the course's gradebook, hands each
submission to a worker (course/dispatch.py: here, local processes or Dask), and, as results
come back, writes the autograded copy and feedback, copies the grades into the gradebook (its
only writer) and notes the submission as finished (course/ledger.py), so that a re-run or an
interrupted run skips what is done.
"""
import csv
import os
import shutil
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook

from . import ROOT, SOURCE, dispatch, gradebook, notebooks
from .ledger import Ledger, fingerprint
from .nbgrader_setup import course_config, nbgrader_api
from .progress import Progress
from .release import assignments as course_assignments
from .sandbox import available as sandbox_works, remove_empty_groups
from .submission import last_line, number
from .worker import Job, files_of, links_in, write_files

GRADES_COLUMNS = ["student", "assignment", "notebook", "grade_id", "points", "max_points"]
SUBMISSIONS_COLUMNS = ["student", "assignment", "status", "score", "max_score", "message"]


def grade(submitted, out=None, names=None, timeout=None, jobs=None, sandbox="auto", db=None,
          scheduler=None, force=False, log=print):
    """Grade every submission under `submitted`; write the CSVs and feedback into `out`.

    out: the course folder to work in (default: the repository itself, as nbgrader would).
    names: the assignments to grade (default: every assignment folder found in `submitted`).
    jobs: submissions graded at once, each in its own worker process (default: one per core).
    sandbox: 'auto' (kernels in a bubblewrap sandbox where it works), 'on' or 'off'.
    db: the gradebook: a database URL (postgresql://...) or file (default: out/gradebook.db).
    scheduler: a Dask scheduler's address (tcp://HOST:PORT) to grade on instead of locally.
    force: grade again what an earlier run already graded.
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
    if sandbox == "auto" and not scheduler and not sandbox_works():
        log("warning: bubblewrap (bwrap) does not work here: kernels run without the sandbox")
    with tempfile.TemporaryDirectory() as scratch:
        api = nbgrader_api(course_config(root=root, db=db, release_dir=Path(scratch) / "release"))
        db_url = api.coursedir.db_url
        masters = {name: _register(api, name, Path(scratch) / "release") for name in names}
    master_files = {name: files_of(SOURCE / name) for name in names}
    settings = dict(timeout=timeout, sandbox=sandbox)
    ledger, todo, done, progress = Ledger(root / "ledger"), {}, {}, Progress(0)
    book = Gradebook(db_url, api.coursedir.course_id)  # one session for the whole run
    try:
        duedates = {name: _duedate(book, name) for name in names}
        for student in students:  # in the gradebook (and its exports) even with nothing graded
            book.update_or_create_student(student)
        todo, done = _unfinished(book, db_url, ledger, names, students, submitted, master_files,
                                 settings, duedates, force)
        if done:
            log(f"{len(done)} submission(s) already graded, skipped (--force grades them again)")
        progress = Progress(len(todo))
        count = jobs or os.cpu_count() or 1
        jobs_to_send = _loaded(todo.values(), submitted)
        runner = (dispatch.dask(jobs_to_send, scheduler) if scheduler else
                  dispatch.serial(jobs_to_send) if count <= 1 else dispatch.local(jobs_to_send, count))
        for job, result in runner:
            _keep(root, db_url, api.coursedir.course_id, book, job, result)
            ledger.write(result.record, todo[(job.assignment, job.student)][1])
            done[(job.assignment, job.student)] = result.record
            progress.step(result.record.status == "failed")
    except KeyboardInterrupt:
        log(f"\ninterrupted: {len(done)} of {len(done) + len(todo) - progress.done} finished; "
            "run the same command again to grade the rest")
        book.close()
        raise
    finally:
        remove_empty_groups()
    try:
        _feedback_by_hand(api, db_url, book, ledger, done, log)
        records, grade_rows, submission_rows = [], [], []
        for name in names:
            tests, written = _test_points(masters[name]), _written_points(masters[name])
            for student in students:
                record = done[(name, student)]
                graded = record.status == "graded"
                final = gradebook.final(db_url, name, student, book) if graded else {}
                late = gradebook.lateness(db_url, name, student, book) if graded else (0.0, 0.0)
                records.append(record)
                submission_rows.append(record.row(tests, written, final, late))
                grade_rows += [_grade_row(record, key, points, final) for key, points in tests.items()]
                grade_rows += [_grade_row(record, key, points, final) for key, points in written.items()
                               if final.get(key, (None,))[0] is not None]
    finally:
        book.close()
    _write_csv(root / "grades.csv", GRADES_COLUMNS, grade_rows)
    _write_csv(root / "submissions.csv", SUBMISSIONS_COLUMNS, submission_rows)
    return records


def _grade_row(record, key, max_points, final):
    """One line of grades.csv: the gradebook's score now (changed or given by hand), else the
    autograder's."""
    points = final.get(key, (None,))[0]
    return dict(student=record.student, assignment=record.assignment, notebook=key[0], grade_id=key[1],
                points=number(record.scores.get(key, 0.0) if points is None else points),
                max_points=number(max_points))


def _feedback_by_hand(api, db_url, book, ledger, done, log):
    """Make the feedback page again for each graded submission whose grades a person has
    changed since its page was made (a written answer graded, a score overridden, a comment):
    nbgrader's generate_feedback, with the course's hidden-test removal and sanitising, on the
    course's own gradebook. The ledger remembers what each page shows."""
    stale = []
    for (name, student), record in done.items():
        if record.status != "graded":
            continue
        marks = gradebook.by_hand(db_url, name, student, book)
        if marks != ledger.feedback_marks(name, student):
            stale.append((name, student, marks))
    for name, student, marks in stale:
        result = api.generate_feedback(name, student, force=True)
        if result["success"]:
            ledger.set_feedback_marks(name, student, marks)
        else:
            log(f"warning: the feedback of {student} on {name} could not be made again with the "
                f"grades given by hand: {last_line(result.get('error'))}")
    if stale:
        log(f"{len(stale)} feedback page(s) made again with grades given by hand")


def _duedate(book, name):
    """The assignment's due date in the course's gradebook (set in formgrader or with `nbgrader
    db assignment add --duedate`), as ISO text in UTC, or None."""
    duedate = book.find_assignment(name).duedate
    return duedate.isoformat() if duedate else None


def _unfinished(book, db_url, ledger, names, students, submitted, master_files, settings, duedates,
                force):
    """({(assignment, student): (Job, fingerprint)} still to grade, {(assignment, student):
    record} that an earlier run finished with these exact inputs and whose grades are still in
    the gradebook)."""
    todo, done = {}, {}
    for name in names:
        for student in students:
            folder = submitted / student / name
            links = ["."] if (submitted / student).is_symlink() else links_in(folder)
            present = folder.is_dir() and "." not in links
            job = Job(name, student, files_of(folder) if present else {}, present, master_files[name],
                      links=links, duedate=duedates[name], **settings)
            mark = fingerprint(name, job.files, job.masters,
                               dict(settings, present=present, links=links, duedate=duedates[name]))
            record = None if force else ledger.finished(name, student, mark)
            if record and (record.status != "graded" or
                           gradebook.scores(db_url, name, student, book) == record.scores):
                done[(name, student)] = record
            else:
                job.files = None  # read again when it is sent, so that few are in memory at once
                todo[(name, student)] = (job, mark)
    return todo, done


def _loaded(todo, submitted):
    """The jobs, each with its submission's files read just before it is handed out."""
    for job, _ in todo:
        job.files = files_of(submitted / job.student / job.assignment) if job.present else {}
        yield job


def _keep(root, db_url, course_id, book, job, result):
    """Put one result in the course folder: autograded copy, feedback, gradebook entries
    (in `book`, the course's open Gradebook)."""
    for kind, files in (("autograded", result.autograded), ("feedback", result.feedback)):
        folder = root / kind / job.student / job.assignment
        if files:
            write_files(folder, files)
        elif folder.exists():
            shutil.rmtree(folder)
    if result.entries:
        gradebook.record(db_url, course_id, job.assignment, job.student, result.entries, book)
    job.files = None


def _register(api, name, release_dir):
    """Put the assignment in the gradebook (nbgrader needs its cells); return its notebooks."""
    result = api.generate_assignment(name, force=True)
    if not result["success"]:
        raise RuntimeError(f"could not register {name}: {result.get('error')}")
    return {p.stem: notebooks.read(p) for p in sorted((release_dir / name).glob("*.ipynb"))}


def _test_points(masters):
    """{(notebook, test grade_id): max points} for the assignment's notebooks, in cell order."""
    return {(nb_name, notebooks.grade_id(c)): float(notebooks.nbgrader(c)["points"])
            for nb_name, nb in masters.items() for c in nb.cells if notebooks.is_test(c)}


def _written_points(masters):
    """{(notebook, grade_id): max points} of the written answers graded by hand (task cells)."""
    return {(nb_name, notebooks.grade_id(c)): float(notebooks.nbgrader(c)["points"])
            for nb_name, nb in masters.items() for c in nb.cells if notebooks.is_written(c)}


def _write_csv(path, columns, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
