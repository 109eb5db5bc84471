"""nbgrader settings for the course; only what differs from nbgrader's defaults.

`python -m course grade` loads this file and adds its own grading settings on top
(see course/nbgrader_setup.py), so plain `nbgrader` commands keep stock behaviour.
"""
import os

c = get_config()  # noqa: F821 (injected by traitlets when nbgrader loads this file)

# One course, one gradebook: the id nbgrader stores with every submission.
c.CourseDirectory.course_id = "backprop-by-hand"
# The repository itself is the course directory, wherever it is cloned.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# Students see a friendly sentence instead of a bare NotImplementedError().
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\n"
              "raise NotImplementedError(\"Write your answer here, then run the tests below.\")",
}
