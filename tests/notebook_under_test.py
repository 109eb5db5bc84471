"""What the in-process tests of the answer keys share: an assignment's source cells and its
wrong-answer corpus, the notebook's namespace built as the grader would build it (by running
the notebook's definitions in order with a case's cells in place of the functions they
define), a way to read a check's or a test cell's failure, and the rules of every corpus."""
import json
import re
import runpy
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


def load(folder, name):
    """Put `course` and the assignment's `readonly` package on the path; return the source
    notebook's cells ({cell id: source}) and the corpus (tests/corpus/<name>.py) as a dict."""
    assignment = ROOT / "source" / folder
    for path in (ROOT, assignment):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    notebook = json.loads((assignment / f"{name}.ipynb").read_text())
    cells = {cell["id"]: "".join(cell["source"]) for cell in notebook["cells"]}
    return cells, runpy.run_path(str(ROOT / "tests" / "corpus" / f"{name}.py"))


def namespace(cells, definitions, replacements=None, before="", after=""):
    """Return the notebook's globals after the cells `definitions`, then `before`, then the
    replacement cells, then `after` (code that the public parts of test cells would run)."""
    ns = {"__name__": "__main__"}
    for cell_id in definitions:
        exec(cells[cell_id], ns)
    exec(before, ns)
    for source in (replacements or {}).values():
        exec(source, ns)
    exec(after, ns)
    return ns


def failure(action, kind=AssertionError):
    """Run `action()`; return the message of the `kind` error it raised, or None if it passed.
    (A check's CheckFailure and a test cell's failed assert are both AssertionErrors.)"""
    try:
        action()
    except kind as error:
        return str(error)
    return None


def check_corpus(corpus, functions, mistakes, name=r"[a-z][a-z0-9_]*"):
    """The rules every wrong-answer corpus keeps: unique case names matching `name`, the
    key's `functions` in order with no dependencies, at least three typical mistakes for each
    function, each replacing that function's cell only, at least five other correct styles,
    and a message pattern in `mistakes` for every mistake and for nothing else."""
    cases = corpus["CASES"]
    names = [case["name"] for case in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    assert all(re.fullmatch(name, n) for n in names)
    assert corpus["FUNCTIONS"] == list(functions) and corpus["DEPENDS"] == {}
    for function in functions:
        wrong = [c for c in cases if c["expect"] == "loses" and c["target"] == function]
        assert len(wrong) >= 3, f"fewer than three typical mistakes for {function}"
        assert all(list(c["cells"]) == [function] for c in wrong)
    assert len([c for c in cases if c["expect"] == "full"]) >= 5
    assert set(mistakes) == {c["name"] for c in cases if c["expect"] == "loses"}


def visible_failure(folder, cell_source, ns):
    """Run only the public part of a test cell of assignment `folder` (what the student runs
    while working), with that assignment's readonly/checking.py; return its failure message,
    or None if it passes."""
    from course.judge import split_hidden
    with own_checking(folder):
        return failure(lambda: exec(split_hidden(cell_source)[0], ns))


def named_mistakes(message, messages):
    """The messages among `messages` (a function's known mistakes) that `message` names."""
    return [m for m in messages if message and m in message]


def check_same_diagnosis(visible, hidden, messages):
    """Where the visible test names a typical mistake, the hidden tests name the same one."""
    named = named_mistakes(visible, messages)
    if named:
        assert hidden is not None, f"the visible test names {named[0]!r}; the hidden tests pass"
        assert any(m in hidden for m in named), (
            f"the visible test names {named[0]!r}, the hidden tests say: {hidden}")


def own_checking(folder):
    """Context: `readonly.checking` is assignment `folder`'s own copy while the block runs, so
    that its known_mistakes() reads that assignment's readonly/mistakes.json (the in-process
    tests of several assignments share one `readonly` namespace package)."""
    import contextlib
    import importlib.util

    @contextlib.contextmanager
    def swapped():
        path = ROOT / "source" / folder / "readonly" / "checking.py"
        spec = importlib.util.spec_from_file_location("readonly.checking", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        saved = sys.modules.get("readonly.checking")
        sys.modules["readonly.checking"] = module
        try:
            yield module
        finally:
            if saved is None:
                sys.modules.pop("readonly.checking", None)
            else:
                sys.modules["readonly.checking"] = saved
    return swapped()
