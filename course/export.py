"""Grader side: grades out to learning-management systems: Canvas's gradebook import CSV and Moodle's grade import CSV.

The scores come from the course's nbgrader gradebook (SQLite or any SQLAlchemy URL), through
nbgrader's API, exactly as nbgrader's own `nbgrader export` computes them: each submission's
score counts grades given by hand (a manual score replaces the autograder's, extra credit is
added), minus its late penalty, never below 0; a student the gradebook knows who has no
submission scores 0. The roster maps the course's student ids (nbgrader's) to the LMS's
identifiers. Nothing is dropped in silence: every student left out, left blank or missing on
either side is named in `Export.problems`.

Formats, as the systems read them (docs/EXPORT.md says where each rule comes from):
- Canvas: header `Student,ID,SIS User ID,SIS Login ID,Section,<assignment> (<Canvas id>)...`,
  then the `Points Possible` row, then one row per student; numbers with two decimals and a
  point. A blank cell leaves Canvas's score as it is.
- Moodle: header `<identifier>,<assignment>...` (email address, ID number or username), one row
  per student, numbers with a point. A blank cell is "no grade" for Moodle.
A submission with a written answer still waiting for a person is left blank in both.
"""
import csv
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

ROSTER_COLUMNS = ("student", "name", "canvas_id", "sis_user_id", "sis_login_id", "section",
                  "email", "idnumber", "username")
CANVAS_IDS = ("canvas_id", "sis_user_id", "sis_login_id")
MOODLE_HEADERS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}


class ExportError(ValueError):
    """A roster or an option that cannot give a correct file (nothing is written)."""


@dataclass
class Score:
    """One student's result on one assignment, as the LMS gets it."""
    points: float = 0.0          # after the late penalty, never below 0
    penalty: float = 0.0
    submitted: bool = False
    waiting: list = field(default_factory=list)  # grade ids still to grade by hand


@dataclass
class Export:
    path: Path
    rows: int
    problems: list   # what is missing or left blank: the export is incomplete
    notes: list      # what the instructor should know (no submission: 0)


def read_gradebook(db_url, names=None):
    """({assignment: max score}, {student: (first, last)}, {(student, assignment): Score}).

    names: the assignments to read (default: every assignment in the gradebook)."""
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).is_file():
        raise ExportError(f"no gradebook at {db_url[len('sqlite:///'):]} (grade first, or give --out or --db)")
    with Gradebook(db_url) as gradebook:
        known = {a.name: a for a in gradebook.assignments}
        unknown = [n for n in names or () if n not in known]
        if unknown:
            raise ExportError(f"not in the gradebook: {', '.join(unknown)}; "
                              f"it has: {', '.join(sorted(known)) or 'no assignment'}")
        chosen = list(names) if names else sorted(known)
        assignments = {n: float(known[n].max_score or 0.0) for n in chosen}
        students = {s.id: (s.first_name, s.last_name) for s in gradebook.students}
        scores = {}
        for name in chosen:
            for student in students:
                try:
                    submission = gradebook.find_submission(name, student)
                except MissingEntry:
                    scores[(student, name)] = Score()
                    continue
                penalty = float(submission.late_submission_penalty or 0.0)
                waiting = [g.name for nb in submission.notebooks for g in nb.grades
                           if g.manual_score is None and g.auto_score is None]
                scores[(student, name)] = Score(max(0.0, float(submission.score or 0.0) - penalty),
                                                penalty, True, waiting)
    return assignments, students, scores


