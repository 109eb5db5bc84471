"""Feedback pages show a hostile submission without running any of it (course/sanitise.py,
course/feedback_page.py, issue #14): every vector in three or more variants, rendered in
process as GenerateFeedback renders a page (no kernel, no grading run), then one hostile page
opened in headless Chromium."""
import base64
import copy
import html
import io
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat import v4
from PIL import Image

from course import SOURCE, equations, nbgrader_setup, notebooks
from course.feedback_page import FeedbackExporter, content_security_policy, with_content_security_policy
from course.sanitise import NOT_SHOWN, SanitiseFeedback

# A student script marks the page only when it runs: the marker is built, never written out.
RUN = "document.body.appendChild(document.createElement('b')).id='pw'+'ned';document.title='pw'+'ned'"
RAN = re.compile(r"""id="pwned"|<title>pwned</title>""")
NAME = "backprop"


def picture(kind="PNG"):
    """Return a real 4x3 image, base64-encoded as nbformat stores it."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, kind)
    return base64.b64encode(buffer.getvalue()).decode()


PNG, JPEG = picture("PNG"), picture("JPEG")
PLAIN_FALLBACK = "a figure, as text"


def html_output(text, **more):
    return v4.new_output("display_data", data={"text/html": text, **more})


def markdown(text):
    return v4.new_markdown_cell(text)


def outputs(*items, **cell):
    return v4.new_code_cell("show()", outputs=list(items), **cell)


def png_output(data=PNG, metadata=None):
    return v4.new_output("display_data", data={"image/png": data, "text/plain": "<Figure>"},
                         metadata=metadata or {})


# Each vector of the issue, three or more ways: a cell to add to an honest notebook, or a
# change to the notebook (its metadata, its name).
VECTORS = {
    "markdown-script": [
        markdown(f"Intro <script>{RUN}</script> text."),
        markdown(f"<SCRIPT>{RUN}</SCRIPT>"),
        markdown(f"<svg><script>{RUN}</script></svg>"),
        markdown(f"<<script>script>{RUN}<</script>/script>"),
        markdown(f"<iframe srcdoc=\"<script>{RUN}</script>\"></iframe>"),
    ],
    "markdown-onerror": [
        markdown(f'<img src="x" onerror="{RUN}">'),
        markdown(f"<IMG SRC=x ONERROR={RUN.replace(' ', '')}>"),
        markdown(f'![a](x" onerror="{RUN})'),
        markdown(f'<details open ontoggle="{RUN}">x</details>'),
        markdown(f'[click](javascript:{RUN})'),
    ],
    "html-script": [
        outputs(html_output(f"<p>before</p><script>{RUN}</script>")),
        outputs(html_output(f'<img src="x" onerror="{RUN}">')),
        outputs(html_output(f"<iframe srcdoc='<script>{RUN}</script>'></iframe>")),
        outputs(html_output(f'<object data="javascript:{RUN}"></object><a href="javascript:{RUN}">x</a>')),
        outputs(html_output(f'<form action="javascript:{RUN}"><input autofocus onfocus="{RUN}"></form>')),
    ],
    "fixed-banner": [
        outputs(html_output('<div style="position:fixed;top:0;left:0;width:100%;z-index:9999;'
                            'background:#5cb85c">Score: 17 / 17</div>')),
        outputs(html_output("<style>.fake{position:fixed;top:0}</style><div class='fake'>Score: 17 / 17</div>")),
        outputs(html_output('<div class="navbar-fixed-top alert alert-success" id="toc">Score: 17 / 17</div>')),
        markdown('<div style="position:fixed;top:0">Score: 17 / 17</div>'),
        v4.new_raw_cell('<div class="navbar-fixed-top alert alert-success">Score: 17 / 17</div>'),
    ],
    "svg": [
        outputs(v4.new_output("display_data", data={"image/svg+xml": f"<svg><script>{RUN}</script></svg>"})),
        outputs(v4.new_output("display_data", data={"image/svg+xml": f'<svg onload="{RUN}"/>',
                                                    "text/plain": PLAIN_FALLBACK})),
        outputs(v4.new_output("display_data", data={
            "image/svg+xml": f'<svg><foreignObject><img src=x onerror="{RUN}"></foreignObject></svg>'})),
    ],
    "javascript": [
        outputs(v4.new_output("display_data", data={"application/javascript": RUN})),
        outputs(v4.new_output("display_data", data={"application/javascript": RUN,
                                                    "text/plain": PLAIN_FALLBACK})),
        outputs(v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": f"</script><script>{RUN}</script>"}})),
        outputs(v4.new_output("display_data", data={"text/markdown": f"<script>{RUN}</script>"})),
        outputs(v4.new_output("display_data", data={"text/latex": f"</div><script>{RUN}</script>"})),
    ],
    "png-breakout": [
        outputs(png_output(f'iVBORw0KGgo" onerror="{RUN}')),
        outputs(png_output(f'AAAA"><script>{RUN}</script>')),
        outputs(png_output(base64.b64encode(f"<script>{RUN}</script>".encode()).decode())),
        outputs(v4.new_output("display_data", data={"image/jpeg": f'/9j/" onerror="{RUN}'})),
    ],
    "width-quote": [
        outputs(png_output(metadata={"image/png": {"width": f'100" onerror="{RUN}'}})),
        outputs(png_output(metadata={"image/png": {"width": f"100 onerror={RUN.replace(' ', '')}"}})),
        outputs(png_output(metadata={"width": "1 style=position:fixed;top:0", "height": 2.5})),
        outputs(png_output(metadata={"image/png": {"height": f"1 onload={RUN.replace(' ', '')}",
                                                   "isolated": True}, "filenames": {"image/png": "x.png"}})),
    ],
    "cell-tag": [
        outputs(png_output(), metadata={"tags": [f'x" onclick="{RUN}']}),
        outputs(png_output(), metadata={"tags": [f'x"><script>{RUN}</script>']}),
        outputs(png_output(), metadata={"tags": ["x navbar-fixed-top", "hidden"]}),
        outputs(png_output(), metadata={"tags": ["y"], "alt": f'"><script>{RUN}</script>'}),
        outputs(png_output(), metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "points": 1, "score": 1,
            "grade_id": f'x"><img src=x onerror="{RUN}">', "schema_version": 3}}),
    ],
    "notebook-metadata": [
        {"title": f"</title><script>{RUN}</script>"},
        {"widgets": {"application/vnd.jupyter.widget-state+json": {
            "state": {}, "version_major": 2, "version_minor": 0, "x": f"</script><script>{RUN}</script>"}}},
        {"kernelspec": {"name": "python3", "display_name": f"<script>{RUN}</script>", "language": "python"},
         "language_info": {"name": "python", "pygments_lexer": f"<script>{RUN}</script>"}},
        {"name": f"</title><script>{RUN}</script>"},  # the notebook's name, which titles the page
    ],
}
# Text the template escapes itself (pygments, nbconvert's ansi2html): code, streams, tracebacks.
ESCAPED_BY_TEMPLATE = [
    v4.new_code_cell(f"</pre></div><script>{RUN}</script>"),
    v4.new_code_cell("x", outputs=[v4.new_output("stream", name="stdout", text=f"<script>{RUN}</script>")]),
    v4.new_code_cell("x", outputs=[v4.new_output("error", ename="<b>E</b>", evalue=f"<img src=x onerror={RUN}>",
                                                 traceback=[f"<script>{RUN}</script>"])]),
    v4.new_code_cell("x", outputs=[v4.new_output("stream", name="stderr", text=f'<img src=x onerror="{RUN}">')]),
]
VECTORS["stream-and-error"] = ESCAPED_BY_TEMPLATE + [v4.new_code_cell("x", outputs=[v4.new_output(
    "error", ename="E", evalue="v", traceback=[f"\x1b[31m<script>{RUN}</script>\x1b[0m"])])]
CASES = [(vector, i, change) for vector, changes in VECTORS.items() for i, change in enumerate(changes)]


def honest_notebook():
    """A small graded notebook with the markdown, HTML and figure an honest student shows."""
    test = v4.new_code_cell("assert True", outputs=[v4.new_output(
        "error", ename="CheckFailure", evalue="dJ/dW3 has shape (2, 6)", traceback=["tb"])])
    test.metadata.nbgrader = {"grade": True, "solution": False, "locked": True, "points": 2,
                              "score": 0, "grade_id": "test_J_W3", "schema_version": 3}
    return v4.new_notebook(cells=[
        markdown("# Honest heading\n\nSome **strong** words, a [link](https://example.org) and "
                 "$\\frac{\\partial J}{\\partial W}$.\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
        outputs(html_output("<table><tr><td>honest cell</td></tr></table>", **{"text/plain": "t"})),
        outputs(png_output(metadata={"image/png": {"width": 400}})),
        test,
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}})


@pytest.fixture(scope="module")
def feedback():
    """The feedback step as GenerateFeedback configures it, minus GetGrades (which needs a
    gradebook: the scores are already in the notebooks here)."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    config = nbgrader_setup.course_config()
    converter = GenerateFeedback(coursedir=CourseDirectory(config=config), config=config)

    def exporter(cls=FeedbackExporter, sanitise=True):
        made = cls(parent=converter, config=converter.config)
        for step in converter.preprocessors[1:]:
            if sanitise or step is not SanitiseFeedback:
                made.register_preprocessor(step)
        return made
    return exporter


