"""Grading many submissions: in parallel, resumed, after a crash, on Dask with PostgreSQL.

A small cohort (a perfect student, a typical mistake and an answer that loops, on one
assignment: the grading of many assignments at once is the cohort's, tests/conftest.py) is
graded once serially into SQLite; that run is the reference. Every other way of grading the
same cohort must give the same submissions.csv, grades.csv and gradebook contents.
"""
import csv
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from conftest import written_points
from course import ROOT, cohort, gradebook, notebooks

ASSIGNMENTS = ["03-backprop"]
SUBMISSIONS = 3 * len(ASSIGNMENTS)  # ada, ben and cy
TIMEOUT = "3"  # seconds per cell: the loops cost a few of these


def write_cohort(folder):
    for assignment in ASSIGNMENTS:
        nb_name = next(iter(cohort.release_notebooks(assignment)))
        best = cohort.perfect(assignment, nb_name)
        answers = [notebooks.grade_id(c) for c in best.cells if notebooks.nbgrader(c).get("solution")]
        mistake = next(c for c in cohort.load_cases(assignment)["CASES"] if c["expect"] == "loses")
        last = answers[-1]
        students = {
            "ada": best,
            "ben": cohort.substitute(best, mistake["cells"]),
            "cy": cohort.substitute(best, {last: f"def {last}(*args):\n    while True:\n        pass\n"}),
        }
        for student, nb in students.items():
            cohort.write_submission(folder, student, assignment, {nb_name: nb})


def grade(submitted, out, *options, wait=True, tmp=None):
    """Run `course grade`; with `tmp`, as its private temporary folder (TMPDIR)."""
    command = [sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out),
               "--timeout", TIMEOUT, *options]
    env = dict(os.environ, TMPDIR=str(tmp)) if tmp else None
    if not wait:
        # Ctrl-C must reach it even when this test runs where SIGINT is ignored (a background
        # job of a non-interactive shell), which children would inherit.
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True, env=env,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def results(out, db=None):
    """What a grading run produced: both CSVs and the gradebook's contents."""
    def rows(name):
        return sorted(map(tuple, csv.reader(open(out / name))))
    return rows("submissions.csv"), rows("grades.csv"), gradebook.dump(db or f"sqlite:///{out / 'gradebook.db'}")


@pytest.fixture(scope="module")
def submitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale") / "submitted"
    write_cohort(folder)
    return folder


@pytest.fixture(scope="module")
def serial(submitted):
    out = submitted.parent / "serial"
    grade(submitted, out, "--jobs", "1")
    return results(out)


def test_the_reference_run_graded_each_kind_of_student(serial):
    statuses = {(r[0], r[1]): r for r in serial[0][:-1]}
    for assignment in ASSIGNMENTS:
        ada, ben, cy = (statuses[(s, assignment)] for s in ("ada", "ben", "cy"))
        assert float(ada[3]) == float(ada[4]) - written_points(assignment)
        assert ada[5].startswith("all tests passed")
        assert float(ben[3]) < float(ben[4]) and "failed" in ben[5]
        assert float(cy[3]) < float(cy[4]) and "timed out" in cy[5]


def test_parallel_equals_serial_and_a_rerun_skips_unless_forced(submitted, serial):
    out = submitted.parent / "parallel"
    grade(submitted, out, "--jobs", "2")
    assert results(out) == serial
    again = grade(submitted, out, "--jobs", "2")
    assert f"{SUBMISSIONS} submission(s) already graded, skipped" in again
    assert results(out) == serial
    forced = grade(submitted, out, "--jobs", "2", "--force")
    assert "skipped" not in forced
    assert results(out) == serial


def test_kernels_started_without_the_sandbox_grade_the_same(submitted, serial, tmp_path):
    """--sandbox off: no kernel factory, each kernel started anew; the grades are the same."""
    out = tmp_path / "out"
    grade(submitted, out, "--jobs", "2", "--sandbox", "off")
    assert results(out) == serial


