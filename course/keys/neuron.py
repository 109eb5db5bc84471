"""Grader side: answer key for the hidden tests of 02-neuron (the single neuron).

The hidden part of each test cell calls `check(name, globals())`. For several seeded cases of
other sizes, seeds and scales, `check` calls the student's function on fresh copies of its
inputs and compares the result with this module's own reference, written here from the
equations (it shares no code with the notebook or its helper module), and, for the derivatives
(gradient, gradient_logistic, sigmoid_derivative_from_output), with central finite differences
of this module's own cost or logistic function. Each function has a list of typical mistakes,
given as the values they produce (a flipped sign, a missing factor 2 or 1/N, the squared error
where its derivative belongs, the wrong axis or ddof, coefficients not mapped back, the
"cost times cost-derivative" update, a start other than the documented one, ...), so a failing
check can say which mistake the answer matches.

A derivative right on every case is then tried on one hard case (`HARD`), where finite
differences lose their digits and an exact formula keeps all of them (see
course/keys/__init__.py): for gradient, targets 1e8 away from the outputs (the loss is
quadratic in w, so only rounding limits central differences: a step of 10 would pass); for
gradient_logistic, a second feature a million times smaller than the first (its entry of the
gradient is compared with its own size); for sigmoid_derivative_from_output, outputs within
1e-3 of 1. A finite-difference estimate fails there, or on the ordinary cases as a near miss,
and the message asks whether it is one.

Every graded function is called through keys.call_and_read_back, which passes the notebook's
own objects and reads the arguments back after the call: an answer that overwrites an
argument in place (standardize working on the caller's X, say) fails with a message that says
so, whatever the kernel rebinds. loss_logistic right on
every case is then tried on outputs within 1e-12 of 0 and 1, which its docstring allows and
where clipping the outputs or adding an epsilon changes the value; train_or is run for several
epoch counts, among them a start that already classifies OR right and 60 epochs that bring the
error below 0.01, so a loop that stops early ends on weights of fewer epochs, which are named.

A function that calls other graded functions (gradient may call nn, delta_w calls gradient,
nn_logistic calls logistic, nn_predict and gradient_logistic call nn_logistic, train_or calls
logistic and sigmoid_derivative_from_output) is checked with this module's reference versions
of those planted in the notebook's globals (and the notebook's own restored afterwards), so a
mistake costs the points of its own function only. While nbgrader grades, the planted
functions stay in the grader and the kernel calls back for each use (course/judge.py), a
millisecond or two; the training cases of train_or are therefore a few epochs long.

Convention, as in the notebook: one row per example. Part 1: x, t of shape (N,), w a number;
Part 2: X (N, D), mean and std (D,); Part 3: x (N, D), w (D, 1), t and outputs (N, 1);
Part 4: X (N, D), W (D, 1), Y (N, 1): the weights are one column per neuron throughout.
The tie rule is the course's: an output of exactly 0.5 is class 0 (class 1 where y > 0.5).
"""
import numpy as np

from course import checking, keys

FUNCTIONS = ("nn", "loss", "gradient", "delta_w", "standardize", "unstandardize", "logistic",
             "nn_logistic", "nn_predict", "loss_logistic", "gradient_logistic",
             "sigmoid_derivative_from_output", "train_or")
# An exact formula agrees with the reference to about 1e-15; with finite differences, to the
# accuracy of the differences.
REFERENCE_RTOL = 1e-9
GRADIENT_TOL = 1e-6
STEP = 1e-6


# ------------------------------------------------------------------------- the reference

def sigmoid(z):
    """Return 1 / (1 + exp(-z)) entry by entry, written with tanh."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def linear(x, w):
    """The linear neuron: y = x * w."""
    return np.asarray(x, dtype=float) * w


def mean_squared_error(y, t):
    """(1/N) sum (y - t)^2, as a float."""
    d = np.ravel(np.asarray(y, dtype=float) - t)
    return float(d @ d / d.size)


def slope(w, x, t):
    """dC/dw of the mean squared error of x * w: (2/N) sum x (x w - t)."""
    return float(2.0 * np.sum(x * (w * x - t)) / x.size)


def logistic_output(x, w):
    """sigmoid(x @ w) for x (N, D), w (D, 1): shape (N, 1)."""
    return sigmoid(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float))


def cross_entropy(y, t):
    """Mean of -[t log y + (1 - t) log(1 - y)]."""
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    return float(-np.sum(np.where(t == 1, np.log(y), 0) + np.where(t == 0, np.log1p(-y), 0))
                 / t.shape[0])


def cross_entropy_of_weights(w, x, t):
    """The mean cross-entropy of the logistic neuron as a function of its weights."""
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - t * z))


def logistic_slope(s):
    """sigma'(z) from s = sigma(z): s (1 - s)."""
    s = np.asarray(s, dtype=float)
    return s - s * s


def train(X, Y, epochs, learning_rate, seed, *, start="documented", rule="right", sign=1.0,
          average=False, slope_of="y", per_example=False, trace=None):
    """The reference train_or, with switches that reproduce mistakes.

    start: "documented" (default_rng(seed).normal, shape (D, 1)), "legacy" (np.random.seed and
    randn), "uniform" (default_rng(seed).random), "zeros". rule: "right" or "tempting" (cost
    times cost-derivative). sign=-1 steps uphill; average divides the gradient by N; slope_of:
    "y" (right), "z" (sigma' formula applied to z), "sigma(y)" (to y squashed again), "none";
    per_example makes one step per example instead of one per epoch. A list `trace` gets the
    weights after 0, 1, ..., epochs - 1 epochs appended.
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    D = X.shape[1]
    W = {"documented": lambda: np.random.default_rng(seed).normal(size=(D, 1)),
         "legacy": lambda: np.random.RandomState(seed).randn(D, 1),
         "uniform": lambda: np.random.default_rng(seed).random((D, 1)),
         "zeros": lambda: np.zeros((D, 1))}[start]()
    batches = [np.arange(X.shape[0])[i:i + 1] for i in range(X.shape[0])] if per_example \
        else [np.arange(X.shape[0])]
    for _ in range(epochs):
        if trace is not None:
            trace.append(W)
        for rows in batches:
            x, t = X[rows], Y[rows]
            z = x @ W
            y = sigmoid(z)
            first = y - t
            if rule == "tempting":
                cost = (t - y) ** 2
                first = cost * (2 * cost)
            factor = {"y": lambda: logistic_slope(y), "z": lambda: logistic_slope(z),
                      "sigma(y)": lambda: logistic_slope(sigmoid(y)),
                      "none": lambda: 1.0}[slope_of]()
            gradient = x.T @ (first * factor) / (x.shape[0] if average else 1)
            W = W - sign * learning_rate * gradient
    return W


# The functions planted in the notebook while a caller is checked, in the notebook's
# signatures.
def planted_nn(x, w):
    return linear(x, w)


def planted_gradient(w, x, t):
    return slope(w, np.asarray(x, dtype=float), np.asarray(t, dtype=float))


def planted_logistic(z):
    return sigmoid(z)


def planted_nn_logistic(x, w):
    return logistic_output(x, w)


def planted_sigmoid_derivative_from_output(s):
    return logistic_slope(s)


CALLEES = {
    "gradient": {"nn": planted_nn},
    "delta_w": {"gradient": planted_gradient, "nn": planted_nn},
    "nn_logistic": {"logistic": planted_logistic},
    "nn_predict": {"nn_logistic": planted_nn_logistic, "logistic": planted_logistic},
    "gradient_logistic": {"nn_logistic": planted_nn_logistic, "logistic": planted_logistic},
    "sigmoid_derivative_from_output": {"logistic": planted_logistic},
    "train_or": {"logistic": planted_logistic, "nn_logistic": planted_nn_logistic,
                 "sigmoid_derivative_from_output": planted_sigmoid_derivative_from_output},
}


# ------------------------------------------------------------------------------ the cases

def line(seed, n, slope_=2.0, low=0.0, high=1.0):
    """Inputs uniform in [low, high] and targets slope_ * x plus noise, both (n,)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, n)
    return x, slope_ * x + rng.normal(0.0, 0.3, n)


