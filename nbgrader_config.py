"""nbgrader settings for the course; only what differs from nbgrader's defaults.

Every nbgrader command run in this folder (and formgrader, in a Jupyter server started here)
grades as `python -m course grade` does: hidden tests judged in the grader, kernels in the
sandbox, feedback without hidden tests or mark schemes (course/nbgrader_setup.py,
`stock_entry_points`). `course grade` loads this file too and adds its run's settings.
"""
import os
import sys

# The course's own package (late-penalty plugin, grading steps) for every nbgrader command.
ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads this file)

# One course, one gradebook: the id nbgrader stores with every submission.
c.CourseDirectory.course_id = "backprop-by-hand"
# The repository itself is the course directory, wherever it is cloned.
c.CourseDirectory.root = ROOT
from course.nbgrader_setup import stock_entry_points  # noqa: E402 (after the path is set)

stock_entry_points(c)

# Late work: nbgrader finds how late a submission is (the exchange's timestamp.txt against the
# assignment's due date in the gradebook); the course takes 10 % of a notebook's score per
# started day late (course/late_penalty.py). nbgrader's own policies: "none" or "zero", with
# c.AssignLatePenalties.plugin_class = "nbgrader.plugins.LateSubmissionPlugin" and
# c.LateSubmissionPlugin.penalty_method.
c.AssignLatePenalties.plugin_class = "course.late_penalty.PerDayPenalty"
c.PerDayPenalty.share_per_day = 0.1
# Students see a friendly sentence instead of a bare NotImplementedError().
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\n"
              "raise NotImplementedError(\"Write your answer here, then run the tests below.\")",
}
