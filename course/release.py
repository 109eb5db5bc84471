"""Grader side: regenerate the student versions in release/ from source/, or check that they are current.

The release is nbgrader's `generate_assignment` output. Before it runs, every assignment gets
fresh generated files in `readonly/`, so the public tests that students run need nothing
outside their folder: a copy of the checking library (`readonly/checking.py`) and what the
typical mistakes give on the visible examples (`readonly/mistakes.json`, from the answer key's
`visible_mistakes()`: values only). The course-wide table of named mistakes
(docs/MISTAKES.md, course/coverage.py) is generated with them.
"""
import filecmp
import importlib
import json
import tempfile
from pathlib import Path

from . import RELEASE, ROOT, SOURCE
from .nbgrader_setup import course_config, nbgrader_api

SHARED_MODULES = {"readonly/checking.py": ROOT / "course" / "checking.py"}
MISTAKES = "readonly/mistakes.json"
HEADER = "# Generated from {origin} by `python -m course release`: do not edit here.\n"


def assignments():
    """Return the assignment names in source/, in course order."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def key_of(name):
    """The answer key module of assignment `name` (course/keys/<notebook name>.py)."""
    notebook = next((SOURCE / name).glob("*.ipynb")).stem
    return importlib.import_module(f"course.keys.{notebook}")


def shared_module_text(origin):
    return HEADER.format(origin=origin.relative_to(ROOT).as_posix()) + origin.read_text()


def mistakes_text(name):
    """readonly/mistakes.json of assignment `name`, or None if its key names no visible
    mistakes: {label: [[message, value as nested lists], ...]}, in a stable layout."""
    visible = getattr(key_of(name), "visible_mistakes", None)
    if visible is None:
        return None
    table = {label: [[message, _plain(value)] for message, value in found]
             for label, found in visible().items()}
    return json.dumps(table, indent=1, sort_keys=True) + "\n"


def _plain(value):
    import numpy as np
    return np.asarray(value, dtype=float).tolist()


def generated_files(names):
    """{path in source/ or the repository: its text} of every generated file."""
    from . import coverage
    files = {}
    for name in names:
        for target, origin in SHARED_MODULES.items():
            files[SOURCE / name / target] = shared_module_text(origin)
        text = mistakes_text(name)
        if text is not None:
            files[SOURCE / name / MISTAKES] = text
    files[coverage.TABLE] = coverage.table_text()
    return files


def stale_shared_modules(names):
    """Return the generated files that differ from what their origin makes now."""
    return [path for path, text in generated_files(names).items() if not _has_text(path, text)]


def _has_text(path, text):
    return path.exists() and path.read_text() == text


def release(names=None):
    """Refresh the generated files, then regenerate release/<name> for each assignment."""
    names = names or assignments()
    for path, text in generated_files(names).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with tempfile.TemporaryDirectory() as scratch:
        _generate(names, RELEASE, Path(scratch) / "gradebook.db")


def check(names=None):
    """Return the files of release/ (and generated files) that are out of date; [] if none."""
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
