"""Grader side (tests and benches): students who leave traces in the sandbox for those graded
after them by the same kernel factory, and the classmates who must not notice.

Graded in name order: first the leavers (right answers, plus traces: an IPython startup file
that rewrites numpy for every later kernel, kept in a folder made read-only; the answer to the
assignment's first answer cell left in /tmp, /dev/shm, matplotlib's folder, the sandbox's root
and a System V shared memory segment), then copiers (a wrong first answer that takes the one it
finds left behind), then perfect victims. Every kernel must start in a sandbox that no earlier
one touched, so the leavers and victims keep full marks and the copiers lose that answer's
points, whatever the order of grading.
"""
from .. import cohort
from .base import Student, attacked, cell, wrong_source

STASHES = ["/tmp/.stash/answer.py", "/dev/shm/answer.py", "{mpl}/answer.py", "/answer.py",
           "/dev/answer.py", "/tmp/answer.py"]
SYSV_KEY = 0x5EED

STARTUP_POISON = """
import os as _os
_startup = _os.path.join(_os.environ.get("IPYTHONDIR", _os.path.expanduser("~/.ipython")),
                         "profile_default", "startup")
_os.makedirs(_startup, exist_ok=True)
with open(_os.path.join(_startup, "00-numpy.py"), "w") as _f:
    _f.write("import numpy\\nnumpy.exp = lambda z, *a, **k: numpy.zeros_like(z)\\n")
_os.chmod(_startup, 0o555)  # its file cannot be removed; IPython still reads its folder
"""

LEAVE = """
import ctypes as _ctypes, os as _os
_answer = {answer!r}
for _place in {places!r}:
    _place = _place.format(mpl=_os.environ.get("MPLCONFIGDIR", "/nowhere"))
    try:
        _os.makedirs(_os.path.dirname(_place), exist_ok=True)
        with open(_place, "w") as _f:
            _f.write(_answer)
    except OSError:
        pass
try:
    _os.chmod("/tmp/.stash", 0o500)
except OSError:
    pass
_libc = _ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = _ctypes.c_void_p
_segment = _libc.shmget({key}, 1 << 16, 0o1000 | 0o666)
if _segment >= 0:
    _at = _libc.shmat(_segment, None, 0)
    _ctypes.memmove(_at, _answer.encode() + b"\\0", len(_answer) + 1)
"""

TAKE = """
import ctypes as _ctypes, os as _os
def _left_behind():
    for _place in {places!r}:
        try:
            return open(_place.format(mpl=_os.environ.get("MPLCONFIGDIR", "/nowhere"))).read()
        except OSError:
            pass
    _libc = _ctypes.CDLL(None, use_errno=True)
    _libc.shmat.restype = _ctypes.c_void_p
    _segment = _libc.shmget({key}, 0, 0)
    if _segment >= 0:
        _at = _libc.shmat(_segment, None, 0)
        if _at and _at != _ctypes.c_void_p(-1).value:
            return _ctypes.string_at(_at).decode()
    return None
_found = _left_behind()
if _found:
    exec(_found, globals())
"""


def leftovers(assignment, nb_name, copies=3, victims=4):
    """Leavers, then copiers, then victims of `assignment`, named so that name order is that."""
    best = cohort.perfect(assignment, nb_name)
    first, second = attacked(assignment, best)
    right, wrong = cell(best, first).source, wrong_source(assignment, first)
    right_second = cell(best, second).source
    leave = LEAVE.format(answer=right, places=STASHES, key=SYSV_KEY)
    take = TAKE.format(places=STASHES, key=SYSV_KEY)
    # Two of each, so that with two workers each is likely to have graded one before the rest.
    students = [
        Student(f"a{i}-leaves-a-startup-file", assignment,
                cohort.substitute(best, {second: right_second + STARTUP_POISON}), "full",
                what="leaves an IPython startup file that rewrites numpy, in a read-only folder")
        for i in (1, 3)] + [
        Student(f"a{i}-leaves-its-answer", assignment,
                cohort.substitute(best, {second: right_second + leave}), "full",
                what="leaves its answer in /tmp, /dev/shm, matplotlib's folder, / and System V memory")
        for i in (2, 4)]
    students += [Student(f"b{i}-takes-an-answer", assignment, cohort.substitute(best, {first: wrong + take}),
                         "loses", first, message="failed", what="takes an answer a classmate left")
                 for i in range(1, copies + 1)]
    students += [Student(f"c{i}-victim", assignment, best, "full", what="a perfect classmate graded later")
                 for i in range(1, victims + 1)]
    return students
