"""Grader side: regenerate the student versions in release/ from source/, or check that they are current.

The release is nbgrader's `generate_assignment` output; before it runs, every assignment gets
a fresh generated copy of the checking library (`readonly/checking.py`), so the public tests
that students run need nothing outside their folder.
"""
import filecmp
import tempfile
from pathlib import Path

from . import RELEASE, ROOT, SOURCE
from .nbgrader_setup import course_config, nbgrader_api

SHARED_MODULES = {"readonly/checking.py": ROOT / "course" / "checking.py"}
HEADER = "# Generated from {origin} by `python -m course release`: do not edit here.\n"


def assignments():
    """Return the assignment names in source/, in course order."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def shared_module_text(origin):
    return HEADER.format(origin=origin.relative_to(ROOT).as_posix()) + origin.read_text()


def stale_shared_modules(names):
    """Return the generated module copies in source/ that differ from their origin."""
    return [SOURCE / name / target for name in names for target, origin in SHARED_MODULES.items()
            if not _has_text(SOURCE / name / target, shared_module_text(origin))]


def _has_text(path, text):
    return path.exists() and path.read_text() == text


def release(names=None):
    """Refresh the generated modules, then regenerate release/<name> for each assignment."""
    names = names or assignments()
    for name in names:
        for target, origin in SHARED_MODULES.items():
            path = SOURCE / name / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(shared_module_text(origin))
    with tempfile.TemporaryDirectory() as scratch:
        _generate(names, RELEASE, Path(scratch) / "gradebook.db")


def check(names=None):
    """Return the files of release/ (and generated modules) that are out of date; [] if none."""
    names = names or assignments()
    stale = [str(p.relative_to(ROOT)) for p in stale_shared_modules(names)]
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "release"
        _generate(names, fresh, Path(scratch) / "gradebook.db")
        for name in names:
            stale += [f"release/{name}/{f}" for f in _differences(fresh / name, RELEASE / name)]
    return stale


def _generate(names, release_dir, db):
    api = nbgrader_api(course_config(db=db, release_dir=release_dir))
    for name in names:
        result = api.generate_assignment(name, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n"
                               f"{result.get('error') or result.get('log')}")


def _differences(fresh, committed):
    """Relative paths that differ between two folders (missing on either side included)."""
    def files(folder):
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts} if folder.exists() else set()
    new, old = files(fresh), files(committed)
    return sorted((new ^ old) | {f for f in new & old
                                 if not filecmp.cmp(fresh / f, committed / f, shallow=False)})
