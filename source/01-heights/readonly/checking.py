# Generated from course/checking.py by `python -m course release`: do not edit here.
"""Both sides (the kernel's public tests and the grader's hidden ones): checks that grade a numpy
answer and say, in the student's terms, what is wrong with it.

Every public and hidden test of the course calls these functions instead of writing its own
asserts, so a stricter grader changes this one module. Each check raises `CheckFailure`, an
`AssertionError` whose message names the quantity, what was expected and, where a known
mistake explains the difference, which mistake it was. The verdict checks (check_close,
check_gradient, check_scalar) return None: a test cell that ends with one displays nothing,
and nbgrader, which reads a number displayed by a test cell as partial credit, sees none.

Assignments ship a generated copy of this file as `readonly/checking.py` (see
`python -m course release`); this file is the one to edit.
"""
import contextlib
import json
from pathlib import Path

import numpy as np

__all__ = [
    "CheckFailure", "call", "as_array", "check_shape", "check_finite", "check_close",
    "check_gradient", "check_scalar", "central_difference", "relative_error", "diagnose",
    "planted", "known_mistakes",
]
# Beside the generated copy in an assignment's readonly/: what typical mistakes give on the
# visible examples ({label: [[message, value], ...]}), written by `python -m course release`
# from the answer key's visible_mistakes().
MISTAKES_FILE = "mistakes.json"


class CheckFailure(AssertionError):
    """A check failed; the message says what to fix."""


def call(what, function, *args, **kwargs):
    """Return function(*args, **kwargs), turning a stub or a crash into a readable failure."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailure(f"{what} is not implemented yet: replace the "
                           "`raise NotImplementedError` line with your code.") from None
    except CheckFailure:
        raise
    except Exception as error:
        raise CheckFailure(f"{what} raised {type(error).__name__}: {error}") from error


def as_array(what, got):
    """Return `got` as a float array, failing clearly on None, strings and ragged lists."""
    if got is None:
        raise CheckFailure(f"{what} returned None: did you forget the `return` statement?")
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} returned {type(got).__name__} {got!r:.80}, "
                           "not an array of numbers.") from None
    return array


def check_shape(what, got, shape, hint=""):
    """Fail unless `got` has exactly `shape`; a transposed result is named as such."""
    got = as_array(what, got)
    shape = tuple(shape)
    if got.shape == shape:
        return got
    message = f"{what} has shape {got.shape}; expected {shape}."
    if len(shape) == 2 and got.shape == shape[::-1] and shape[0] != shape[1]:
        message += " It looks transposed."
    if hint:
        message += " " + hint
    raise CheckFailure(message)


def check_finite(what, got):
    """Fail if `got` holds NaN or infinity (an overflow, or a division by zero)."""
    got = as_array(what, got)
    if not np.all(np.isfinite(got)):
        raise CheckFailure(f"{what} contains NaN or infinite values: look for an overflow "
                           "or a division by zero.")
    return got


def relative_error(a, b):
    """Return |a - b| / (|a| + |b|) in the Frobenius norm: 0 for equal arrays, 1 at worst."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def central_difference(f, x, h=1e-6):
    """Return the gradient of the scalar f() with respect to the array x, by central differences.

    x is perturbed in place, one entry at a time, and restored, so f may read it as a global
    (the way the network functions of the notebooks read their weights).
    """
    gradient = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        saved = x[index]
        x[index] = saved + h
        up = f()
        x[index] = saved - h
        down = f()
        x[index] = saved
        gradient[index] = (up - down) / (2 * h)
    return gradient


