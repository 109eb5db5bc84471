"""Feedback pages, rendered without nbconvert's second pass over the whole page.

nbconvert's HTMLExporter renders a page, then parses all of it again with BeautifulSoup, to
give images without alt text a placeholder one and to make the cells of its lab template
focusable. A feedback page inlines some 300 kB of CSS, so that pass is 40% of the page's
cost, paid once per submission. nbgrader's feedback template is the classic one, which has no
lab cells: only the alt text is left to add, and this exporter adds it to the rendered text.
"""
import contextlib
import re

import nbconvert.exporters.html as html_module
from nbconvert.exporters import HTMLExporter

ALT = "No description has been provided for this image"  # nbconvert's own placeholder
IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.I)


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


class FeedbackExporter(HTMLExporter):
    """HTMLExporter for feedback pages: the same page, images given alt text directly."""

    def from_notebook_node(self, nb, resources=None, **kw):
        with _no_second_pass():
            page, resources = super().from_notebook_node(nb, resources, **kw)
        return IMAGE_WITHOUT_ALT.sub(f'<img alt="{ALT}"', str(page)), resources