def classes(seed, n, d=2):
    """n points (n, d) of two overlapping classes and their classes (n, 1), both present."""
    rng = np.random.default_rng(seed)
    t = (np.arange(n) % 2).astype(float).reshape(-1, 1)
    rng.shuffle(t)
    x = rng.normal(0.0, 1.0, (n, d)) + (2 * t - 1) * rng.uniform(0.5, 1.0, d)
    return x, t


def nn_cases():
    rng = np.random.default_rng(201)
    return [(rng.uniform(0, 1, 7), 2.5), (3 * rng.normal(size=20), -0.8),
            (np.array([4.0]), 1.5), (np.linspace(-1.0, 1.0, 5), 0.3)]


def loss_cases():
    rng = np.random.default_rng(211)
    return [(rng.normal(size=n), rng.normal(size=n)) for n in (6, 25)] + \
        [(np.array([0.5]), np.array([2.0])), (np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 4.0]))]


def gradient_cases():
    x20, t20 = line(301, 20)
    x9, t9 = line(302, 9, slope_=-1.0, low=-3.0, high=3.0)
    x1, t1 = line(303, 1)
    return [(0.1, x20, t20), (2.7, x20, t20), (0.4, x9, t9), (-1.3, x1, t1)]


def delta_w_cases():
    x20, t20 = line(311, 20)
    x9, t9 = line(312, 9, slope_=-1.0, low=-3.0, high=3.0)
    x1, t1 = line(313, 1)
    return [(0.1, x20, t20, 0.9), (3.0, x9, t9, 0.05), (-1.0, x1, t1, 1.5)]


def standardize_cases():
    rng = np.random.default_rng(401)
    grid = np.linspace(0.0, 100.0, 30)
    return [np.column_stack([grid ** 2, grid]),
            rng.normal(size=(7, 3)) * [1000.0, 1.0, 0.01] + [5000.0, -3.0, 0.2],
            rng.normal(3.0, 2.0, (5, 1)),
            rng.normal(size=(4, 4)) * [1.0, 10.0, 0.1, 3.0]]


def unstandardize_cases():
    rng = np.random.default_rng(411)
    grid = np.linspace(0.0, 100.0, 30)
    quad = np.column_stack([grid ** 2, grid])
    return [(np.array([64.3, -40.6]), 16.3, quad.mean(axis=0), quad.std(axis=0)),
            (rng.normal(size=3), 0.8, rng.normal(size=3) * 10, rng.uniform(0.5, 4.0, 3)),
            (np.array([1.5]), -0.5, np.array([5.0]), np.array([2.0]))]


def logistic_cases():
    rng = np.random.default_rng(501)
    return [np.linspace(-6.0, 6.0, 13), 4 * rng.normal(size=(3, 4)), 0.7,
            np.array([-30.0, 30.0, 0.001])]


def nn_logistic_cases():
    x40, _ = classes(511, 40)
    x6, _ = classes(512, 6, d=3)
    return [(x40, np.array([[-1.0], [0.5]])), (np.array([[0.4, -0.7]]), np.array([[2.0], [-3.0]])),
            (x6, np.array([[0.3], [-1.2], [2.0]]))]


def nn_predict_cases():
    x40, _ = classes(521, 40)
    x5, _ = classes(522, 5, d=3)
    ties = np.array([[2.0, 1.0], [0.0, 0.0], [-1.0, 3.0], [1.0, 1.0], [4.0, 2.0], [0.0, 0.0]])
    return [(ties, np.array([[1.5], [-2.0]])), (x40, np.array([[2.4], [3.1]])),
            (np.array([[0.3, -0.2]]), np.array([[-1.0], [1.0]])), (x5, np.zeros((3, 1)))]


def loss_logistic_cases():
    rng = np.random.default_rng(601)
    cases = []
    for n in (6, 40):
        _, t = classes(600 + n, n)
        cases.append((rng.uniform(0.02, 0.98, (n, 1)), t))
    cases.append((np.array([[0.25]]), np.array([[1.0]])))
    return cases


def gradient_logistic_cases():
    x40, t40 = classes(611, 40)
    x7, t7 = classes(612, 7, d=3)
    return [(np.array([[-1.0], [0.5]]), x40, t40), (np.array([[2.4], [3.1]]), x40, t40),
            (np.array([[0.2], [-0.4], [1.1]]), x7, t7),
            (np.array([[1.0], [2.0]]), np.array([[0.5, -1.5]]), np.array([[1.0]]))]


def slope_cases():
    rng = np.random.default_rng(701)
    return [np.linspace(0.01, 0.99, 15), sigmoid(3 * rng.normal(size=(3, 4))), 0.3,
            np.array([0.0, 0.5, 1.0])]


def or_inputs(bias):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return np.hstack([X, np.ones((4, 1))]) if bias else X


OR_TARGETS = np.array([[0.0], [1.0], [1.0], [1.0]])


def train_cases():
    """Return [(X, Y, epochs, learning_rate, seed)]; the first, 0 epochs, is the start."""
    rng = np.random.default_rng(801)
    X6 = rng.uniform(0.0, 1.0, (6, 3))
    Y6 = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [0.0]])
    return [(or_inputs(True), OR_TARGETS, 0, 2.0, 11), (or_inputs(True), OR_TARGETS, 3, 2.0, 0),
            (or_inputs(False), OR_TARGETS, 2, 0.5, 7), (X6, Y6, 4, 1.0, 3),
            (or_inputs(True)[2:3], OR_TARGETS[2:3], 2, 1.0, 4)] + early_stop_cases()


