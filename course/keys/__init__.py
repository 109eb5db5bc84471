"""Grader side: answer keys for the hidden tests, one module per assignment, and what they share: telling a
derived gradient from a finite-difference estimate of it, and calling a notebook function in a
way that shows whether it changed its arguments.

The course asks students to derive gradients. An exact formula, however it is arranged, agrees
with a key's reference to about 1e-14; a finite difference of the cost does not, and the keys
catch it in two ways:

- on the ordinary cases, an answer whose error is above the key's tolerance but too small for
  any typical mistake (`near_miss`) is asked whether it is a finite-difference estimate;
- an answer right on every ordinary case is then tried on one hard case (`check_hard`), built so
  that finite differences lose most of their digits there and an exact formula none: a cost
  far larger than its slope (targets far from the outputs, a sigmoid close to 1), or entries of
  the gradient far smaller than the others, with nothing cancelling in them. Rounding the cost
  to 16 digits costs a finite difference about 1e-16 * cost / step in every entry, and a larger
  step costs it the cost's curvature: with any step from 1e-9 to 0.1, central differences of
  the key's own costs stay 1e-9 or more away there, exact formulas 1e-12 or less.

A complex-step derivative (the imaginary part of the cost at a parameter plus 1e-20j, over
1e-20) is exact to rounding: no value tells it from a derived formula, and the keys accept it.
Telling it apart would take a look at how the answer is computed (planting another cost, say),
which a copy of the cost inside the answer gets round.
"""
import copy

import numpy as np

from course import checking, judge

FINITE_DIFFERENCE = ("is it a finite-difference estimate? Write out the derivative exactly; an "
                     "exact formula agrees to about 1e-14.")
# No typical mistake is this close to the right value; a finite difference often is.
NEAR = 1e-4
# How close an exact formula gets in a hard case: about 1e-14, rounding in sums of a few terms.
HARD_RTOL = 1e-10


def near_miss(what, got, expected, rtol, near=NEAR, advice=FINITE_DIFFERENCE):
    """Fail with `advice` if `got` is close to `expected` (relative error below `near`) but not
    within `rtol`; checking.diagnose would only call that a constant factor of 1."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return
    if got.shape != np.shape(expected) or not np.all(np.isfinite(got)):
        return
    error = checking.relative_error(got, expected)
    if rtol < error < near:
        raise checking.CheckFailure(f"{what} is close to the exact value but not equal to it "
                                    f"(relative error {error:.1g}): {advice}")


def check_hard(what, got, expected, why, entrywise=False, rtol=HARD_RTOL):
    """Fail unless `got` equals `expected` to `rtol` in a hard case, where `why` finite
    differences lose their digits. With `entrywise`, every entry is compared with its own size
    (the hard case then has entries far smaller than others, and none near zero).

    Call it only for an answer that is right on every ordinary case: then an error here is the
    mark of a finite-difference estimate, and the message says so.
    """
    expected = np.asarray(expected, dtype=float)
    got = checking.check_shape(what, got, expected.shape)
    if not np.all(np.isfinite(got)):
        error = "it holds NaN or infinite values"
    else:
        gap = (float(np.max(np.abs(got - expected) / np.abs(expected))) if entrywise
               else checking.relative_error(got, expected))
        if gap <= rtol:
            return
        error = (f"an entry is off by {gap:.1g} of its size" if entrywise
                 else f"relative error {gap:.1g}")
    raise checking.CheckFailure(
        f"{what}: is it a finite-difference estimate? It is right in the ordinary cases but not "
        f"in this one ({error}): {why}, where finite differences lose their digits. Write out "
        "the derivative exactly; an exact formula agrees to about 1e-14 here too.")


ARGUMENT = "_key_argument_{}"  # the notebook names call_unchanged lends its arguments under


def call_and_read_back(what, ns, function, *args, call=checking.call):
    """Return (call(what, function, *args), the arguments as they are after the call).

    A value read from the notebook while grading is a copy, so an answer that overwrites its
    argument (X -= X.mean(axis=0)) would go unseen: each data argument (an array, a dict or a
    list) is handed to the kernel's function as an object of the kernel's own and sent back
    as it is after the call, in the call's own round trip (judge.Notebook.lending). For a
    function that is not the kernel's, each is put in the notebook first, passed as the
    notebook's own object (judge.Notebook.own) and read back after the call. Other arguments (numbers, objects
    that live in the kernel) are passed as they are and count as unchanged. In-process (ns a
    plain dict) the objects are passed directly. The grader compares; nothing in the kernel
    is asked whether it changed anything.
    """
    lent = [i for i, value in enumerate(args) if _is_data(value)]
    if isinstance(function, judge.Remote) and hasattr(ns, "lending"):  # one round trip
        lending = ns.lending(function, lent)
        got = call(what, lending, *args)
        after = dict(zip(lent, lending.after))
        return got, [after.get(i, value) for i, value in enumerate(args)]
    slots = {i: ARGUMENT.format(i) for i in lent}
    ns.update({slot: copy.deepcopy(args[i]) for i, slot in slots.items()})
    try:
        own = getattr(ns, "own", ns.__getitem__)
        got = call(what, function, *[own(slots[i]) if i in slots else value
                                     for i, value in enumerate(args)])
        return got, [ns[slots[i]] if i in slots else value for i, value in enumerate(args)]
    finally:
        for slot in slots.values():  # del, not pop or `in`: through the wire those fetch the value
            try:
                del ns[slot]
            except KeyError:
                pass


def call_watching(what, ns, function, *args, call=checking.call):
    """Return (call(what, function, *args), the positions of the arguments that the call
    changed); see call_and_read_back."""
    got, after = call_and_read_back(what, ns, function, *args, call=call)
    return got, [i for i, (now, given) in enumerate(zip(after, args))
                 if _is_data(given) and not _same(now, given)]


def call_unchanged(what, ns, function, *args, names=None, call=checking.call):
    """Return call(what, function, *args); fail if the call changed an argument (see
    call_and_read_back). `names`: the arguments' names for the message (X, w, ...)."""
    labels = names or [f"argument {i + 1}" for i in range(len(args))]
    got, changed = call_watching(what, ns, function, *args, call=call)
    if changed:
        raise checking.CheckFailure(
            f"{what} changed its argument {labels[changed[0]]} in place; the docstring promises to "
            "leave it as it was: work on a copy (X = X.copy(), or X = X - m instead of X -= m).")
    return got


def _is_data(value):
    return isinstance(value, (np.ndarray, dict, list))


def _same(after, before):
    """Whether a value read back equals the one given (arrays exactly, dicts entry by entry)."""
    if isinstance(before, dict):
        return (isinstance(after, dict) and set(after) == set(before)
                and all(_same(after[k], before[k]) for k in before))
    if isinstance(before, (list, tuple)):
        return (isinstance(after, (list, tuple)) and len(after) == len(before)
                and all(_same(a, b) for a, b in zip(after, before)))
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        return (np.shape(after) == np.shape(before)
                and np.array_equal(np.asarray(after), np.asarray(before), equal_nan=True))
    return after == before
