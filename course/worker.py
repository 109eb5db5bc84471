"""Grader side: grade one submission in a private nbgrader course, in this process, a local
worker or a Dask worker on another machine, with no disk shared with the coordinator.

A `Job` carries everything grading needs: the submission's files and the assignment's master
files (its source folder). Each worker process keeps one private course in a temporary folder,
with its own SQLite gradebook in which each assignment is registered once. A `Result` is plain
data: the submission's record, the autograded and feedback files, and the gradebook entries
that the coordinator copies into the course's gradebook (course/gradebook.py).
"""
import atexit
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import ROOT, gradebook, notebooks, sandbox
from .nbgrader_setup import course_config, nbgrader_api
from .submission import EXCHANGE_FILES, Submission, execution_problems, last_line, nbgrader_error, prepare


@dataclass
class Job:
    """One submission to grade, with the assignment it belongs to."""
    assignment: str
    student: str
    files: dict  # {relative path: bytes} of SUBMITTED/<student>/<assignment>/
    present: bool  # False when the student has no folder for the assignment
    masters: dict  # {relative path: bytes} of source/<assignment>/
    timeout: int = None
    sandbox: str = "auto"
    links: list = field(default_factory=list)  # symbolic links in the folder, never followed
    duedate: str = None  # the assignment's due date in the course's gradebook (ISO, UTC), if any


@dataclass
class Result:
    """What grading one Job produced."""
    record: Submission
    autograded: dict = field(default_factory=dict)  # {relative path: bytes}
    feedback: dict = field(default_factory=dict)  # {relative path: bytes}
    entries: dict = None  # gradebook.entries() of the submission, None when not graded


SKIPPED = ("__pycache__", ".ipynb_checkpoints")


def files_of(folder):
    """{relative path: bytes} of every regular file under `folder` (caches left out). Symbolic
    links are never followed, the folder's own included: a link to the instructor's notebook
    or a classmate's is no file of this submission (see links_in)."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return {}
    files = {}
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(n for n in folders if n not in SKIPPED and not os.path.islink(os.path.join(top, n)))
        for name in sorted(names):
            path = os.path.join(top, name)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:  # a link, or gone
                continue
            with os.fdopen(fd, "rb") as handle:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    files[Path(path).relative_to(folder).as_posix()] = handle.read()
    return dict(sorted(files.items()))


def links_in(folder):
    """The relative paths of the symbolic links under `folder` ("." when it is one itself)."""
    folder = Path(folder)
    if folder.is_symlink():
        return ["."]
    if not folder.is_dir():
        return []
    found = []
    for top, folders, names in os.walk(folder):
        found += [Path(top, n).relative_to(folder).as_posix() for n in folders + names
                  if os.path.islink(os.path.join(top, n))]
        folders[:] = [n for n in folders if n not in SKIPPED]
    return sorted(found)


def write_files(folder, files):
    """Make `folder` hold exactly `files` (relative paths that stay inside it)."""
    folder = Path(folder)
    if folder.exists() or folder.is_symlink():
        shutil.rmtree(folder) if folder.is_dir() and not folder.is_symlink() else folder.unlink()
    folder.mkdir(parents=True)
    for relative, data in files.items():
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise ValueError(f"a file outside its folder: {relative!r}")
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class PrivateCourse:
    """A throw-away nbgrader course in a temporary folder, private to this process."""

    def __init__(self, timeout, sandbox):
        self.folder = Path(tempfile.mkdtemp(prefix="course-worker-"))
        self.api = nbgrader_api(course_config(
            root=self.folder, source=self.folder / "source", release_dir=self.folder / "release",
            submitted_dir=self.folder / "submitted", timeout=timeout, sandbox=sandbox,
            scratch=self.folder))
        self.registered = {}  # assignment -> (digest of its master files, release notebooks)
        self.duedates = {}  # assignment -> the due date its private gradebook holds

    def masters(self, name, files):
        """Register the assignment (once per version of its files); {notebook: release notebook}."""
        digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()
        if self.registered.get(name, (None,))[0] != digest:
            write_files(self.folder / "source" / name, files)
            result = self.api.generate_assignment(name, force=True)
            if not result["success"]:
                raise RuntimeError(f"could not register {name}: {result.get('error')}")
            release = self.folder / "release" / name
            self.registered[name] = (digest, {p.stem: notebooks.read(p) for p in sorted(release.glob("*.ipynb"))})
        return self.registered[name][1]

    def due(self, name, duedate):
        """Give the assignment the course's due date, so that nbgrader's autograde finds a
        submission's lateness and its late-submission plugin the penalty, as in the course."""
        if self.duedates.get(name, "unset") != duedate:
            from datetime import datetime
            from nbgrader.api import Gradebook
            with Gradebook(self.api.coursedir.db_url) as book:
                book.update_or_create_assignment(
                    name, duedate=datetime.fromisoformat(duedate) if duedate else None)
            self.duedates[name] = duedate