def early_stop_cases():
    """Cases that tell a loop of exactly `epochs` epochs from one that stops early: from seed
    23 the start already classifies OR right; from seed 0 with the learning rate 10, every
    example is right after 3 epochs and the error is below 0.01 after 30 of the 60."""
    return [(or_inputs(True), OR_TARGETS, 5, 1.0, 23), (or_inputs(True), OR_TARGETS, 60, 10.0, 0)]


# ----------------------------------------------------------------------------- the mistakes

def nn_mistakes(x, w):
    return [
        ("it adds the weight to the input; the neuron multiplies them: y = x * w.", x + w),
        ("it adds 1 (a bias): this neuron has no bias, y = x * w.", x * w + 1),
        ("it squares the weight: y = x * w.", x * w ** 2),
        ("it divides by the weight: y = x * w.", x / w),
        ("it raises the input to the power w: y = x * w, a product.", power(x, w)),
    ]


def power(x, w):
    """x ** w entry by entry, NaN where that is not a real number (no warning)."""
    with np.errstate(all="ignore"):
        return np.asarray(x, dtype=float) ** w


def loss_mistakes(y, t):
    d = y - t
    n = d.size
    return [
        ("it is the sum of the squared errors, N times their mean: divide by N (np.mean does).",
         np.sum(d ** 2)),
        ("it is half the mean squared error: this loss has no factor 1/2.", np.mean(d ** 2) / 2),
        ("it is the square root of the mean squared error: the loss is the mean itself.",
         np.sqrt(np.mean(d ** 2))),
        ("it is the mean absolute error: square the differences.", np.mean(np.abs(d))),
        ("it squares the mean of the differences; take the mean of the squares.", np.mean(d) ** 2),
        ("it divides by N - 1; the mean divides by N.",
         np.sum(d ** 2) / (n - 1) if n > 1 else np.nan),
    ]


def gradient_mistakes(w, x, t):
    e = w * x - t
    n = x.size
    g = 2 * np.sum(x * e) / n
    return [
        ("it has the wrong sign: the error is e = y - t = x w - t, whose derivative in w is "
         "+x; with (t - y) the slope points downhill.", -g),
        ("it is half the right value: the derivative of e**2 is 2 e; the factor 2 is missing.",
         g / 2),
        ("it is N times too large: C is a mean over the examples, so its derivative is a mean "
         "too (the sum divided by N).", g * n),
        ("it is divided by N twice.", g / n),
        ("it multiplies x by the squared error e**2: the chain rule needs the derivative of the "
         "square at the error, 2 e, not the square itself.", 2 * np.sum(x * e ** 2) / n),
        ("it multiplies x by the squared error e**2: the chain rule needs the derivative of the "
         "square at the error, 2 e, not the square itself.", np.sum(x * e ** 2) / n),
        ("the factor x is missing: de/dw = dy/dw = x for y = x w.", 2 * np.sum(e) / n),
    ]


def delta_w_mistakes(w_k, x, t, learning_rate, g=None):
    """The typical mistakes of delta_w at w_k; g is the slope there (the key's own, unless
    given: the visible test plants the module's finite-difference stand-in for gradient)."""
    g = slope(w_k, x, t) if g is None else g
    return [
        ("it adds the gradient: a step along +dxi/dw goes uphill; delta w = "
         "-learning_rate * dxi/dw.", learning_rate * g),
        ("it returns the new weight w_k - learning_rate * dxi/dw; return only the change, "
         "which the caller adds to w_k.", w_k - learning_rate * g),
        ("the learning rate is missing: delta w = -learning_rate * dxi/dw.", -g),
        ("it divides by the learning rate: delta w = -learning_rate * dxi/dw.", -g / learning_rate),
        ("it returns a new weight, and one uphill at that: w_k + learning_rate * dxi/dw. Return "
         "only the change, delta w = -learning_rate * dxi/dw.", w_k + learning_rate * g),
    ]


def axis_hint(name, shape, n, d):
    """A hint for a mean or standard deviation of the wrong shape."""
    name = name[0].upper() + name[1:]
    if shape == ():
        return (f"{name} is one number, taken over all the entries of X at once: take one per "
                "feature (column), over the examples: axis=0.")
    if shape in ((n,), (n, 1)) and n != d:
        return (f"{name} has one entry per example (row): it was taken along axis=1. Take it "
                "per feature (column), over the examples: axis=0.")
    if shape == (1, d):
        return f"{name} is a row of shape (1, D); return a 1-D array of shape (D,)."
    return f"{name} holds one number per feature (column): shape (D,)."


def standardize_mistakes(X):
    """Return (mean mistakes, std mistakes, X_std mistakes) as [(message, value)] lists."""
    with np.errstate(all="ignore"):
        return _standardize_mistakes(X)


DDOF = ("the standard deviation is the sample one (ddof=1, dividing by N - 1); the docstring "
        "asks for the population standard deviation, dividing by N (ddof=0).")
ROWS = ("it is taken along axis=1, over each example's features; standardise each feature "
        "(column) over the examples: axis=0.")
SWAPPED = "mean and std are swapped: return (X_std, mean, std)."
VARIANCE = "it is the variance; the standard deviation is its square root."
ONLY_CENTRED = "X_std is not divided by the standard deviation: only centred."
NOT_CENTRED = "X_std is not centred: subtract each column's mean before dividing."


def _standardize_mistakes(X):
    n = X.shape[0]
    m, s = X.mean(axis=0), X.std(axis=0)
    s1 = X.std(axis=0, ddof=1) if n > 1 else np.full_like(s, np.nan)
    row_m, row_s = X.mean(axis=1), X.std(axis=1)
    mean = [(SWAPPED, s), (ROWS, row_m)]
    std = [(DDOF, s1), (VARIANCE, s ** 2), (SWAPPED, m), (ROWS, row_s)]
    scaled = [
        (ONLY_CENTRED, X - m),
        (NOT_CENTRED, X / s),
        ("X_std is divided by the variance; divide by the standard deviation.", (X - m) / s ** 2),
        (DDOF, (X - m) / s1),
        (ROWS, (X - row_m[:, None]) / row_s[:, None]),
        ("X_std is standardised over all the entries at once: each column needs its own mean "
         "and standard deviation (axis=0).", (X - X.mean()) / X.std()),
    ]
    return mean, std, scaled


