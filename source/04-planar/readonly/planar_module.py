"""Data, plots and demonstration runs of the planar classification assignment (04-planar).

The notebook owns the network: the student writes layer_sizes, initialize_parameters,
forward_propagation, compute_cost, backward_propagation, update_parameters, nn_model and
predict, then rbf and rbf_prime. This module supplies what the student is not asked to write:
the "flower", the three bands on a line and the other two-class data sets, the logistic
function, the decision-boundary plots, the sweep over hidden-layer sizes (with its cost
curves), a training loop for a hidden layer of any activation (train_hidden_layer: the
identity, the radial basis function), the plots of the hidden space, and the stand-ins that
let the public tests of nn_model, predict and rbf_prime judge those functions on their own.

Convention, as in the notebook: one column per example. m points of the plane are an array
X of shape (2, m); their labels, 0 or 1, an array Y of shape (1, m).

While nbgrader grades a submission (environment variable NBGRADER_EXECUTION=autograde) the
demonstrations shrink, so that grading a class stays quick: demo_iterations() and
sweep_hidden_sizes() run AUTOGRADE_ITERATIONS iterations, the sweep trains only its first
AUTOGRADE_SIZES sizes, decision boundaries are drawn on a coarse grid, and
logistic_regression() skips scikit-learn (which takes a second just to load). Nothing else
changes.
"""
import os

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap

from readonly.checking import CheckFailure, check_close, planted  # noqa: F401 (the notebook imports planted from here)

# How many training iterations a demonstration runs, and how many hidden-layer sizes the sweep
# tries, while nbgrader grades.
AUTOGRADE_ITERATIONS = 20
AUTOGRADE_SIZES = 2
# Grid points per side on which plot_decision_boundary evaluates the model (normally, grading).
GRID_POINTS = 240
AUTOGRADE_GRID_POINTS = 30
# Class 0 is drawn red, class 1 blue; the regions a model gives to each class in paler tones.
POINT_COLOURS = ListedColormap(["#c0392b", "#2162a8"])
REGION_COLOURS = ListedColormap(["#f4c6c0", "#c3d6ee"])
EXTRA_DATA_SETS = ("circles", "moons", "blobs", "gaussian_quantiles")


