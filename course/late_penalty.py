"""Grader side: the course's late-submission policy, an nbgrader late-submission plugin.

nbgrader's autograde finds how late a submission is (its `timestamp.txt`, written by the
exchange, against the assignment's due date in the gradebook) and asks the plugin named by
`AssignLatePenalties.plugin_class` for the penalty. nbgrader ships two policies, none and zero;
this one takes a share of the score for each day or part of a day late, so a submission a
minute late keeps most of its points and one ten days late keeps none. nbgrader_config.py
chooses it; `PerDayPenalty.share_per_day` sets the share.
"""
import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class PerDayPenalty(LateSubmissionPlugin):
    """Lose `share_per_day` of the notebook's score per day late, counting a started day as a
    whole one, and never more than the score."""

    share_per_day = Float(0.1, help="The share of the score lost per (started) day late.").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        if total_seconds_late <= 0:
            return 0.0
        days = math.ceil(total_seconds_late / 86400)
        return min(score, score * self.share_per_day * days)