def unstandardize_mistakes(w, b, mean, std):
    """Return (w_orig mistakes, b_orig mistakes) as [(message, value)] lists."""
    as_is = ("w and b are returned as they are: they are the coefficients of the standardised "
             "features, and must be mapped back to act on the original ones.")
    weights = [(as_is, w),
               ("the weights are multiplied by std; mapping back divides them by std.", w * std),
               ("the weights are divided by std twice.", w / std ** 2),
               ("the weights are divided by the mean instead of the standard deviation.",
                w / np.where(mean == 0, np.nan, mean))]
    intercept = [
        ("the intercept is returned as it is: every feature also contributes -w_j mean_j / "
         "std_j to the constant. Forgetting this mean term shifts the whole fit.", b),
        ("the mean term of the intercept has the wrong sign.", b + np.sum(w * mean / std)),
        ("the mean term of the intercept is not divided by std: use the mapped weights.",
         b - np.sum(w * mean)),
        ("the mean term of the intercept is multiplied by std instead of divided.",
         b - np.sum(w * mean * std)),
    ]
    return weights, intercept


def logistic_mistakes(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(all="ignore"):
        return [
            ("it is sigma(-z) = 1 / (1 + exp(z)) = exp(-z) / (1 + exp(-z)): the exponent is -z "
             "and the numerator 1.", sigmoid(-z)),
            ("the denominator is 1 - exp(-z); the logistic function has 1 + exp(-z).",
             1 / (1 - np.exp(-z))),
            ("it is tanh(z), which runs from -1 to 1; the logistic function is "
             "1 / (1 + exp(-z)).", np.tanh(z)),
            ("it is the derivative of the logistic function, sigma(z) (1 - sigma(z)).",
             sigmoid(z) * (1 - sigmoid(z))),
            ("it is exp(z), 1 / exp(-z): the denominator is 1 + exp(-z).", np.exp(z)),
            ("it is 1 + exp(-z), the denominator alone: the logistic function is its "
             "reciprocal.", 1 + np.exp(-z)),
        ]


def nn_logistic_mistakes(x, w):
    z = x @ w
    return [("the weighted sums x @ w are not squashed: apply logistic.", z),
            ("it squashes -z: y = logistic(x @ w).", sigmoid(-z)),
            ("it squashes twice: y = logistic(x @ w), once.", sigmoid(sigmoid(z))),
            ("it adds 1 (a bias) to the weighted sums: this neuron has none, y = "
             "logistic(x @ w).", sigmoid(z + 1)),
            ("it squashes each product x_nj w_j and adds them up; squash the weighted sum: "
             "logistic(x @ w).", np.sum(sigmoid(x * w.T), axis=1, keepdims=True))]


TIE_UP = ("an output of exactly 0.5 must be class 0 (1.0 only where the output is > 0.5, the "
          "course's tie rule), but it gives 1 there: >= instead of >.")


def nn_predict_mistakes(x, w):
    y = logistic_output(x, w)
    return [
        ("it returns the probabilities; compare them with 0.5 to get the classes 1.0 and 0.0.",
         y),
        (TIE_UP, (y >= 0.5).astype(float)),
        ("every output is above 0, so comparing it with 0 makes every point class 1: "
         "compare with 0.5.", np.ones_like(y)),
        ("the classes are swapped: 1.0 where the output is above 0.5, else 0.0.",
         (y <= 0.5).astype(float)),
        ("it compares the weighted sums z = x @ w with 0.5: compare the outputs "
         "nn_logistic(x, w) with 0.5 (or z with 0).", (x @ w > 0.5).astype(float)),
    ]


def loss_logistic_mistakes(y, t):
    n = t.shape[0]
    right = cross_entropy(y, t)
    ones = -np.sum(t * np.log(y)) / n
    return [
        ("it is the sum over the examples, N times the mean: divide by N.", right * n),
        ("it has the wrong sign: the cross-entropy is minus the mean log-probability, a "
         "positive number.", -right),
        ("the (1 - t) log(1 - y) term is missing: an example of class 0 costs -log(1 - y).",
         ones),
        ("the t log y term is missing: an example of class 1 costs -log y.", right - ones),
        ("log y and log(1 - y) are swapped: an example of class 1 (t = 1) costs -log y.",
         -np.sum(t * np.log(1 - y) + (1 - t) * np.log(y)) / n),
        ("it uses log10; the cross-entropy uses the natural logarithm, np.log.",
         right / np.log(10)),
        ("it is the mean squared error of y against t, not the cross-entropy.",
         np.mean((y - t) ** 2)),
    ]


def gradient_logistic_mistakes(w, x, t):
    y = logistic_output(x, w)
    n = x.shape[0]
    g = x.T @ (y - t) / n
    return [
        ("it has the wrong sign: with t - y in place of y - t the descent climbs.", -g),
        ("it is N times too large: the cross-entropy is a mean, so divide the sum by N.", g * n),
        ("it multiplies by sigma'(z) = y (1 - y): for the cross-entropy that factor cancels "
         "against the derivative of the logarithm; leave it out.", x.T @ ((y - t) * y * (1 - y)) / n),
        ("it is the gradient of the mean squared error, 2 (y - t) y (1 - y); this cost is the "
         "cross-entropy, whose gradient is x.T @ (y - t) / N.", 2 * x.T @ ((y - t) * y * (1 - y)) / n),
        ("it is divided by N twice.", g / n),
        ("it uses the weighted sums z = x @ w in place of the outputs: y = nn_logistic(x, w).",
         x.T @ (x @ w - t) / n),
    ]


def slope_mistakes(s):
    s = np.asarray(s, dtype=float)
    twice = sigmoid(s)
    return [
        ("it squashes s once more: s is already the output sigma(z), so sigma'(z) = s (1 - s) "
         "with no logistic inside.", twice * (1 - twice)),
        ("1 - s**2 is the derivative of tanh, written through tanh's output; the logistic "
         "function's is s (1 - s).", 1 - s ** 2),
        ("it has the wrong sign: sigma'(z) = s (1 - s) is never negative.", s * (s - 1)),
        ("the factor s is missing: sigma'(z) = s (1 - s).", 1 - s),
        ("it is s**2 (1 - s): one factor s too many.", s ** 2 * (1 - s)),
    ]


START_MESSAGE = ("With epochs=0, train_or must return its start, exactly the one the docstring "
                 "gives: W = np.random.default_rng(seed).normal(size=(D, 1)).")


STARTS = {
    "legacy": "it does not start where the docstring says: np.random.seed and np.random.randn "
              "draw other numbers than np.random.default_rng(seed).normal(size=(D, 1)).",
    "uniform": "it does not start where the docstring says: it draws uniform numbers (random); "
               "the start is np.random.default_rng(seed).normal(size=(D, 1)).",
    "zeros": "it starts from zeros; the docstring's start is "
             "np.random.default_rng(seed).normal(size=(D, 1)).",
}


def train_mistakes(X, Y, epochs, learning_rate, seed):
    """The typical mistakes of train_or: the weights they end with (a mistake that overflows
    gives NaN, which `known` drops)."""
    with np.errstate(all="ignore"):
        return _train_mistakes(X, Y, epochs, learning_rate, seed)


def _train_mistakes(X, Y, epochs, learning_rate, seed):
    args = (X, Y, epochs, learning_rate, seed)
    found = [
        (STARTS["legacy"], train(*args, start="legacy")),
        (STARTS["uniform"], train(*args, start="uniform")),
        (STARTS["zeros"], train(*args, start="zeros")),
        ("it uses the \"cost times cost-derivative\" rule: (Y - y)**2 times 2 (Y - y)**2 is "
         "never negative, so it cannot tell which way to go. The first link of the chain is "
         "dC/dy = y - Y.", train(*args, rule="tempting")),
        ("it steps uphill: W = W - learning_rate * dC/dW, with dC/dy = y - Y "
         "(not Y - y).", train(*args, sign=-1.0)),
        ("the factor sigma'(z) is missing: dy/dz = sigmoid_derivative_from_output(y).",
         train(*args, slope_of="none")),
        ("sigmoid_derivative_from_output is applied to the weighted sums z = X @ W; it takes "
         "the outputs y = logistic(z).", train(*args, slope_of="z")),
        ("sigmoid_derivative_from_output is applied to logistic(y), the outputs squashed "
         "again; pass it the outputs y themselves.", train(*args, slope_of="sigma(y)")),
        ("it divides the gradient by N: C = 1/2 sum (y - Y)**2 is a sum over the examples, "
         "not a mean.", train(*args, average=True)),
        ("it updates W after each example; train_or is full-batch: one step per epoch, from "
         "the gradient over all N examples.", train(*args, per_example=True)),
        ("it runs one epoch too many.", train(X, Y, epochs + 1, learning_rate, seed)),
    ]
    if epochs > 0:
        found.append(("it runs one epoch too few.", train(X, Y, epochs - 1, learning_rate, seed)))
    fewer = []
    train(*args, trace=fewer)
    found += [(EARLY_STOP, W) for W in fewer[:-1]]
    return found


EARLY_STOP = ("it stops before the epochs asked for: these are the weights after fewer epochs. "
              "train_or runs exactly `epochs` epochs, with no early stop (once every example "
              "is classified right, say, or once the error is small).")


def known(mistakes, expected):
    """Keep the mistakes whose value is finite, has the expected shape and differs from it."""
    kept = []
    for message, value in mistakes:
        value = np.asarray(value, dtype=float)
        if (value.shape == np.shape(expected) and np.all(np.isfinite(value))
                and checking.relative_error(value, expected) > 1e-6):
            kept.append((message, value))
    return kept


# ------------------------------------------------------------------------------- the checks

def copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def run(what, function, *args):
    return checking.call(what, function, *(copy(a) for a in args))


# The arguments of each graded function, as its docstring names them.
ARGUMENTS = {"nn": ("x", "w"), "loss": ("y", "t"), "gradient": ("w", "x", "t"),
             "delta_w": ("w_k", "x", "t", "learning_rate"), "standardize": ("X",),
             "unstandardize": ("w", "b", "mean", "std"), "logistic": ("z",),
             "nn_logistic": ("x", "w"), "nn_predict": ("x", "w"), "loss_logistic": ("y", "t"),
             "gradient_logistic": ("w", "x", "t"), "sigmoid_derivative_from_output": ("s",),
             "train_or": ("X", "Y", "epochs", "learning_rate", "seed")}


def in_place_message(name, argument):
    """What the hidden tests say when `name` changed its argument `argument` in place."""
    return (f"it changes its argument {argument} in place: after the call the caller's "
            f"{argument} holds other values. {name} must leave its arguments as they were: "
            f"compute into a new array ({argument} = {argument} - ..., or a new name), never "
            f"overwrite the caller's ({argument} -= ..., {argument}[...] = ...).")


def watched(name, function, ns):
    """Return `function` (the notebook's `name`) as a callable that also fails when a call
    changes one of its array arguments, read back by the grader (keys.call_and_read_back)."""
    def call(*args):
        what = f"{name}({', '.join(ARGUMENTS[name])})"
        result, after = keys.call_and_read_back(what, ns, function, *args, call=_plain_call)
        for argument, before, now in zip(ARGUMENTS[name], args, after):
            if isinstance(before, np.ndarray) and not same(before, now):
                raise checking.CheckFailure(f"{what}: " + in_place_message(name, argument))
        return result
    call.__name__ = name
    return call


def _plain_call(what, function, *args):
    """The call itself: the checks around it (run) name its failures."""
    return function(*args)


def same(before, now):
    """True if `now` is the array `before`: the same shape and entries (NaN equal to NaN)."""
    try:
        now = np.asarray(now, dtype=float)
    except (TypeError, ValueError):
        return False
    return now.shape == before.shape and np.array_equal(now, before, equal_nan=True)


def number(what, got):
    """Fail unless got is a single number (not an array with entries); a one-element array
    is named as one (what Python's built-in sum makes of a numpy column)."""
    if isinstance(got, np.ndarray) and got.ndim > 0 and got.size == 1:
        checking.check_scalar(what, got, 0.0)  # raises, naming the one-element array
    if isinstance(got, (list, tuple)) or (isinstance(got, np.ndarray) and got.ndim > 0):
        raise checking.CheckFailure(
            f"{what} returned {type(got).__name__} of shape {np.shape(got)}; expected a single "
            "number.")
    return got


def parts(what, got, count, names):
    """Fail unless got is a tuple (or list) of `count` things; return them."""
    if not isinstance(got, (tuple, list)) or len(got) != count:
        raise checking.CheckFailure(f"{what} must return {count} things, ({names}); it "
                                    f"returned {type(got).__name__} {got!r:.60}.")
    return got


def check_number(what, got, expected, rtol, mistakes, against="the expected value"):
    """Fail unless the number got equals expected to relative error rtol; name a known mistake.

    For single numbers checking.diagnose would call any wrong value "a constant factor" off,
    so only the listed mistakes are named here.
    """
    got = float(number(what, got))
    checking.check_finite(what, got)
    error = checking.relative_error(got, expected)
    if error <= rtol:
        return
    message = f"{what} disagrees with {against} (relative error {error:.2g}, tolerance {rtol:g})"
    for reason, value in mistakes:
        if checking.relative_error(got, value) < 1e-6:
            raise checking.CheckFailure(f"{message}: {reason}")
    raise checking.CheckFailure(message + ".")


def check_nn(function, x, w):
    what = f"nn(x, {w:g}) for {x.size} inputs"
    got = checking.check_shape(what, run(what, function, x, w), x.shape,
                               hint="One output per input, shape (N,).")
    expected = linear(x, w)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL,
                         mistakes=known(nn_mistakes(x, w), expected))


