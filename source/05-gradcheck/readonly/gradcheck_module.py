"""Data, stand-ins, demonstrations and plots of the gradient-checking assignment (05-gradcheck).

The notebook owns the network: the class `Neural_Network`, the class `trainer`, and the
student's functions sigmoidPrime, costFunction, costFunctionPrime, computeNumericalGradient
and costFunctionWrapper. This module supplies what the student is not asked to write:

- the data, a made-up table of hours of sleep and study and the test scores that followed
  (`score_table`, `show_table`);
- the fixed examples, stand-ins and small checks of the tests (`example_network`,
  `numerical_derivative`, `Bowl`, `check_pair`, `check_cost_and_gradient`,
  `call_explaining_shapes`): each test gives the function it checks a network whose other
  methods are known to be right, so that it checks that one function alone (the hidden tests
  use the `Bowl` and `numerical_derivative` that their test cell imports);
- the demonstrations: the sigmoid and its slope (`plot_sigmoid`), finite differences of a
  function of one variable (`warm_up`), seeded backpropagation bugs against a gradient check
  (`seeded_bugs`), the error of finite differences against the step size
  (`step_size_sweep`), the errors during training (`plot_costs`, with `data_term`, which the
  notebook's trainer records), the test error against the weight of the penalty
  (`lambda_sweep`), the predictions of trained networks (`plot_predictions`), and optimisers
  stalling from a bad start (`initialisation_demo`).

Gradients are compared by the course's relative error, checking.relative_error:
|a - b| / (|a| + |b|), between 0 (equal) and 1 (opposite, or one of them zero).

Convention, as in the notebook: one row per example. N examples of the two inputs are an array
of shape (N, 2), their scores an array of shape (N, 1).

While nbgrader grades a submission (environment variable NBGRADER_EXECUTION=autograde), the
demonstrations and plots print one line and return at once, so grading stays quick; the data,
the examples, the stand-ins and `data_term` (which the trainer calls) behave exactly the same.
"""
import os

import numpy as np
from scipy import optimize

from .checking import CheckFailure, call, relative_error

# The made-up class behind the data: a score of about BASE points, plus PER_SLEEP points per
# hour of sleep and PER_STUDY per hour of study, give or take NOISE points.
TABLE_SEED = 8
BASE, PER_SLEEP, PER_STUDY, NOISE = 40.0, 3.0, 4.0, 7.0
TRAIN_SIZE, TEST_SIZE = 4, 4
# The fixed network of the public tests: its weights and data come from this seed.
EXAMPLE_SEED = 2024
EXAMPLE_SIZE = 5
# Step of the finite differences that stand in for sigma' in a public test. The error of a
# central difference is about STEP**2 * sigma''' / 6 (truncation) plus 1e-16 / STEP (round-off):
# both near 1e-11 here, far below any tolerance of the tests.
STEP = 1e-5
SKIPPED = "(skipped while the notebook is being graded)"
SHAPES_HINT = ("A matrix product whose shapes do not fit usually means a missing or extra "
               "transpose. With one row per example: X is (N, 2), z2 and a2 are (N, 3), z3, "
               "yHat, y and delta3 are (N, 1), W1 is (2, 3) and W2 is (3, 1).")


