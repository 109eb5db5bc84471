"""Grader side (tests and benches): submissions that break, abuse or try to fool the grader, built from an assignment's release.

Each is a `Student` with the outcome grading must produce (base.py). The test suite grades them
in one cohort with honest students and checks every outcome exactly; bench/stock_comparison.py
grades them with plain nbgrader too. `broken` (accidents.py) holds the accidents every
assignment must survive; `adversarial` (cheats.py) the cheats and resource abuses of a hostile
student; `forgeries` (forgeries.py) the ways a submission tries to forge or spoil a score, class
by class; `leftovers` (leftovers.py) students who leave traces for those graded after them in
the same worker, and the classmates who must not notice.
"""
from .accidents import broken  # noqa: F401
from .base import Student, cells_of, wrong_outcome  # noqa: F401
from .cheats import adversarial  # noqa: F401
from .forgeries import forgeries  # noqa: F401
from .leftovers import leftovers  # noqa: F401