def check_loss(function, y, t):
    what = f"loss(y, t) for {y.size} examples"
    got = run(what, function, y, t)
    expected = mean_squared_error(y, t)
    check_number(what, got, expected, REFERENCE_RTOL, known(loss_mistakes(y, t), expected))


def check_gradient_(function, w, x, t):
    what = f"gradient({w:g}, x, t) for {x.size} examples"
    got = run(what, function, w, x, t)
    expected = slope(w, x, t)
    mistakes = known(gradient_mistakes(w, x, t), expected)
    numeric = (mean_squared_error(linear(x, w + STEP), t)
               - mean_squared_error(linear(x, w - STEP), t)) / (2 * STEP)
    keys.near_miss(what, got, expected, REFERENCE_RTOL)
    check_number(what, got, numeric, GRADIENT_TOL, mistakes,
                 against="central finite differences of the cost")
    check_number(what, got, expected, REFERENCE_RTOL, mistakes)


def check_delta_w(function, w_k, x, t, learning_rate):
    what = f"delta_w({w_k:g}, x, t, {learning_rate:g}) for {x.size} examples"
    got = run(what, function, w_k, x, t, learning_rate)
    expected = -learning_rate * slope(w_k, x, t)
    check_number(what, got, expected, REFERENCE_RTOL,
                 known(delta_w_mistakes(w_k, x, t, learning_rate), expected))


