"""Grader side: which answers look copied: pairs of students whose graded answers are alike, per function.

`python -m course similarity [ASSIGNMENT...] [--out DIR]` reads the autograded copies of a
grade run (DIR/autograded/<student>/<assignment>/<notebook>.ipynb: what was graded, after the
grader's checks, under the names the gradebook knows) and writes DIR/similarity/<assignment>.csv
and .html. Nothing goes to feedback/: the report is for instructors only.

What is compared is only what students wrote: each graded answer cell (by grade_id) and each
worked example a student edited (a plain code cell whose source differs from the release).
normalise() turns an answer into copydetect's filtered code: the names a student can rename
(arguments, locals) become V, strings S, comments and whitespace go, globals and attributes
stay. copydetect then takes k-grams of it (every one: WINDOW 1), removes the boilerplate and
compares pairs, giving the matched slices. Two kinds of fingerprints are boilerplate: those of
the released cell (starter code, the worked example as given) and those found in more than
half of the cohort's answers to that function (code everyone writes the same way).

A pair's score is the share of each answer's fingerprinted code that the other one holds,
averaged over the two; a pair is flagged when the score reaches the threshold and the shared
code is long enough to mean something (MIN_TOKENS characters of filtered code), so a one-line
function written alike by two students flags nobody. One sparse product counts the
fingerprints every pair shares, and only pairs sharing PREFILTER of them are scored.
"""
import csv
import functools
import hashlib
import io
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import RELEASE, ROOT, notebooks

K = 8             # k-gram length, in characters of the filtered code
WINDOW = 1        # winnowing window: 1 keeps every k-gram (answers are short; scores do not hang on which are picked)
THRESHOLD = 0.92  # default score that flags a pair: above every pair of the corpora's independent solutions (0.90 at most)
MIN_TOKENS = 40   # shared filtered characters below which a pair is never flagged
COMMON_SHARE = 0.5  # a fingerprint in more than this share of a function's answers is common
PREFILTER = 0.35  # pairs sharing less than this share of their fingerprints are not scored (the score tracks it closely)
MIN_COHORT = 10   # below this many answers, nothing is common (no majority to speak of)


@dataclass
class Answer:
    """One student's code for one graded function (or edited worked example)."""
    student: str
    notebook: str
    function: str
    source: str
    fingerprint: object = None


@dataclass
class Pair:
    function: str
    notebook: str
    a: Answer
    b: Answer
    score: float
    score_a: float
    score_b: float
    shared: int
    slices_a: np.ndarray = field(repr=False, default=None)
    slices_b: np.ndarray = field(repr=False, default=None)
    flagged: bool = False


def released_cells(assignment, release=RELEASE):
    """{notebook: {function: released source}} of the cells students write in: answer cells
    by grade_id and editable plain code cells (worked examples) by the function they define."""
    out = {}
    for path in sorted((Path(release) / assignment).glob("*.ipynb")):
        nb = notebooks.read(path)
        cells = {}
        for cell in nb.cells:
            if cell.get("cell_type") != "code":
                continue
            if notebooks.nbgrader(cell).get("solution"):
                cells[notebooks.grade_id(cell)] = cell.source
            else:
                for name in notebooks.defined_names(cell):
                    if notebooks.defines(cell, name):
                        cells.setdefault(name, cell.source)
        out[path.stem] = cells
    return out


def answers_of(student, notebook, nb, released):
    """The Answers of one student's notebook: answer cells always, worked examples only when
    edited (an unchanged one is the release's code, not the student's)."""
    out = []
    for function, given in released.items():
        cell = next((c for c in nb.cells if notebooks.defines(c, function)), None)
        if cell is None:
            continue
        solution = notebooks.nbgrader(cell).get("solution")
        if not solution and cell.source.strip() == given.strip():
            continue
        out.append(Answer(student, notebook, function, cell.source))
    return out


def collect(folder, assignment, release=RELEASE):
    """{(notebook, function): [Answer]} from folder/<student>/<assignment>/<notebook>.ipynb,
    and the released sources {(notebook, function): source}."""
    released = released_cells(assignment, release)
    found = defaultdict(list)
    for student_dir in sorted(p for p in Path(folder).iterdir() if p.is_dir() and not p.is_symlink()):
        for notebook, cells in released.items():
            path = student_dir / assignment / f"{notebook}.ipynb"
            if not path.is_file() or path.is_symlink():
                continue
            try:
                nb = notebooks.read(path)
            except Exception:  # noqa: BLE001 - an unreadable notebook has nothing to compare
                continue
            for answer in answers_of(student_dir.name, notebook, nb, cells):
                found[(notebook, answer.function)].append(answer)
    given = {(nb, f): src for nb, cells in released.items() for f, src in cells.items()}
    return dict(found), given