def grading():
    """True while nbgrader autogrades the notebook (NBGRADER_EXECUTION=autograde)."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


# --- data ---------------------------------------------------------------------------------

def score_table():
    """Return (hours, scores, test_hours, test_scores): the training and the held-out table.

    hours (4, 2) and test_hours (4, 2): one row per student, columns hours of sleep and hours
    of study the night before the test; scores (4, 1) and test_scores (4, 1): the scores, out
    of 100. The table is generated, always the same, from a made-up class in which a score is
    about 40 points plus 3 per hour of sleep and 4 per hour of study, give or take 7 points.
    """
    rng = np.random.default_rng(TABLE_SEED)
    n = TRAIN_SIZE + TEST_SIZE
    sleep = rng.uniform(4, 10, n).round(1)
    study = rng.uniform(0, 8, n).round(1)
    score = BASE + PER_SLEEP * sleep + PER_STUDY * study + rng.normal(0, NOISE, n)
    hours = np.column_stack([sleep, study])
    scores = np.clip(score.round(), 0, 100).reshape(-1, 1)
    return hours[:TRAIN_SIZE], scores[:TRAIN_SIZE], hours[TRAIN_SIZE:], scores[TRAIN_SIZE:]


def show_table(hours, scores, test_hours, test_scores):
    """Print the training and the test table side by side with a row number. Returns None."""
    print(f"{'':>10}{'sleep (h)':>11}{'study (h)':>11}{'score':>8}")
    for label, h, s in (("training", hours, scores), ("test", test_hours, test_scores)):
        for i, (row, score) in enumerate(zip(h, s)):
            print(f"{label if i == 0 else '':>10}{row[0]:>11.1f}{row[1]:>11.1f}{score[0]:>8.0f}")


# --- stand-ins for the public tests -------------------------------------------------------

def example_network(Network, Lambda=0.0):
    """Return (N, X, y): a network of class `Network` with fixed weights, and fixed data.

    N = Network(Lambda=Lambda) with W1 (2, 3) and W2 (3, 1) drawn from a fixed seed; X (5, 2)
    holds inputs in [0, 1] and y (5, 1) targets in [0.5, 1]. The same call returns the same
    numbers every time, so a test can compare with values worked out in advance.
    """
    rng = np.random.default_rng(EXAMPLE_SEED)
    N = Network(Lambda=Lambda)
    N.W1 = rng.normal(0.0, 1.0, (2, 3))
    N.W2 = rng.normal(0.0, 1.0, (3, 1))
    X = rng.uniform(0.0, 1.0, (EXAMPLE_SIZE, 2))
    y = rng.uniform(0.5, 1.0, (EXAMPLE_SIZE, 1))
    return N, X, y


def numerical_derivative(f, h=STEP):
    """Return a function z -> f'(z), entry by entry, estimated by central differences.

    A test gives a network this in place of its sigmoidPrime, so that the test of a function
    that calls sigmoidPrime does not depend on the student's sigmoidPrime.
    """
    def derivative(z):
        return (f(z + h) - f(z - h)) / (2 * h)
    return derivative


class Bowl:
    """A stand-in for a network: a cost whose gradient and minimum are known exactly.

    It has the methods of the notebook's network that computeNumericalGradient and the trainer
    use, getParams(), setParams(params), costFunction(X, y), costFunctionPrime(X, y) and
    computeGradients(X, y), and nine parameters laid out like the network's (the first six
    stand for W1, (2, 3), row by row, the last three for W2, (3, 1)). But its cost is a simple
    function of its parameters p (X and y are ignored):

        J(p) = sum_i s_i * ((p_i - c_i)**2 / 2 + (p_i - c_i)**4 / 4),

    smallest at p = c (`bottom`), with gradient s * (d + d**3), d = p - c (`gradient_at`). The
    quartic term gives J a third derivative, so that finite differences with too large a step,
    or one-sided ones, are measurably wrong.

    Bowl(analytic=False) is a network whose backpropagation has a bug: its computeGradients
    and costFunctionPrime return s * d, without the cubic term, while its cost is the same.
    A numerical gradient, worked out from the cost alone, must not follow them.
    """

    SHAPES = ((2, 3), (3, 1))

    def __init__(self, seed=5, analytic=True):
        self.analytic = analytic
        rng = np.random.default_rng(seed)
        size = sum(rows * columns for rows, columns in self.SHAPES)
        self.bottom = rng.uniform(-1.0, 1.0, size)
        self.scales = rng.uniform(0.5, 2.0, size)
        self.params = self.bottom + rng.uniform(-1.0, 1.0, size)

    def getParams(self):
        """Return a copy of the parameters, shape (9,)."""
        return self.params.copy()

    def setParams(self, params):
        """Replace the parameters by a copy of `params`, shape (9,)."""
        self.params = np.array(params, dtype=float).reshape(self.bottom.shape)

    def cost_at(self, params):
        """Return J(params), a float."""
        d = np.asarray(params, dtype=float) - self.bottom
        return float(np.sum(self.scales * (d ** 2 / 2 + d ** 4 / 4)))

    def gradient_at(self, params):
        """Return the exact gradient of J at params, shape (9,)."""
        d = np.asarray(params, dtype=float) - self.bottom
        return self.scales * (d + d ** 3)

    def costFunction(self, X, y):
        """Return J at the current parameters (X and y are ignored)."""
        return self.cost_at(self.params)

    def computeGradients(self, X, y):
        """Return the exact gradient at the current parameters (X and y are ignored), or with
        analytic=False the wrong one, s * d."""
        if not self.analytic:
            return self.scales * (self.params - self.bottom)
        return self.gradient_at(self.params)

    def costFunctionPrime(self, X, y):
        """Return computeGradients split like a network's: arrays of shapes (2, 3), (3, 1)."""
        gradient = self.computeGradients(X, y)
        split = self.SHAPES[0][0] * self.SHAPES[0][1]
        return gradient[:split].reshape(self.SHAPES[0]), gradient[split:].reshape(self.SHAPES[1])