def grading():
    """Return True while nbgrader grades the notebook (NBGRADER_EXECUTION=autograde)."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def sigmoid(z):
    """Return the logistic function 1 / (1 + exp(-z)) of z, entry by entry (any shape).

    Written as (1 + tanh(z/2)) / 2, the same function, which does not overflow for large |z|.
    """
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def flower_data(m=400, petals=4, noise=0.15, seed=2, radius=4.0):
    """Return (X, Y): m points of a flower, shape (2, m), and their labels, shape (1, m).

    The flower has `petals` petals (an even number) of length `radius`, spread evenly round the
    origin; neighbouring petals have opposite labels. Point k belongs to petal k % petals,
    so the petals (and the two classes) hold equally many points when m allows. Inside its
    petal a point sits at a uniformly random angle and at a random distance that shrinks
    towards the petal's edges; Gaussian noise of standard deviation `noise` is then added to
    both coordinates, so petals overlap a little where they meet near the centre.

    Y holds integers, 0 (red) and 1 (blue). The same arguments give the same data.
    """
    if petals < 2 or petals % 2:
        raise ValueError(f"petals must be an even number >= 2, not {petals}")
    rng = np.random.default_rng(seed)
    petal = np.arange(m) % petals
    across = rng.uniform(-1, 1, m)  # -1 and 1 are the two edges of the petal, 0 its middle
    angle = (petal + 0.5 + 0.5 * across) * 2 * np.pi / petals
    distance = radius * np.cos(0.5 * np.pi * across) * np.sqrt(rng.uniform(0, 1, m))
    X = np.vstack([distance * np.cos(angle), distance * np.sin(angle)])
    X = X + rng.normal(0, noise, X.shape)
    Y = (petal % 2).reshape(1, m)
    return X, Y


def extra_data(name, m=200, seed=0):
    """Return (X, Y) for one of the EXTRA_DATA_SETS, made by scikit-learn's generators.

    "circles": a ring round a disc; "moons": two interleaved half-moons; "blobs": six round
    clusters, labelled alternately 0 and 1; "gaussian_quantiles": a Gaussian cloud whose
    inner half is one class and outer half the other. X has shape (2, m), Y shape (1, m).
    """
    from sklearn import datasets  # imported here: scikit-learn takes a second to load

    if name == "circles":
        points, labels = datasets.make_circles(m, factor=0.5, noise=0.1, random_state=seed)
    elif name == "moons":
        points, labels = datasets.make_moons(m, noise=0.2, random_state=seed)
    elif name == "blobs":
        points, labels = datasets.make_blobs(m, centers=6, cluster_std=0.8, random_state=seed)
        labels = labels % 2
    elif name == "gaussian_quantiles":
        points, labels = datasets.make_gaussian_quantiles(
            cov=0.5, n_samples=m, n_features=2, n_classes=2, random_state=seed)
    else:
        raise ValueError(f"unknown data set {name!r}; choose one of {EXTRA_DATA_SETS}")
    return points.T, labels.reshape(1, m).astype(int)


class _MostCommonLabel:
    """Stands in for a fitted classifier while grading: predicts the most common label."""

    def __init__(self, labels):
        self.label = int(np.mean(labels) > 0.5)

    def predict(self, rows):
        return np.full(len(rows), self.label)

    def score(self, rows, labels):
        return float(np.mean(self.predict(rows) == np.ravel(labels)))


def logistic_regression(X, Y):
    """Return scikit-learn's LogisticRegression fitted to the points X (2, m), labels Y (1, m).

    scikit-learn wants one row per example, so it is given X.T and the labels as a flat
    array; its methods predict(rows) and score(rows, labels) want rows too. While nbgrader
    grades, the fit is skipped and a stand-in with the same two methods, which predicts the
    most common label everywhere, is returned instead.
    """
    if grading():
        return _MostCommonLabel(Y)
    from sklearn.linear_model import LogisticRegression  # takes a second to load

    return LogisticRegression().fit(X.T, np.ravel(Y))


def demo_iterations(n):
    """Return n, or AUTOGRADE_ITERATIONS if that is smaller and the notebook is being graded."""
    return min(n, AUTOGRADE_ITERATIONS) if grading() else n


def plot_data(X, Y, ax=None, title="The data"):
    """Scatter the points X (2, m), coloured by their labels Y (1, m). Returns the axes."""
    ax = ax or plt.subplots(figsize=(5, 5))[1]
    ax.scatter(X[0], X[1], c=np.ravel(Y), cmap=POINT_COLOURS, vmin=0, vmax=1, s=14,
               edgecolors="white", linewidths=0.4)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
    return ax


def plot_decision_boundary(predict_columns, X, Y, ax=None, title="Decision boundary"):
    """Shade the regions a model gives to each class, with the points X, Y on top.

    predict_columns: a function of points in columns, shape (2, k), returning their k labels
        (0/1 or False/True, in any shape); for example lambda P: predict(parameters, P).
    X, Y: the points (2, m) and their labels (1, m), drawn over the regions.
    Returns the axes.
    """
    ax = ax or plt.subplots(figsize=(5, 5))[1]
    n = AUTOGRADE_GRID_POINTS if grading() else GRID_POINTS
    low, high = X.min(axis=1) - 0.6, X.max(axis=1) + 0.6
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n))
    labels = np.asarray(predict_columns(np.vstack([g1.ravel(), g2.ravel()])), dtype=float)
    ax.contourf(g1, g2, labels.reshape(g1.shape), levels=[-0.5, 0.5, 1.5], cmap=REGION_COLOURS)
    return plot_data(X, Y, ax=ax, title=title)


def accuracy(predictions, Y):
    """Return the fraction of the labels Y (1, m) that the predictions (1, m) get right."""
    return float(np.mean(np.asarray(predictions).reshape(np.shape(Y)) == Y))


def sweep_hidden_sizes(nn_model, predict, X, Y, sizes=(1, 2, 3, 4, 5, 20, 50),
                       num_iterations=10000, X_test=None, Y_test=None, seed=3, namespace=None,
                       runs=None):
    """Train one network per hidden-layer size and draw every decision boundary.

    For each n_h in `sizes`: seed numpy's global generator with `seed` (so every size starts
    from the same random state), call nn_model(X, Y, n_h, num_iterations=num_iterations) and
    measure the accuracy of predict on the training data X, Y and, if given, on test data
    X_test, Y_test. Prints one line per size and draws one panel per size.
    While nbgrader grades, only the first AUTOGRADE_SIZES sizes are tried, with
    AUTOGRADE_ITERATIONS iterations each.
    runs: a dictionary to fill, if given, with {n_h: {"parameters": the trained parameters,
        "costs": the cost of every iteration}}. The costs are recorded only when `namespace`
        (the notebook's globals()) is given too: while nn_model runs, compute_cost there is
        wrapped in a function that returns the same value and writes it down.
    Returns {n_h: (training accuracy, test accuracy or None)}.
    """
    num_iterations = demo_iterations(num_iterations)
    if grading():
        sizes = sizes[:AUTOGRADE_SIZES]
    columns = 4
    rows = -(-len(sizes) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(3.4 * columns, 3.5 * rows), squeeze=False)
    results = {}
    for ax, n_h in zip(axes.flat, sizes):
        np.random.seed(seed)
        costs = []
        if namespace is None:
            parameters = nn_model(X, Y, n_h, num_iterations=num_iterations)
        else:
            with planted(namespace, compute_cost=_recording(namespace["compute_cost"], costs)):
                parameters = nn_model(X, Y, n_h, num_iterations=num_iterations)
        if runs is not None:
            runs[n_h] = {"parameters": parameters, "costs": costs}
        train = accuracy(predict(parameters, X), Y)
        test = None if X_test is None else accuracy(predict(parameters, X_test), Y_test)
        results[n_h] = (train, test)
        line = f"n_h = {n_h:2d}: training accuracy {100 * train:5.1f} %"
        title = f"n_h = {n_h}: train {100 * train:.1f} %"
        if test is not None:
            line += f", test accuracy {100 * test:5.1f} %"
            title += f", test {100 * test:.1f} %"
        print(line)
        plot_decision_boundary(lambda P: predict(parameters, P), X, Y, ax=ax, title=title)
        ax.set(xlabel="", ylabel="")
    for ax in axes.flat[len(sizes):]:
        ax.axis("off")
    figure.tight_layout()
    plt.show()
    return results


def _recording(compute_cost, costs):
    """Return a function that calls compute_cost and appends the cost it returns to costs."""
    def recording_compute_cost(*args, **kwargs):
        value = compute_cost(*args, **kwargs)
        try:
            costs.append(float(np.squeeze(value)))
        except (TypeError, ValueError):  # not one number: nothing to draw, but train on
            costs.append(np.nan)
        return value
    return recording_compute_cost


def plot_sweep(runs, results):
    """Draw, side by side, the cost against the iteration for every run of a sweep and the
    training and test accuracy against n_h.

    runs: {n_h: {"costs": [...]}}, as sweep_hidden_sizes fills it (with its namespace given);
    results: {n_h: (training accuracy, test accuracy or None)}, as it returns. Returns the
    two axes.
    """
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for n_h, run in runs.items():
        if run["costs"]:
            left.plot(np.arange(len(run["costs"])), run["costs"], label=f"$n_h = {n_h}$")
    left.set(xlabel="iteration", ylabel="cost $C$ on the training points", yscale="log",
             title="The cost during training")
    left.legend()
    sizes = list(results)
    positions = np.arange(len(sizes))
    right.plot(positions, [100 * results[n][0] for n in sizes], "o-", label="training points")
    if all(results[n][1] is not None for n in sizes):
        right.plot(positions, [100 * results[n][1] for n in sizes], "s--", label="test points")
    right.set(xticks=positions, xticklabels=[str(n) for n in sizes],
              xlabel="hidden neurons $n_h$", ylabel="accuracy (%)",
              title="Accuracy after training")
    right.legend()
    figure.tight_layout()
    plt.show()
    return left, right


# ---------------------------------------------------------------- other hidden layers

def train_hidden_layer(X, Y, n_h, activation, derivative, num_iterations=2000,
                       learning_rate=1.0, weight_scale=0.01, seed=3):
    """Return the parameters {"W1", "b1", "W2", "b2"} of an n_x-n_h-1 network whose hidden
    layer uses `activation` (and a sigmoid output), trained by gradient descent on the mean
    cross-entropy cost.

    The same network as the notebook's, with another hidden activation: activation(Z1) gives
    A1, derivative(Z1) its slope (both entry by entry, shape (n_h, m)). The weights start as
    weight_scale times standard normal numbers from np.random.default_rng(seed), the biases
    at zero. X (n_x, m), Y (1, m); num_iterations shrinks while grading (demo_iterations).
    """
    rng = np.random.default_rng(seed)
    n_x, m = X.shape
    parameters = {"W1": weight_scale * rng.standard_normal((n_h, n_x)), "b1": np.zeros((n_h, 1)),
                  "W2": weight_scale * rng.standard_normal((1, n_h)), "b2": np.zeros((1, 1))}
    for _ in range(demo_iterations(num_iterations)):
        Z1 = parameters["W1"] @ X + parameters["b1"]
        A1 = activation(Z1)
        A2 = sigmoid(parameters["W2"] @ A1 + parameters["b2"])
        dZ2 = A2 - Y
        dZ1 = (parameters["W2"].T @ dZ2) * derivative(Z1)
        steps = {"W1": dZ1 @ X.T, "b1": dZ1.sum(axis=1, keepdims=True),
                 "W2": dZ2 @ A1.T, "b2": dZ2.sum(axis=1, keepdims=True)}
        parameters = {name: value - learning_rate * steps[name] / m
                      for name, value in parameters.items()}
    return parameters


def hidden_layer_outputs(parameters, X, activation):
    """Return (A1, A2): the hidden activations (n_h, m) and the probabilities (1, m) of the
    network of train_hidden_layer on the points X (n_x, m)."""
    A1 = activation(parameters["W1"] @ X + parameters["b1"])
    return A1, sigmoid(parameters["W2"] @ A1 + parameters["b2"])


def band_data(m=150, seed=4, inner=1.0, gap=0.3, outer=3.0):
    """Return (X, Y): m points of a line in three bands, X of shape (1, m), Y of shape (1, m).

    The middle band, |x| < inner, is class 1; the two outer bands, inner + gap < |x| < outer,
    are class 0. Points are drawn uniformly from the three bands together (seeded), so that the
    outer bands hold about twice as many points as the middle one. The same arguments give
    the same data.
    """
    rng = np.random.default_rng(seed)
    middle = rng.random(m) < inner / (inner + outer - inner - gap)
    x = np.where(middle, rng.uniform(-inner, inner, m),
                 rng.choice([-1.0, 1.0], m) * rng.uniform(inner + gap, outer, m))
    return x.reshape(1, m), middle.astype(int).reshape(1, m)


def plot_bands(X, Y, predict_columns=None, ax=None, title="Three bands"):
    """Draw the points of a one-dimensional data set X (1, m), Y (1, m) on a line, coloured
    by class, and, if predict_columns is given (points (1, k) to labels), shade the intervals
    it gives to each class. Returns the axes."""
    ax = ax or plt.subplots(figsize=(8, 1.8))[1]
    if predict_columns is not None:
        grid = np.linspace(X.min() - 0.5, X.max() + 0.5, 600).reshape(1, -1)
        labels = np.asarray(predict_columns(grid), dtype=float).reshape(1, -1)
        ax.pcolormesh(grid.ravel(), [-1, 1], labels[:, :-1],
                      cmap=REGION_COLOURS, vmin=0, vmax=1, shading="flat")
    jitter = np.random.default_rng(0).uniform(-0.5, 0.5, X.shape[1])
    for label, name in ((0, "class 0"), (1, "class 1")):
        chosen = np.ravel(Y) == label
        ax.scatter(X[0, chosen], jitter[chosen], color=POINT_COLOURS.colors[label], s=14,
                   edgecolors="white", linewidths=0.4, label=name)
    ax.set(xlabel="$x$", yticks=[], ylim=(-1, 1), title=title)
    ax.legend(loc="upper right", fontsize="small")
    return ax


def plot_hidden_space(A1, Y, W2=None, b2=None, title="The hidden space"):
    """Scatter the hidden activations A1 (n_h, m) of m points, coloured by their labels Y
    (1, m), with the output neuron's boundary W2 a + b2 = 0 where W2 (1, n_h) and b2 are given.

    n_h = 2: one plane; n_h = 3: a 3-D scatter (the boundary is then a plane) beside the three
    pairwise projections. Returns the figure.
    """
    n_h = A1.shape[0]
    labels = np.ravel(Y)
    colours = [POINT_COLOURS.colors[label] for label in labels]
    if n_h == 2:
        figure, ax = plt.subplots(figsize=(5, 5))
        for label, name in ((0, "class 0"), (1, "class 1")):
            chosen = labels == label
            ax.scatter(A1[0, chosen], A1[1, chosen], color=POINT_COLOURS.colors[label], s=14,
                       edgecolors="white", linewidths=0.4, label=name)
        if W2 is not None:
            _boundary_line(ax, W2, b2, A1)
        ax.set(xlabel="$a_1$", ylabel="$a_2$", title=title)
        ax.legend(fontsize="small")
        return figure
    if n_h != 3:
        raise ValueError(f"plot_hidden_space draws 2 or 3 hidden neurons, not {n_h}")
    figure = plt.figure(figsize=(14, 3.8))
    ax = figure.add_subplot(1, 4, 1, projection="3d")
    ax.scatter(A1[0], A1[1], A1[2], c=colours, s=8, depthshade=False)
    if W2 is not None and abs(W2[0, 2]) > 1e-12:
        g1, g2 = np.meshgrid(np.linspace(-1, 1, 2), np.linspace(-1, 1, 2))
        plane = -(W2[0, 0] * g1 + W2[0, 1] * g2 + b2[0, 0]) / W2[0, 2]
        ax.plot_surface(g1, g2, np.clip(plane, -1.5, 1.5), alpha=0.25, color="grey")
    ax.set(xlabel="$a_1$", ylabel="$a_2$", zlabel="$a_3$", title=title,
           xlim=(-1, 1), ylim=(-1, 1), zlim=(-1, 1))
    for panel, (i, j) in enumerate(((0, 1), (0, 2), (1, 2)), start=2):
        ax = figure.add_subplot(1, 4, panel)
        for label, name in ((0, "class 0"), (1, "class 1")):
            chosen = labels == label
            ax.scatter(A1[i, chosen], A1[j, chosen], color=POINT_COLOURS.colors[label], s=8,
                       label=name)
        ax.set(xlabel=f"$a_{i + 1}$", ylabel=f"$a_{j + 1}$", xlim=(-1.05, 1.05),
               ylim=(-1.05, 1.05), title=f"$a_{i + 1}$ against $a_{j + 1}$", aspect="equal")
        ax.legend(fontsize="small", loc="lower left")
    figure.tight_layout()
    return figure


def _boundary_line(ax, W2, b2, A1):
    """Draw the line W2 a + b2 = 0 of a two-dimensional hidden space over the points A1."""
    w1, w2, b = float(W2[0, 0]), float(W2[0, 1]), float(b2[0, 0])
    low, high = A1.min(axis=1) - 0.1, A1.max(axis=1) + 0.1
    if abs(w2) > abs(w1):
        a1 = np.linspace(low[0], high[0], 2)
        ax.plot(a1, -(w1 * a1 + b) / w2, "k--", label="output boundary")
    else:
        a2 = np.linspace(low[1], high[1], 2)
        ax.plot(-(w2 * a2 + b) / w1, a2, "k--", label="output boundary")
    ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]))


def rbf_stand_in(z):
    """A correct radial basis function, planted in place of yours while the tests of rbf_prime
    run, so that a mistake in rbf costs the points of rbf only."""
    z = np.asarray(z, dtype=float)
    return np.exp(-(z * z))


def entries(what, result, names):
    """Return [result[name] for name in names], failing clearly unless result is such a dict."""
    if result is None:
        raise CheckFailure(f"{what} returned None: did you forget the `return` statement?")
    if not isinstance(result, dict):
        raise CheckFailure(f"{what} returned a {type(result).__name__}; expected a dictionary "
                           f"with the keys {', '.join(names)}.")
    missing = [name for name in names if name not in result]
    if missing:
        raise CheckFailure(f"{what} returned a dictionary without {', '.join(missing)}; it has "
                           f"the keys {sorted(map(str, result))}.")
    return [result[name] for name in names]


def pair(what, result):
    """Return the two parts of a pair such as (A2, cache), failing clearly if it is not one."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"{what} returned {type(result).__name__} {result!r:.60}; expected "
                           "a pair of two values, such as `return A2, cache`.")
    return result


