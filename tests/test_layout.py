"""The layout shows the trust boundary: every module of the course says in its first line on
which side it runs, and only course/inside/ holds code that runs inside the kernel."""
import ast

from course import ROOT

SIDES = ("Grader side", "Kernel side", "Both sides")


def test_every_module_names_its_side_and_kernel_code_lives_in_inside():
    wrong = []
    for path in sorted((ROOT / "course").rglob("*.py")):
        first = (ast.get_docstring(ast.parse(path.read_text())) or "").split("\n", 1)[0]
        inside = path.parent.name == "inside"
        side = next((s for s in SIDES if first.startswith(s)), None)
        if side is None or (side == "Kernel side") != inside:
            wrong.append(f"{path.relative_to(ROOT)}: {first[:60]!r}")
    assert not wrong, wrong
