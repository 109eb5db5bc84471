"""Data, plots, demonstrations and test helpers of the single-neuron assignment (02-neuron).

The notebook owns the neurons: the worked examples `nn`, `loss`, `logistic` and `nn_logistic`,
and the student's `gradient`, `delta_w`, `standardize`, `unstandardize`, `nn_predict`,
`loss_logistic`, `gradient_logistic`, `sigmoid_derivative_from_output` and `train_or`. This
module supplies what the student is not asked to write: the four data sets, the plots, the
descent of Part 2 and the demonstration of a tempting wrong update rule in Part 4, and the
stand-ins and finite-difference helpers that let each public test judge one function alone.

Nothing here computes an answer exactly. Where a test needs a derivative that the student
writes (dxi/dw in Part 1, sigma' in Part 4), the stand-in is a central difference, and the
descent of Part 2 estimates its gradient by central differences too (exact up to rounding for
a cost that is quadratic in the parameters, as a mean squared error of a linear model is).

Convention, as in the notebook: one row per example. In Part 1, x and t have shape (N,) and w
is a number; in Parts 2 to 4, inputs are an array of shape (N, D), one row per example and one
column per feature, and targets and outputs have shape (N, 1) (Part 2: (N,)).

While nbgrader grades a submission (environment variable NBGRADER_EXECUTION=autograde),
nobody looks at the pictures and grading a class must stay quick: the pictures are computed on
coarse grids and closed without being drawn, the error curves of Part 4 come from
AUTOGRADE_POINTS training runs and the comparison of learning rates runs AUTOGRADE_STEPS steps.
Every number a test depends on stays the same.
"""
import os

import numpy as np
import matplotlib.pyplot as plt

# Part 1: t = SLOPE * x + Gaussian noise of standard deviation LINE_NOISE, x uniform in [0, 1].
SLOPE = 2.0
LINE_NOISE = 0.2
# Part 2: t = a x^2 + b x + c + noise, x uniform in [0, 100]: x^2 is up to 10^4 times x.
QUADRATIC = (0.02, -1.5, 20.0)
QUADRATIC_NOISE = 3.0
# Part 3: two classes of points in the plane, normally distributed about these centres with
# standard deviation CLASS_SPREAD; a line through the origin separates them nearly.
CLASS_ONE_CENTRE = (1.2, 0.6)
CLASS_ZERO_CENTRE = (-0.6, -1.2)
CLASS_SPREAD = 0.9
# The relative step of central differences in the descent of Part 2, and the step of the
# sigma' stand-in of Part 4 (coarse on purpose: good to about 1e-7, enough for the public
# tests and no substitute for the exact derivative).
DESCENT_STEP = 1e-3
STAND_IN_STEP = 1e-3
# Grid points per side of the pictures, normally and while nbgrader grades.
CURVE_POINTS, AUTOGRADE_CURVE_POINTS = 300, 40
SURFACE_POINTS, AUTOGRADE_SURFACE_POINTS = 90, 15
REGION_POINTS, AUTOGRADE_REGION_POINTS = 200, 25
# How many training runs an error curve of Part 4 is drawn from, and the steps of the
# comparison of learning rates in Part 2, while grading.
AUTOGRADE_POINTS = 4
AUTOGRADE_STEPS = 60


def grading():
    """Return True while nbgrader grades the notebook (NBGRADER_EXECUTION=autograde)."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def show(figure):
    """Lay out and show a figure; while nbgrader grades, close it undrawn instead."""
    if grading():
        plt.close(figure)
        return
    figure.tight_layout()
    plt.show()


# --- Part 1: one weight ---------------------------------------------------------------------

def line_data(n=20, seed=3):
    """Return (x, t), both of shape (n,): inputs uniform in [0, 1] and noisy targets 2 x.

    t = SLOPE * x plus normally distributed noise of standard deviation LINE_NOISE, drawn with
    np.random.default_rng(seed): the same arguments give the same data.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, n)
    return x, SLOPE * x + rng.normal(0.0, LINE_NOISE, n)