def local_names(source):
    """The names a cell binds inside its functions (arguments, assigned names, loop and
    comprehension variables): the ones a student can rename freely. Globals of the notebook,
    modules and attributes (np.sum, W3, d_sigma) stay as written, because a copier cannot
    rename them and they tell independent answers apart."""
    import ast
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            args = node.args
            names.update(a.arg for a in args.posonlyargs + args.args + args.kwonlyargs)
            names.update(a.arg for a in (args.vararg, args.kwarg) if a)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return names - functions


@functools.lru_cache(maxsize=65536)
def normalise(source):
    """copydetect's filtered code for one answer, with its offsets (copydetect's format): the
    cell's local names become V, strings S, comments and whitespace go; other names stay.
    Falls back on copydetect's own filter (every name V) for code that does not parse."""
    from copydetect.utils import filter_code
    from pygments import lexers, token
    local = local_names(source)
    if local is None:
        return filter_code(source, "answer.py", "python")
    out, offset, offsets = [], 0, [[0, 0]]
    length = 0
    for kind, text in lexers.get_lexer_by_name("python").get_tokens(source):
        if kind in token.Name and text in local:
            out.append("V")
            length += 1
            offsets.append([length - 1, offset])
            offset += len(text) - 1
        elif kind in token.Text or kind in token.Comment:
            offsets.append([length - 1, offset])
            offset += len(text)
        elif kind in token.Literal.String and text in ("'", '"'):
            out.append('"')
            length += 1
        elif kind in token.Literal.String:
            out.append("S")
            length += 1
            offsets.append([length - 1, offset])
            offset += len(text) - 1
        else:
            out.append(text)
            length += len(text)
    return "".join(out), np.array(offsets)


def _stable_kgram_hashes(text, k):
    """Hashes of every k-gram of `text` that are the same in every process (copydetect's
    hashed_kgrams uses Python's hash(), salted per process, so two runs would winnow
    different fingerprints and the report would change from run to run)."""
    return np.array([int.from_bytes(hashlib.blake2b(text[i:i + k].encode(), digest_size=8).digest(),
                                    "little", signed=True) for i in range(len(text) - k + 1)],
                    dtype=np.int64)


def _document_fingerprints(filtered, boilerplate):
    """copydetect's get_document_fingerprints, with stable hashes: (set of hashes, {hash:
    [indexes]}) after winnowing and removing `boilerplate`."""
    from copydetect.utils import winnow
    hashes = _stable_kgram_hashes(filtered, K)
    if len(hashes) == 0:
        return set(), {}
    hashes, idx = winnow(hashes, window_size=WINDOW, remove_duplicates=False)
    if boilerplate is not None and len(boilerplate) > 0:
        keep = ~np.isin(hashes, boilerplate)
        hashes, idx = hashes[keep], idx[keep]
    index = {}
    for h, i in zip(hashes.tolist(), idx.tolist()):
        index.setdefault(h, []).append(i)
    return set(index), index


def _fingerprint(source, boilerplate=None):
    """copydetect's fingerprint of an answer, from normalise()'s filtered code."""
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage
    filtered, offsets = normalise(source)
    fp = CodeFingerprint("answer.py", K, WINDOW, filter=False, fp=io.StringIO(""))
    fp.raw_code, fp.filtered_code, fp.offsets = source, filtered, offsets
    fp.hashes, fp.hash_idx = _document_fingerprints(filtered, boilerplate)
    fp.token_coverage = get_token_coverage(fp.hash_idx, K, len(filtered))
    return fp


def boilerplate(answers, released_source):
    """The fingerprints to ignore for one function: the release's, and the common ones."""
    ignored = set(_document_fingerprints(normalise(released_source)[0], None)[0]) if released_source else set()
    if len(answers) >= MIN_COHORT:
        counts = defaultdict(int)
        for answer in answers:
            for h in _document_fingerprints(normalise(answer.source)[0], None)[0]:
                counts[h] += 1
        ignored |= {h for h, n in counts.items() if n > COMMON_SHARE * len(answers)}
    return np.array(sorted(ignored), dtype=np.int64)


def compare_function(answers, released_source, threshold=THRESHOLD, min_tokens=MIN_TOKENS,
                     keep=None):
    """Every pair of `answers` that shares a fingerprint, scored, best first; `keep` bounds
    the unflagged pairs kept (for the plot and the CSV), flagged pairs are all kept."""
    from copydetect.detector import compare_files
    ignored = boilerplate(answers, released_source)
    for answer in answers:
        answer.fingerprint = _fingerprint(answer.source, ignored)
    candidates = _candidates(answers, threshold)
    pairs = []
    for i, j in candidates:
        a, b = answers[i], answers[j]
        if a.student == b.student:
            continue
        shared, (s_a, s_b), (sl_a, sl_b) = compare_files(a.fingerprint, b.fingerprint)
        s_a, s_b = min(float(s_a), 1.0), min(float(s_b), 1.0)
        score = (s_a + s_b) / 2
        pairs.append(Pair(a.function, a.notebook, a, b, score, s_a, s_b, int(shared), sl_a, sl_b,
                          bool(score >= threshold and shared >= min_tokens)))
    pairs.sort(key=lambda p: (-p.flagged, -p.score, p.a.student, p.b.student))
    if keep is not None:
        pairs = [p for p in pairs if p.flagged] + [p for p in pairs if not p.flagged][:keep]
    return pairs