# What a test says when a function changes an argument it was given (the answer key says the
# same at grading).
CHANGED = {
    "update_parameters": (
        "it changes {changed}, which it was given: an in-place step (parameters[\"W1\"] -= ..., "
        "or W1 -= ... after W1 = parameters[\"W1\"]) changes the caller's arrays. Compute new "
        "arrays, W1 = W1 - learning_rate * dW1, or start from copies (copy.deepcopy(parameters))."),
    "backward_propagation": (
        "it changes {changed}, which it was given: a name such as dZ2 = A2 shares the cache's "
        "array, so an in-place step (dZ2 -= Y) changes the cache too. Compute new arrays, "
        "dZ2 = A2 - Y."),
    "rbf": (
        "it changes {changed}, which it was given: z **= 2 (or z *= z, z *= -1) works in place "
        "on the caller's array. Compute a new array, such as -z**2."),
    "rbf_prime": (
        "it changes {changed}, which it was given: z *= -2 (or z **= 2) works in place on the "
        "caller's array. Compute a new array, such as -2 * z."),
}

# What a test says when rbf or rbf_prime overflows for large |z| (the answer key says the same).
OVERFLOW = {
    "rbf": (
        "it overflows for large |z|: exp(z**2) is larger than any float (about 1e308) once "
        "|z| > 26.6, so dividing by it gives 0 only with an overflow on the way. Compute "
        "exp(-z**2), which goes smoothly to 0."),
    "rbf_prime": (
        "it overflows for large |z|: exp(z**2) is larger than any float (about 1e308) once "
        "|z| > 26.6, so -2 z / exp(z**2) gives 0 only with an overflow on the way. Compute "
        "-2 z exp(-z**2), whose exponential goes smoothly to 0."),
}