def linear_neuron(x, w):
    """Return x * w: the same function as the notebook's worked example nn."""
    return np.asarray(x, dtype=float) * w


def mean_squared_error(y, t):
    """Return the mean of (y - t)**2: the same function as the notebook's worked example loss."""
    return float(np.mean((np.asarray(y, dtype=float) - t) ** 2))


def numeric_gradient(w, x, t, h=1e-4):
    """Return d loss / d w of the linear neuron at the weight w, by central differences.

    loss is the mean squared error of linear_neuron(x, w) against t; the result is a number.
    """
    up = mean_squared_error(linear_neuron(x, w + h), t)
    down = mean_squared_error(linear_neuron(x, w - h), t)
    return (up - down) / (2 * h)


def best_weight(x, t):
    """Return the weight that minimises the mean squared error of x * w against t.

    Setting the derivative to zero gives sum(x * t) / sum(x * x).
    """
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    return float(np.sum(x * t) / np.sum(x * x))


def plot_loss_curve(x, t, path):
    """Plot the mean squared error over the weight w, and the weights `path` visited on it.

    path: the weights w_0, w_1, ... of a descent (a list or a 1-D array). Each is drawn as a
    dot on the curve, joined in order, with a square at the start and a star at the end; the
    dashed line marks the best weight. Returns None.
    """
    path = np.asarray(path, dtype=float).ravel()
    finite = path[np.isfinite(path)]
    best = best_weight(x, t)
    low = min(finite.min(initial=best), best) - 0.5
    high = max(finite.max(initial=best), best) + 0.5
    n = AUTOGRADE_CURVE_POINTS if grading() else CURVE_POINTS
    weights = np.linspace(low, high, n)
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    curve = np.mean((weights[:, None] * x[None, :] - t[None, :]) ** 2, axis=1)
    on_path = np.array([mean_squared_error(linear_neuron(x, w), t) for w in path])
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(weights, curve, color="tab:blue", label="mean squared error")
    axes.axvline(best, color="grey", linestyle="--", linewidth=1, label=f"best w = {best:.4f}")
    axes.plot(path, on_path, ".-", color="crimson", label="descent")
    axes.plot(path[:1], on_path[:1], "s", color="crimson")
    axes.plot(path[-1:], on_path[-1:], "*", color="black", markersize=12)
    axes.set(xlabel="w", ylabel="loss", title=f"The loss over the weight: {len(path) - 1} steps")
    axes.legend(fontsize="small")
    show(figure)


# --- Part 2: features on different scales -----------------------------------------------------

def quadratic_data(n=40, seed=4):
    """Return (x, t), both of shape (n,): x uniform in [0, 100], sorted, and noisy targets.

    t = a x**2 + b x + c with (a, b, c) = QUADRATIC, plus normally distributed noise of
    standard deviation QUADRATIC_NOISE, drawn with np.random.default_rng(seed).
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 100.0, n))
    a, b, c = QUADRATIC
    return x, a * x ** 2 + b * x + c + rng.normal(0.0, QUADRATIC_NOISE, n)


# compare_learning_rates draws losses up to OFF_SCALE times the starting loss; a diverging run
# leaves that scale within a few steps, and a stable one never reaches it.
OFF_SCALE = 1e3


def linear_model_loss(X, t, w, b):
    """Return the mean squared error of the linear model y = X @ w + b against t."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean((np.asarray(X, dtype=float) @ w + b - t) ** 2))


