"""Training data and the training loop of the backpropagation assignment (03-backprop).

The notebook owns the network: the globals W1, b1, W2, b2, W3, b3, the functions
`network_function` and `cost`, and the student's Jacobians J_W1 ... J_b3. This module supplies
what the student is not asked to write: the points of the curve to learn, and a loop that runs
noisy steepest descent with the student's Jacobians and draws how the curve took shape.

Convention, as in the notebook: one column per example. N inputs are an array of shape (1, N),
N points of the plane an array of shape (2, N).
"""
import os

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
    during training (thin lines, from pale to dark blue as training goes on) and the curve
    after the last step (thick crimson line). Right panel: the cost against the iteration.

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
            curves.append(ns["network_function"](s)[-1])
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
    _draw(y, curves, ns["network_function"](s)[-1], steps, costs)


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


def _draw(y, curves, final, steps, costs):
    """Plot the data, the intermediate and final curves, and the cost history."""
    figure, (drawing, history) = plt.subplots(1, 2, figsize=(11, 4.8))
    blues = plt.cm.Blues(np.linspace(0.25, 0.85, max(len(curves), 1)))
    for colour, curve in zip(blues, curves):
        drawing.plot(curve[0], curve[1], color=colour, linewidth=1)
    drawing.plot(final[0], final[1], color="crimson", linewidth=2.5, label="after training")
    drawing.plot(y[0], y[1], "k.", markersize=6, label="training data")
    drawing.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", title="The network's curve")
    drawing.legend(loc="lower right", fontsize="small")
    history.semilogy(steps, costs, color="crimson")
    history.set(xlabel="iteration", ylabel="cost C", title=f"Cost: {costs[-1]:.2g} at the end")
    history.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    plt.show()