def call_without_overflow(name, function, what, *args):
    """Return function(*args) computed with numpy raising FloatingPointError on an overflow
    (or an invalid operation such as inf / inf); fail with OVERFLOW[name] if it overflows."""
    with np.errstate(over="raise", invalid="raise"):
        try:
            return function(*args)
        except FloatingPointError:
            raise CheckFailure(f"{what}: {OVERFLOW[name]}") from None
        except NotImplementedError:
            raise CheckFailure(f"{what} is not implemented yet: replace the `raise "
                               "NotImplementedError` line with your code.") from None
        except Exception as error:
            raise CheckFailure(f"{what} raised {type(error).__name__}: {error}") from error


def after_call(function, *args, **kwargs):
    """Return (function(*args, **kwargs), args): what the call returned, and its positional
    arguments as they are after it, so that a test can see whether the function changed them."""
    return function(*args, **kwargs), args


def changed_argument(given, after):
    """Return the first argument (or dictionary entry) that a call changed, as text such as
    "cache['A2']", or None if it left them all as they were. `given` holds the arguments as
    passed, {name: value} (copies the caller kept); `after` the same arguments after the call,
    in the same order (as after_call returns them)."""
    for (name, before), now in zip(given.items(), after):
        if isinstance(before, dict):
            if not isinstance(now, dict):
                return name
            for key in list(before) + [k for k in now if k not in before]:
                if key not in before or key not in now or not _same(before[key], now[key]):
                    return f"{name}[{key!r}]"
        elif not _same(before, now):
            return name
    return None