def read_roster(path):
    """The roster's rows, as dicts keyed by ROSTER_COLUMNS (absent columns are empty)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or ()]
        if "student" not in columns:
            raise ExportError(f"{path}: the roster needs a 'student' column (nbgrader's student id); "
                              f"its columns: {', '.join(ROSTER_COLUMNS)}")
        strange = [c for c in columns if c not in ROSTER_COLUMNS]
        if strange:
            raise ExportError(f"{path}: unknown roster column(s) {', '.join(strange)}; "
                              f"known: {', '.join(ROSTER_COLUMNS)}")
        rows = []
        for line, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in ROSTER_COLUMNS}
            if not row["student"]:
                raise ExportError(f"{path}, line {line}: no student id")
            rows.append(row)
    for column in ("student",) + CANVAS_IDS + ("email", "idnumber", "username"):
        seen = {}
        for row in rows:
            value = row[column]
            if value and value in seen:
                raise ExportError(f"{path}: {column} {value!r} is given to both "
                                  f"{seen[value]} and {row['student']}")
            seen[value] = row["student"]
    return rows


def export(fmt, roster, db_url, to, names=None, canvas_ids=None, moodle_id="email", absent="blank"):
    """Write the `fmt` ('canvas' or 'moodle') import file for the roster at `roster` to `to`.

    canvas_ids: {assignment: Canvas assignment id}, for headers Canvas matches by id (without
    one, Canvas matches the assignment by its title, or creates it).
    moodle_id: the roster column that identifies users in Moodle: email, idnumber, username.
    absent: 'blank' (default) or 'zero': the scores of a roster student the gradebook does not
    know (`course grade` registers no student whose every submission is missing).
    Returns an Export; raises ExportError (writing nothing) on a roster or option it cannot use."""
    if fmt not in ("canvas", "moodle"):
        raise ExportError(f"unknown format {fmt!r}: canvas or moodle")
    if absent not in ("blank", "zero"):
        raise ExportError(f"unknown choice for students not in the gradebook {absent!r}: blank or zero")
    if moodle_id not in MOODLE_HEADERS:
        raise ExportError(f"unknown Moodle identifier {moodle_id!r}: {', '.join(MOODLE_HEADERS)}")
    rows = read_roster(roster)
    assignments, students, scores = read_gradebook(db_url, names)
    canvas_ids = canvas_ids or {}
    strange = [a for a in canvas_ids if a not in assignments]
    if strange:
        raise ExportError(f"Canvas id given for an assignment not exported: {', '.join(strange)}")
    problems, notes, lines = [], [], []
    for row, points in _students(fmt, rows, assignments, students, scores, moodle_id, problems, notes,
                                 absent):
        number = _canvas_number if fmt == "canvas" else _moodle_number
        cells = ["" if p is None else number(p) for p in points]
        if fmt == "canvas":
            lines.append([_canvas_name(row, students.get(row["student"])), row["canvas_id"],
                          row["sis_user_id"], row["sis_login_id"], row["section"]] + cells)
        else:
            lines.append([row[moodle_id]] + cells)
    if fmt == "canvas":
        titles = [f"{n} ({canvas_ids[n]})" if n in canvas_ids else n for n in assignments]
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + titles
        points = ["Points Possible", "", "", "", ""] + [_canvas_number(m) for m in assignments.values()]
        table = [header, points] + lines
    else:
        table = [[MOODLE_HEADERS[moodle_id]] + list(assignments)] + lines
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    with open(to, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(table)
    return Export(to, len(lines), problems, notes)


def _students(fmt, rows, assignments, students, scores, moodle_id, problems, notes, absent="blank"):
    """(roster row, [points or None per assignment]) of each roster student the file can hold,
    in roster order; what is left out or blank goes to `problems`, no submission to `notes`.
    absent: 'blank' or 'zero', the scores of a roster student the gradebook does not know."""
    for student in sorted(set(students) - {r["student"] for r in rows}):
        problems.append(f"{student}: in the gradebook but not in the roster: left out of the file")
    for row in rows:
        student = row["student"]
        ids = CANVAS_IDS if fmt == "canvas" else (moodle_id,)
        if not any(row[c] for c in ids):
            problems.append(f"{student}: no {' or '.join(ids)} in the roster: left out of the file")
            continue
        if student not in students and absent == "zero":
            notes.append(f"{student}: in the roster but not in the gradebook: 0 on every assignment")
            yield row, [0.0] * len(assignments)
            continue
        if student not in students:
            problems.append(f"{student}: in the roster but not in the gradebook: written with blank "
                            "grades (--absent zero, or `nbgrader db student add`, gives zeros)")
            yield row, [None] * len(assignments)
            continue
        points = []
        for name in assignments:
            score = scores[(student, name)]
            if score.waiting:
                problems.append(f"{student}: {name} waits for grading by hand "
                                f"({', '.join(score.waiting)}): left blank")
                points.append(None)
                continue
            if not score.submitted:
                notes.append(f"{student}: no submission of {name}: 0, as nbgrader exports it")
            points.append(score.points)
        yield row, points


def push_canvas(url, token, course_id, roster, db_url, canvas_ids, names=None, absent="blank"):
    """Post the scores to Canvas through its REST API (canvasapi): one "update grades" request
    (POST /api/v1/courses/:course/assignments/:id/submissions/update_grades) per assignment,
    students named by Canvas user id, else `sis_user_id:`, else `sis_login_id:`. Blank cells
    are not sent. canvas_ids: {assignment: Canvas assignment id}, needed for every assignment.
    Returns (Export with path None, {assignment: Canvas Progress}); raises ExportError."""
    from canvasapi import Canvas
    rows = read_roster(roster)
    assignments, students, scores = read_gradebook(db_url, names)
    no_id = [a for a in assignments if a not in canvas_ids]
    if no_id:
        raise ExportError(f"no Canvas assignment id (--canvas-assignment A=ID) for: {', '.join(no_id)}")
    problems, notes, grades = [], [], {a: {} for a in assignments}
    for row, points in _students("canvas", rows, assignments, students, scores, "email", problems,
                                 notes, absent):
        user = (row["canvas_id"] or (row["sis_user_id"] and f"sis_user_id:{row['sis_user_id']}")
                or f"sis_login_id:{row['sis_login_id']}")
        for name, value in zip(assignments, points):
            if value is not None:
                grades[name][user] = {"posted_grade": _canvas_number(value)}
    course = Canvas(url, token).get_course(course_id)
    progress = {}
    for name, data in grades.items():
        if data:
            progress[name] = course.get_assignment(canvas_ids[name]).submissions_bulk_update(grade_data=data)
    return Export(None, len({u for d in grades.values() for u in d}), problems, notes), progress


def _canvas_number(value):
    """Two decimals and a point, as Canvas's own gradebook export writes scores."""
    return f"{value:.2f}"


def _moodle_number(value):
    """Up to five decimals (what Moodle keeps) and a point, which Moodle reads in any locale."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _canvas_name(row, gradebook_name):
    """'Last, First' (Canvas's sortable name) from the roster, else the gradebook, else the id;
    a leading '=' is quoted as Canvas's exporter does, so that no spreadsheet runs it."""
    first, last = gradebook_name or (None, None)
    name = row["name"] or (", ".join(p for p in (last, first) if p)) or row["student"]
    return f'="{name}"' if name.lstrip().startswith("=") else name
