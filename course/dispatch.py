"""Grader side: run grading jobs in this process, in local worker processes, or on a Dask cluster.

Each runner takes Jobs (course/worker.py) and yields (job, Result) as they finish, keeping a
bounded number in flight so that a cohort of thousands is never all in memory at once. A job
that raises comes back as a failed record; it never stops the others. A local worker process
that dies (killed, out of memory) breaks its pool, and every job the pool had in flight with
it. Those are graded again, each alone in a pool of its own, so that only the job that kills
its worker when alone, twice, is recorded as failed: its classmates lose nothing.
"""
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool

from . import worker
from .submission import Submission

IN_FLIGHT_PER_WORKER = 3
POOL_ATTEMPTS = 2


def serial(jobs):
    """Grade in this process, one job after another."""
    try:
        for job in jobs:
            yield job, _safely(job)
    finally:
        worker.close()


def local(jobs, processes, grade=None):
    """Grade in `processes` worker processes (spawned: no forked copies of zmq or asyncio);
    `grade(job)` grades one job (default: worker.run, never raising).

    The workers' temporary folders (private courses, kernel folders) go in one folder of this
    run's, removed at the end even when a worker was killed and could not clean up."""
    scratch = tempfile.mkdtemp(prefix="course-grade-")
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = scratch  # inherited by the workers this process spawns
    try:
        yield from _local(jobs, processes, grade or _safely)
    finally:
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        shutil.rmtree(scratch, ignore_errors=True)


def _local(jobs, processes, grade):
    jobs = iter(jobs)
    while True:
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
        pending, suspects = {}, []
        try:
            while True:
                while not suspects and len(pending) < processes * IN_FLIGHT_PER_WORKER:
                    job = next(jobs, None)
                    if job is None:
                        break
                    pending[pool.submit(grade, job)] = job
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        suspects.append(job)
                        continue
                    yield job, result
        finally:
            pool.shutdown(wait=not suspects, cancel_futures=True)
        if not suspects:
            return
        yield from _each_alone(suspects, processes, grade)


def _each_alone(suspects, processes, grade):
    """Grade each job of a broken pool in a pool of its own, `processes` at a time."""
    with ThreadPoolExecutor(processes) as threads:
        futures = {threads.submit(_alone, job, grade): job for job in suspects}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _alone(job, grade):
    for _ in range(POOL_ATTEMPTS):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            try:
                return pool.submit(grade, job).result()
            except BrokenProcessPool:
                continue
    return _failed(job, "its grading process died twice, with nothing else in it")


def dask(jobs, address):
    """Grade on the Dask cluster whose scheduler is at `address` (tcp://HOST:PORT)."""
    from distributed import Client, as_completed
    with Client(address, set_as_default=False) as client:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        jobs, pending = iter(jobs), {}

        def submit():
            job = next(jobs, None)
            if job is not None:
                key = f"grade-{job.assignment}-{job.student}"
                future = client.submit(worker.run, job, key=key, pure=False, retries=1)
                pending[future.key] = job
                return future
        first = [f for f in (submit() for _ in range(workers * IN_FLIGHT_PER_WORKER)) if f]
        finished = as_completed(first, loop=client.loop)
        for future in finished:
            job = pending.pop(future.key)
            try:
                yield job, future.result()
            except Exception as error:  # the worker's exception, or a lost worker
                yield job, _failed(job, f"{type(error).__name__}: {error}")
            future.release()
            following = submit()
            if following is not None:
                finished.add(following)


def _safely(job):
    try:
        return worker.run(job)
    except Exception as error:
        return _failed(job, f"{type(error).__name__}: {error}")


def _failed(job, why):
    record = Submission(job.student, job.assignment, status="failed")
    record.problems.append(f"the grader failed on it: {why}")
    return worker.Result(record)