def _candidates(answers, threshold):
    """Pairs (i, j) of answers whose shared fingerprints could reach the threshold: one sparse
    product (answers x fingerprints) counts what every pair shares, so only those pairs go
    through copydetect's exact comparison."""
    from scipy import sparse
    columns = {}
    rows, cols = [], []
    for i, answer in enumerate(answers):
        for h in answer.fingerprint.hashes:
            rows.append(i)
            cols.append(columns.setdefault(h, len(columns)))
    if not rows:
        return []
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                          shape=(len(answers), len(columns)))
    shared = sparse.triu(m @ m.T, k=1).tocoo()
    sizes = np.asarray(m.sum(axis=1)).ravel()
    share = (shared.data / sizes[shared.row] + shared.data / sizes[shared.col]) / 2
    keep = share >= PREFILTER
    return list(zip(shared.row[keep].tolist(), shared.col[keep].tolist()))


def _compare_one(job):
    answers, released, threshold, min_tokens, keep = job
    pairs = compare_function(answers, released, threshold, min_tokens, keep)
    for answer in answers:
        answer.fingerprint = None  # not needed past the comparison; lighter to send back
    return pairs


def compare(found, given, threshold=THRESHOLD, min_tokens=MIN_TOKENS, keep=None, jobs=None):
    """{(notebook, function): [Pair]} over an assignment's answers, the functions shared out
    among `jobs` processes (default: one per core)."""
    keys = sorted(found)
    work = [(found[k], given.get(k, ""), threshold, min_tokens, keep) for k in keys]
    jobs = min(jobs or os.cpu_count() or 1, len(work))
    if jobs <= 1:
        return dict(zip(keys, map(_compare_one, work)))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    # Largest first, so that one big function does not start last.
    order = sorted(range(len(work)), key=lambda i: -len(work[i][0]))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        results = dict(zip(order, pool.map(_compare_one, [work[i] for i in order])))
    return {keys[i]: results[i] for i in range(len(keys))}


def line_ranges(source, slices):
    """The 1-based line ranges of `source` that `slices` (starts, ends in characters) cover,
    as text: "2-5;8"."""
    if slices is None or len(slices) == 0 or len(slices[0]) == 0:
        return ""
    starts = [source.count("\n", 0, int(s)) + 1 for s in slices[0]]
    ends = [source.count("\n", 0, max(int(e) - 1, 0)) + 1 for e in slices[1]]
    merged = []
    for s, e in sorted(zip(starts, ends)):
        if merged and s <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return ";".join(f"{s}-{e}" if s != e else f"{s}" for s, e in merged)


CSV_FIELDS = ["assignment", "notebook", "function", "student_a", "student_b", "score",
              "score_a", "score_b", "shared_tokens", "flagged", "lines_a", "lines_b"]


def write_csv(path, assignment, results):
    """One row per compared pair, flagged ones first within each function."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_FIELDS)
        for (_notebook, _function), pairs in results.items():
            for p in pairs:
                writer.writerow([assignment, p.notebook, p.function, p.a.student, p.b.student,
                                 f"{p.score:.3f}", f"{p.score_a:.3f}", f"{p.score_b:.3f}",
                                 p.shared, int(p.flagged), line_ranges(p.a.source, p.slices_a),
                                 line_ranges(p.b.source, p.slices_b)])


def assignments_graded(autograded):
    return sorted({p.name for s in Path(autograded).iterdir() if s.is_dir() for p in s.iterdir()
                   if p.is_dir()})


def run(names=None, out=None, source_folder=None, threshold=THRESHOLD, keep=200, jobs=None):
    """Write similarity/<assignment>.csv and .html under `out` (default: the course folder)
    from `source_folder` (default: OUT/autograded). Returns {assignment: (csv, html, flagged)}."""
    from .similarity_report import write_html
    out = Path(out or ROOT)
    folder = Path(source_folder) if source_folder else out / "autograded"
    if not folder.is_dir():
        raise FileNotFoundError(f"no graded submissions in {folder}: run `course grade` first")
    written = {}
    for assignment in names or assignments_graded(folder):
        found, given = collect(folder, assignment)
        results = compare(found, given, threshold, keep=keep, jobs=jobs)
        target = out / "similarity"
        csv_path = target / f"{assignment}.csv"
        write_csv(csv_path, assignment, results)
        html_path = write_html(target / f"{assignment}.html", assignment, results, threshold,
                               students=len({a.student for v in found.values() for a in v}))
        flagged = sum(p.flagged for pairs in results.values() for p in pairs)
        written[assignment] = (csv_path, html_path, flagged)
    return written
