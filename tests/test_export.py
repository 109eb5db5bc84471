"""Grades out: `python -m course export` against the formats Canvas and Moodle document.

The gradebook is built directly with nbgrader's API (no grading run): a late penalty, a score
changed by hand, a written answer still to grade, a missing submission, a student missing from
the roster, a roster student the gradebook does not know, one with no LMS identifier, and a
submission made twice. Each file is read back the way the LMS reads it: Canvas's importer
(instructure/canvas-lms lib/gradebook_importer.rb: the header's student columns, "Title (id)"
assignment columns, the "Points Possible" row, students matched by ID then SIS ids) and Moodle's
(grade/import/csv/classes/load_data.php: one identifier column mapped to email, idnumber or
username, a row whose user is unknown or blank aborts the whole import, '' or '-' is no grade,
numbers read with a point). Scores must equal nbgrader's own `nbgrader export`.
"""
import csv
import re
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook
from nbgrader.plugins.export import CsvExportPlugin

from course import ROOT
from course.export import ExportError, export, read_gradebook

ROSTER = [  # student, name, canvas_id, sis_user_id, sis_login_id, section, email, idnumber
    ("ada", "Lovelace, Ada", "101", "S1", "ada@uni", "A", "ada@uni.example", "1001"),
    ("bob", "", "102", "S2", "bob@uni", "A", "bob@uni.example", "1002"),
    ("cy", "=cmd()", "103", "", "", "B", "cy@uni.example", "1003"),
    ("eve", "Eve", "", "", "eve@uni", "B", "eve@uni.example", "1005"),
    ("fay", "Fay", "106", "", "", "B", "fay@uni.example", "1006"),  # not in the gradebook
    ("gus", "Gus", "", "", "", "B", "", ""),                        # no LMS identifier
]
CANVAS_NUMBER = re.compile(r"^\d+\.\d\d$")


def build(db_url):
    """Two assignments; ada late, bob changed by hand, cy misses 02, eve waits for a person,
    dee is not in the roster, bob submits 01 twice."""
    from course.nbgrader_setup import _put_venv_on_path, _read_alembic_head_in_process
    _put_venv_on_path()
    _read_alembic_head_in_process()
    with Gradebook(db_url) as gb:
        gb.add_assignment("01-heights")
        gb.add_notebook("heights", "01-heights")
        gb.add_grade_cell("test_fit", "heights", "01-heights", max_score=3, cell_type="code")
        gb.add_grade_cell("test_loss", "heights", "01-heights", max_score=2, cell_type="code")
        gb.add_task_cell("written_why", "heights", "01-heights", max_score=2, cell_type="markdown")
        gb.add_assignment("02-neuron")
        gb.add_notebook("neuron", "02-neuron")
        gb.add_grade_cell("test_step", "neuron", "02-neuron", max_score=4, cell_type="code")
        gb.add_student("ada", first_name="Ada", last_name="Lovelace")
        for student in ("bob", "cy", "dee", "eve"):
            gb.add_student(student)

        def submit(student, assignment, auto, manual=None, penalty=0.0):
            gb.update_or_create_submission(assignment, student)
            nb_name = {"01-heights": "heights", "02-neuron": "neuron"}[assignment]
            nb = gb.find_submission_notebook(nb_name, assignment, student)
            nb.late_submission_penalty = penalty
            for grade in nb.grades:
                if grade.name in auto:
                    grade.auto_score = auto[grade.name]
                if grade.name in (manual or {}):
                    grade.manual_score = manual[grade.name]
            gb.db.commit()

        submit("ada", "01-heights", {"test_fit": 3, "test_loss": 2}, {"written_why": 2}, penalty=0.7)
        submit("ada", "02-neuron", {"test_step": 4})
        submit("bob", "01-heights", {"test_fit": 0, "test_loss": 0}, {"written_why": 1})
        submit("bob", "01-heights", {"test_fit": 3, "test_loss": 0}, {"written_why": 1,
                                                                      "test_loss": 1.5})  # again
        submit("bob", "02-neuron", {"test_step": 2})
        submit("cy", "01-heights", {"test_fit": 3, "test_loss": 2}, {"written_why": 0.5})
        submit("dee", "01-heights", {"test_fit": 1, "test_loss": 1}, {"written_why": 1})
        submit("dee", "02-neuron", {"test_step": 4})
        submit("eve", "01-heights", {"test_fit": 3, "test_loss": 2})  # written_why not graded
        submit("eve", "02-neuron", {"test_step": 1})


pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


@pytest.fixture
def course(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    build(db_url)
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "name", "canvas_id", "sis_user_id", "sis_login_id", "section",
                         "email", "idnumber"])
        writer.writerows(ROSTER)
    return tmp_path, db_url, roster


def nbgrader_scores(db_url, tmp_path):
    """{(student, assignment): score} from nbgrader's own CSV export plugin."""
    out = tmp_path / "nbgrader-export.csv"
    plugin = CsvExportPlugin()
    plugin.to = str(out)
    with Gradebook(db_url) as gb:
        plugin.export(gb)
    return {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(open(out))}


def test_scores_are_nbgraders_with_manual_grades_and_late_penalties(course):
    tmp_path, db_url, _ = course
    _, _, scores = read_gradebook(db_url)
    expected = nbgrader_scores(db_url, tmp_path)
    for key, score in scores.items():
        if not score.waiting:
            assert score.points == pytest.approx(expected[key]), key
    assert scores[("ada", "01-heights")].points == pytest.approx(7 - 0.7)  # late penalty
    assert scores[("bob", "01-heights")].points == pytest.approx(3 + 1.5 + 1)  # latest, by hand
    assert not scores[("cy", "02-neuron")].submitted and scores[("cy", "02-neuron")].points == 0
    assert scores[("eve", "01-heights")].waiting == ["written_why"]


