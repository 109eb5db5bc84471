"""Grader side: the equations of feedback pages, drawn once on the grader as MathML: offline, with no script.

nbgrader's feedback template loads MathJax from a CDN. Offline a page then shows TeX source;
under the page's Content-Security-Policy the CDN's MathJax cannot run the rest of itself; and
JupyterLab shows an HTML file in a frame where no script runs at all. So the grader converts
each formula itself, with MathJax (npm's mathjax-full, run by node: course/mathjax/tex2mml.js,
installed from package.json), into MathML, which browsers draw natively. One node process
per grader process, started on first use; a formula converted once is remembered (most are
the release's own, the same for every student). A formula that is too long, or a converter
that is missing, fails or hangs, leaves the TeX source as it was. `DrawEquations` does the same
for a notebook exported to HTML (`python -m course html NOTEBOOK`).
"""
import functools
import html
import json
import re
import selectors
import shutil
import subprocess

from nbconvert.preprocessors import Preprocessor

from . import ROOT

SCRIPT = ROOT / "course" / "mathjax" / "tex2mml.js"
LONGEST = 4000  # characters of TeX in one formula
MOST_PER_PAGE = 2000  # formulas converted on one page; the rest stay TeX
SECONDS = 10  # for one formula, before the converter is stopped and started again

# Math as nbconvert's markdown renderer leaves it, in order: display math, environments, and
# inline $...$ that opens before a non-space and closes after one (so "5$ and 6$" is text).
MATH = re.compile(r"\$\$(?P<display>.+?)\$\$"
                  r"|(?P<env>\\begin\{(?P<name>equation|align|gather|multline|eqnarray|alignat)(?P<star>\*?)\}"
                  r".*?\\end\{(?P=name)(?P=star)\})"
                  r"|(?<![\\$])\$(?P<inline>(?=\S)[^$]+?(?<=\S))\$(?!\d)", re.S)
TAG = re.compile(r"(<[^>]*>)")
VERBATIM = ("code", "pre", "script", "style", "math")


class Converter:
    """A node process running tex2mml.js, asked one formula at a time."""

    def __init__(self):
        self.process = None
        self.broken = shutil.which("node") is None or not (ROOT / "node_modules" / "mathjax-full").is_dir()

    def mathml(self, tex, display):
        """The MathML of `tex`, or None if it cannot be had."""
        if self.broken or len(tex) > LONGEST:
            return None
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(["node", str(SCRIPT)], cwd=ROOT, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self.process.stdin.flush()
            with selectors.DefaultSelector() as selector:
                selector.register(self.process.stdout, selectors.EVENT_READ)
                if not selector.select(SECONDS):
                    raise TimeoutError(tex[:40])
            answer = json.loads(self.process.stdout.readline())
        except (OSError, ValueError, TimeoutError):
            self.close()
            return None
        mml = answer.get("mml")
        return mml if isinstance(mml, str) and mml.startswith("<math") else None

    def close(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@functools.lru_cache(maxsize=1)
def _converter():
    return Converter()


@functools.lru_cache(maxsize=20000)
def mathml(tex, display):
    """The MathML of one formula (TeX without its delimiters), or None."""
    return _converter().mathml(tex, display)


def render(page_html):
    """`page_html` with every formula in its text drawn as MathML (code and pre left alone)."""
    parts, inside, budget = TAG.split(page_html), [], [MOST_PER_PAGE]
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name[1].lower() in VERBATIM:
                if part.startswith("</"):
                    if inside and inside[-1] == name[1].lower():
                        inside.pop()
                elif not part.endswith("/>"):
                    inside.append(name[1].lower())
        elif part and not inside and ("$" in part or "\\begin{" in part):
            parts[i] = MATH.sub(lambda m: _drawn(m, budget), part)
    return "".join(parts)


# In markdown source: fenced code blocks and inline code, which hold no mathematics.
MARKDOWN_CODE = re.compile(r"(^```.*?^```[^\n]*$|^~~~.*?^~~~[^\n]*$|`[^`\n]+`)", re.S | re.M)


def render_markdown(source):
    """Markdown `source` with each formula replaced by its MathML, on one line (markdown
    passes inline HTML through); code left alone. For notebooks exported with nbconvert."""
    budget, parts = [MOST_PER_PAGE], MARKDOWN_CODE.split(source)
    for i in range(0, len(parts), 2):
        parts[i] = MATH.sub(lambda m: _drawn(m, budget, escaped=False, one_line=True), parts[i])
    return "".join(parts)


class DrawEquations(Preprocessor):
    """nbconvert preprocessor: every markdown cell's equations drawn as MathML, so that a
    notebook exported to HTML shows its mathematics offline (`python -m course html`)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = render_markdown(cell.source)
        return cell, resources


def export_html(path, out=None):
    """Write notebook `path` as an HTML page with its equations drawn (nbconvert's HTML
    exporter with DrawEquations); return the page's path."""
    import nbformat
    from pathlib import Path
    from nbconvert import HTMLExporter
    path = Path(path)
    exporter = HTMLExporter(preprocessors=[DrawEquations])
    page, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    target = Path(out or path.parent) / f"{path.stem}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page)
    return target


def _drawn(match, budget, escaped=True, one_line=False):
    if budget[0] <= 0:
        return match[0]
    budget[0] -= 1
    display = match["inline"] is None
    tex = match["display"] if match["display"] is not None else match["env"] or match["inline"]
    drawn = mathml((html.unescape(tex) if escaped else tex).strip(), display)
    if drawn and one_line:
        drawn = re.sub(r">\s+<", "><", drawn).replace("\n", " ")
    return drawn if drawn else match[0]