def diagnose(got, expected, mistakes=()):
    """Return the message of the first known mistake that explains `got`, else None.

    `mistakes` holds (message, value) pairs: value is what that mistake returns. When none
    matches, a wrong sign or (for an array) a constant factor is still recognised.
    """
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if isinstance(mistakes, dict):
        mistakes = mistakes.items()
    for message, value in mistakes:
        value = np.asarray(value, dtype=float)
        if value.shape == got.shape and relative_error(got, value) < 1e-6:
            return message
    if got.shape != expected.shape or not np.any(expected):
        return None
    if got.size == 1:  # any number is a multiple of any other: only a sign flip says something
        flipped = got.item() != 0 and abs(got.item() + expected.item()) <= 1e-6 * abs(expected.item())
        return "it has the wrong sign." if flipped else None
    factor = float(np.vdot(got, expected) / np.vdot(expected, expected))
    if abs(factor) > 1e-12 and abs(factor - 1) > 1e-6 and relative_error(got, factor * expected) < 1e-6:
        if abs(factor + 1) < 1e-6:
            return "it has the wrong sign."
        return f"it is {factor:.4g} times the right value: a constant factor is missing or extra."
    return None


def check_close(what, got, expected, rtol=1e-6, mistakes=(), hint="", advice=""):
    """Fail unless `got` equals `expected` to relative error `rtol`; name the mistake if known.

    `hint` is shown with a wrong shape only, `advice` with a wrong value that no known
    mistake explains: a hint never comes with a failure it does not explain."""
    _compare(what, got, expected, rtol, mistakes, hint, advice, "the expected value")


def check_gradient(what, got, numeric, tol=1e-6, mistakes=(), hint="", advice=""):
    """Fail unless an analytic gradient agrees with a finite-difference one to relative error `tol`."""
    _compare(what, got, numeric, tol, mistakes, hint, advice, "central finite differences of the cost")


def _compare(what, got, expected, tol, mistakes, hint, advice, against):
    expected = np.asarray(expected, dtype=float)
    got = check_shape(what, got, expected.shape, hint)
    check_finite(what, got)
    error = relative_error(got, expected)
    if error <= tol:
        return
    message = f"{what} disagrees with {against} (relative error {error:.2g}, tolerance {tol:g})"
    reason = diagnose(got, expected, mistakes)
    if reason:
        message += f": {reason}"
    else:
        message += "." + (" " + advice if advice else "")
    raise CheckFailure(message)


def check_scalar(what, got, expected, rtol=1e-6, mistakes=(), advice="", one_element=False):
    """Fail unless `got` is one number equal to `expected`. With `one_element`, a one-element
    array (what Python's built-in sum makes of a numpy column, as in code written for the
    originals) counts as its number; without, it is named as what it is."""
    if isinstance(got, np.ndarray) and got.ndim > 0:
        if got.size == 1 and one_element:
            got = got.reshape(())
        else:
            raise CheckFailure(
                f"{what} returned an array of shape {got.shape}; expected a single number: " + (
                    "this array holds one; return the number itself (np.sum of the whole array, "
                    "or float(...) of this one: Python's built-in sum of a numpy column gives a "
                    "one-element array)." if got.size == 1 else "sum (or squeeze) it to a scalar."))
    check_close(what, got, expected, rtol=rtol, mistakes=mistakes, advice=advice)


def known_mistakes(label):
    """[(message, value)] of the typical mistakes on the visible example `label`, from the
    assignment's readonly/mistakes.json: values only, never the code that made them."""
    path = Path(__file__).with_name(MISTAKES_FILE)
    if not path.exists():
        return []
    found = json.loads(path.read_text()).get(label, [])
    return [(message, np.asarray(value, dtype=float)) for message, value in found]


@contextlib.contextmanager
def planted(namespace, **functions):
    """Within the `with` block, namespace[name] is functions[name]; restored afterwards.

    namespace is the notebook's globals(): its functions look each other up there at every
    call, so a function tested inside the block meets the planted versions of its callees, and
    a mistake in a callee cannot cost the caller's points. Names that were not defined before
    are removed again, even when the block fails.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in functions}
    namespace.update(functions)
    try:
        yield
    finally:
        restore(namespace, saved, missing)


def restore(namespace, saved, missing):
    """Put back the values in `saved` ({name: value}); remove the names saved as `missing`.

    One update() for all of them: through the grader's wire that is a single round trip.
    """
    namespace.update({name: value for name, value in saved.items() if value is not missing})
    for name, value in saved.items():
        if value is missing:
            namespace.pop(name, None)
