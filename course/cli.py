"""Grader side: the instructor's command line: `python -m course {release,grade,report,export,html,similarity,demo}`."""
import argparse
import os
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

    exp = commands.add_parser("export", help="write the gradebook as the CSV a learning-management "
                                             "system imports: Canvas's gradebook CSV, Moodle's grade CSV")
    exp.add_argument("--format", choices=("canvas", "moodle"), required=True)
    exp.add_argument("--roster", required=True, metavar="ROSTER.csv",
                     help="maps nbgrader's student ids to the LMS's (docs/roster-example.csv)")
    exp.add_argument("--out", help="the course folder that was graded (default: the course itself)")
    exp.add_argument("--db", help="the gradebook's URL, when it is not OUT/gradebook.db")
    exp.add_argument("--assignment", action="append", dest="assignments", metavar="A",
                     help="export only this assignment (repeatable; default: all, by name)")
    exp.add_argument("--to", help="the file to write (default: OUT/lms/<format>-grades.csv)")
    exp.add_argument("--canvas-assignment", action="append", default=[], metavar="A=ID",
                     help="Canvas's id of assignment A, so that Canvas matches the column by id")
    exp.add_argument("--moodle-id", choices=("email", "idnumber", "username"), default="email",
                     help="the roster column Moodle identifies users by (default: email)")
    exp.add_argument("--absent", choices=("blank", "zero"), default="blank",
                     help="scores of a roster student the gradebook does not know (default: blank, "
                          "reported as incomplete; zero: a student who submitted nothing all term)")
    exp.add_argument("--push", metavar="https://CANVAS", help="with --format canvas: post the "
                     "scores through Canvas's REST API (token in $CANVAS_TOKEN) instead of a file")
    exp.add_argument("--canvas-course", metavar="ID", help="the Canvas course's id, for --push")

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
    if args.command == "export":
        return _export(args)
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


def _export(args):
    """Write the LMS file; exit 0 when complete, 1 when anything is left out or blank (each named
    on stderr), 2 when the roster or an option makes a correct file impossible."""
    from .export import ExportError, export
    from .nbgrader_setup import course_config
    course = args.out or ROOT
    db_url = course_config(root=course, db=args.db).CourseDirectory.db_url
    to = args.to or f"{course}/lms/{args.format}-grades.csv"
    try:
        ids = dict(pair.split("=", 1) for pair in args.canvas_assignment)
    except ValueError:
        print(f"--canvas-assignment takes A=ID: {args.canvas_assignment}", file=sys.stderr)
        return 2
    try:
        if args.push:
            if args.format != "canvas" or not args.canvas_course or not os.environ.get("CANVAS_TOKEN"):
                raise ExportError("--push needs --format canvas, --canvas-course ID and $CANVAS_TOKEN")
            from .export import push_canvas
            done, _ = push_canvas(args.push, os.environ["CANVAS_TOKEN"], args.canvas_course,
                                  args.roster, db_url, ids, args.assignments, args.absent)
        else:
            done = export(args.format, args.roster, db_url, to, args.assignments, ids, args.moodle_id,
                          args.absent)
    except (ExportError, OSError) as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # canvasapi's CanvasException: refused token, unknown course
        if type(error).__module__.split(".")[0] != "canvasapi":
            raise
        print(f"export: Canvas answered: {error}", file=sys.stderr)
        return 2
    for line in done.notes:
        print(f"note: {line}", file=sys.stderr)
    for line in done.problems:
        print(f"incomplete: {line}", file=sys.stderr)
    print(f"{done.path or args.push}: {done.rows} student(s)" +
          (f"; {len(done.problems)} problem(s), listed above" if done.problems else ""))
    return 1 if done.problems else 0


def _report(course, db):
    from . import report
    folder, text = report.write(course, db)
    print(text)
    print(f"reports: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
