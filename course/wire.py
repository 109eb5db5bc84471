"""Grader side: reading what a kernel answers, as hostile data with limits.

The format is wire_server's (course/inside/wire_server.py, the kernel's end): JSON, with numpy
arrays as base64 bytes and objects as numbered references. Here the grader encodes what it
sends with the same `encode`, and decodes what comes back with limits of its own, checked
before anything is built: nesting depth, the number of items, and for arrays a numeric dtype
whose size matches the bytes sent. (The size of a whole answer is capped earlier, by the
sockets: see `MAX_MESSAGE_BYTES`.) An answer over a limit is an error of the test that asked
for it, never memory or time taken from the grader.
"""
import base64

import numpy as np

from .inside.wire_server import encode, error_type  # noqa: F401 (the grader sends the same format)

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # one message from a kernel (zmq disconnects past it)
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000  # list items, dict entries and array elements, over one answer


class AnswerTooLarge(ValueError):
    """An answer from the kernel over the grader's limits."""


def decode(form, resolve):
    """Return the value `form` stands for; `resolve(number, form)` turns a reference into one.
    Raises AnswerTooLarge past MAX_DEPTH or MAX_ITEMS, ValueError for a malformed array."""
    budget = [MAX_ITEMS]

    def spend(count):
        budget[0] -= count
        if budget[0] < 0:
            raise AnswerTooLarge(f"the answer holds more than {MAX_ITEMS:,} values")

    def build(form, depth):
        if depth > MAX_DEPTH:
            raise AnswerTooLarge(f"the answer is nested more than {MAX_DEPTH} levels deep")
        if isinstance(form, list):
            spend(len(form))
            return [build(item, depth + 1) for item in form]
        if not isinstance(form, dict):
            return form
        if "array" in form:
            return _array(form, spend)
        if "float" in form:
            return float(str(form["float"])[:40])
        if "tuple" in form:
            spend(len(form["tuple"]))
            return tuple(build(item, depth + 1) for item in form["tuple"])
        if "dict" in form:
            spend(len(form["dict"]))
            return {str(k): build(v, depth + 1) for k, v in form["dict"]}
        return resolve(int(form["ref"]), form)

    return build(form, 0)


def _array(form, spend):
    dtype = np.dtype(str(form["dtype"]))
    shape = tuple(int(n) for n in form["shape"])
    if dtype.kind not in "biuf" or dtype.itemsize > 16 or len(shape) > MAX_DEPTH or min(shape, default=0) < 0:
        raise ValueError(f"the answer holds an array of a kind the grader does not read ({dtype}, {shape})")
    count = int(np.prod(shape, dtype=object))
    spend(count)
    data = base64.b64decode(form["array"], validate=True)
    if len(data) != count * dtype.itemsize:
        raise ValueError("the answer holds an array whose bytes do not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
