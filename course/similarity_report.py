"""Grader side: the similarity report's HTML page, for instructors: pairs ranked, answers side by side, the score plot.

Every piece of student text is escaped (markupsafe) before it enters the page, the page loads
nothing from outside (the plot is a PNG in a data: URI, the style is inline) and its
Content-Security-Policy forbids scripts, so student code can only ever show as text.
"""
import base64
import io
from pathlib import Path

from markupsafe import escape

from .similarity import PREFILTER

STYLE = """body{font-family:sans-serif;margin:1.5em;max-width:120em}
table.pair{border-collapse:collapse;width:100%;table-layout:fixed;margin-bottom:1.5em}
table.pair td{vertical-align:top;border:1px solid #ccc;padding:.3em;width:50%}
pre{white-space:pre-wrap;font-size:.85em;margin:0}
mark{background:#ffd36b}
table.ranked{border-collapse:collapse}table.ranked td,table.ranked th{border:1px solid #ccc;padding:.2em .5em}
.flag{color:#a00;font-weight:bold}"""

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
SHOWN = 50  # pairs shown side by side per function (the CSV has every compared pair)


def plot_png(scores, threshold, title):
    """A PNG (bytes) of the distribution of pair scores with the threshold marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=90)
    ax.hist(scores or [0.0], bins=40, range=(0, 1), color="#4878a8", label="pairs of students")
    ax.axvline(threshold, color="#c03030", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.set_yscale("log")
    ax.set_xlabel("similarity score (share of fingerprinted code in common)")
    ax.set_ylabel("pairs (log scale)")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def marked(source, slices):
    """The source as escaped HTML with the matching fragments in <mark>."""
    if slices is None or len(slices) == 0 or len(slices[0]) == 0:
        return str(escape(source))
    out, at = [], 0
    for start, end in sorted(zip((int(s) for s in slices[0]), (int(e) for e in slices[1]))):
        start, end = max(start, at), min(end, len(source))
        if end <= start:
            continue
        out.append(str(escape(source[at:start])))
        out.append("<mark>" + str(escape(source[start:end])) + "</mark>")
        at = end
    out.append(str(escape(source[at:])))
    return "".join(out)


def write_html(path, assignment, results, threshold, students):
    """Write the page for one assignment; return its path."""
    from .similarity import line_ranges
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    every = [p for pairs in results.values() for p in pairs]
    flagged = sorted((p for p in every if p.flagged), key=lambda p: -p.score)
    png = plot_png([p.score for p in every], threshold, f"{assignment}: every compared pair")
    e = escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        f"<title>Similarity: {e(assignment)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Similarity report: {e(assignment)}</h1>",
        f"<p>{students} students; {len(every)} pairs scored (pairs that share at least {PREFILTER:.0%} of "
        "their fingerprints, the release's and the cohort's common code aside); <span class='flag'>"
        f"{len(flagged)} pairs at or above the threshold {threshold:.2f}</span>. For instructors "
        "only: a high score says two answers share their code (names, comments and layout "
        "aside), not who copied or whether it was allowed.</p>",
        f"<img alt='Distribution of pair scores with the threshold marked' "
        f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>",
        "<h2>Pairs ranked</h2><table class='ranked'><tr><th>#</th><th>function</th>"
        "<th>student A</th><th>student B</th><th>score</th><th>lines A</th><th>lines B</th></tr>",
    ]
    ranked = flagged or sorted(every, key=lambda p: -p.score)[:20]
    for n, p in enumerate(ranked, 1):
        parts.append(f"<tr><td><a href='#pair{n}'>{n}</a></td><td>{e(p.function)}</td>"
                     f"<td>{e(p.a.student)}</td><td>{e(p.b.student)}</td><td>{p.score:.2f}</td>"
                     f"<td>{e(line_ranges(p.a.source, p.slices_a))}</td>"
                     f"<td>{e(line_ranges(p.b.source, p.slices_b))}</td></tr>")
    parts.append("</table>")
    if not flagged:
        parts.append("<p>No pair reaches the threshold; the highest-scoring pairs are listed "
                     "above and shown below.</p>")
    parts.append("<h2>Side by side</h2>")
    for n, p in enumerate(ranked[:SHOWN * max(len(results), 1)], 1):
        parts.append(
            f"<h3 id='pair{n}'>#{n} {e(p.function)} ({e(p.notebook)}): {e(p.a.student)} and "
            f"{e(p.b.student)}, score {p.score:.2f} ({p.score_a:.2f} / {p.score_b:.2f}), "
            f"{p.shared} tokens in common</h3><table class='pair'><tr>"
            f"<td><b>{e(p.a.student)}</b><pre>{marked(p.a.source, p.slices_a)}</pre></td>"
            f"<td><b>{e(p.b.student)}</b><pre>{marked(p.b.source, p.slices_b)}</pre></td>"
            "</tr></table>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts))
    return path
