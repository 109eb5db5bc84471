"""The progress line of `course grade`: done/total, failures and time left, on a terminal only."""
import io

from course import progress as progress_module
from course.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_line_counts_failures_and_estimates_the_time_left(monkeypatch):
    clock = iter([100.0, 110.0, 120.0, 130.0, 140.0])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    screen = Terminal()
    progress = Progress(4, screen)
    progress.step()  # 10 s for the first of 4: 30 s left
    progress.step(failed=True)
    assert screen.getvalue().split("\r")[1:] == ["graded 1/4, 0 failed, about 30 s left  ",
                                                 "graded 2/4, 1 failed, about 20 s left  "]
    progress.step()
    progress.step()
    assert screen.getvalue().endswith("graded 4/4, 1 failed, about 0 s left  \n")


def test_nothing_is_drawn_when_not_on_a_terminal():
    log = io.StringIO()
    progress = Progress(2, log)
    progress.step()
    progress.step(failed=True)
    assert log.getvalue() == ""
    assert (progress.done, progress.failed) == (2, 1)
