"""A worker process that dies takes with it every job it had in flight: only the job that kills
its worker when graded alone may be recorded as failed; the classmates it took down are graded
again and lose nothing (course/dispatch.py)."""
from types import SimpleNamespace

import dying_worker
from course import dispatch


def test_only_the_job_that_kills_its_worker_fails():
    students = ["ann", "bo", "killer", "cas", "dee", "eli"]
    jobs = [SimpleNamespace(assignment="03-backprop", student=name) for name in students]
    results = dict((job.student, result) for job, result in dispatch.local(iter(jobs), 2, dying_worker.grade))
    assert sorted(results) == sorted(students)
    assert {name: result for name, result in results.items() if name != "killer"} == {
        name: f"graded {name}" for name in students if name != "killer"}
    failed = results["killer"].record
    assert failed.status == "failed" and "died twice" in failed.problems[0]
