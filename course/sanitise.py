"""Grader side: cleans a graded notebook so that its feedback page shows the
submission but can never run any of it.

Everything in a submitted notebook comes from the student and is hostile: markdown and raw
cells, every output (a kernel that runs the student's code can send any mime bundle and any
metadata), cell and notebook metadata. nbconvert's templates paste much of it into the page
as it is. `SanitiseFeedback`, the last of the feedback preprocessors, leaves in the notebook
only what the feedback template renders safely, and cleans the HTML it keeps; the feedback
exporter (course/feedback_page.py) cleans rendered markdown with `clean_markdown_html`.
(nbconvert validates the notebook after every preprocessor, so values the nbformat schema
forbids, such as a string execution count, stop the page before they reach it.)

The HTML goes through nh3, the Python binding of the Rust sanitiser ammonia: it is actively
maintained (bleach, the other choice, is deprecated), fast (it parses with html5ever, as a
browser does, in compiled code) and allowlist-based: what is not listed is dropped.
"""
import base64
import binascii
import html
import re

import nbformat
import nh3
from nbgrader.preprocessors import NbGraderPreprocessor

# The tags both cleaners keep: text, lists, tables, code, links and images. No script, style,
# iframe, object, embed, form, input, svg or math; nothing positioned or styled by the student.
TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div",
        "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
        "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"}
# No style, class, id or on* attribute anywhere; numbers only where a number is meant.
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "ol": {"start"}}
NUMERIC = {"width", "height", "colspan", "rowspan", "start"}
DROP_WITH_CONTENT = {"script", "style", "template"}  # their text is never shown either
IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
NOT_SHOWN = "[output not shown in feedback]"
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_IMAGE_DATA_URL = re.compile(r"data:(image/(?:png|jpeg));base64,(.*)", re.S)
_GRADE_FLAGS = ("grade", "solution", "locked", "task")


def valid_image(data, mime):
    """Return `data` (base64, newlines allowed) without newlines if it strictly is base64 of
    an image of type `mime`, else None."""
    if isinstance(data, list):
        data = "".join(data)
    if not isinstance(data, str):
        return None
    data = data.replace("\n", "")
    if not _BASE64.fullmatch(data):
        return None
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if raw.startswith(IMAGE_MAGIC[mime]) else None


def _attribute(tag, name, value, data_images):
    if name in NUMERIC:
        return value if re.fullmatch(r"\d{1,5}", value.strip()) else None
    if value.strip().lower().startswith("data:"):
        found = data_images and tag == "img" and name == "src" and _IMAGE_DATA_URL.fullmatch(value)
        return value if found and valid_image(found[2], found[1]) else None
    return value


# Outputs: links and images only to http(s) and mailto, no relative URL, no data: URL.
_OUTPUT_CLEANER = nh3.Cleaner(
    tags=TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes=ATTRIBUTES,
    url_schemes={"http", "https", "mailto"}, url_relative="deny",
    attribute_filter=lambda tag, name, value: _attribute(tag, name, value, False))
# Markdown: relative links (a heading's #anchor, a file beside the notebook) and images
# attached to the cell (data:image/png or jpeg, strictly base64) as well.
_MARKDOWN_CLEANER = nh3.Cleaner(
    tags=TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes=ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "data"},
    attribute_filter=lambda tag, name, value: _attribute(tag, name, value, True))


def clean_output_html(text):
    """Return the HTML of an output (or a raw cell) with only the allowlisted tags and attributes."""
    return _OUTPUT_CLEANER.clean(text)


def clean_markdown_html(text):
    """Return rendered markdown with only the allowlisted tags and attributes (math, left as
    `$...$` text for MathJax, is text and passes unchanged)."""
    return _MARKDOWN_CLEANER.clean(text)


class SanitiseFeedback(NbGraderPreprocessor):
    """Keep only what the feedback template renders safely; run it after every other step."""

    def preprocess(self, nb, resources):
        nb.metadata = _notebook_metadata(nb.metadata)
        nb.cells = [cell for cell in nb.cells if cell.get("cell_type") in ("code", "markdown", "raw")]
        grading = resources.get("nbgrader", {})
        if isinstance(grading.get("notebook"), str):  # pasted into <title> and <h4> unescaped
            grading["notebook"] = html.escape(grading["notebook"])
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        cell.metadata = _cell_metadata(cell.metadata)
        cell.source = _text(cell.get("source", ""))
        if cell.cell_type == "code":
            cell.outputs = [_output(output) for output in cell.get("outputs", [])]
            cell.outputs = [output for output in cell.outputs if output]
        elif cell.cell_type == "markdown" and "attachments" in cell:
            cell.attachments = {name: _attachment(bundle) for name, bundle in cell.attachments.items()}
        elif cell.cell_type == "raw":  # the template renders raw cells as HTML
            cell.source = clean_output_html(cell.source)
        return cell, resources