def _same(a, b):
    return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))


def check_unchanged(function, what, given, after):
    """Fail, naming the argument, if the call `what` of `function` changed an argument it was
    given (see changed_argument for `given` and `after`)."""
    changed = changed_argument(given, after)
    if changed is not None:
        raise CheckFailure(f"{what}: {CHANGED[function].format(changed=changed)}")


def _generation(what, arrays):
    """Return the one number that fills all `arrays` (stand-in bookkeeping), else fail."""
    values = {float(v) for array in arrays for v in np.ravel(array)}
    if len(values) != 1:
        raise CheckFailure(f"nn_model passed {what} that no stand-in produced: pass on the "
                           "dictionaries and arrays the functions return, unchanged.")
    return values.pop()


# How many updates the rehearsal of nn_model lets a loop make before it stops it (a loop that
# ignores num_iterations, or never ends).
REHEARSAL_UPDATES = 20000
# What the rehearsal reports of a run of nn_model, in this order.
REHEARSAL_TRACE = ("calls of initialize_parameters", "the n_h given to it", "updates made",
                   "the learning rate given to update_parameters",
                   "updates behind the parameters returned")


def rehearse_nn_model(nn_model, namespace, n_h=3, num_iterations=4, mistakes=()):
    """Run nn_model with stand-ins for the six functions it calls; fail if it is wired wrongly.

    The stand-ins replace layer_sizes, initialize_parameters, forward_propagation,
    compute_cost, backward_propagation and update_parameters in `namespace` (the notebook's
    globals) during the call only, so the outcome depends on nn_model alone. They compute
    nothing useful: every parameter array is filled with the number of updates behind it,
    and each stand-in checks that it received what the step before returned (the data, that
    pass's cache, that pass's gradients). Afterwards the run is summed up as the numbers of
    REHEARSAL_TRACE, which must be (1, n_h, num_iterations, 1.2, num_iterations): nn_model
    calls initialize_parameters once with (n_x, n_h, n_y), makes one update per iteration
    with the default learning rate, each from the parameters of the update before, and
    returns the parameters of the last one. `mistakes`, [(message, trace)], names the
    typical mistakes by their traces. Returns None; raises CheckFailure with what went wrong.
    """
    data_X = np.linspace(-1, 1, 15).reshape(3, 5)
    data_Y = np.array([[0, 1, 1, 0, 1]])
    n_x, n_y, m = data_X.shape[0], data_Y.shape[0], data_X.shape[1]
    what = (f"nn_model(X, Y, n_h={n_h}, num_iterations={num_iterations}) with X of shape "
            f"{data_X.shape}")
    state = {"initialised": 0, "n_h": None, "updates": 0, "rate": None, "cache": None,
             "grads": None}

    def fail(message):
        raise CheckFailure(f"{what} {message}")

    def generation(parameters, who):
        if not isinstance(parameters, dict) or set(parameters) != {"W1", "b1", "W2", "b2"}:
            fail(f"passed {who} something other than the parameters dictionary that "
                 "initialize_parameters or update_parameters returned.")
        return _generation(f"{who} parameters", parameters.values())

    def check_data(X, Y, who):
        if np.shape(X) != data_X.shape or not np.array_equal(X, data_X):
            fail(f"passed {who} something other than X.")
        if Y is not None and (np.shape(Y) != data_Y.shape or not np.array_equal(Y, data_Y)):
            fail(f"passed {who} something other than Y.")

    def layer_sizes(X, Y):
        return (np.shape(X)[0], 4, np.shape(Y)[0])

    def initialize_parameters(n_x_, n_h_, n_y_):
        state["initialised"] += 1
        state["n_h"] = n_h_
        if (n_x_, n_y_) != (n_x, n_y):
            fail(f"called initialize_parameters({n_x_}, {n_h_}, {n_y_}); expected "
                 f"({n_x}, {n_h}, {n_y}): n_x and n_y come from the shapes of X and Y.")
        return {"W1": np.zeros((n_h_, n_x)), "b1": np.zeros((n_h_, 1)),
                "W2": np.zeros((n_y, n_h_)), "b2": np.zeros((n_y, 1))}

    def forward_propagation(X, parameters):
        check_data(X, None, "forward_propagation")
        g = generation(parameters, "forward_propagation")
        cache = {"Z1": np.full((n_h, m), g), "A1": np.full((n_h, m), g),
                 "Z2": np.full((n_y, m), g), "A2": np.full((n_y, m), g)}
        state["cache"], state["grads"] = g, None
        return np.full((n_y, m), 0.5), cache

    def compute_cost(A2, Y):
        return 0.693

    def backward_propagation(parameters, cache, X, Y):
        g = generation(parameters, "backward_propagation")
        check_data(X, Y, "backward_propagation")
        if not isinstance(cache, dict) or not {"Z1", "A1", "Z2", "A2"} <= set(cache):
            fail("passed backward_propagation something other than the cache that "
                 "forward_propagation returned.")
        if state["cache"] != g or _generation("a cache", cache.values()) != g:
            fail("passed backward_propagation a cache from another iteration: run "
                 "forward_propagation on the current parameters first, and pass on the "
                 "cache it returns.")
        state["grads"] = g
        return {"dW1": np.full((n_h, n_x), -1.0), "db1": np.full((n_h, 1), -1.0),
                "dW2": np.full((n_y, n_h), -1.0), "db2": np.full((n_y, 1), -1.0)}

    def update_parameters(parameters, grads, learning_rate=1.2):
        if state["updates"] == REHEARSAL_UPDATES:
            fail(f"made more than {REHEARSAL_UPDATES} updates: loop range(num_iterations) "
                 "times.")
        g = generation(parameters, "update_parameters")
        if (not isinstance(grads, dict) or set(grads) != {"dW1", "db1", "dW2", "db2"}
                or state["grads"] != g or _generation("gradients", grads.values()) != -1):
            fail("passed update_parameters something other than the gradients "
                 "backward_propagation returned for these parameters in this iteration.")
        state["updates"] += 1
        state["rate"], state["grads"] = learning_rate, None
        return {name: np.full(np.shape(value), g + 1.0) for name, value in parameters.items()}

    stand_ins = dict(layer_sizes=layer_sizes, initialize_parameters=initialize_parameters,
                     forward_propagation=forward_propagation, compute_cost=compute_cost,
                     backward_propagation=backward_propagation,
                     update_parameters=update_parameters)
    with planted(namespace, **stand_ins):
        try:
            result = nn_model(data_X.copy(), data_Y.copy(), n_h, num_iterations=num_iterations)
        except NotImplementedError:
            raise CheckFailure("nn_model is not implemented yet: replace the `raise "
                               "NotImplementedError` line with your code.") from None
        except CheckFailure:
            raise
        except Exception as error:
            raise CheckFailure(f"{what} raised {type(error).__name__}: {error}") from error
    if state["initialised"] == 0:
        fail("never called initialize_parameters.")
    if result is None:
        fail("returned None: return the trained parameters.")
    if not isinstance(result, dict):
        fail(f"returned a {type(result).__name__}; expected the parameters dictionary "
             "(W1, b1, W2, b2) of the last update.")
    if set(result) != {"W1", "b1", "W2", "b2"}:
        fail(f"returned a dictionary with the keys {sorted(map(str, result))}; expected "
             "W1, b1, W2 and b2.")
    rate = 1.2 if state["rate"] is None else state["rate"]
    trace = [state["initialised"], state["n_h"], state["updates"], rate,
             _generation("back parameters", result.values())]
    check_close(f"what {what} did, as ({', '.join(REHEARSAL_TRACE)}) = "
                f"{tuple(float(v) for v in trace)}", trace,
                [1, n_h, num_iterations, 1.2, num_iterations], mistakes=mistakes,
                advice="Initialise once, then in each of the num_iterations iterations run "
                       "forward_propagation, backward_propagation and parameters = "
                       "update_parameters(parameters, grads), and return the parameters.")


