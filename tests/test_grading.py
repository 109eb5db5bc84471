"""Grading through the real `python -m course grade`, real nbgrader and real kernels.

Every case of the cohort (see conftest.py) is checked on its own: right answers in any style
keep full marks, each mistake loses exactly its own function's test cells, and broken
submissions get their rows, their zeros and a message that says why."""
import html
import re
import shutil
import subprocess

import pytest

from conftest import assignments, build_cohort, written_points
from course import SOURCE, cohort, hostile, notebooks


def case_ids(cases):
    return [f"{c.assignment}:{c.name}" for c in cases]


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = build_cohort()
        metafunc.parametrize("case", cases, ids=case_ids(cases))


def test_case_is_graded_as_expected(graded, case):
    key = (case.name, case.assignment)
    assert key in graded.grades, f"no rows in grades.csv for {key}"
    row = graded.submissions[key]
    assert hostile.wrong_outcome(case, graded.grades[key], row) == "", row
    if case.expect == "untouched":
        assert "not implemented yet" in row["message"]


def test_abuse_leaves_nothing_outside_its_folder(graded):
    """The write-outside abuse tried the grading folder, its parent and a classmate's folder."""
    assert not list(graded.out.rglob("pwned.txt"))
    assert not (graded.out.parent / "pwned.txt").exists()


def test_nothing_a_kernel_planted_reaches_the_course_folders(graded):
    """Kernels wrote links to the answer key, the instructor's notebook and the gradebook into
    their folders, and killed their kernel factory: the course's folders hold no link, and
    feedback holds only pages, the assignment's own released files and the exchange's
    timestamp and secret (which release_feedback needs)."""
    from course import RELEASE
    for kind in ("autograded", "feedback"):
        assert not [p for p in (graded.out / kind).rglob("*") if p.is_symlink()], kind
    from course.submission import EXCHANGE_FILES
    for path in (graded.out / "feedback").rglob("*"):
        if path.is_file() and path.suffix != ".html" and path.name not in EXCHANGE_FILES:
            student, assignment, *relative = path.relative_to(graded.out / "feedback").parts
            released = RELEASE.joinpath(assignment, *relative)
            assert released.is_file() and released.read_bytes() == path.read_bytes(), path


def test_feedback_pages_run_no_student_script_and_show_no_student_style(graded):
    """The forgeries put scripts, event handlers and a fixed-position score banner into
    markdown and outputs (course/hostile/forgeries.py): none of it reaches a page."""
    pages = [page for case in graded.cases if case.name.startswith("forge-")
             for page in (graded.out / "feedback" / case.name / case.assignment).glob("*.html")]
    assert len(pages) > 10
    for page in pages:
        assert _active_markup(page.read_text(), "PWNED", "position:fixed") == [], page


def _active_markup(page, *markers):
    """The places where `markers` are live in `page`: in a script, a style element, or an
    attribute (the student's code shown as text may contain them; that is harmless)."""
    from html.parser import HTMLParser
    found = []

    class Reader(HTMLParser):
        inside = None

        def handle_starttag(self, tag, attrs):
            self.inside = tag if tag in ("script", "style") else None
            for name, value in attrs:
                found.extend(f"<{tag} {name}>" for m in markers if m in f"{name}={value}")

        def handle_data(self, data):
            if self.inside == "script" or (self.inside == "style" and "PWNED" in data):
                found.extend(f"<{self.inside}>" for m in markers if m in data)
    Reader().feed(page)
    return found


def test_every_test_cell_has_a_row_for_every_submission(graded):
    for assignment in assignments():
        rows = [g for (s, a), g in graded.grades.items() if a == assignment]
        assert len({frozenset(g) for g in rows}) == 1, "students got different sets of rows"


def test_scores_add_up(graded):
    for key, row in graded.submissions.items():
        grades = graded.grades[key]
        assert float(row["score"]) == pytest.approx(sum(p for p, _ in grades.values()))
        assert float(row["max_score"]) == pytest.approx(sum(m for _, m in grades.values())
                                                        + written_points(key[1]))


