"""Grader side: A one-line progress display for long grading runs, shown only on a terminal."""
import sys
import time


class Progress:
    """Counts finished submissions and redraws `done/total, failures, ETA` in place."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.failed = total, 0, 0
        self.stream, self.started = stream, time.monotonic()
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def step(self, failed=False):
        self.done += 1
        self.failed += bool(failed)
        if not self.live:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        self.stream.write(f"\rgraded {self.done}/{self.total}, {self.failed} failed, "
                          f"about {left:.0f} s left  ")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()