def check_pair(what, result):
    """Return (first, second) of a two-item tuple or list; fail clearly on anything else."""
    if result is None:
        raise CheckFailure(f"{what} returned None: did you forget the `return` statement?")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        kind = type(result).__name__
        size = f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""
        raise CheckFailure(f"{what} returned a {kind}{size}; expected a pair of two values: "
                           "return both, separated by a comma.")
    return result[0], result[1]


def call_explaining_shapes(what, function, *args):
    """Return function(*args) like checking.call; when numpy finds that the shapes of a
    product do not fit, the failure also says that a transpose is probably missing."""
    try:
        return call(what, function, *args)
    except CheckFailure as failure:
        cause = failure.__cause__
        if isinstance(cause, ValueError) and any(
                word in str(cause) for word in ("shape", "dimension", "aligned", "broadcast")):
            raise CheckFailure(f"{failure} {SHAPES_HINT}") from None
        raise


def check_cost_and_gradient(what, result, size):
    """Return (cost, grad) from what a costFunctionWrapper returned; fail clearly on the usual
    slips: a single value, the two in the wrong order, a gradient still in two arrays."""
    cost, grad = check_pair(what, result)
    if np.size(cost) == size and np.size(grad) == 1:
        raise CheckFailure(f"{what} returns (grad, cost); scipy expects the cost first: "
                           "return cost, grad")
    if isinstance(grad, (tuple, list)):
        raise CheckFailure(f"the gradient from {what} is a {type(grad).__name__} of "
                           f"{len(grad)} items; scipy needs one vector of {size} numbers laid "
                           "out like params: self.N.computeGradients(X, y) unrolls it.")
    return cost, grad


# --- demonstrations -----------------------------------------------------------------------

def plot_sigmoid(sigmoid, sigmoid_prime, z=np.linspace(-8, 8, 321)):
    """Plot sigma and its derivative on one figure, and mark where the derivative peaks.

    sigmoid, sigmoid_prime: functions of an array z, entry by entry (the network's sigmoid and
    the student's sigmoidPrime). A sigmoid_prime that is not written yet (it raises
    NotImplementedError) is left out, with a line that says so. Returns None.
    """
    if grading():
        print("plot_sigmoid", SKIPPED)
        return
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2))
    axes.plot(z, sigmoid(z), color="tab:blue", label="sigma(z)")
    try:
        slope = np.asarray(sigmoid_prime(z), dtype=float)
    except NotImplementedError:
        print("sigmoidPrime is not written yet: only the sigmoid is drawn.")
    else:
        axes.plot(z, slope, color="tab:orange", label="sigma'(z)")
        peak = int(np.argmax(slope))
        axes.plot(z[peak], slope[peak], "o", color="tab:orange")
        axes.annotate(f"largest slope {slope[peak]:.3g} at z = {z[peak]:.3g}",
                      (z[peak], slope[peak]), xytext=(12, 18), textcoords="offset points")
    axes.axhline(0, color="grey", linewidth=0.8)
    axes.set(xlabel="z", ylabel="value", title="The sigmoid and its slope",
             ylim=(-0.05, 1.05))
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left")
    figure.tight_layout()
    plt.show()


def warm_up(f, derivative, x, steps=np.logspace(-13, 0, 40), shown=(1e-1, 1e-2, 1e-4, 1e-6, 1e-8)):
    """Compare central and forward differences of f at the number x with the exact derivative.

    Prints, for each step e in `shown`, both quotients and their errors; plots the error of
    both against e for the `steps`, on log axes (an error of 0 is drawn at 1e-17). Returns
    {"steps", "central", "forward"}: the errors, absolute, at `steps`.
    """
    if grading():
        print("warm_up", SKIPPED)
        return {}
    exact = float(derivative(x))

    def quotients(e):
        return (f(x + e) - f(x - e)) / (2 * e), (f(x + e) - f(x)) / e

    print(f"exact derivative at x = {x:g}: {exact:.12g}")
    print(f"{'step e':>8}{'central':>20}{'error':>10}{'forward':>20}{'error':>10}")
    for e in shown:
        central, forward = quotients(e)
        print(f"{e:>8.0e}{central:>20.12f}{abs(central - exact):>10.1e}"
              f"{forward:>20.12f}{abs(forward - exact):>10.1e}")
    steps = np.asarray(steps, dtype=float)
    central, forward = (np.abs(np.array(values) - exact) for values in zip(*map(quotients, steps)))

    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2))
    axes.loglog(steps, np.maximum(central, 1e-17), "o-", markersize=4, label="central difference")
    axes.loglog(steps, np.maximum(forward, 1e-17), "s--", markersize=4, label="forward difference")
    axes.set(xlabel="step e", ylabel="|difference quotient - exact derivative|",
             title=f"One variable, at x = {x:g}: round-off on the left, truncation on the right")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    plt.show()
    return {"steps": steps, "central": central, "forward": forward}