def test_canvas_file_reads_as_canvas_imports_it(course):
    tmp_path, db_url, roster = course
    done = export("canvas", roster, db_url, tmp_path / "canvas.csv",
                  canvas_ids={"01-heights": "5001", "02-neuron": "5002"})
    raw = (tmp_path / "canvas.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b";" not in raw.split(b"\r\n")[0]
    rows = list(csv.reader(open(tmp_path / "canvas.csv", newline="")))
    header, points, students = rows[0], rows[1], rows[2:]
    # GradebookImporter#row_has_student_headers? and #update_column_count: Student, ID, then
    # SIS User ID and SIS Login ID, and Section as the last student column.
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    # Assignment.title_and_id: "<title> (<digits>)".
    titles = [re.fullmatch(r"(.*)\s\((\d+)\)", h).groups() for h in header[5:]]
    assert titles == [("01-heights", "5001"), ("02-neuron", "5002")]
    assert "Points Possible" in points[0] and points[1:5] == ["", "", "", ""]
    assert points[5:] == ["7.00", "4.00"]  # max score, task cell included
    assert all(len(r) == len(header) for r in rows)
    by_id = {r[1] or r[3]: r for r in students}
    assert set(by_id) == {"101", "102", "103", "eve@uni", "106"}  # dee and gus left out
    assert by_id["101"][0] == "Lovelace, Ada" and by_id["101"][5:] == ["6.30", "4.00"]
    assert by_id["102"][0] == "bob" and by_id["102"][5:] == ["5.50", "2.00"]
    assert by_id["103"][0] == '="=cmd()"' and by_id["103"][5:] == ["5.50", "0.00"]
    assert by_id["eve@uni"][5:] == ["", "1.00"]   # waits for a person: blank, Canvas keeps its own
    assert by_id["106"][5:] == ["", ""]            # unknown to the gradebook: blank
    for row in students:
        assert all(CANVAS_NUMBER.match(c) or c == "" for c in row[5:]), row
    text = "\n".join(done.problems)
    for who in ("dee: in the gradebook but not in the roster", "fay: in the roster but not in the gradebook",
                "gus: no canvas_id or sis_user_id or sis_login_id", "eve: 01-heights waits for grading by hand"):
        assert who in text, text
    assert any("cy: no submission of 02-neuron" in n for n in done.notes)


def test_a_roster_student_the_gradebook_does_not_know_gets_zeros_only_when_asked(course):
    tmp_path, db_url, roster = course
    done = export("moodle", roster, db_url, tmp_path / "z.csv", absent="zero")
    rows = {r[0]: r[1:] for r in csv.reader(open(tmp_path / "z.csv"))}
    assert rows["fay@uni.example"] == ["0", "0"]
    assert not any(p.startswith("fay:") for p in done.problems)
    assert any(n.startswith("fay: in the roster but not in the gradebook: 0") for n in done.notes)


def test_canvas_without_ids_uses_titles_that_canvas_matches_or_creates(course):
    tmp_path, db_url, roster = course
    export("canvas", roster, db_url, tmp_path / "c.csv", names=["02-neuron"])
    header, points = list(csv.reader(open(tmp_path / "c.csv")))[:2]
    assert header[5:] == ["02-neuron"] and points[5:] == ["4.00"]


def test_moodle_file_reads_as_moodle_imports_it(course):
    tmp_path, db_url, roster = course
    for key, column in (("email", "Email address"), ("idnumber", "ID number")):
        done = export("moodle", roster, db_url, tmp_path / f"m-{key}.csv", moodle_id=key)
        rows = list(csv.reader(open(tmp_path / f"m-{key}.csv", newline="")))
        assert rows[0] == [column, "01-heights", "02-neuron"]
        students = {r[0]: r[1:] for r in rows[1:]}
        # load_data.php: a blank or unknown user aborts the import, so every row has one.
        assert all(students) and len(students) == len(rows) - 1
        ada = "ada@uni.example" if key == "email" else "1001"
        assert students[ada] == ["6.3", "4"]
        eve = "eve@uni.example" if key == "email" else "1005"
        assert students[eve] == ["", "1"]
        for cells in students.values():
            assert all(re.fullmatch(r"\d+(\.\d{1,5})?", c) or c == "" for c in cells)
        assert any(p.startswith("gus: no ") for p in done.problems)


def test_roster_errors_write_nothing(course, tmp_path):
    _, db_url, _ = course
    bad = tmp_path / "bad.csv"
    bad.write_text("student,emial\nada,a@x\n")
    with pytest.raises(ExportError, match="emial"):
        export("moodle", bad, db_url, tmp_path / "none.csv")
    bad.write_text("student,email\nada,a@x\nbob,a@x\n")
    with pytest.raises(ExportError, match="both ada and bob"):
        export("moodle", bad, db_url, tmp_path / "none.csv")
    with pytest.raises(ExportError, match="not in the gradebook: 09-nothing"):
        export("canvas", course[2], db_url, tmp_path / "none.csv", names=["09-nothing"])
    assert not (tmp_path / "none.csv").exists()


def run(*args):
    return subprocess.run([sys.executable, "-m", "course", "export", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_command_line_names_every_problem_and_exits_1_then_0_when_complete(course):
    tmp_path, db_url, roster = course
    proc = run("--format", "canvas", "--roster", str(roster), "--out", str(tmp_path),
               "--canvas-assignment", "01-heights=5001")
    assert proc.returncode == 1, proc.stderr
    for who in ("dee", "fay", "gus", "eve"):
        assert f"incomplete: {who}:" in proc.stderr
    assert (tmp_path / "lms" / "canvas-grades.csv").exists()
    complete = tmp_path / "complete.csv"
    complete.write_text("student,email\nada,ada@uni.example\nbob,bob@uni.example\n"
                        "cy,cy@uni.example\ndee,dee@uni.example\neve,eve@uni.example\n")
    proc = run("--format", "moodle", "--roster", str(complete), "--db", db_url,
               "--assignment", "02-neuron", "--to", str(tmp_path / "m.csv"))
    assert proc.returncode == 0, proc.stderr
    assert "note: cy: no submission of 02-neuron" in proc.stderr
    proc = run("--format", "moodle", "--roster", str(tmp_path / "absent.csv"), "--db", db_url)
    assert proc.returncode == 2 and "export:" in proc.stderr


def test_example_roster_is_a_valid_roster():
    from course.export import read_roster
    rows = read_roster(ROOT / "docs" / "roster-example.csv")
    assert rows and all(r["student"] for r in rows)


class StandInCanvas:
    """A local HTTP server answering the three Canvas REST API calls a push makes, as Canvas's
    API documentation gives them: GET /api/v1/courses/:id, GET
    /api/v1/courses/:id/assignments/:id, and POST
    /api/v1/courses/:id/assignments/:id/submissions/update_grades (form fields
    grade_data[<student>][posted_grade], answered with a Progress object)."""

    def __init__(self, token):
        import http.server
        import json
        import threading
        from urllib.parse import parse_qsl
        posts, server_self = [], self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def authorised(self):
                if self.headers.get("Authorization") != f"Bearer {token}":
                    self.reply(401, {"errors": [{"message": "Invalid access token."}]})
                    return False
                return True

            def do_GET(self):
                if not self.authorised():
                    return
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts[:3] == ["api", "v1", "courses"] and len(parts) == 4:
                    return self.reply(200, {"id": int(parts[3]), "name": "Backpropagation by hand"})
                if parts[:3] == ["api", "v1", "courses"] and len(parts) == 6 and parts[4] == "assignments":
                    return self.reply(200, {"id": int(parts[5]), "course_id": int(parts[3]),
                                            "name": f"assignment {parts[5]}", "points_possible": 7})
                self.reply(404, {"errors": [{"message": "The specified resource does not exist."}]})

            def do_POST(self):
                if not self.authorised():
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                posts.append((self.path, parse_qsl(body)))
                if self.path.endswith("/submissions/update_grades"):
                    return self.reply(200, {"id": len(posts), "workflow_state": "queued",
                                            "tag": "submissions_update", "completion": 0,
                                            "url": f"{server_self.url}/api/v1/progress/{len(posts)}"})
                self.reply(404, {"errors": [{"message": "The specified resource does not exist."}]})

        self.posts = posts
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly")
def test_push_to_canvas_through_canvasapi_against_a_stand_in(course, monkeypatch):
    from course.export import push_canvas
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    _, db_url, roster = course
    canvas = StandInCanvas("secret-token")
    try:
        done, progress = push_canvas(canvas.url, "secret-token", 77, roster, db_url,
                                     {"01-heights": "5001", "02-neuron": "5002"})
        with pytest.raises(Exception, match="Invalid access token"):
            push_canvas(canvas.url, "wrong", 77, roster, db_url, {"01-heights": "5001", "02-neuron": "5002"})
        with pytest.raises(ExportError, match="02-neuron"):
            push_canvas(canvas.url, "secret-token", 77, roster, db_url, {"01-heights": "5001"})
    finally:
        canvas.close()
    sent = {path: dict(fields) for path, fields in canvas.posts}
    heights = sent["/api/v1/courses/77/assignments/5001/submissions/update_grades"]
    neuron = sent["/api/v1/courses/77/assignments/5002/submissions/update_grades"]
    assert heights == {"grade_data[101][posted_grade]": "6.30", "grade_data[102][posted_grade]": "5.50",
                       "grade_data[103][posted_grade]": "5.50"}   # eve waits for a person: not sent
    assert neuron == {"grade_data[101][posted_grade]": "4.00", "grade_data[102][posted_grade]": "2.00",
                      "grade_data[103][posted_grade]": "0.00",
                      "grade_data[sis_login_id:eve@uni][posted_grade]": "1.00"}
    assert {p.workflow_state for p in progress.values()} == {"queued"}
    assert any(p.startswith("dee: in the gradebook but not in the roster") for p in done.problems)


def test_command_line_push_needs_a_token_and_posts_through_the_api(course):
    import os
    _, db_url, roster = course
    canvas = StandInCanvas("tok")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    args = [sys.executable, "-W", "ignore", "-m", "course", "export", "--format", "canvas",
            "--roster", str(roster), "--db", db_url, "--assignment", "02-neuron",
            "--canvas-assignment", "02-neuron=5002", "--push", canvas.url, "--canvas-course", "77"]
    try:
        missing = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120,
                                 env={k: v for k, v in env.items() if k != "CANVAS_TOKEN"})
        pushed = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120,
                                env=dict(env, CANVAS_TOKEN="tok"))
    finally:
        canvas.close()
    assert missing.returncode == 2 and "CANVAS_TOKEN" in missing.stderr
    assert pushed.returncode == 1 and "incomplete: dee:" in pushed.stderr, pushed.stderr
    assert [path for path, _ in canvas.posts] == ["/api/v1/courses/77/assignments/5002/submissions/update_grades"]
