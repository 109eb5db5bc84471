"""Grader side: move one submission's grades between nbgrader gradebooks, and read a gradebook as plain data.

Workers grade in a private gradebook of their own (course/worker.py); the course's gradebook,
SQLite or PostgreSQL, has one writer: the coordinator, which copies each result in with
`record`. It sets exactly the fields nbgrader's autograde sets (SaveAutoGrades and the late
penalty), the same way, so a gradebook filled this way equals one filled by autograde itself,
and a grader's manual scores survive a re-grade as they would in nbgrader.

Scores read back come in two kinds: `scores` are the autograder's own (what a worker found,
and what decides whether a submission must be graded again), `final` are what the
instructor's gradebook says now: a score changed by hand in formgrader replaces the
autograder's, and a written answer (an nbgrader task cell) has a score only once a person
has given it one.
"""
import functools

from nbgrader.api import Gradebook, MissingEntry


def entries(db_url, assignment, student):
    """The autograde results of one submission in `db_url`, as JSON-ready data; None if absent."""
    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
            "notebooks": {nb.name: {
                "penalty": nb.late_submission_penalty,
                # Task cells are graded by hand only: autograde never touches them.
                "grades": {g.name: g.auto_score for g in nb.grades if not _is_task(g)},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            } for nb in submission.notebooks},
        }


def record(db_url, course_id, assignment, student, found, gradebook=None):
    """Write `found` (from `entries`) into the gradebook at `db_url`, as autograde would.

    gradebook: an open Gradebook of `db_url` to use (a coordinator keeps one for a whole run)."""
    if gradebook is None:
        with Gradebook(db_url, course_id) as gradebook:
            return record(db_url, course_id, assignment, student, found, gradebook)
    from datetime import datetime
    timestamp = datetime.fromisoformat(found["timestamp"]) if found["timestamp"] else None
    gradebook.update_or_create_student(student)
    submission = gradebook.update_or_create_submission(
        assignment, student, **({"timestamp": timestamp} if timestamp else {}))
    # The submission's own rows, loaded with it: one query, not one per cell.
    for nb in submission.notebooks:
        results = found["notebooks"].get(nb.name)
        if results is None:
            continue
        for grade in nb.grades:
            if grade.name in results["grades"]:
                grade.auto_score = auto_score = results["grades"][grade.name]
                grade.needs_manual_grade = grade.manual_score is not None or auto_score is None
        for comment in nb.comments:
            if comment.name in results["comments"]:
                comment.auto_comment = results["comments"][comment.name]
        nb.late_submission_penalty = results["penalty"]
    gradebook.db.commit()


def dump(db_url):
    """Every submission's grades and comments: {(student, assignment, notebook, cell): values}.

    Database ids and timestamps of the grading run are left out, so that two gradebooks
    filled from the same submissions compare equal however they were filled.
    """
    rows = {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    key = (submission.student.id, assignment.name, nb.name)
                    rows[key + ("penalty",)] = nb.late_submission_penalty
                    for g in nb.grades:
                        rows[key + (g.name,)] = (g.auto_score, g.manual_score, g.extra_credit,
                                                 g.needs_manual_grade, g.max_score)
                    for c in nb.comments:
                        rows[key + (c.name, "comment")] = (c.auto_comment, c.manual_comment)
    return rows


def _is_task(grade):
    return grade.cell.type == "TaskCell"


def of_a_submission(empty):
    """Decorator: `reader(submission)` becomes `reader(db_url, assignment, student,
    gradebook=None)`, which finds the submission in `gradebook` (an open Gradebook of `db_url`,
    or one opened for the call) and returns `empty()` when there is none."""
    def wrap(reader):
        @functools.wraps(reader)
        def read(db_url, assignment, student, gradebook=None):
            if gradebook is None:
                with Gradebook(db_url) as gradebook:
                    return read(db_url, assignment, student, gradebook)
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                return empty()
            return reader(submission)
        return read
    return wrap


@of_a_submission(dict)
def scores(submission):
    """{(notebook, grade_id): autograder's score} of the code cells of one submission; {} if
    there is none. Scores changed by hand are left out: they do not make a submission new."""
    return {(nb.name, g.name): float(g.auto_score or 0.0)
            for nb in submission.notebooks for g in nb.grades if g.cell_type == "code"}


@of_a_submission(dict)
def final(submission):
    """{(notebook, grade_id): (points or None, changed by hand)} of every graded cell of one
    submission as the gradebook holds it now; {} if there is none.

    A manual score (plus extra credit) replaces the autograder's, as in nbgrader's totals. A
    written answer's points are None until someone has graded it."""
    found = {}
    for nb in submission.notebooks:
        for g in nb.grades:
            by_hand = g.manual_score is not None
            graded = by_hand or (g.auto_score is not None and not _is_task(g))
            found[(nb.name, g.name)] = (float(g.score or 0.0) if graded else None, by_hand)
    return found


@of_a_submission(lambda: (0.0, 0.0))
def lateness(submission):
    """(seconds past the due date, late penalty in points) of one submission, as nbgrader's
    autograde and its late-submission plugin recorded them; (0, 0) when on time or absent."""
    penalty = sum(float(nb.late_submission_penalty or 0.0) for nb in submission.notebooks)
    return float(submission.total_seconds_late or 0.0), penalty


@of_a_submission(list)
def by_hand(submission):
    """Everything a person has put into one submission's grades, as a sorted list of lists:
    manual scores, extra credit and comments. It changes exactly when a feedback page made
    before it has become out of date."""
    marks = []
    for nb in submission.notebooks:
        marks += [[nb.name, g.name, g.manual_score, g.extra_credit] for g in nb.grades
                  if g.manual_score is not None or g.extra_credit is not None]
        marks += [[nb.name, c.name, c.manual_comment] for c in nb.comments if c.manual_comment]
    return sorted(marks, key=repr)