def check_standardize(function, X):
    n, d = X.shape
    what = f"standardize(X) for X of shape {X.shape}"
    X_std, mean, std = parts(what, run(what, function, X), 3, "X_std, mean, std")
    mean_mistakes, std_mistakes, scaled_mistakes = standardize_mistakes(X)
    m, s = X.mean(axis=0), X.std(axis=0)
    for name, got, expected, mistakes in (("the mean", mean, m, mean_mistakes),
                                          ("the std", std, s, std_mistakes)):
        label = f"{name} returned by {what}"
        got = checking.as_array(label, got)
        checking.check_shape(label, got, (d,), hint=axis_hint(name, got.shape, n, d))
        checking.check_close(label, got, expected, rtol=REFERENCE_RTOL,
                             mistakes=known(mistakes, expected))
    label = f"X_std returned by {what}"
    checking.check_shape(label, X_std, (n, d), hint="X_std has the shape of X.")
    checking.check_close(label, X_std, (X - m) / s, rtol=REFERENCE_RTOL,
                         mistakes=known(scaled_mistakes, (X - m) / s))


def check_unstandardize(function, w, b, mean, std):
    d = w.size
    what = f"unstandardize(w, b, mean, std) with D = {d}"
    w_orig, b_orig = parts(what, run(what, function, w, b, mean, std), 2, "w_orig, b_orig")
    weights, intercept = unstandardize_mistakes(w, b, mean, std)
    label = f"w_orig returned by {what}"
    checking.check_shape(label, w_orig, (d,), hint="One weight per feature, shape (D,).")
    checking.check_close(label, w_orig, w / std, rtol=REFERENCE_RTOL,
                         mistakes=known(weights, w / std))
    label = f"b_orig returned by {what}"
    expected = b - np.sum(w * mean / std)
    check_number(label, b_orig, expected, REFERENCE_RTOL, known(intercept, expected))


def check_logistic(function, z):
    what = f"logistic(z) for z of shape {np.shape(z)}"
    got = checking.check_shape(what, run(what, function, z), np.shape(z),
                               hint="logistic works entry by entry: the result has the shape "
                                    "of z.")
    expected = sigmoid(z)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL,
                         mistakes=known(logistic_mistakes(z), expected))


def check_nn_logistic(function, x, w):
    n, d = x.shape
    what = f"nn_logistic(x, w) for {n} examples of {d} inputs"
    got = checking.check_shape(what, run(what, function, x, w), (n, 1),
                               hint="One output per example, in a column: x @ w is "
                                    "(N, D) @ (D, 1).")
    expected = logistic_output(x, w)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL,
                         mistakes=known(nn_logistic_mistakes(x, w), expected))


def check_nn_predict(function, x, w):
    n, d = x.shape
    ties = int(np.sum(x @ w == 0))
    what = (f"nn_predict(x, w) for {n} examples of {d} inputs"
            + (f", {ties} of them with an output of exactly 0.5" if ties else ""))
    got = checking.check_shape(what, run(what, function, x, w), (n, 1),
                               hint="Return a column of shape (N, 1), like nn_logistic's output.")
    expected = (logistic_output(x, w) > 0.5).astype(float)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL,
                         mistakes=known(nn_predict_mistakes(x, w), expected))


def check_loss_logistic(function, y, t):
    what = f"loss_logistic(y, t) for {t.shape[0]} examples"
    got = run(what, function, y, t)
    expected = cross_entropy(y, t)
    check_number(what, got, expected, REFERENCE_RTOL, known(loss_logistic_mistakes(y, t), expected))


def check_gradient_logistic(function, w, x, t):
    n, d = x.shape
    what = f"gradient_logistic(w, x, t) for {n} examples of {d} inputs"
    got = run(what, function, w, x, t)
    expected = x.T @ (logistic_output(x, w) - t) / n
    mistakes = known(gradient_logistic_mistakes(w, x, t), expected)
    probe = w.astype(float)
    numeric = checking.central_difference(lambda: cross_entropy_of_weights(probe, x, t), probe)
    hint = "dC/dw has the shape of w, (D, 1): x.T (D, N) @ (y - t) (N, 1), divided by N."
    keys.near_miss(what, got, expected, REFERENCE_RTOL)
    checking.check_gradient(what, got, numeric, tol=GRADIENT_TOL, mistakes=mistakes, hint=hint)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=mistakes, hint=hint)


def check_slope(function, s):
    what = f"sigmoid_derivative_from_output(s) for s of shape {np.shape(s)}"
    got = checking.check_shape(what, run(what, function, s), np.shape(s),
                               hint="It works entry by entry: the result has the shape of s.")
    expected = logistic_slope(s)
    mistakes = known(slope_mistakes(s), expected)
    keys.near_miss(what, got, expected, REFERENCE_RTOL)
    inside = (np.asarray(s) > 0) & (np.asarray(s) < 1)
    if np.all(inside):
        z = np.log(s) - np.log1p(-np.asarray(s, dtype=float))
        numeric = (sigmoid(z + STEP) - sigmoid(z - STEP)) / (2 * STEP)
        checking.check_close(what, got, numeric, rtol=GRADIENT_TOL, mistakes=mistakes,
                             advice="It should agree with central differences of the "
                                    "logistic function at the z where sigma(z) = s.")
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=mistakes)


def check_train(function, X, Y, epochs, learning_rate, seed):
    n, d = X.shape
    what = (f"train_or(X, Y, {epochs}, {learning_rate:g}, {seed}) for X of shape {X.shape}")
    got = checking.check_shape(what, run(what, function, X, Y, epochs, learning_rate, seed),
                               (d, 1), hint="W has one row per column of X: shape (D, 1).")
    expected = train(X, Y, epochs, learning_rate, seed)
    mistakes = train_mistakes(X, Y, epochs, learning_rate, seed)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL,
                         mistakes=known(mistakes, expected),
                         advice=START_MESSAGE if epochs == 0 else "")