def backward_example():
    """Return (parameters, cache, X, Y): a small example for the public backward test.

    A 2-4-1 network on m = 3 examples. The cache holds Z1, A1, Z2 and A2 of the forward pass
    of these parameters on X, computed once and stored here as numbers (to 10 significant
    digits), so that the test of backward_propagation does not depend on your
    forward_propagation.
    """
    parameters = {
        "W1": np.array([[0.345, -1.208], [-0.842, 0.527], [1.136, 0.218], [-0.413, -0.951]]),
        "b1": np.array([[0.12], [-0.31], [0.05], [0.27]]),
        "W2": np.array([[1.42, -0.87, 0.63, -1.15]]),
        "b2": np.array([[-0.08]]),
    }
    X = np.array([[1.2, -0.7, 0.4], [-0.3, 0.9, 1.5]])
    Y = np.array([[1, 0, 1]])
    cache = {name: np.array(values) for name, values in _BACKWARD_CACHE.items()}
    return parameters, cache, X, Y


# The forward pass of backward_example(), rounded to 10 significant digits.
_BACKWARD_CACHE = {
    "Z1": [[0.8964, -1.2087, -1.554],
           [-1.4785, 0.7537, 0.1437],
           [1.3478, -0.549, 0.8314],
           [0.0597, -0.2968, -1.3217]],
    "A1": [[0.7145404435, -0.836289107, -0.9144430674],
           [-0.9011865743, 0.6373511346, 0.1427189821],
           [0.8735330204, -0.4997703566, 0.6812270235],
           [0.05962917558, -0.2883814517, -0.867206072]],
    "Z2": [[2.200432, -1.805242674, -0.07621466258]],
    "A2": [[0.9002882979, 0.1412140751, 0.480955552]],
}