_COURSES = {}


@atexit.register
def close():
    """Remove this process's private courses and stop its kernel factories."""
    sandbox.close_zygotes()
    for course in _COURSES.values():
        shutil.rmtree(course.folder, ignore_errors=True)
    _COURSES.clear()


def run(job):
    """Grade `job` in this process's private course; never raises for a bad submission."""
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    key = (job.timeout, job.sandbox)
    if key not in _COURSES:
        _COURSES[key] = PrivateCourse(job.timeout, job.sandbox)
    course = _COURSES[key]
    masters = course.masters(job.assignment, job.masters)
    course.due(job.assignment, job.duedate)
    work = course.folder / "submitted" / job.student / job.assignment
    graded = course.folder / "autograded" / job.student / job.assignment
    feedback = course.folder / "feedback" / job.student / job.assignment
    for folder in (work, graded, feedback):
        if folder.exists():
            shutil.rmtree(folder)
    if job.present:
        write_files(work, job.files)
    try:
        record = grade_one(course.api, course.folder, work, job.student, job.assignment, masters,
                           known=set(job.masters), links=job.links)
        if record.status == "graded":
            for folder in (graded, feedback):
                _exchange_files(work, folder)
        result = Result(record, files_of(graded), files_of(feedback))
        if record.status == "graded":
            result.entries = gradebook.entries(course.api.coursedir.db_url, job.assignment, job.student)
        return result
    finally:
        for folder in (work, graded, feedback):
            shutil.rmtree(folder, ignore_errors=True)


def _exchange_files(work, folder):
    """Put the submission's own exchange files (timestamp.txt, submission_secret.txt, as
    checked before grading) into a graded or feedback folder, whatever a kernel wrote there.

    nbgrader's release_feedback stops, for the whole class, at the first feedback folder
    without them (a submission collected by hand, or with a garbled timestamp): such a folder
    gets a timestamp that says it is none (the epoch; lateness was decided without it) and a
    random secret, which names the page in the exchange where nobody can find it, so the
    release goes on for everyone else."""
    import secrets
    if not folder.is_dir():
        return
    placeholders = {"timestamp.txt": "1970-01-01 00:00:00.000000 UTC",
                    "submission_secret.txt": secrets.token_hex(16)}
    for name in EXCHANGE_FILES:
        own = work / name
        target = folder / name
        if target.is_symlink() or target.is_dir():
            shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
        target.write_bytes(own.read_bytes() if own.is_file() and not own.is_symlink()
                           else placeholders[name].encode())


def grade_one(api, root, work, student, name, masters, known=(), links=()):
    """Prepare, autograde and read back one submission (a scratch copy of it, in `work`)."""
    record = Submission(student, name)
    if "." in links:
        record.problems.append("the submission folder is a symbolic link: not followed")
    elif links:
        record.problems.append("ignored symbolic links (never followed): " + ", ".join(links))
    ready = prepare(work, masters, record, known)
    if not ready:
        record.status = "missing" if record.status == "graded" else record.status
        return record
    result = api.autograde(name, student, force=True)
    if not result["success"]:
        record.status = "failed"
        record.problems.append("nbgrader could not grade it: " + nbgrader_error(result))
        return record
    record.scores = gradebook.scores(api.coursedir.db_url, name, student)
    for nb_name in ready:
        graded = notebooks.read(Path(root) / "autograded" / student / name / f"{nb_name}.ipynb")
        record.problems += execution_problems(graded)
    feedback = api.generate_feedback(name, student, force=True)
    if not feedback["success"]:
        record.problems.append("feedback could not be generated: " + last_line(feedback.get("error")))
    return record