def seeded_bugs(N, X, y, computeNumericalGradient):
    """Print how far a gradient with a typical bug is from the numerical gradient.

    Each bug is seeded without touching the student's code: a copy of N gets a wrong
    sigmoidPrime, or the student's gradient is combined with the weights in a wrong way (the
    penalty term of the gradient is Lambda * W, so removing and re-adding it seeds the bugs of
    that term). The numerical gradient is the student's computeNumericalGradient(N, X, y).
    N.Lambda should be positive, or the penalty bugs change nothing. Returns {bug: relative
    error}, and prints the table.
    """
    if grading():
        print("seeded_bugs", SKIPPED)
        return {}
    numeric = computeNumericalGradient(N, X, y)
    W = N.getParams()
    n, Lambda = X.shape[0], N.Lambda

    def with_sigmoid_prime(wrong):
        saved = N.__dict__.get("sigmoidPrime")
        N.sigmoidPrime = wrong
        try:
            return N.computeGradients(X, y)
        finally:
            if saved is None:
                del N.sigmoidPrime
            else:
                N.sigmoidPrime = saved

    grad = N.computeGradients(X, y)
    data = grad - Lambda * W  # the gradient of the data term alone
    bugs = {
        "none: your gradient as it is": grad,
        "sigma'(z) computed as z * (1 - z)": with_sigmoid_prime(lambda z: z * (1 - z)),
        "sigma' left out (taken as 1)": with_sigmoid_prime(np.ones_like),
        "sigma' replaced by sigma": with_sigmoid_prime(N.sigmoid),
        "wrong sign (y - yHat instead of yHat - y)": -grad,
        "data term summed, not averaged": n * data + Lambda * W,
        "penalty term Lambda * W left out": data,
        "penalty written W, without Lambda": data + W,
        "penalty divided by N as well": data + Lambda * W / n,
        "largest entry 1% too large": grad * np.where(np.arange(grad.size)
                                                      == np.argmax(np.abs(grad)), 1.01, 1.0),
    }
    errors = {bug: relative_error(g, numeric) for bug, g in bugs.items()}
    print(f"{'bug seeded in the gradient':<44}relative error")
    for bug, error in errors.items():
        print(f"{bug:<44}{error:.1e}")
    return errors


def _difference_quotients(N, X, y, e, central):
    """Return the finite-difference gradient of N.costFunction with step e (N is restored)."""
    start = N.getParams()
    numeric = np.zeros(start.size)
    try:
        for i in range(start.size):
            step = np.zeros(start.size)
            step[i] = e
            N.setParams(start + step)
            up = N.costFunction(X, y)
            N.setParams(start - step if central else start)
            down = N.costFunction(X, y)
            numeric[i] = (up - down) / (2 * e if central else e)
    finally:
        N.setParams(start)
    return numeric


def step_size_sweep(N, X, y, steps=np.logspace(-12, 0, 25)):
    """Plot the relative error of central and forward differences against the step e.

    The reference is N.computeGradients(X, y), the student's backpropagation (check it
    first). Too large a step makes the error of the difference quotient itself large (it falls
    like e**2 for central and like e for forward differences); too small a step drowns the
    difference of two nearly equal costs in round-off (it grows like 1e-16 / e). Returns None.
    """
    if grading():
        print("step_size_sweep", SKIPPED)
        return
    import matplotlib.pyplot as plt

    grad = N.computeGradients(X, y)
    figure, axes = plt.subplots(figsize=(7, 4.2))
    for central, label, style in ((True, "central differences", "o-"),
                                  (False, "forward differences", "s--")):
        errors = [relative_error(grad, _difference_quotients(N, X, y, e, central))
                  for e in steps]
        axes.loglog(steps, np.maximum(errors, 1e-17), style, markersize=4, label=label)
    axes.axvline(1e-4, color="grey", linewidth=1, linestyle=":")
    axes.text(1.2e-4, 1e-2, "e = 1e-4", color="grey")
    axes.set(xlabel="step e", ylabel="relative error against backpropagation",
             title="Finite differences: too small a step, too large a step")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    plt.show()