def hard_gradient(function):
    x, t = line(304, 12)
    what = "gradient(1.3, x, t) for targets 1e8 away from the outputs"
    keys.check_hard(what, run(what, function, 1.3, x, t + 1e8), slope(1.3, x, t + 1e8),
                    "the loss, about 1e16, is huge next to its slope")


def hard_gradient_logistic(function):
    rng = np.random.default_rng(613)
    x = rng.uniform(0.5, 1.5, (8, 2)) * [1.0, 1e-6]
    w, t = np.array([[0.3], [-0.5]]), np.ones((8, 1))
    what = ("gradient_logistic(w, x, t) for inputs whose second feature is a million times "
            "smaller than the first")
    keys.check_hard(what, run(what, function, w, x, t), x.T @ (logistic_output(x, w) - t) / 8,
                    "the slope in the second weight is a millionth of the slope in the first",
                    entrywise=True)


def hard_slope(function):
    s = 1 - 2.0 ** -np.arange(10, 15)
    what = "sigmoid_derivative_from_output(s) for outputs s within 1e-3 of 1"
    keys.check_hard(what, run(what, function, s), logistic_slope(s),
                    "near 1 the logistic function is nearly flat, its slope tiny next to its "
                    "value", entrywise=True)


# Outputs the docstring allows (strictly between 0 and 1) within 1e-12 of 0 and 1.
EXTREME_OUTPUTS = np.array([[1e-12], [1 - 2.0 ** -40], [1e-14], [1 - 2.0 ** -52], [1e-12],
                            [1 - 2.0 ** -40], [0.3]])
EXTREME_CLASSES = np.array([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0], [1.0]])
CLIPPED = ("it is right on ordinary probabilities but not on outputs within 1e-12 of 0 and 1, "
           "which the docstring allows (strictly between 0 and 1): does it clip the "
           "probabilities, or add a small epsilon before the logarithm? Take np.log(y) and "
           "np.log(1 - y) of the outputs as they are.")


def clipped_losses(y, t):
    """[(CLIPPED, value)]: the cross-entropy of outputs clipped to [eps, 1 - eps], or with eps
    added inside the logarithms, for the usual small eps."""
    found = []
    for eps in (1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15):
        clipped = np.clip(y, eps, 1 - eps)
        found.append((CLIPPED, -np.mean(t * np.log(clipped) + (1 - t) * np.log(1 - clipped))))
        found.append((CLIPPED, -np.mean(t * np.log(y + eps) + (1 - t) * np.log(1 - y + eps))))
    return found


def hard_loss_logistic(function):
    y, t = EXTREME_OUTPUTS, EXTREME_CLASSES
    what = "loss_logistic(y, t) for outputs within 1e-12 of 0 and 1"
    got = run(what, function, y, t)
    expected = cross_entropy(y, t)
    mistakes = known(loss_logistic_mistakes(y, t), expected)
    # Any other value here is CLIPPED: the answer was right on every ordinary case.
    check_number(what, got, expected, REFERENCE_RTOL, mistakes + [(CLIPPED, got)])


HARD = {"gradient": hard_gradient, "gradient_logistic": hard_gradient_logistic,
        "loss_logistic": hard_loss_logistic,
        "sigmoid_derivative_from_output": hard_slope}

MISTAKES = {
    "nn": nn_mistakes,
    "loss": loss_mistakes,
    "gradient": gradient_mistakes,
    "delta_w": delta_w_mistakes,
    "standardize": lambda X: sum(standardize_mistakes(X), []),
    "unstandardize": lambda *case: sum(unstandardize_mistakes(*case), []),
    "logistic": logistic_mistakes,
    "nn_logistic": nn_logistic_mistakes,
    "nn_predict": nn_predict_mistakes,
    "loss_logistic": loss_logistic_mistakes,
    "gradient_logistic": gradient_logistic_mistakes,
    "sigmoid_derivative_from_output": slope_mistakes,
    "train_or": train_mistakes,
}

CHECKS = {
    "nn": (check_nn, nn_cases),
    "loss": (check_loss, loss_cases),
    "gradient": (check_gradient_, gradient_cases),
    "delta_w": (check_delta_w, delta_w_cases),
    "standardize": (check_standardize, lambda: [(X,) for X in standardize_cases()]),
    "unstandardize": (check_unstandardize, unstandardize_cases),
    "logistic": (check_logistic, lambda: [(z,) for z in logistic_cases()]),
    "nn_logistic": (check_nn_logistic, nn_logistic_cases),
    "nn_predict": (check_nn_predict, nn_predict_cases),
    "loss_logistic": (check_loss_logistic, loss_logistic_cases),
    "gradient_logistic": (check_gradient_logistic, gradient_logistic_cases),
    "sigmoid_derivative_from_output": (check_slope, lambda: [(s,) for s in slope_cases()]),
    "train_or": (check_train, train_cases),
}


def hidden_mistakes(name):
    """The messages of the mistakes the hidden tests of `name` can name (course/coverage.py):
    those of its mistake list on its cases, a change of its first array argument in place,
    and for a derivative a finite-difference estimate, for loss_logistic clipped outputs."""
    messages = [message for case in CHECKS[name][1]() for message, _ in MISTAKES[name](*case)]
    messages.append(in_place_message(name, ARGUMENTS[name][0]))
    if name in ("gradient", "gradient_logistic", "sigmoid_derivative_from_output"):
        messages.append(keys.FINITE_DIFFERENCE)
    if name == "loss_logistic":
        messages.append(CLIPPED)
    return list(dict.fromkeys(messages))


# ------------------------------------------------------------------ the visible tests' mistakes

def visible_mistakes():
    """{label: [(message, value)]}: what each typical mistake gives on the visible test's
    example, for readonly/mistakes.json (written at release). A label is the function's name,
    or "name:part" for one of several values its visible test checks. The examples, seeds and
    stand-ins are those of the notebook's visible test cells, the data those of the
    assignment's own readonly module."""
    import runpy
    from course import SOURCE
    module = runpy.run_path(str(SOURCE / "02-neuron" / "readonly" / "neuron_module.py"))
    found = {}
    for part in (visible_part_1, visible_part_2, visible_part_3, visible_part_4):
        found.update(part(module))
    return found


def shown(mistakes, expected):
    """The mistakes a visible check can name: finite, of the expected shape, not the expected
    value and not the value of an earlier mistake in the list (which would be named instead)."""
    kept = []
    for message, value in known(mistakes, expected):
        if all(checking.relative_error(value, earlier) > 1e-6 for _, earlier in kept):
            kept.append((message, value))
    return kept


