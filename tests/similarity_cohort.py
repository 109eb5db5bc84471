"""Cohorts for the similarity tests and bench: independent solutions from the corpora and copies disguised in each way issue 19 names."""
import ast
import io
import keyword
import re
import tokenize

from course import cohort
from course.similarity import Answer

KINDS = ("renamed", "reordered", "comments", "reformatted", "inserted", "all")


def independent(assignment):
    """{(notebook, function): {student: source}}: the source solution (student "source") and
    each correct style of the corpus (students "style1", ...), all independent of each other."""
    cases = cohort.load_cases(assignment)
    out = {}
    for notebook in cohort.release_notebooks(assignment):
        for function, source in cohort.solution_cells(assignment, notebook).items():
            out[(notebook, function)] = {"source": re.sub(r"[ \t]*### (BEGIN|END) SOLUTION\n", "", source)}
    for case in cases["CASES"]:
        if case["expect"] != "full":
            continue
        for function, source in case["cells"].items():
            for key, by_student in out.items():
                if key[1] == function:
                    by_student[f"style{len(by_student)}"] = source
    return out


def _local_names(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            for arg in node.args.args + node.args.kwonlyargs:
                names.add(arg.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {n for n in names if not keyword.iskeyword(n)}


def _replace_names(source, mapping):
    """`source` with NAME tokens renamed (strings and comments untouched), layout kept."""
    out, tokens = [], list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = [(starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1], mapping[t.string])
             for t in tokens if t.type == tokenize.NAME and t.string in mapping]
    at = 0
    for start, end, new in edits:
        out.append(source[at:start] + new)
        at = end
    out.append(source[at:])
    return "".join(out)


def renamed(source):
    tree = ast.parse(source)
    mapping = {n: f"my_{n}_{i}" for i, n in enumerate(sorted(_local_names(tree)))}
    return _replace_names(source, mapping)


def _independent_neighbours(body):
    for i in range(len(body) - 1):
        first, second = body[i], body[i + 1]
        if isinstance(first, (ast.Return, ast.FunctionDef)) or isinstance(second, (ast.Return, ast.FunctionDef)):
            continue
        def names(node, ctx):
            return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}
        w1, w2 = names(first, ast.Store), names(second, ast.Store)
        r1, r2 = names(first, ast.Load), names(second, ast.Load)
        if not (w1 & (r2 | w2)) and not (w2 & r1) and (w1 or w2):
            return i
    return None


def reordered(source):
    """Two neighbouring independent statements swapped; None when a function has none."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            i = _independent_neighbours(node.body)
            if i is None:
                continue
            a, b = node.body[i], node.body[i + 1]
            first = lines[a.lineno - 1:a.end_lineno]
            second = lines[b.lineno - 1:b.end_lineno]
            if b.lineno != a.end_lineno + 1:
                continue
            return "".join(lines[:a.lineno - 1] + second + first + lines[b.end_lineno:])
    return None


def comments(source):
    """Comments and blank lines added, spaces around operators changed."""
    out = []
    for n, line in enumerate(source.splitlines()):
        indent = line[:len(line) - len(line.lstrip())]
        if line.strip() and n and not line.strip().startswith(("#", ")", "]")):
            out.append(f"{indent}# step {n}: as worked out on paper\n\n")
        out.append(line.replace(" = ", "=").replace(", ", ",") + "   # ok\n"
                   if line.strip() and not line.rstrip().endswith(("\\", ",", "(", "[")) and '"""' not in line
                   else line + "\n")
    text = "".join(out)
    try:
        ast.parse(text)
        return text
    except SyntaxError:
        return "".join(f"# note {i}\n{line}\n" if not line.startswith((" ", "\t")) else f"{line}\n"
                       for i, line in enumerate(source.splitlines()))


def reformatted(source):
    """Re-laid out by the parser: comments gone, spacing, quotes and parentheses normalised."""
    return ast.unparse(ast.parse(source)) + "\n"


def inserted(source):
    """A small insertion: a line that does nothing useful, placed inside each function."""
    lines = source.rstrip("\n").split("\n")
    lines = [line + "\n" for line in lines]
    tree = ast.parse(source)
    where = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if body:
                where.append((body[len(body) // 2].lineno - 1, body[len(body) // 2].col_offset))
    for index, col in sorted(where, reverse=True):
        lines.insert(index, " " * col + "checked_once = True  # sanity\n")
    if not where:
        lines.append("checked_once = True\n")
    return "".join(lines)


def disguise(source, kind):
    """A copy of `source` disguised in one way (KINDS), or None where that way cannot apply."""
    if kind == "all":
        text = reordered(source) or source
        return inserted(comments(reformatted(renamed(text))))
    return {"renamed": renamed, "reordered": reordered, "comments": comments,
            "reformatted": reformatted, "inserted": inserted}[kind](source)


def answers(notebook, function, by_student):
    return [Answer(student, notebook, function, source) for student, source in by_student.items()]


def substantial(source, minimum=60):
    """True for an answer long enough to copy-check (its body beyond the def line and the
    docstring holds at least `minimum` non-blank characters)."""
    tree = ast.parse(source)
    body = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    if not body:
        return False
    text = re.sub(r"\s+", "", "".join(ast.unparse(s) for f in body for s in f.body
                                      if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))))
    return len(text) >= minimum