def data_term(N, X, y):
    """Return the data term of N's cost on (X, y): N.costFunction(X, y) with the penalty off.

    N.Lambda is set to 0 for the call and put back afterwards, so the value is the mean half
    squared error alone, the same function of the predictions whatever N.Lambda is: the measure
    by which networks trained with different penalties can be compared. An object without a
    Lambda (a stand-in) has no penalty: its costFunction is called as it is.
    """
    if not hasattr(N, "Lambda"):
        return N.costFunction(X, y)
    Lambda = N.Lambda
    N.Lambda = 0
    try:
        return N.costFunction(X, y)
    finally:
        N.Lambda = Lambda


def points(error):
    """Return the root-mean-square error in points of the score (out of 100) of a data term
    E = mean((y - yHat)**2) / 2 of scores divided by 100: 100 * sqrt(2 E)."""
    return 100 * np.sqrt(2 * np.asarray(error, dtype=float))


def plot_costs(T, title=""):
    """Plot the data term on the training and on the test set, and the training cost, against
    the BFGS iteration.

    T is a trainer after T.train(...): T.trainError and T.testError hold the data terms
    (data_term), T.J the training cost with its penalty, the function BFGS minimises. The
    lowest test error is marked. Returns None.
    """
    if grading():
        print("plot_costs", SKIPPED)
        return
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2))
    axes.semilogy(T.trainError, color="tab:blue", label="training error (data term)")
    axes.semilogy(T.testError, color="crimson", label="test error (data term)")
    axes.semilogy(T.J, color="tab:blue", linestyle="--", linewidth=1,
                  label="training cost J, penalty included (what BFGS minimises)")
    best = int(np.argmin(T.testError))
    axes.plot(best, T.testError[best], "o", color="crimson", markersize=5)
    axes.set(xlabel="iteration of BFGS", ylabel="error E, and the cost J (log scale)",
             title=title or "Errors during training")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    plt.show()


def lambda_sweep(Network, trainer, start, trainX, trainY, testX, testY,
                 Lambdas=np.logspace(-6, -1, 11)):
    """Train a network for each penalty weight, from the same start; plot and print the errors.

    For Lambda = 0 and each of `Lambdas`, a Network(Lambda) starting from the parameters
    `start` is trained with trainer(...).train. After training: the data term on the training
    and on the test set (data_term), and the test cost with its penalty, the measure that must
    not be used (each Lambda would be judged by another function). The plot shows the three
    against Lambda on log axes, with Lambda = 0 as a dotted line, and marks the lowest point of
    each test curve; the table gives the test error in points too. Returns a list of dicts
    (Lambda, train, test, test_with_penalty, points), Lambda = 0 first.
    """
    if grading():
        print("lambda_sweep", SKIPPED)
        return []
    rows = []
    for Lambda in (0.0, *Lambdas):
        N = Network(Lambda=Lambda)
        N.setParams(start)
        trainer(N).train(trainX, trainY, testX, testY)
        test = float(data_term(N, testX, testY))
        rows.append(dict(Lambda=float(Lambda), train=float(data_term(N, trainX, trainY)),
                         test=test, test_with_penalty=float(N.costFunction(testX, testY)),
                         points=float(points(test))))
    print(f"{'Lambda':>8}{'training error':>16}{'test error':>12}{'in points':>11}"
          f"{'test cost with penalty':>24}")
    for row in rows:
        print(f"{row['Lambda']:>8.0e}{row['train']:>16.2e}{row['test']:>12.2e}"
              f"{row['points']:>11.1f}{row['test_with_penalty']:>24.2e}")

    import matplotlib.pyplot as plt

    swept = rows[1:]
    L = np.array([row["Lambda"] for row in swept])
    figure, axes = plt.subplots(figsize=(7, 4.2))
    curves = (("train", "training error (data term)", "tab:blue", "o-"),
              ("test", "test error (data term): the measure", "crimson", "o-"),
              ("test_with_penalty", "test cost with the penalty: not a measure", "grey", "s--"))
    for name, label, colour, style in curves:
        values = np.array([row[name] for row in swept])
        axes.loglog(L, values, style, color=colour, markersize=4, label=label)
        if name != "train":
            best = int(np.argmin(values))
            axes.plot(L[best], values[best], "*", color=colour, markersize=14)
    axes.axhline(rows[0]["test"], color="crimson", linestyle=":", linewidth=1,
                 label="test error with Lambda = 0")
    axes.set(xlabel="Lambda, the weight of the penalty", ylabel="after training (log scale)",
             title="Errors after training, against the weight of the penalty")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    plt.show()
    return rows


