"""Grader side: feedback pages: rendered once, markdown sanitised, under a Content-Security-Policy.

nbconvert's HTMLExporter renders a page, then parses all of it again with BeautifulSoup, to
give images without alt text a placeholder one and to make the cells of its lab template
focusable. A feedback page inlines some 300 kB of CSS, so that pass is 40% of the page's
cost, paid once per submission. nbgrader's feedback template is the classic one, which has no
lab cells: only the alt text is left to add, and this exporter adds it to the rendered text.

A feedback page shows a stranger's notebook to an instructor, in the browser session that
holds formgrader. The grader's last preprocessor (course/sanitise.py) has cleaned outputs and
metadata; here rendered markdown goes through the same sanitiser as it leaves the template's
`markdown2html` filter (markdown is rendered once, and only its HTML is cleaned), and the page
gets a Content-Security-Policy as the first element of its head: nothing loads but inline
styles and data: images and fonts, and no script runs but the template's own head scripts.
The template's MathJax from a CDN is taken out: equations are drawn on the grader, as MathML
(course/equations.py), so they show offline and in JupyterLab's script-less HTML viewer.
"""
import base64
import contextlib
import hashlib
import re

import jinja2
import nbconvert.exporters.html as html_module
from nbconvert.exporters import HTMLExporter
from traitlets import default

from . import equations, notebooks, sanitise

ALT = "No description has been provided for this image"  # nbconvert's own placeholder
IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.I)
HEAD = re.compile(r"<head\b[^>]*>(.*?)</head>", re.I | re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
SCRIPT_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.I | re.S)
# A script URL allowed by the policy: https, no query (CSP ignores it) and nothing that the
# policy's own syntax (quotes, ';', ',', spaces) would read.
SAFE_SCRIPT_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::\d+)?/[A-Za-z0-9._~%/-]*")


class _RenderedPage(str):
    """Stands in for the parsed page: it selects nothing, and prints as it was rendered."""

    def __new__(cls, page, features=None):
        return super().__new__(cls, page)

    def select(self, selector):
        return []


@contextlib.contextmanager
def _no_second_pass():
    parser, html_module.BeautifulSoup = html_module.BeautifulSoup, _RenderedPage
    try:
        yield
    finally:
        html_module.BeautifulSoup = parser


def content_security_policy(head):
    """Return the policy for a page whose <head> contents are `head`: its scripts, inline
    (by sha256 hash) or from an https URL, are the only ones allowed to run."""
    scripts = []
    for attributes, body in SCRIPT.findall(head):
        src = SCRIPT_SRC.search(attributes)
        if src is None:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            scripts.append(f"'sha256-{digest}'")
        elif SAFE_SCRIPT_URL.fullmatch(url := re.split("[?#]", src[2])[0]):
            scripts.append(url)
    return "; ".join(["default-src 'none'", "img-src data:", "style-src 'unsafe-inline'",
                      "font-src data:", "script-src " + (" ".join(scripts) or "'none'"),
                      "base-uri 'none'", "form-action 'none'"])


def with_content_security_policy(page):
    """Return `page` with its Content-Security-Policy meta element first in its head."""
    head = HEAD.search(page)
    if head is None:
        raise ValueError("a feedback page without <head>: the template has changed")
    meta = (f'<meta http-equiv="Content-Security-Policy" '
            f'content="{content_security_policy(head[1])}">')
    return page[:head.start(1)] + meta + page[head.start(1):]


# The template's MathJax from a CDN: the equations are drawn already (course/equations.py).
MATHJAX_FROM_CDN = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
# nbgrader's table of contents calls every test cell "Test cell": name what each one grades.
CONTENTS_ENTRY = re.compile(r'(<a href="#)([^"]+)(">)(Test cell|Task|Written response|Coding free-response)(</a>)')
# A teaching message is one long line: wrap it rather than hide it behind a scrollbar.
WRAPPED_OUTPUTS = ("<style>div.output_subarea pre, div.output_area pre "
                   "{white-space: pre-wrap; overflow-wrap: anywhere; overflow-x: visible;}</style>")


def contents_labels(nb):
    """{grade_id: label} for the table of contents: "Test of J_W3", "Written answer: why W3
    is transposed"."""
    labels = {}
    for cell in nb.cells:
        gid = notebooks.grade_id(cell)
        if not gid:
            continue
        if notebooks.is_test(cell):
            function = notebooks.tested_function(gid, nb)
            labels[gid] = (f"Test of {function}" + (f" ({gid})" if gid != f"test_{function}" else "")
                           if function else f"Test {gid}")
        elif notebooks.is_written(cell):
            title = next((line for line in cell.source.splitlines() if line.startswith("#")), "")
            labels[gid] = "Written answer" + (f": {title.split(':', 1)[1].strip()}" if ":" in title else "")
    return labels


def with_named_contents(page, labels):
    """`page` with its table of contents naming what each graded cell grades."""
    import html
    return CONTENTS_ENTRY.sub(lambda m: m[1] + m[2] + m[3] + html.escape(labels.get(html.unescape(m[2]), m[4])) + m[5],
                              page)


class FeedbackExporter(HTMLExporter):
    """HTMLExporter for feedback pages: images given alt text directly, markdown sanitised,
    a Content-Security-Policy in the head."""

    @default("exclude_anchor_links")
    def _no_anchor_links(self):
        return True  # the sanitiser drops heading ids, so the ¶ links would lead nowhere

    @jinja2.pass_context
    def markdown2html(self, context, source):
        """Markdown to HTML as nbconvert renders it, cleaned by course/sanitise.py, with its
        equations drawn as MathML (course/equations.py)."""
        return equations.render(sanitise.clean_markdown_html(super().markdown2html(context, source)))

    def from_notebook_node(self, nb, resources=None, **kw):
        with _no_second_pass():
            page, resources = super().from_notebook_node(nb, resources, **kw)
        page = IMAGE_WITHOUT_ALT.sub(f'<img alt="{ALT}"', str(page))
        page = MATHJAX_FROM_CDN.sub("", with_named_contents(page, contents_labels(nb))).replace("</head>", WRAPPED_OUTPUTS + "</head>", 1)
        return with_content_security_policy(page), resources
