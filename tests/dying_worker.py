"""A stand-in for worker.run, for tests/test_dispatch.py: importable by the spawned worker
processes (they find this folder on the path they inherit). The student called "killer"
kills the process grading it, as a worker killed for memory would die."""
import os
import time


def grade(job):
    if job.student == "killer":
        time.sleep(0.2)  # let the classmates be in flight with it
        os._exit(9)
    return f"graded {job.student}"