def _output(output):
    """Return a safe copy of one output, or None to drop it."""
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") in ("stdout", "stderr"):
        safe = {"name": output["name"], "text": _text(output.get("text"))}
    elif kind == "error":  # the template shows only the traceback, escaped by ansi2html
        safe = {"ename": _text(output.get("ename")), "evalue": _text(output.get("evalue")),
                "traceback": [_text(line) for line in output.get("traceback") or []]}
    elif kind in ("execute_result", "display_data"):
        data = _mime_bundle(output.get("data") or {})
        safe = {"data": data, "metadata": _output_metadata(output.get("metadata"), data)}
        if kind == "execute_result":
            safe["execution_count"] = output.get("execution_count")
    else:
        return None
    return nbformat.from_dict({"output_type": kind, **safe})


def _mime_bundle(data):
    """Keep text, strictly valid PNG and JPEG images and cleaned HTML; a note if nothing is left."""
    safe = {}
    for mime in ("image/png", "image/jpeg"):
        image = valid_image(data.get(mime), mime) if mime in data else None
        if image:
            safe[mime] = image
    if "text/html" in data:
        cleaned = clean_output_html(_text(data["text/html"]))
        if cleaned.strip():
            safe["text/html"] = cleaned
    if "text/plain" in data:
        safe["text/plain"] = _text(data["text/plain"])
    if not safe:
        safe["text/plain"] = NOT_SHOWN
    return safe


def _output_metadata(metadata, data):
    """Keep only integer widths and heights, for all images or per image type (the template
    pastes them into the page unquoted)."""
    metadata = metadata if isinstance(metadata, dict) else {}
    safe = _size(metadata)
    for mime in IMAGE_MAGIC:
        if mime in data and isinstance(metadata.get(mime), dict) and _size(metadata[mime]):
            safe[mime] = _size(metadata[mime])
    return safe


def _size(metadata):
    return {key: metadata[key] for key in ("width", "height")
            if _is_int(metadata.get(key)) and metadata[key] >= 0}


def _cell_metadata(metadata):
    """Keep nbgrader's metadata (known keys, plain values) and the editable/deletable flags."""
    safe = {key: metadata[key] for key in ("editable", "deletable")
            if isinstance(metadata.get(key), bool)}
    grading = metadata.get("nbgrader")
    if isinstance(grading, dict):
        safe["nbgrader"] = _nbgrader_metadata(grading)
    return nbformat.from_dict(safe)


def _nbgrader_metadata(grading):
    safe = {key: grading[key] for key in _GRADE_FLAGS if isinstance(grading.get(key), bool)}
    for key in ("points", "score"):
        if key in grading and (grading[key] is None or _is_number(grading[key])):
            safe[key] = grading[key]
    if _is_int(grading.get("schema_version")):
        safe["schema_version"] = grading["schema_version"]
    if isinstance(grading.get("grade_id"), str):  # pasted into href="#..." and <code> unescaped
        safe["grade_id"] = html.escape(grading["grade_id"])
    if isinstance(grading.get("comment"), str):  # rendered through the cleaned markdown filter
        safe["comment"] = grading["comment"]
    return safe


def _notebook_metadata(metadata):
    """Keep the kernelspec and language_info, with plain string values only."""
    safe = {}
    for key in ("kernelspec", "language_info"):
        if isinstance(metadata.get(key), dict):
            safe[key] = {k: v for k, v in metadata[key].items() if isinstance(v, str)}
    return nbformat.from_dict(safe)


def _attachment(bundle):
    """An attached image kept only as strictly valid PNG or JPEG; else text that shows nothing."""
    for mime in IMAGE_MAGIC:
        image = valid_image(bundle.get(mime), mime) if isinstance(bundle, dict) else None
        if image:
            return {mime: image}
    return {"text/plain": ""}  # still an attachment, so the markdown renders; its data: URL is cleaned away


def _text(value):
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