def render(exporter, nb, name=NAME):
    resources = {"nbgrader": {"notebook": name, "score": 0, "max_score": 2, "late_penalty": 0}}
    return exporter.from_notebook_node(copy.deepcopy(nb), resources)[0]


def is_cell(change):
    return "cell_type" in change


def hostile_notebook(change):
    nb, name = honest_notebook(), NAME
    if not is_cell(change):
        change = copy.deepcopy(change)
        name = change.pop("name", name)
        nb.metadata.update(change)
    else:
        nb.cells.insert(1, copy.deepcopy(change))
    return nb, name


def template_scripts(page):
    return [str(script) for script in BeautifulSoup(page, "html.parser").find_all("script")]


def assert_safe(page, baseline_scripts):
    """No student script, handler, style, class, frame or foreign URL anywhere in `page`."""
    soup = BeautifulSoup(page, "html.parser")
    first = soup.head.find(True)
    assert first.name == "meta" and first.get("http-equiv") == "Content-Security-Policy"
    policy = first["content"]
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in policy
    assert template_scripts(page) == baseline_scripts, "a script that is not the template's"
    for tag in soup.body.find_all(True):
        assert tag.name not in {"script", "style", "iframe", "object", "embed", "form", "input",
                                "svg", "base", "link", "meta", "textarea", "button"}, tag
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
        assert "style" not in tag.attrs, tag
        classes = tag.get("class") or []
        assert not [c for c in classes if "celltag" in c or c in ("navbar-fixed-top", "fake", "hidden")], tag
        for attribute in ("href", "src", "action", "data", "srcdoc"):
            value = (tag.get(attribute) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:")), tag
            if value.startswith("data:"):  # only real figures: other URLs the policy blocks
                assert tag.name == "img" and attribute == "src", tag
                assert re.fullmatch(r"data:image/(png|jpeg);base64,[a-z0-9+/]+=*", value), tag
                assert tag.get("src").split(",")[1] in (PNG, JPEG), f"not a real image: {tag}"
        for attribute in ("width", "height"):
            assert re.fullmatch(r"\d*", tag.get(attribute, "")), tag
    assert not RAN.search(page)


def assert_honest_parts_shown(page):
    soup = BeautifulSoup(page, "html.parser")
    text = " ".join(soup.body.get_text(" ").split())
    for words in ("Honest heading", "strong words", "honest cell", "dJ/dW3 has shape (2, 6)",
                  "Score: 0.0 / 2.0"):
        assert words in text, words
    equation = soup.body.find("math")  # drawn on the grader (course/equations.py)
    assert equation is not None and equation.find("mfrac") is not None and "$" not in text
    figure = soup.body.find("img", src=f"data:image/png;base64,{PNG}", width="400")
    assert figure is not None and figure.get("alt")
    assert [td.get_text() for td in soup.body.find_all("td")][:3] == ["1", "2", "honest cell"]


@pytest.fixture(scope="module")
def baseline(feedback):
    return template_scripts(render(feedback(), honest_notebook()))


def test_the_sanitiser_is_the_last_feedback_step():
    steps = nbgrader_setup.course_config().GenerateFeedback.preprocessors
    assert steps[-1] is SanitiseFeedback


def test_an_honest_page_keeps_its_text_table_link_and_figure(feedback, baseline):
    page = render(feedback(), honest_notebook())
    assert_safe(page, baseline)
    assert_honest_parts_shown(page)
    assert BeautifulSoup(page, "html.parser").body.find("a", href="https://example.org")
    assert not [script for script in baseline if "mathjax" in script.lower()], baseline


@pytest.mark.filterwarnings("ignore:No lexer found")  # a hostile pygments_lexer: plain text
@pytest.mark.parametrize("vector, variant, change", CASES, ids=[f"{v}-{i}" for v, i, _ in CASES])
def test_a_hostile_submission_renders_without_its_scripts(feedback, baseline, vector, variant, change):
    nb, name = hostile_notebook(change)
    page = render(feedback(), nb, name)
    assert_safe(page, baseline)
    assert_honest_parts_shown(page)


def test_outputs_without_a_safe_type_leave_their_text_or_a_note(feedback):
    page = render(feedback(), v4.new_notebook(cells=[c for c in VECTORS["svg"] + VECTORS["javascript"]]))
    text = BeautifulSoup(page, "html.parser").body.get_text(" ")
    assert text.count(PLAIN_FALLBACK) == 2 and text.count(NOT_SHOWN) == 6


def test_stream_and_error_text_is_escaped_by_the_template_itself(feedback):
    """The template escapes code, stream text and tracebacks itself: check it, unsanitised."""
    nb = v4.new_notebook(cells=ESCAPED_BY_TEMPLATE)
    stock = render(feedback(HTMLExporter, sanitise=False), nb)
    soup = BeautifulSoup(stock, "html.parser")
    assert not soup.body.find_all(["script", "img"])
    text = soup.body.get_text()
    assert text.count("<script>") == 3 and text.count("<img src=x") == 1


@pytest.mark.parametrize("path", sorted(SOURCE.glob("*/*.ipynb")), ids=lambda p: p.parent.name)
def test_every_instructor_markdown_cell_keeps_its_text(feedback, path):
    exporter = feedback()
    for cell in notebooks.read(path).cells:
        if cell.cell_type == "markdown":
            context = {"cell": cell, "resources": {}}
            before = equations.render(HTMLExporter.markdown2html(exporter, context, cell.source))
            after = exporter.markdown2html(context, cell.source)
            text = [" ".join(BeautifulSoup(h, "html.parser").get_text().split()) for h in (before, after)]
            assert text[0] == text[1], cell.source[:80]


def chromium_dom(page, tmp_path):
    """Open `page` in headless Chromium; return the DOM once loaded and its console output."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "this test needs Debian's chromium (.ci/run installs it)"
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "page.html"
    path.write_text(page)
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                           "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def every_vector():
    nb = honest_notebook()
    for vector, _, change in CASES:
        if is_cell(change):
            nb.cells.append(copy.deepcopy(change))
    return nb


@pytest.mark.filterwarnings("ignore:Your element with mimetype")  # stock nbconvert, on a widget
def test_a_hostile_page_runs_no_student_script_in_chromium(feedback, tmp_path):
    nb = every_vector()
    stock, _ = chromium_dom(render(feedback(HTMLExporter, sanitise=False), nb), tmp_path / "stock")
    assert RAN.search(stock), "the probe is dead: stock nbconvert should have run a student script"
    dom, console = chromium_dom(render(feedback(), nb), tmp_path / "ours")
    assert not RAN.search(dom)
    assert "Score: 0.0 / 2.0" in dom and "honest cell" in dom
    assert f'src="data:image/png;base64,{PNG}"' in dom
    assert "Loading the image 'data:" not in console, "the policy blocked a figure"


def test_the_policy_alone_stops_a_script_that_got_past_the_sanitiser(feedback, tmp_path):
    """With the page's own head script allowed by its hash, an injected one is blocked."""
    head_script = "<script>\n    document.title = 'template ran';\n</script>"  # hashed as it is
    page = render(feedback(), honest_notebook()).replace("</head>", head_script + "</head>", 1)
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    page = with_content_security_policy(page).replace(
        "<body>", f'<body><script>{RUN}</script><img src="x" onerror="{html.escape(RUN)}">', 1)
    dom, console = chromium_dom(page, tmp_path)
    assert "<title>template ran</title>" in dom
    assert not RAN.search(dom)
    assert "violates the following Content Security Policy" in console


def test_attached_images_show_only_when_they_are_real_pngs_or_jpegs(feedback):
    cell = markdown("![photo](attachment:photo.png) ![bad](attachment:bad.svg) ![fake](attachment:fake.png)")
    cell.attachments = {"photo.png": {"image/png": PNG},
                        "bad.svg": {"image/svg+xml": base64.b64encode(f"<svg onload=\"{RUN}\"/>".encode()).decode()},
                        "fake.png": {"image/png": f'AAAA" onerror="{RUN}'}}
    page = render(feedback(), v4.new_notebook(cells=[cell]))
    images = BeautifulSoup(page, "html.parser").body.find_all("img")
    assert [img.get("alt") for img in images] == ["photo", "bad", "fake"]
    assert [img.get("src") for img in images] == [f"data:image/png;base64,{PNG}", None, None]


def test_the_policy_names_only_https_script_urls_it_can_quote():
    head = ('<script src="https://cdn.example/lib/a.js?config=x,Safe;y"> </script>'
            '<script src="http://cdn.example/b.js"></script>'
            "<script src=\"https://cdn.example/c'.js\"></script>")
    script_src = content_security_policy(head).split("script-src ")[1].split(";")[0]
    assert script_src == "https://cdn.example/lib/a.js"


def test_equations_are_drawn_as_mathml_and_code_is_left_alone():
    """course/equations.py runs MathJax (node, npm's mathjax-full) on the grader: a page needs
    no script and no network to show its equations."""
    from course import equations
    page = ("<p>The slope $\\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))$ peaks at $z = 0$:</p>"
            "<p>$$\\frac{\\partial C}{\\partial W^{(3)}} = \\delta^{(3)} a^{(2)\\mathsf T}$$</p>"
            "<pre><code>cost = np.sum((a3 - y) ** 2) / N  # $not math$</code></pre>"
            "<p>It costs 5$ and 6$ to print.</p>")
    drawn = equations.render(page)
    assert drawn.count("<math") == 3, drawn
    assert 'display="block"' in drawn and "$\\sigma" not in drawn and "$$" not in drawn
    assert "# $not math$</code>" in drawn and "5$ and 6$" in drawn


def test_equations_never_carry_links_or_styles_and_broken_tex_stays_text():
    """The TeX comes from students: MathJax is given no package that makes links, ids, classes
    or styles, and a formula it cannot read is shown as MathJax's error, never as markup."""
    from course import equations
    drawn = equations.render("<p>$\\href{javascript:alert(1)}{x}$ $\\style{position:fixed}{y}$ "
                             "$\\class{banner}{z}$ $\\frac{$</p>")
    assert drawn.count("<math") == 4
    assert not re.search(r"\s(href|style|class|id)=", drawn) and "javascript:" not in drawn, drawn
    assert equations.mathml("x" * (equations.LONGEST + 1), False) is None


def test_without_node_the_tex_stays_as_it_was(monkeypatch):
    from course import equations
    broken = equations.Converter()
    broken.broken = True
    monkeypatch.setattr(equations, "_converter", lambda: broken)
    equations.mathml.cache_clear()
    try:
        assert equations.render("<p>$a + b$</p>") == "<p>$a + b$</p>"
    finally:
        equations.mathml.cache_clear()


def test_a_notebook_exported_to_html_shows_its_equations_offline(tmp_path):
    """`python -m course html`: nbconvert's page with every markdown formula drawn as MathML."""
    from course.equations import export_html, render_markdown
    page = export_html(SOURCE / "03-backprop" / "backprop.ipynb", tmp_path).read_text()
    text = BeautifulSoup(page, "html.parser").body.get_text(" ")
    assert page.count("<math") > 20 and "\\frac" not in text and "$$" not in text
    kept = render_markdown("```python\ncost = '$x$'\n```\nand `$y$` but $z$")
    assert "'$x$'" in kept and "`$y$`" in kept and kept.count("<math") == 1
