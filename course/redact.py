"""Grader side: feedback that shows students why a test failed, never the hidden test that found it.

nbgrader's ClearHiddenTests removes hidden regions from a test cell's source, but a failing
check's traceback still quotes the test's lines. This preprocessor, run after it when
feedback is generated, keeps only the error's name and teaching message in test cells.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

from . import notebooks


class RedactTestTracebacks(NbGraderPreprocessor):
    """Reduce every error output of a test cell to 'ErrorName: message'."""

    def preprocess_cell(self, cell, resources, index):
        if notebooks.is_test(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output.traceback = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources
