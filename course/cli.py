"""Grader side: the instructor's command line: `python -m course {release,grade,report,html,similarity,demo}`."""
import argparse
import sys

from . import ROOT


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    rel = commands.add_parser("release", help="regenerate release/ from source/ with nbgrader")
    rel.add_argument("assignments", nargs="*", help="default: every assignment in source/")
    rel.add_argument("--check", action="store_true",
                     help="regenerate into a temporary folder and fail if release/ differs")

    grd = commands.add_parser("grade", help="autograde SUBMITTED/<student>/<assignment>/*.ipynb")
    grd.add_argument("submitted", help="folder of submissions")
    grd.add_argument("--out", help="write the gradebook, autograded copies, feedback and CSVs "
                                   "here (default: the course folder itself)")
    grd.add_argument("--assignment", action="append", dest="assignments", metavar="A",
                     help="grade only this assignment (repeatable)")
    grd.add_argument("--timeout", type=int, help="seconds per cell (default: nbgrader's 30)")
    grd.add_argument("--jobs", type=int, help="submissions graded at once (default: one per core)")
    grd.add_argument("--sandbox", choices=("auto", "on", "off"), default="auto",
                     help="run each kernel in a bubblewrap sandbox (default: where it works)")
    grd.add_argument("--force", action="store_true",
                     help="grade again the submissions an earlier run already graded")
    grd.add_argument("--db", help="the gradebook: a database URL such as "
                                  "postgresql://user@host/db (default: OUT/gradebook.db, SQLite)")
    grd.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                     help="grade on this Dask scheduler's workers (default: local processes)")

    rep = commands.add_parser("report", help="summaries, pass rates, common mistakes and plots "
                                             "of a graded cohort, from its gradebook")
    rep.add_argument("--out", help="the course folder that was graded (default: the course itself)")
    rep.add_argument("--db", help="the gradebook's URL, when it is not OUT/gradebook.db")

    htm = commands.add_parser("html", help="export notebooks to HTML with their equations drawn "
                                           "(MathML: readable offline, no MathJax from a CDN)")
    htm.add_argument("notebooks", nargs="+", help="notebook files")
    htm.add_argument("--out", help="folder for the pages (default: beside each notebook)")

    sim = commands.add_parser("similarity", help="pairs of students whose answers are alike, "
                                                 "per graded function (instructors only)")
    sim.add_argument("assignments", nargs="*", help="default: every assignment graded")
    sim.add_argument("--out", help="the course folder that was graded; reads OUT/autograded, "
                                   "writes OUT/similarity (default: the course itself)")
    sim.add_argument("--from", dest="source_folder", metavar="FOLDER",
                     help="read FOLDER/<student>/<assignment>/*.ipynb instead of OUT/autograded")
    sim.add_argument("--threshold", type=float, help="score that flags a pair (default 0.92)")
    sim.add_argument("--jobs", type=int, help="processes comparing at once (default: one per core)")

    demo = commands.add_parser("demo", help="release, grade a sample cohort, show the results")
    demo.add_argument("--out", default=str(ROOT / "demo-output"))

    args = parser.parse_args(argv)
    if args.command == "release":
        from . import release
        if args.check:
            stale = release.check(args.assignments)
            for path in stale:
                print(f"out of date: {path}")
            print("release/ is current" if not stale else
                  "run `python -m course release` and commit the result")
            return 1 if stale else 0
        release.release(args.assignments)
        print("release/ regenerated")
        return 0
    if args.command == "grade":
        from .grade import grade
        records = grade(args.submitted, out=args.out, names=args.assignments, timeout=args.timeout,
                        jobs=args.jobs, sandbox=args.sandbox, db=args.db,
                        scheduler=args.scheduler, force=args.force)
        counts = {s: sum(r.status == s for r in records) for s in ("graded", "missing", "failed")}
        print(", ".join(f"{n} {s}" for s, n in counts.items()) + f" ({len(records)} submissions)")
        return _report(args.out or ROOT, args.db)
    if args.command == "report":
        return _report(args.out or ROOT, args.db)
    if args.command == "html":
        from .equations import export_html
        for path in args.notebooks:
            print(export_html(path, args.out))
        return 0
    if args.command == "similarity":
        from . import similarity
        written = similarity.run(args.assignments, out=args.out, source_folder=args.source_folder,
                                 threshold=args.threshold or similarity.THRESHOLD, jobs=args.jobs)
        for assignment, (csv_path, html_path, flagged) in written.items():
            print(f"{assignment}: {flagged} pairs flagged: {csv_path}, {html_path}")
        return 0
    if args.command == "demo":
        from . import demo
        demo.run(args.out)
        return 0
    return 2


def _report(course, db):
    from . import report
    folder, text = report.write(course, db)
    print(text)
    print(f"reports: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