def descend_linear(X, t, learning_rate, steps):
    """Fit y = X @ w + b to t by gradient descent on the mean squared error, from zeros.

    X: the features, shape (N, D); t: the targets, shape (N,). Every step moves the D weights
    and the bias against the gradient, times learning_rate. The gradient is estimated by
    central differences with a step of DESCENT_STEP times each parameter's size (at least 1):
    the cost is quadratic in the parameters, so these are exact up to rounding.
    The descent stops early if the loss overflows.

    Returns (w, b, losses): w of shape (D,), the bias b (a number), and the loss before every
    step and after the last, an array of at most steps + 1 entries.
    """
    X, t = np.asarray(X, dtype=float), np.asarray(t, dtype=float)
    params = np.zeros(X.shape[1] + 1)

    def cost(p):
        return linear_model_loss(X, t, p[:-1], p[-1])

    losses = [cost(params)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            steps_h = DESCENT_STEP * np.maximum(1.0, np.abs(params))
            grad = np.array([(cost(params + e) - cost(params - e)) / (2 * h)
                             for e, h in zip(np.diag(steps_h), steps_h)])
            params = params - learning_rate * grad
            losses.append(cost(params))
            if not np.isfinite(losses[-1]):
                break
    return params[:-1], float(params[-1]), np.array(losses)


def least_squares_loss(X, t):
    """Return the smallest mean squared error of y = X @ w + b on (X, t), by numpy's lstsq."""
    X, t = np.asarray(X, dtype=float), np.asarray(t, dtype=float)
    A = np.column_stack([X, np.ones(len(X))])
    coefficients = np.linalg.lstsq(A, t, rcond=None)[0]
    return float(np.mean((A @ coefficients - t) ** 2))


def compare_learning_rates(X, t, rates, steps=1000):
    """Run descend_linear(X, t, rate, steps) for each learning rate; print and plot the losses.

    For each rate, one line says where the loss went: how far it fell, or at which step it
    overflowed. Two panels show the loss against the step, both on log scales. The left one
    has every run whole, until it overflows (as log10 of the loss, which matplotlib's log scale
    cannot reach near 1e308). The right one runs from below the least-squares
    loss (dashed) to OFF_SCALE times the starting loss: a diverging run is drawn there until it
    leaves the top, where a cross marks the step, so that the stable runs keep the height of
    the panel. While nbgrader grades, at most AUTOGRADE_STEPS steps are run. Returns None.
    """
    if grading():
        steps = min(steps, AUTOGRADE_STEPS)
    best = least_squares_loss(X, t)
    figure, (whole, axes) = plt.subplots(1, 2, figsize=(12, 4.4),
                                         gridspec_kw={"width_ratios": [1, 1.5]})
    top, last = None, 0
    for rate in rates:
        w, b, losses = descend_linear(X, t, rate, steps)
        finite = np.isfinite(losses)
        if finite.all():
            print(f"learning rate {rate:g}: loss {losses[0]:.4g} -> {losses[-1]:.4g} "
                  f"after {steps} steps")
        else:
            print(f"learning rate {rate:g}: loss {losses[0]:.4g} -> overflow (inf or nan) at "
                  f"step {int(np.argmin(finite))}")
        whole.plot(np.arange(len(losses))[finite], np.log10(losses[finite]), "-")
        last = max(last, int(np.sum(finite)) if not finite.all() else 0)
        top = OFF_SCALE * losses[0] if top is None else top
        above = np.flatnonzero(~(losses <= top))  # overflow (inf, nan) counts as above
        if above.size:
            k = int(above[0])
            # The curve runs up to the top edge at step k, where the cross marks its exit.
            line, = axes.plot(np.arange(k + 1), np.append(losses[:k], top), "-",
                              label=f"{rate:g}: diverges, off the scale at step {k}"
                                    + ("" if finite.all() else
                                       f", overflows at step {int(np.argmin(finite))}"))
            axes.plot([k], [top], "x", color=line.get_color(), markersize=10,
                      markeredgewidth=2.5, clip_on=False)
        else:
            axes.plot(np.arange(len(losses)), losses, "-", linewidth=2,
                      label=f"{rate:g}: stable, {losses[-1] / best:.3g} x the best loss "
                            f"after {len(losses) - 1} steps")
    axes.axhline(best, color="black", linestyle="--", linewidth=1,
                 label=f"the least-squares loss, {best:.3g}")
    # The steps on a scale linear up to 10 and logarithmic beyond: the first steps, where the
    # diverging runs leave and the stable one falls most, get room of their own.
    axes.set_xscale("symlog", linthresh=10, linscale=0.6)
    axes.set(yscale="log", ylim=(best / 2, top), xlim=(0, steps),
             xlabel="step (linear up to 10, logarithmic beyond)",
             ylabel="loss (mean squared error, log scale)",
             title=f"Zoomed: up to {OFF_SCALE:g} times the starting loss")
    axes.legend(title="learning rate", fontsize="small", loc="center right")
    whole.axhline(np.log10(best), color="black", linestyle="--", linewidth=1)
    # Linear steps, so that a loss multiplied by the same factor at every step is a straight
    # line; they end a little after the last overflow.
    shown = min(steps, int(1.15 * last) + 1) if last else steps
    whole.set(xlim=(0, shown), xlabel="step", ylabel="log10 of the loss",
              title=f"Every run, until it overflows (first {shown} steps)")
    figure.suptitle("Gradient descent on the raw features [x^2, x]")
    show(figure)


def plot_fits(x, t, fits):
    """Plot the data and quadratic fits. fits: {label: (a, b, c)} for y = a x^2 + b x + c."""
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    grid = np.linspace(x.min(), x.max(), 200)
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(x, t, "k.", label="data")
    for (label, (a, b, c)), style in zip(fits.items(), ("-", "--", ":", "-.")):
        axes.plot(grid, a * grid ** 2 + b * grid + c, style, linewidth=2, label=label)
    axes.set(xlabel="x", ylabel="t", title="Quadratic fits")
    axes.legend(fontsize="small")
    show(figure)


# --- Part 3: the logistic neuron ----------------------------------------------------------------

def two_class_data(n=20, seed=5):
    """Return (x, t): 2n points of the plane, shape (2n, 2), and their classes, shape (2n, 1).

    The first n points belong to class 1 (t = 1), drawn about CLASS_ONE_CENTRE; the last n to
    class 0, about CLASS_ZERO_CENTRE; both with standard deviation CLASS_SPREAD in each
    coordinate, using np.random.default_rng(seed).
    """
    rng = np.random.default_rng(seed)
    ones = rng.normal(CLASS_ONE_CENTRE, CLASS_SPREAD, (n, 2))
    zeros = rng.normal(CLASS_ZERO_CENTRE, CLASS_SPREAD, (n, 2))
    t = np.vstack([np.ones((n, 1)), np.zeros((n, 1))])
    return np.vstack([ones, zeros]), t


def sigmoid(z):
    """Return the logistic function 1 / (1 + exp(-z)) of z, entry by entry (any shape).

    The same function as the notebook's worked example logistic, written as
    (1 + tanh(z / 2)) / 2, which does not overflow for large |z|.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def logistic_neuron(x, w):
    """Return sigmoid(x @ w), shape (N, 1): the same function as the worked example
    nn_logistic, for x of shape (N, D) and w of shape (D, 1)."""
    return sigmoid(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float))


def cross_entropy_of_weights(w, x, t):
    """Return the mean cross-entropy of the logistic neuron with weights w on (x, t).

    Computed from the weighted sums z = x @ w, for w of shape (D, 1), as the mean of log(1 + e^z) - t z, which is
    the same number as the mean of -[t log y + (1 - t) log(1 - y)] with y = sigmoid(z), and
    stays finite where y rounds to 0 or 1.
    """
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - np.asarray(t, dtype=float) * z))


def plot_loss_surface(x, t, path):
    """Plot the mean cross-entropy over the plane of the two weights, and a descent path.

    path: the weights visited, shape (k, 2) (or (k, 2, 1), a list of columns w), one row
    (w1, w2) per step,
    starting point first. Returns None.
    """
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    finite = path[np.all(np.isfinite(path), axis=1)]
    low = np.minimum(finite.min(axis=0, initial=0), [-4.0, -4.0]) - 1 if finite.size else [-5, -5]
    high = np.maximum(finite.max(axis=0, initial=0), [5.0, 5.0]) + 1 if finite.size else [6, 6]
    n = AUTOGRADE_SURFACE_POINTS if grading() else SURFACE_POINTS
    w1, w2 = np.meshgrid(np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n))
    weights = np.column_stack([w1.ravel(), w2.ravel()])
    z = np.asarray(x, dtype=float) @ weights.T  # (N, n*n): one column per pair of weights
    surface = np.mean(np.logaddexp(0.0, z) - np.asarray(t, dtype=float) * z, axis=0).reshape(n, n)
    figure, axes = plt.subplots(figsize=(6, 5))
    levels = np.geomspace(surface.min() * 1.02, surface.max(), 16)
    lines = axes.contour(w1, w2, surface, levels=levels, cmap="viridis_r", linewidths=1)
    axes.clabel(lines, lines.levels[::3], fmt="%.2g", fontsize="x-small")
    axes.plot(path[:, 0], path[:, 1], ".-", color="crimson", markersize=3, label="descent")
    axes.plot(path[0, 0], path[0, 1], "s", color="crimson", label="start")
    axes.plot(path[-1, 0], path[-1, 1], "*", color="black", markersize=12, label="end")
    axes.set(xlabel="$w_1$", ylabel="$w_2$", aspect="equal",
             title=f"Mean cross-entropy over the weights: {len(path) - 1} steps")
    axes.legend(fontsize="small", loc="upper left")
    show(figure)


def plot_decision_boundary(predict, x, t, w):
    """Plot the two classes, the regions predict(points, w) gives to each, and the boundary.

    predict: a function of (points of shape (M, 2), w of shape (2, 1)) returning 0 or 1 per
    point, shape (M, 1), such as the notebook's nn_predict. The boundary of the logistic
    neuron is the line w1 x1 + w2 x2 = 0, through the origin. The title gives the fraction of
    the points that predict classifies correctly. Returns None.
    """
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    w = np.asarray(w, dtype=float).reshape(2, 1)
    n = AUTOGRADE_REGION_POINTS if grading() else REGION_POINTS
    low, high = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n))
    regions = np.asarray(predict(np.column_stack([g1.ravel(), g2.ravel()]), w), dtype=float)
    accuracy = np.mean(np.asarray(predict(x, w), dtype=float).reshape(-1, 1) == t)
    figure, axes = plt.subplots(figsize=(6, 5))
    axes.contourf(g1, g2, regions.reshape(n, n), levels=[-0.5, 0.5, 1.5],
                  colors=["#f4c6c0", "#c3d6ee"])
    ones = t[:, 0] == 1
    axes.plot(x[ones, 0], x[ones, 1], "o", color="#2162a8", label="class 1")
    axes.plot(x[~ones, 0], x[~ones, 1], "s", color="#c0392b", label="class 0")
    if w[1, 0] != 0:
        line = np.array([low[0], high[0]])
        axes.plot(line, -w[0, 0] * line / w[1, 0], "k-", linewidth=1.5, label="boundary")
    axes.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]), aspect="equal",
             xlabel="$x_1$", ylabel="$x_2$",
             title=f"Decision boundary: {accuracy:.0%} of the points right")
    axes.legend(fontsize="small", loc="upper left")
    show(figure)


# --- Part 4: the OR gate --------------------------------------------------------------------------

def or_gate():
    """Return (X, Y): the four inputs of the OR gate, shape (4, 2), and its outputs, (4, 1)."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([[0.0], [1.0], [1.0], [1.0]])


def half_sum_squared_error(W, X, Y):
    """Return 1/2 sum over the examples of (sigmoid(X @ W) - Y)**2, a number.

    W: the weights, shape (D, 1); X: the inputs, shape (N, D); Y: the targets, shape (N, 1).
    """
    return float(0.5 * np.sum((sigmoid(np.asarray(X, dtype=float) @ W) - Y) ** 2))


def sigmoid_slope_stand_in(s):
    """Return sigma'(z) at the z where sigma(z) = s, by central differences (any shape).

    The stand-in that the public test of train_or plants for sigmoid_derivative_from_output:
    good to about 1e-7, which is plenty for that test, and deliberately no exact formula.
    Raises ValueError for values outside [0, 1], which no output of the logistic function has.
    """
    s = np.asarray(s, dtype=float)
    if np.any((s < 0) | (s > 1)) or not np.all(np.isfinite(s)):
        raise ValueError("sigmoid_derivative_from_output got values outside [0, 1]: it takes "
                         "the outputs y = logistic(z), not the weighted sums z.")
    with np.errstate(divide="ignore"):
        z = np.log(s) - np.log1p(-s)
    return (sigmoid(z + STAND_IN_STEP) - sigmoid(z - STAND_IN_STEP)) / (2 * STAND_IN_STEP)


def error_curve(train, X, Y, epochs, learning_rate, seed, points=30):
    """Return (counts, errors): the error of train's weights after counts[i] epochs.

    train: a function like the notebook's train_or(X, Y, epochs, learning_rate, seed),
    returning the weights W (D, 1) after that many epochs from the same seeded start. It is run
    once for each of `points` epoch counts from 0 to `epochs` (AUTOGRADE_POINTS while nbgrader
    grades); errors[i] is half_sum_squared_error of the weights it returns.
    """
    if grading():
        points = min(points, AUTOGRADE_POINTS)
    counts = np.unique(np.linspace(0, epochs, points).round().astype(int))
    errors = [half_sum_squared_error(np.asarray(train(X, Y, int(c), learning_rate, seed),
                                                dtype=float), X, Y) for c in counts]
    return counts, np.array(errors)


def plot_error_curves(curves, title="Training the OR gate"):
    """Plot error curves: curves is {label: (counts, errors)} as error_curve returns them."""
    figure, axes = plt.subplots(figsize=(7, 4))
    for label, (counts, errors) in curves.items():
        axes.semilogy(counts, errors, ".-", label=label)
    axes.set(xlabel="epochs", ylabel="1/2 sum of squared errors (log scale)", title=title)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    show(figure)


def tempting_rule(X, Y, epochs, learning_rate, seed):
    """Train as in the question-and-answer thread: "cost times cost-derivative" (a wrong rule).

    Starts from W = np.random.default_rng(seed).normal(size=(D, 1)), as train_or does. Every
    epoch computes y = sigmoid(X @ W), the squared errors c = (Y - y)**2, multiplies them by
    "the cost's derivative" taken at the cost itself, 2 c, then by sigma' = y (1 - y), and
    moves W against X.T @ that. Returns (W, errors, history): the final weights, the
    half_sum_squared_error before each epoch and after the last (epochs + 1 numbers), and the
    weights before each epoch and after the last, shape (epochs + 1, D).
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    W = np.random.default_rng(seed).normal(size=(X.shape[1], 1))
    errors, history = [], []
    for _ in range(epochs):
        errors.append(half_sum_squared_error(W, X, Y))
        history.append(W.ravel().copy())
        y = sigmoid(X @ W)
        cost = (Y - y) ** 2
        layer_error = cost * (2 * cost)
        W = W - learning_rate * X.T @ (layer_error * y * (1 - y))
    errors.append(half_sum_squared_error(W, X, Y))
    history.append(W.ravel().copy())
    return W, np.array(errors), np.array(history)


def show_tempting_rule(X, Y, epochs=1000, learning_rate=2.0, seed=0):
    """Run tempting_rule and show where it goes: the error rises and every weight falls.

    Prints the error and the weights at the start and at the end, and the outputs for the
    four inputs; plots the error and the weights against the epoch. Returns None.
    """
    W, errors, history = tempting_rule(X, Y, epochs, learning_rate, seed)
    print(f"error: {errors[0]:.4f} at the start, {errors[-1]:.4f} after {epochs} epochs")
    print("weights at the start:", np.round(history[0], 3))
    print("weights at the end:  ", np.round(history[-1], 3))
    print("outputs at the end:  ", np.round(sigmoid(np.asarray(X, dtype=float) @ W).ravel(), 4),
          " targets:", np.asarray(Y).ravel())
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.plot(errors, color="crimson")
    left.set(xlabel="epoch", ylabel="1/2 sum of squared errors",
             title="The tempting rule: the error rises")
    for j in range(history.shape[1]):
        right.plot(history[:, j], label=f"W[{j}]")
    right.axhline(0, color="grey", linewidth=0.8)
    right.set(xlabel="epoch", ylabel="weight", title="... because every step lowers every weight")
    right.legend(fontsize="small")
    show(figure)
