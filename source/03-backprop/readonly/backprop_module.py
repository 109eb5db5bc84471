"""Examples, training data, a timer and the training loop of the backpropagation assignment
(03-backprop).

The notebook owns the network: the globals W1, b1, W2, b2, W3, b3, the functions
`network_function` and `cost`, and the student's Jacobians J_W1 ... J_b3. This module supplies
what the student is not asked to write: the points of the curve to learn, and a loop that runs
noisy steepest descent with the student's Jacobians and draws how the curve took shape.

Convention, as in the notebook: one column per example. N inputs are an array of shape (1, N),
N points of the plane an array of shape (2, N).
"""
import os
import timeit

import numpy as np
import matplotlib.pyplot as plt

PARAMETERS = ("W1", "b1", "W2", "b2", "W3", "b3")
# How many iterations plot_training runs while nbgrader grades: enough to exercise the loop
# with the student's Jacobians, few enough that grading a class stays quick.
AUTOGRADE_ITERATIONS = 10
# How many intermediate curves plot_training draws, and how many points make a drawn curve.
SNAPSHOTS = 8
CURVE_POINTS = 200
# The curve is scaled to [0.5 - HALF_WIDTH, 0.5 + HALF_WIDTH], well inside the range (0, 1)
# of a sigmoid output, which reaches 0 and 1 only for infinite weights.
HALF_WIDTH = 0.38


def gate_example():
    """Return (x, y, dout), three arrays of shape (2, 3), the visible tests' gate inputs.

    x == y in two entries, (0, 1) and (1, 1), where the max gate's tie rule decides; elsewhere
    the inputs are at least 0.5 apart.
    """
    x = np.array([[1.5, -0.5, 2.0], [0.25, -1.0, 3.0]])
    y = np.array([[-1.0, -0.5, 0.75], [2.0, -1.0, 1.0]])
    dout = np.array([[2.0, -1.5, 0.5], [1.0, 3.0, -2.0]])
    return x, y, dout


def circuit_example():
    """Return (w, x), shapes (3,) and (2,): the visible test's point of the sigmoid circuit."""
    return np.array([0.5, -1.0, 2.0]), np.array([1.5, 2.5])


def as_pair(what, got, shapes):
    """Return the two arrays of the pair `got` (a function's `return first, second`), checking
    that there are two and that they have `shapes`; fail with a readable message otherwise."""
    from readonly.checking import CheckFailure, check_shape
    if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailure(f"{what} returned {type(got).__name__}; it must return two arrays, "
                           "`return first, second`, of shapes "
                           f"{tuple(shapes[0])} and {tuple(shapes[1])}.")
    return [check_shape(f"{what}, part {k + 1} of 2", value, shape)
            for k, (value, shape) in enumerate(zip(got, shapes))]


def time_backward(x, y, number=100, namespace=None):
    """Time one call of all_jacobians(x, y) against calls of the six functions J_W3 ... J_b1.

    Each is timed over `number` calls, best of three rounds; prints both times and their
    ratio, and returns (seconds per sweep, seconds per six separate calls). namespace: where
    the functions live, by default the notebook's globals.
    """
    ns = _notebook_namespace() if namespace is None else namespace
    six = [ns["J_" + name] for name in PARAMETERS]
    sweep = ns["all_jacobians"]
    separate_time = min(timeit.repeat(lambda: [J(x, y) for J in six], number=number,
                                      repeat=3)) / number
    sweep_time = min(timeit.repeat(lambda: sweep(x, y), number=number, repeat=3)) / number
    print(f"six separate functions: {separate_time * 1e6:8.1f} microseconds per call")
    print(f"one backward sweep:     {sweep_time * 1e6:8.1f} microseconds per call")
    print(f"the sweep is {separate_time / sweep_time:.1f} times faster")
    return sweep_time, separate_time


def heart(s):
    """Return the unscaled points of a heart at fractions s of the way round, shape (2, s.size).

    The classic heart curve, traced clockwise from the dimple at the top and back to it, with
    the sharp point at the bottom halfway round.
    """
    t = 2 * np.pi * np.ravel(s)
    across = 16 * np.sin(t) ** 3
    up = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    return np.vstack([across, up])


def training_data(n=50):
    """Return (x, y): n distances along a heart, shape (1, n), and its points, shape (2, n).

    x is evenly spaced from 0 (the dimple at the top) to 1 (back at the dimple). y is the heart
    scaled by one factor in both directions and centred on (0.5, 0.5) so that all of it lies
    in [0.12, 0.88]^2, where a sigmoid output can reach. The same n gives the same data.
    """
    x = np.linspace(0, 1, n).reshape(1, n)
    points = heart(x)
    low, high = points.min(axis=1, keepdims=True), points.max(axis=1, keepdims=True)
    centre, half_extent = (low + high) / 2, (high - low).max() / 2
    y = 0.5 + HALF_WIDTH * (points - centre) / half_extent
    return x, y


