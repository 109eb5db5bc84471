"""Grader side: one place that builds nbgrader's configuration and API object for a course folder.

The release and grading commands run nbgrader in-process (its CLI costs about 3 s of start-up
per call). They read the course's `nbgrader_config.py`, point nbgrader at the folder they work
in, and add the grader's own settings: robust execution and feedback without hidden tests.
"""
import functools
import logging
import os
import sys
import warnings
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from . import ROOT, SOURCE


def course_config(root=ROOT, db=None, release_dir=None, submitted_dir=None, timeout=None,
                  sandbox="auto", scratch=None, source=SOURCE):
    """Return the nbgrader Config of the course, rooted at `root`.

    db: the gradebook, a file (default `root/gradebook.db`) or a database URL such as
    postgresql://user@host/db; source: the assignments' master folders; release_dir: where generated student
    versions go (default `root/release`); submitted_dir: where autograde reads submissions
    (default `root/submitted`); timeout: seconds per cell when grading; sandbox: 'auto', 'on'
    or 'off' (course/sandbox.py); scratch: a folder for the kernels' sockets.
    """
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    root = Path(root).resolve()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.source_directory = str(Path(source).resolve())  # read in place
    config.CourseDirectory.db_url = (str(db) if "://" in str(db or "") else
                                     f"sqlite:///{Path(db or root / 'gradebook.db').resolve()}")
    if release_dir:
        config.CourseDirectory.release_directory = str(Path(release_dir).resolve())
    if submitted_dir:
        config.CourseDirectory.submitted_directory = str(Path(submitted_dir).resolve())
    grading = grading_config()
    if timeout:
        grading.Execute.timeout = int(timeout)
    grading.RobustExecute.sandbox = sandbox
    if scratch:
        grading.SandboxedKernelManager.scratch = str(scratch)
    config.merge(grading)
    return config


def grading_config():
    """The course's grading steps in nbgrader's own converters: hidden tests judged in the
    grader and kernels in the sandbox (RobustExecute), feedback without hidden tests or mark
    schemes, teaching messages only, sanitised (GenerateFeedback)."""
    grading = Config()
    grading.Autograde.autograde_preprocessors = _with_robust_execute()
    grading.GenerateFeedback.preprocessors = _feedback_without_hidden_tests()
    grading.GenerateFeedback.exporter_class = "course.feedback_page.FeedbackExporter"
    return grading


def stock_entry_points(config):
    """Make every nbgrader entry point grade as `python -m course grade` does: called by the
    course's nbgrader_config.py, so `nbgrader autograde`, `generate_feedback`, `validate` and
    formgrader's buttons run the course's steps, with no environment variable and no
    activated venv (the venv's `alembic` is found, or not needed)."""
    config.merge(grading_config())
    _put_venv_on_path()
    _read_alembic_head_in_process()
    _validate_as_the_grader()


def _validate_as_the_grader():
    """nbgrader's Validator runs its notebook with stock Execute (hidden tests in the kernel,
    where the answer keys cannot be imported, and no sandbox), and `nbgrader validate` exits 0
    whatever it finds; neither is configurable. Give the Validator the course's RobustExecute
    and make the command exit 1 when a notebook it validated fails or was changed."""
    from nbgrader import validator
    from nbgrader.apps import validateapp
    if getattr(validator.Validator, "course_wired", False):
        return
    from .execute import RobustExecute

    preprocess = validator.Validator._preprocess

    def judging(self, nb):
        self.preprocessors = [RobustExecute if step is validator.Execute else step
                              for step in self.preprocessors]
        return preprocess(self, nb)

    validate_and_print = validator.Validator.validate_and_print
    failed = []

    def counting(self, filename):
        results = self.validate(filename)
        self.validate = lambda name: results  # printed from the same results, run once
        try:
            validate_and_print(self, filename)
        finally:
            del self.validate
        bad = results.get("type_changed") or results.get("changed") or (
            results.get("passed") if self.invert else results.get("failed"))
        if bad:
            failed.append(filename)

    start = validateapp.ValidateApp.start

    def exiting(self):
        start(self)
        if failed:
            self.exit(1)

    validator.Validator._preprocess = judging
    validator.Validator.validate_and_print = counting
    validateapp.ValidateApp.start = exiting
    validator.Validator.course_wired = True


def nbgrader_api(config):
    """Return an NbGraderAPI for `config`, quiet unless something goes wrong."""
    _put_venv_on_path()
    _read_alembic_head_in_process()
    _cache_compiled_templates()
    from sqlalchemy.exc import SAWarning
    # nbgrader's gradebook triggers harmless "not in session" autoflush warnings.
    warnings.filterwarnings("ignore", category=SAWarning)
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    api.log.setLevel(logging.ERROR)
    return api


def _with_robust_execute():
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from .execute import RobustExecute
    return [RobustExecute if step is Execute else step
            for step in Autograde.class_traits()["autograde_preprocessors"].default()]


def _feedback_without_hidden_tests():
    from nbgrader.converters import GenerateFeedback
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme
    from .redact import RedactTestTracebacks
    from .sanitise import SanitiseFeedback
    # Autograde restores locked cells from the gradebook, which keeps them as the source has
    # them: hidden tests and the written answers' mark schemes come back into the autograded
    # copy (where formgrader shows them to graders) and must leave it on the way to students.
    # SanitiseFeedback last: it cleans what every step before it has left, grades included.
    return list(GenerateFeedback.class_traits()["preprocessors"].default()) + [
        ClearHiddenTests, ClearMarkScheme, RedactTestTracebacks, SanitiseFeedback]


def _read_alembic_head_in_process():
    """A new gradebook records the schema's alembic revision; nbgrader asks for it by running
    the `alembic` command, 2-3 s a time. Read the same revision from the same files in-process
    (once), so that a worker's private gradebook costs no such start-up."""
    import nbgrader.api
    if getattr(nbgrader.api.get_alembic_version, "in_process", False):
        return
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    @functools.lru_cache(maxsize=None)
    def head():
        with nbgrader.api._temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
            return ScriptDirectory.from_config(AlembicConfig(ini)).get_current_head()
    head.in_process = True
    nbgrader.api.get_alembic_version = head


class _MemoryBytecodeCache:
    """Compiled Jinja templates, kept for the life of the process."""

    def __init__(self):
        import jinja2
        self.buckets = {}

        class Cache(jinja2.BytecodeCache):
            def load_bytecode(cache, bucket):
                if bucket.key in self.buckets:
                    bucket.bytecode_from_string(self.buckets[bucket.key])

            def dump_bytecode(cache, bucket):
                self.buckets[bucket.key] = bucket.bytecode_to_string()
        self.cache = Cache()


def _cache_compiled_templates():
    """nbconvert builds a new Jinja environment, and so compiles its HTML templates again, for
    every feedback page (0.15 s of the 0.5 s a page costs). Give every environment one
    in-memory bytecode cache, so that each template is compiled once per process."""
    from nbconvert.exporters.templateexporter import TemplateExporter
    if getattr(TemplateExporter._create_environment, "cached", False):
        return
    create, shared = TemplateExporter._create_environment, _MemoryBytecodeCache().cache

    def create_environment(self):
        environment = create(self)
        environment.bytecode_cache = shared
        return environment
    create_environment.cached = True
    TemplateExporter._create_environment = create_environment


def _put_venv_on_path():
    """nbgrader's gradebook runs the `alembic` found on PATH: make it this interpreter's."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