def plot_predictions(networks, titles, hours, scores, test_hours, test_scores):
    """Draw, for each trained network, its predicted score over the (sleep, study) plane.

    networks: trained networks whose forward(X) takes hours divided by the training maxima
    (hours.max(axis=0)) and returns scores / 100. Circles are the training students, squares
    the test students, coloured by their real score on the same scale. Returns None.
    """
    if grading():
        print("plot_predictions", SKIPPED)
        return
    import matplotlib.pyplot as plt

    scale = hours.max(axis=0)
    sleep, study = np.meshgrid(np.linspace(3, 11, 81), np.linspace(0, 8, 81))
    grid = np.column_stack([sleep.ravel(), study.ravel()])
    figure, panels = plt.subplots(1, len(networks), figsize=(5.2 * len(networks), 4.3),
                                  squeeze=False)
    levels = np.linspace(50, 100, 11)
    for axes, N, title in zip(panels[0], networks, titles):
        predicted = 100 * N.forward(grid / scale).reshape(sleep.shape)
        filled = axes.contourf(sleep, study, np.clip(predicted, 50, 100), levels=levels,
                               cmap="viridis")
        for h, s, marker, label in ((hours, scores, "o", "training"),
                                    (test_hours, test_scores, "s", "test")):
            axes.scatter(h[:, 0], h[:, 1], c=s[:, 0], vmin=50, vmax=100, cmap="viridis",
                         marker=marker, s=80, edgecolors="white", linewidths=1.5, label=label)
        axes.set(xlabel="hours of sleep", ylabel="hours of study", title=title)
        axes.legend(loc="upper left", fontsize="small")
    figure.colorbar(filled, ax=panels[0].tolist(), label="predicted score")
    plt.show()


def initialisation_demo(Network, trainer, X, y, Lambda=0.0, seed=1):
    """Train from three starts with conjugate gradients and with BFGS; print what happened.

    Starts: every weight of the same sign and a large scale (uniform in [4, 5)); every weight
    equal (0.5); symmetric random weights (normal, mean 0, as Network's own constructor
    draws them, from np.random.default_rng(seed)). Each run calls scipy.optimize.minimize
    with the trainer's costFunctionWrapper, at most 200 iterations. Prints, per run, the cost
    before and after, the iterations, the largest entry of the gradient at the start, and how
    different the three hidden neurons ended up (the largest spread across the columns of W1).
    Returns a list of dicts with those numbers.
    """
    if grading():
        print("initialisation_demo", SKIPPED)
        return []
    rng = np.random.default_rng(seed)
    starts = {
        "same sign, large: U[4, 5)": (rng.uniform(4, 5, (2, 3)), rng.uniform(4, 5, (3, 1))),
        "all equal: 0.5": (np.full((2, 3), 0.5), np.full((3, 1), 0.5)),
        "symmetric random: N(0, 1)": (rng.normal(0, 1, (2, 3)), rng.normal(0, 1, (3, 1))),
    }
    rows = []
    print(f"{'start':<28}{'method':<7}{'cost before':>12}{'after':>10}{'iterations':>12}"
          f"{'max |grad| at start':>21}{'hidden spread':>15}")
    for name, (W1, W2) in starts.items():
        for method in ("CG", "BFGS"):
            N = Network(Lambda=Lambda)
            N.W1, N.W2 = W1.copy(), W2.copy()
            T = trainer(N)
            before = float(N.costFunction(X, y))
            slope = float(np.max(np.abs(N.computeGradients(X, y))))
            result = optimize.minimize(T.costFunctionWrapper, N.getParams(), args=(X, y),
                                       jac=True, method=method, options={"maxiter": 200})
            N.setParams(result.x)
            spread = float(np.max(np.ptp(N.W1, axis=1)))
            rows.append(dict(start=name, method=method, before=before, after=float(result.fun),
                             iterations=int(result.nit), slope=slope, spread=spread))
            print(f"{name:<28}{method:<7}{before:>12.2e}{float(result.fun):>10.2e}"
                  f"{int(result.nit):>12d}{slope:>21.1e}{spread:>15.2g}")
    return rows