def side_by_side(per_case):
    """[(message, [value in case 1, value in case 2, ...])] from one mistake list per case
    (the same mistakes in the same order): for a visible check of one value per case."""
    return [(pairs[0][0], [value for _, value in pairs]) for pairs in zip(*per_case)]


def visible_part_1(module):
    """nn, loss, gradient and delta_w, on the examples of their visible tests."""
    x, t = module["line_data"]()
    inputs = np.array([0.0, 0.5, 1.0, -2.0])
    losses = [(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0])), (np.array([0.5]), np.array([2.0]))]
    weights = (0.1, 2.0, -1.5)
    steps = ((0.1, 0.5), (3.0, 0.05))
    numeric = module["numeric_gradient"]
    with np.errstate(all="ignore"):
        return {
            "nn": shown(nn_mistakes(inputs, 3.0), linear(inputs, 3.0)),
            "loss": shown(side_by_side([loss_mistakes(y, t_) for y, t_ in losses]),
                          [mean_squared_error(y, t_) for y, t_ in losses]),
            "gradient": shown(side_by_side([gradient_mistakes(w, x, t) for w in weights]),
                              [slope(w, x, t) for w in weights]),
            "delta_w": shown(side_by_side([delta_w_mistakes(w, x, t, rate, g=numeric(w, x, t))
                                           for w, rate in steps]),
                             [-rate * numeric(w, x, t) for w, rate in steps]),
        }


def visible_part_2(module):
    """standardize (the means and standard deviations of the columns of X_std, and
    X_std * std + mean) and unstandardize (w_orig, then b_orig), on the examples of their
    visible tests. A mistake in standardize's std is named by the std's message, as in the
    hidden tests, which check the std before X_std."""
    grid = np.linspace(0.0, 100.0, 11)
    X = np.column_stack([grid ** 2, grid, 7.0 + np.arange(11) % 3])
    m, s = X.mean(axis=0), X.std(axis=0)
    found = {
        "standardize:column means": shown([(NOT_CENTRED, np.mean(X / s, axis=0))], np.zeros(3)),
        "standardize:column stds": shown([(ONLY_CENTRED, s), (VARIANCE, 1 / s),
                                          (DDOF, np.full(3, np.sqrt(10 / 11)))], np.ones(3)),
        "standardize:round trip": shown([(SWAPPED, (X - m) / s * m + s),
                                         (VARIANCE, (X - m) / s * s ** 2 + m)], X),
    }
    w, b = np.array([4.0, -2.5]), 1.75
    mean, std = np.array([3400.0, 50.0]), np.array([3000.0, 29.0])
    weights, intercept = unstandardize_mistakes(w, b, mean, std)
    found["unstandardize:w_orig"] = shown(weights, w / std)
    found["unstandardize:b_orig"] = shown(intercept, b - np.sum(w * mean / std))
    return found


def visible_part_3(module):
    """logistic, nn_logistic, nn_predict, loss_logistic and gradient_logistic, on the examples
    of their visible tests (with the module's sigmoid and logistic neuron planted)."""
    z = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    points = np.array([[2.0, 1.0], [0.0, 0.0], [-1.0, 3.0], [1.0, 1.0], [4.0, 2.0]])
    w = np.array([[1.5], [-2.0]])
    losses = [(np.array([[0.9], [0.2], [0.5]]), np.array([[1.0], [0.0], [1.0]])),
              (np.array([[0.25]]), np.array([[0.0]]))]
    x, t = module["two_class_data"]()
    found = {
        "logistic": shown(logistic_mistakes(z), sigmoid(z)),
        "nn_logistic": shown(nn_logistic_mistakes(points[:4], w), logistic_output(points[:4], w)),
        "nn_predict": shown(nn_predict_mistakes(points, w),
                            (logistic_output(points, w) > 0.5).astype(float)),
        "loss_logistic": shown(side_by_side([loss_logistic_mistakes(y, t_) for y, t_ in losses]),
                               [cross_entropy(y, t_) for y, t_ in losses]),
    }
    y, t_ = np.array([[1e-12], [0.5]]), np.array([[1.0], [1.0]])
    found["loss_logistic:near 0 and 1"] = shown(clipped_losses(y, t_), cross_entropy(y, t_))
    for weights in (np.array([[-1.0], [0.5]]), np.array([[2.5], [3.0]])):
        found[f"gradient_logistic:{weights.ravel().tolist()}"] = shown(
            gradient_logistic_mistakes(weights, x, t), x.T @ (logistic_output(x, weights) - t) / len(x))
    return found


def visible_part_4(module):
    """sigmoid_derivative_from_output (25 outputs, then the same as a 5 x 5 array) and train_or
    (the start after 0 epochs, the change in one epoch, then the change in the 60th), on the
    examples of their visible tests."""
    s = module["sigmoid"](np.linspace(-6.0, 6.0, 25))
    found = {"sigmoid_derivative_from_output:row": shown(slope_mistakes(s), logistic_slope(s)),
             "sigmoid_derivative_from_output:square": shown(
                 [(message, np.reshape(value, (5, 5))) for message, value in slope_mistakes(s)],
                 logistic_slope(s).reshape(5, 5))}
    X, Y = or_inputs(True), OR_TARGETS
    start = train(X, Y, 0, 1.0, 5)
    found["train_or:start"] = shown(train_mistakes(X, Y, 0, 1.0, 5), start)
    # After 59 epochs from seed 0 with the learning rate 10, a loop that stops early has
    # stopped already: the 60th epoch changes nothing.
    found["train_or:last epoch"] = [(EARLY_STOP, np.zeros((3, 1)))]
    # A wrong start fails the first check: the second names only the mistakes of the step.
    found["train_or:one epoch"] = shown(
        [(message, value - start) for message, value in train_mistakes(X, Y, 1, 1.0, 5)
         if message not in STARTS.values()], train(X, Y, 1, 1.0, 5) - start)
    return found


def check(name, ns):
    """Check the notebook's function `name` on all its cases; raise checking.CheckFailure.

    ns is the notebook's globals(). Reference versions of the functions `name` calls (CALLEES)
    are planted in ns during the check and the notebook's own restored afterwards. A
    derivative right on every case is then checked on its HARD case. When several cases fail,
    the failure raised is the first that names a known mistake, else the first.
    """
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    function = ns.get(name)
    if not callable(function):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    function = watched(name, function, ns)
    check_case, cases = CHECKS[name]
    failures, messages = [], []
    with checking.planted(ns, **CALLEES.get(name, {})):
        for case in cases():
            messages += [message for message, _ in MISTAKES[name](*case)]
            try:
                check_case(function, *case)
            except checking.CheckFailure as failure:
                failures.append(failure)
        if not failures and name in HARD:
            HARD[name](function)
    if failures:
        named = [f for f in failures if any(m in str(f) for m in messages)]
        raise (named or failures)[0]
