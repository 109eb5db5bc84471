"""In-process checks of the pieces behind resumable, distributed grading (no kernels)."""
import subprocess
import sys
from pathlib import Path

import nbgrader.api

from course import ledger, nbgrader_setup
from course.submission import Submission


def test_the_in_process_alembic_head_is_the_one_the_alembic_command_reports(tmp_path):
    nbgrader_setup._read_alembic_head_in_process()
    ours = nbgrader.api.get_alembic_version()
    with nbgrader.api._temp_alembic_ini(f"sqlite:///{tmp_path / 'g.db'}") as ini:
        alembic = Path(sys.executable).parent / "alembic"
        output = subprocess.check_output([str(alembic), "-c", ini, "heads"], text=True)
    assert ours == output.split()[0]


def test_a_new_gradebook_records_that_head(tmp_path):
    nbgrader_setup._read_alembic_head_in_process()
    with nbgrader.api.Gradebook(f"sqlite:///{tmp_path / 'g.db'}") as gradebook:
        version = gradebook.db.execute(nbgrader.api.text("SELECT version_num FROM alembic_version")).scalar()
    assert version == nbgrader.api.get_alembic_version()


def test_the_fingerprint_follows_what_the_grade_depends_on():
    files, masters, settings = {"a.ipynb": b"{}"}, {"a.ipynb": b"{ }", "readonly/m.py": b""}, {"timeout": 3}
    base = ledger.fingerprint("03-backprop", files, masters, settings)
    assert base == ledger.fingerprint("03-backprop", dict(files), dict(masters), dict(settings))
    assert base != ledger.fingerprint("03-backprop", {"a.ipynb": b"{} "}, masters, settings)
    assert base != ledger.fingerprint("03-backprop", files, {**masters, "readonly/m.py": b"x"}, settings)
    assert base != ledger.fingerprint("03-backprop", files, masters, {"timeout": 4})
    assert base != ledger.fingerprint("01-heights", files, masters, settings), "keys differ"


def test_the_ledger_returns_a_record_only_for_its_fingerprint(tmp_path):
    book = ledger.Ledger(tmp_path)
    record = Submission("ada", "01-heights", problems=["test_f failed"], scores={("heights", "test_f"): 1.5})
    book.write(record, "abc")
    assert book.finished("01-heights", "ada", "abc") == record
    assert book.finished("01-heights", "ada", "abd") is None
    assert book.finished("01-heights", "ben", "abc") is None
    (tmp_path / "01-heights" / "ada.json").write_text("{half a fi")
    assert book.finished("01-heights", "ada", "abc") is None
