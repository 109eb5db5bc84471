"""Late work through nbgrader's own exchange, `python -m course grade` and feedback released.

A term in miniature, in temporary folders: the instructor releases 01-heights into an
exchange; two students fetch it and submit perfect answers, one before the due date and one
after it (the due date is set in the gradebook between the two, as formgrader would); the
instructor collects and grades with `course grade`, releases feedback, and each student
fetches it. A third submission carries a garbled timestamp. The late one must lose the
course's late penalty in every output, and every student must get their feedback.
"""
import csv
import datetime
import re
import subprocess
import sys
import time

import pytest

from course import RELEASE, ROOT, cohort

ASSIGNMENT = "01-heights"


def config_for(out, exchange, home=None):
    from course.nbgrader_setup import course_config
    config = course_config(root=out, release_dir=RELEASE)
    config.Exchange.root = str(exchange)
    if home is not None:  # a student: their own folder and their own submission cache
        config.Exchange.assignment_dir = str(home)
        config.Exchange.cache = str(home / ".nbgrader-cache")
    return config


def as_student(out, exchange, home, student, step):
    """Run an exchange step (fetch_assignment, submit, fetch_feedback) as `student`."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import default
    config = config_for(out, exchange, home)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = ASSIGNMENT, student
    kind = {"fetch_assignment": default.ExchangeFetchAssignment, "submit": default.ExchangeSubmit,
            "fetch_feedback": default.ExchangeFetchFeedback}[step]
    kind(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()


def answer(home):
    """Fill the fetched notebook with the solutions: a perfect student."""
    from course import notebooks
    nb_name = next(iter(cohort.release_notebooks(ASSIGNMENT)))
    notebooks.write(cohort.perfect(ASSIGNMENT, nb_name), home / ASSIGNMENT / f"{nb_name}.ipynb")


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    from nbgrader.api import Gradebook
    from course.nbgrader_setup import nbgrader_api
    folder = tmp_path_factory.mktemp("late")
    out, exchange = folder / "course", folder / "exchange"
    exchange.mkdir(mode=0o777)
    out.mkdir()
    api = nbgrader_api(config_for(out, exchange))
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as book:
        book.update_or_create_assignment(ASSIGNMENT)
    released = api.release_assignment(ASSIGNMENT)
    assert released["success"], released.get("log")
    homes = {s: folder / "home" / s for s in ("early", "late")}
    for student, home in homes.items():
        home.mkdir(parents=True)
        as_student(out, exchange, home, student, "fetch_assignment")
        answer(home)
    as_student(out, exchange, homes["early"], "early", "submit")
    time.sleep(1.1)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as book:
        book.update_or_create_assignment(ASSIGNMENT, duedate=datetime.datetime.utcnow())
    time.sleep(1.1)
    as_student(out, exchange, homes["late"], "late", "submit")
    collected = api.collect(ASSIGNMENT)
    assert collected["success"], collected.get("log")
    garbled = out / "submitted" / "garbled" / ASSIGNMENT
    garbled.mkdir(parents=True)
    nb_name = next(iter(cohort.release_notebooks(ASSIGNMENT)))
    cohort.write_submission(out / "submitted", "garbled", ASSIGNMENT,
                            {nb_name: cohort.perfect(ASSIGNMENT, nb_name)})
    (garbled / "timestamp.txt").write_text("the day before yesterday")
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(out / "submitted"), "--out", str(out),
                           "--timeout", "30"], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    feedback = api.release_feedback(ASSIGNMENT)
    assert feedback["success"], feedback.get("log")
    for student, home in homes.items():
        as_student(out, exchange, home, student, "fetch_feedback")
    submissions = {r["student"]: r for r in csv.DictReader(open(out / "submissions.csv"))}
    return dict(out=out, homes=homes, submissions=submissions)


def fetched_page(term, student):
    pages = list((term["homes"][student] / ASSIGNMENT / "feedback").glob("*/*.html"))
    assert len(pages) == 1, f"{student} fetched {len(pages)} feedback pages"
    return " ".join(re.sub(r"<[^>]+>", " ", pages[0].read_text()).split())


def test_the_late_submission_loses_the_course_penalty_and_the_early_one_nothing(term):
    early, late = term["submissions"]["early"], term["submissions"]["late"]
    assert "after the due date" not in early["message"] and early["score"] != "0"
    top = float(early["score"])
    assert re.search(r"submitted \d+ seconds? after the due date: late penalty", late["message"]), late
    assert float(late["score"]) == pytest.approx(0.9 * top)  # 10 % for a started day


def test_each_student_fetches_feedback_with_their_own_score_and_penalty(term):
    early, late = fetched_page(term, "early"), fetched_page(term, "late")
    early_score, late_score = (float(term["submissions"][s]["score"]) for s in ("early", "late"))
    assert re.search(rf"Score: {early_score:g}(\.0)? /", early) and "Late submission penalty" not in early
    assert re.search(rf"Score: {late_score:g}(\.0)? /", late) and "Late submission penalty" in late


def test_the_timestamp_reaches_the_gradebook_and_the_graded_copies(term):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{term['out'] / 'gradebook.db'}") as book:
        late = book.find_submission(ASSIGNMENT, "late")
        assert late.total_seconds_late > 0 and late.notebooks[0].late_submission_penalty > 0
        assert book.find_submission(ASSIGNMENT, "early").total_seconds_late == 0
    for kind in ("autograded", "feedback"):
        assert (term["out"] / kind / "late" / ASSIGNMENT / "timestamp.txt").is_file(), kind


def test_a_garbled_timestamp_is_named_and_graded_as_on_time(term):
    garbled = term["submissions"]["garbled"]
    assert garbled["status"] in ("graded", "needs manual grading")
    assert "timestamp.txt is not what nbgrader's exchange writes: ignored" in garbled["message"]
    assert garbled["score"] == term["submissions"]["early"]["score"]