def plot_training(x, y, iterations=8000, aggression=7, noise=1, *, seed=0, namespace=None):
    """Train the notebook's network by noisy steepest descent and plot how its curve changed.

    x: inputs, shape (1, N); y: target points, shape (2, N).
    iterations: number of descent steps.
    aggression: the step size; every step moves each parameter P to P - step * J_P, where J_P
        is the student's Jacobian (J_W1(x, y) for W1, and so on) at the current parameters.
    noise: how much the step varies; each iteration draws step = aggression * f with f uniform
        in [1 - noise/2, 1 + noise/2], so noise=0 is plain steepest descent and noise=1 makes
        steps between half and one and a half times the aggression.
    seed: seeds the random step factors, so a run can be repeated exactly.
    namespace: the dict holding W1 ... b3, network_function, cost and J_W1 ... J_b3; by
        default the notebook's globals (the namespace of the `__main__` module).

    The trained parameters are stored back in the namespace, so calling again continues
    training from where the last call stopped (call reset_network() to start afresh).

    Left panel: the training points (black dots), the network's curve at SNAPSHOTS moments
    during training (thin lines, from pale to dark blue as training goes on, each labelled in
    the legend with the iteration it was drawn before) and the curve after the last step
    (thick crimson line). Right panel: the cost against the iteration.

    While nbgrader grades a submission (environment variable NBGRADER_EXECUTION=autograde) only
    AUTOGRADE_ITERATIONS iterations run, to keep grading quick; nothing else changes.
    Returns None.
    """
    ns = _notebook_namespace() if namespace is None else namespace
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        iterations = min(iterations, AUTOGRADE_ITERATIONS)
    jacobians = _jacobian_functions(ns)
    rng = np.random.default_rng(seed)
    s = np.linspace(0, 1, CURVE_POINTS).reshape(1, -1)
    snapshot_steps = set(np.linspace(0, iterations, SNAPSHOTS, endpoint=False).astype(int))
    cost_every = max(1, iterations // 200)
    curves, steps, costs = [], [], []
    for step in range(iterations):
        if step in snapshot_steps:
            curves.append((step, ns["network_function"](s)[-1]))
        if step % cost_every == 0:
            steps.append(step)
            costs.append(float(ns["cost"](x, y)))
        # All six Jacobians at the current parameters first, then all six moves.
        gradients = {name: _jacobian(ns, name, jacobians[name], x, y) for name in PARAMETERS}
        size = aggression * (1 + noise * (rng.random() - 0.5))
        for name in PARAMETERS:
            ns[name] = ns[name] - size * gradients[name]
    steps.append(iterations)
    costs.append(float(ns["cost"](x, y)))
    _draw(y, curves, ns["network_function"](s)[-1], steps, costs, iterations)


def _notebook_namespace():
    """Return the globals of the running notebook (IPython runs its cells in `__main__`)."""
    import __main__
    return vars(__main__)


def _jacobian_functions(ns):
    """Return {parameter name: the notebook's Jacobian function for it}, failing if one is missing."""
    needed = PARAMETERS + ("network_function", "cost") + tuple("J_" + p for p in PARAMETERS)
    missing = [name for name in needed if name not in ns]
    if missing:
        raise NameError(f"plot_training needs {', '.join(missing)}: run the cells that define "
                        "them (and reset_network()) first.")
    return {name: ns["J_" + name] for name in PARAMETERS}


def _jacobian(ns, name, function, x, y):
    """Return function(x, y), refusing a result whose shape differs from the parameter's."""
    gradient = np.asarray(function(x, y), dtype=float)
    if gradient.shape != np.shape(ns[name]):
        raise ValueError(f"J_{name}(x, y) has shape {gradient.shape} but {name} has shape "
                         f"{np.shape(ns[name])}: run the test cell under J_{name}.")
    return gradient


def _draw(y, curves, final, steps, costs, iterations):
    """Plot the data, the intermediate curves ([(iteration, curve)]) and the final one, and the
    cost history; the legend, beside the drawing, says which curve is which iteration (counted
    in this call of plot_training)."""
    figure, (drawing, history) = plt.subplots(1, 2, figsize=(12, 4.8))
    blues = plt.cm.Blues(np.linspace(0.25, 0.85, max(len(curves), 1)))
    for colour, (step, curve) in zip(blues, curves):
        drawing.plot(curve[0], curve[1], color=colour, linewidth=1, label=f"iteration {step}")
    drawing.plot(final[0], final[1], color="crimson", linewidth=2.5,
                 label=f"after {iterations} iterations")
    drawing.plot(y[0], y[1], "k.", markersize=6, label="training data")
    drawing.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", title="The network's curve",
                xlabel="first output", ylabel="second output")
    drawing.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize="small")
    history.semilogy(steps, costs, color="crimson")
    history.set(xlabel="iteration", ylabel="cost C", title=f"Cost: {costs[-1]:.2g} at the end")
    history.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    plt.show()