def hidden_lines():
    """Every non-blank line of every hidden test region and every written answer's mark scheme
    (model answer and rubric) in source/."""
    lines = set()
    for path in SOURCE.glob("*/*.ipynb"):
        for cell in notebooks.read(path).cells:
            parts = re.findall(r"BEGIN (?:HIDDEN TESTS|MARK SCHEME)(.*?)### END (?:HIDDEN TESTS|MARK SCHEME)",
                               cell.source, re.S)
            lines |= {line.strip() for part in parts for line in part.splitlines() if line.strip()}
    return lines


def test_feedback_shows_scores_but_no_hidden_tests_or_mark_schemes(graded):
    secret = hidden_lines() | {"BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"}
    assert len(secret) > 1
    pages = sorted((graded.out / "feedback").glob("*/*/*.html"))
    assert len(pages) >= len([c for c in graded.cases if c.status == "graded"])
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert not [line for line in secret if line in text], page
    for assignment in assignments():
        row = graded.submissions[("perfect", assignment)]
        best, top = float(row["score"]), float(row["max_score"])
        assert best == top - written_points(assignment)
        for page in (graded.out / "feedback" / "perfect" / assignment).glob("*.html"):
            text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
            assert re.search(rf"Score: {best:g}(\.0)? / {top:g}", text), f"{page} shows no score"
            # The table of contents names what each test cell grades, and messages wrap.
            tested = notebooks.tested_functions(cohort.release_notebooks(assignment))
            raw = page.read_text()
            assert ">Test cell<" not in raw and "white-space: pre-wrap" in raw
            assert all(f">Test of {f}" in raw for (nb, gid), f in tested.items() if nb == page.stem), page
            # Figures drawn in a sandboxed kernel reach the page as images (not "<Figure ...>"):
            # as many as the graded notebook holds (02, 05 and 06 draw none while grading).
            graded_nb = graded.out / "autograded" / "perfect" / assignment / f"{page.stem}.ipynb"
            drawn = graded_nb.read_text().count('"image/png"')
            assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', raw)) == drawn, page
            assert drawn or assignment not in ("01-heights", "03-backprop", "04-planar"), page


def test_the_course_folders_stay_untouched_with_out(graded):
    from course import ROOT
    assert not (ROOT / "submitted").exists() or not any((ROOT / "submitted").iterdir())
    assert (graded.out / "gradebook.db").exists() and (graded.out / "autograded").is_dir()


def test_a_feedback_page_in_a_browser_shows_score_and_message_but_no_hidden_test(graded, tmp_path):
    """Render one feedback page in headless Chromium, as a student would open it."""
    student = next(c for c in graded.cases if c.expect == "loses" and c.name.startswith("case-"))
    page = next((graded.out / "feedback" / student.name / student.assignment).glob("*.html"))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "this test needs Debian's chromium (.ci/run installs it)"
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={tmp_path}", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = html.unescape(re.sub(r"<[^>]+>", " ", proc.stdout))
    row = graded.submissions[(student.name, student.assignment)]
    assert re.search(rf"Score: {float(row['score']):g}(\.0)? / {float(row['max_score']):g}", text)
    teaching = re.search(r"CheckFailure: (.{20,60})", row["message"]).group(1)
    assert teaching in " ".join(text.split()), "the failing check's message is not shown"
    assert not [line for line in hidden_lines() if line in text]
    # Equations are drawn on the grader (course/equations.py): MathML in the page, no TeX left.
    assert proc.stdout.count("<math") > 5 and "$$" not in text


def test_a_student_with_nothing_graded_is_in_the_gradebook(graded):
    """Registered from their folder, so that exports to an LMS (course export) list them."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{graded.out / 'gradebook.db'}") as book:
        assert "absent" in {s.id for s in book.students}