def test_a_changed_submission_is_graded_again(submitted, serial, tmp_path):
    copy = tmp_path / "submitted"
    shutil.copytree(submitted, copy)
    out = tmp_path / "out"
    grade(copy, out, "--jobs", "2")
    ada = copy / "ada" / "03-backprop" / "backprop.ipynb"
    nb = notebooks.read(ada)
    next(c for c in nb.cells if notebooks.nbgrader(c).get("solution")).source += "\n# checked twice\n"
    notebooks.write(nb, ada)
    again = grade(copy, out, "--jobs", "2")
    assert f"{SUBMISSIONS - 1} submission(s) already graded, skipped" in again
    assert results(out) == serial


def wait_for_ledger(out, proc, count=1):
    """Block until `count` submissions are finished (or fail if the run ended first)."""
    while len(glob.glob(str(out / "ledger" / "*" / "*.json"))) < count:
        assert proc.poll() is None, "the run finished before it could be interrupted: " + proc.stdout.read()
        time.sleep(0.1)


def test_an_interrupted_run_resumes_without_losing_or_repeating(submitted, serial, tmp_path):
    out = tmp_path / "out"
    proc = grade(submitted, out, "--jobs", "2", wait=False)
    wait_for_ledger(out, proc)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group gets it
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "interrupted" in output, output
    finished = len(glob.glob(str(out / "ledger" / "*" / "*.json")))
    assert 1 <= finished < SUBMISSIONS
    resumed = grade(submitted, out, "--jobs", "2")
    assert f"{finished} submission(s) already graded, skipped" in resumed
    assert results(out) == serial


def test_a_killed_worker_costs_nothing(submitted, serial, tmp_path):
    """Its jobs, and those it had in flight, are graded again; its folders are removed. (The run
    has a temporary folder of its own: another run on the machine cannot disturb the check.)"""
    out = tmp_path / "out"
    tmp = Path(tempfile.mkdtemp(prefix="kw-"))  # short: kernels' socket paths must stay short
    proc = grade(submitted, out, "--jobs", "2", wait=False, tmp=tmp)
    wait_for_ledger(out, proc)
    workers = [p for p in psutil.Process(proc.pid).children()
               if "spawn_main" in " ".join(p.cmdline())]
    assert workers, "no worker processes found"
    workers[0].kill()
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output
    assert results(out) == serial
    left = list(tmp.iterdir())
    shutil.rmtree(tmp, ignore_errors=True)
    assert not left, "the killed worker's temporary folders were left behind"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not start within {seconds} s"
        time.sleep(0.2)


@pytest.fixture
def postgresql():
    """A real PostgreSQL server on loopback, with an empty database; yields its URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "PostgreSQL is not installed (.ci/run installs Debian's postgresql package)"
    bin_dir = Path(found[-1]).parent
    # PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user, in
    # a folder of its own (pytest's folders are private to root).
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
    if as_user:
        shutil.chown(folder, "postgres")
    port = free_port()
    subprocess.run(as_user + [str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", "grader",
                              "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    server = subprocess.Popen(as_user + [str(bin_dir / "postgres"), "-D", str(folder / "data"),
                                         "-k", str(folder), "-p", str(port),
                                         "-c", "listen_addresses=127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)]
    try:
        wait_until(lambda: subprocess.run(ready).returncode == 0, "PostgreSQL")
        subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader",
                        "gradebook"], check=True)
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dask_cluster(tmp_path):
    """A local Dask scheduler and two single-threaded workers, in a folder of their own."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    home = tmp_path / "dask"
    home.mkdir()
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], cwd=home, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                "--no-dashboard", "--local-directory", str(home)], cwd=home, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from distributed import Client
        wait_until(lambda: _connectable(port), "the Dask scheduler")
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in (workers, scheduler):
            proc.terminate()
            proc.wait(timeout=60)


def _connectable(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_dask_workers_and_a_postgresql_gradebook_equal_the_serial_run(submitted, serial, postgresql,
                                                                      dask_cluster, tmp_path):
    out = tmp_path / "out"
    grade(submitted, out, "--scheduler", dask_cluster, "--db", postgresql)
    assert not (out / "gradebook.db").exists()
    assert results(out, postgresql) == serial
    report = subprocess.run([sys.executable, "-m", "course", "report", "--out", str(out), "--db", postgresql],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert report.returncode == 0, report.stderr
    assert "03-backprop: 3 submissions" in report.stdout
