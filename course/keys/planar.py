"""Grader side: answer key for the hidden tests of 04-planar (a 2-n_h-1 classifier: tanh, then sigmoid).

The hidden part of each test cell calls `check(name, globals())`. For several seeded cases of
other sizes `check` calls the student's function on fresh copies of its inputs and compares
the result with this module's own reference, written here from the equations (it shares no
code with the notebook or its helper module); backward_propagation is also compared with
central finite differences of this module's cost. The reference functions take switches that
reproduce the typical mistakes (sigmoid in the hidden layer, tanh' taken as A1 or 1 - A1,
a missing 1/m, the wrong sign, ...), so a failing check can say which mistake it was.

A backward_propagation right on every case is then tried on one hard case (`_hard_backward`):
a network with an all but silent hidden neuron, whose entries of the gradient are a million
times smaller than the others and are compared with their own size. Finite differences of the
cost lose their digits on such entries, an exact formula does not (see course/keys/__init__.py):
a finite-difference estimate fails there, or on the ordinary cases as a near miss, and the
message asks whether it is one. (db2, a single number, is no hard case on its own: an answer
that estimated only db2 numerically would pass.)

update_parameters and backward_propagation must also leave their arguments as they were (an
in-place step such as dZ2 -= Y after dZ2 = A2 changes the caller's cache). While grading the
arguments would reach the kernel as copies, so keys.call_and_read_back passes the notebook's
own objects and reads them back afterwards: the grader compares, whatever the kernel
rebinds. compute_cost is also tried on probabilities
within 1e-6 of 0 and 1, where an answer that clips A2 (or adds a small number inside the
logarithms) gives another cost.

rbf and rbf_prime (the radial basis function exp(-z**2) and its derivative) are compared with
the reference on seeded arrays and a float, must leave z as it was, and are called once on
entries as large as 1000 in size with the notebook's numpy raising on an overflow (through
the notebook's `np`, so in the kernel while grading): an answer that divides by exp(z**2)
is right only by luck there. rbf_prime's checks plant the reference rbf, and a rbf_prime
right on every case is tried on z within 5e-6 of 0, where finite differences of rbf lose
their digits.

What each typical mistake gives on the visible tests' examples (`visible_mistakes()`) goes
into readonly/mistakes.json at release, so that the visible tests name the same mistakes as
the hidden ones (`hidden_mistakes(name)`; course/coverage.py counts both).

nn_model and predict call other graded functions. Their checks plant this module's reference
versions of those functions in the notebook's globals for the duration of the call (and
restore the student's afterwards), so a mistake in, say, forward_propagation costs the points
of forward_propagation only. The planted initialize_parameters draws from its own seeded
generator, so nn_model's result does not depend on whether the student seeds numpy.

While nbgrader grades, `check` runs in the grader and `ns` stands for the kernel's namespace
(course/judge.py): the student's functions run in the kernel, planted ones in the grader (each
call from the kernel to a planted function is a round trip, hence few iterations for
nn_model), and the check of initialize_parameters seeds the kernel's generator through the
notebook's `np`. In process, `ns` is a plain dict and the same code works unchanged.

Convention, as in the notebook: one column per example; X (n_x, m), Y (1, m).
"""
import copy

import numpy as np

from course import checking, keys

FUNCTIONS = ("layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
             "backward_propagation", "update_parameters", "nn_model", "predict", "rbf",
             "rbf_prime")
PARAMETERS = ("W1", "b1", "W2", "b2")
GRADIENTS = ("dW1", "db1", "dW2", "db2")
CACHE = ("Z1", "A1", "Z2", "A2")
LEARNING_RATE = 1.2
GRADIENT_TOL = 1e-5
REFERENCE_RTOL = 1e-6

# (X shape, Y shape): every dimension differs from the others where it can, so that a row
# count taken for a column count gives a wrong number, not the right one by chance.
SIZE_CASES = (((5, 3), (2, 3)), ((2, 400), (1, 400)), ((3, 1), (1, 1)), ((7, 2), (3, 2)))
# (seed, n_x, n_h, n_y)
INIT_CASES = ((11, 2, 4, 1), (5, 3, 5, 2), (123, 1, 1, 1), (7, 4, 2, 3))
# (seed, n_x, n_h, m)
FORWARD_CASES = ((601, 2, 4, 5), (602, 3, 2, 1), (603, 2, 6, 9))
# (seed, m, sure): with sure=True the probabilities lie within 1e-6 of 0 or 1, one of them
# 1e-200 for a label 1, so that clipping A2 (or adding a small number to it) before the
# logarithm changes the cost.
COST_CASES = ((701, 1, False), (702, 7, False), (703, 40, False), (704, 9, True))
# Where clipping answers put their bounds (np.clip(A2, eps, 1 - eps), np.log(A2 + eps)).
CLIP_EPSILONS = (1e-300, 1e-200, 1e-100, 1e-20, 1e-16, 1e-15, 1e-12, 1e-10, 1e-9, 1e-8, 1e-7,
                 1e-6, 1e-5, 1e-4)
# (seed, n_x, n_h, m). The third case has m = n_x = 2, so that X used without transposing in
# dW1 gives a wrong value (named below) instead of a numpy shape error.
BACKWARD_CASES = ((801, 2, 4, 7), (802, 3, 5, 1), (803, 2, 3, 2), (804, 2, 1, 6))
# (seed, n_x, n_h, learning rate; None: call without it, testing the default)
UPDATE_CASES = ((901, 2, 4, None), (902, 3, 2, 0.5), (903, 2, 3, 0.01))
# (seed, n_x, n_h, m, iterations, weight scale). Few iterations: while grading, every call
# nn_model makes to a planted reference function is a round trip from the kernel to the
# grader (course/judge.py), some 50 ms. Each case must lower the cost.
MODEL_CASES = ((1001, 3, 3, 6, 2, 0.5), (1002, 2, 5, 12, 1, 0.5))
# (seed, n_x, n_h, m)
PREDICT_CASES = ((1101, 2, 4, 30), (1102, 3, 2, 7), (1103, 2, 6, 1))

HINTS = {
    "W1": "W1 has shape (n_h, n_x): one row per hidden neuron, one column per input.",
    "b1": "b1 is a column of zeros, shape (n_h, 1).",
    "W2": "W2 has shape (n_y, n_h).",
    "b2": "b2 is a column of zeros, shape (n_y, 1).",
    "dW1": "dW1 has the shape of W1, (n_h, n_x): dZ1 (n_h, m) @ X.T (m, n_x), divided by m.",
    "db1": "db1 has the shape of b1, (n_h, 1): sum dZ1 over the examples (axis=1) and keep "
           "a column (keepdims=True).",
    "dW2": "dW2 has the shape of W2, (1, n_h): dZ2 (1, m) @ A1.T (m, n_h), divided by m.",
    "db2": "db2 has the shape of b2, (1, 1): sum dZ2 over the examples (axis=1) and keep "
           "a column (keepdims=True).",
    "Z1": "Z1 = W1 @ X + b1 has shape (n_h, m).",
    "A1": "A1 = tanh(Z1) has shape (n_h, m).",
    "Z2": "Z2 = W2 @ A1 + b2 has shape (1, m).",
    "A2": "A2 = sigmoid(Z2) has shape (1, m), one probability per example.",
}


# ---------------------------------------------------------------- the reference network

def logistic(z):
    """Return 1 / (1 + exp(-z)) entry by entry."""
    return 1.0 / (1.0 + np.exp(-z))


def forward(params, X, *, hidden=np.tanh, output=logistic, biases=True, feed_z1=False):
    """Return (A2, cache) of the 2-layer network; the switches reproduce mistakes.

    hidden/output: the activation of each layer; biases=False leaves out b1 and b2;
    feed_z1=True feeds Z1 instead of A1 into the output layer.
    """
    Z1 = params["W1"] @ X + (params["b1"] if biases else 0)
    A1 = hidden(Z1)
    Z2 = params["W2"] @ (Z1 if feed_z1 else A1) + (params["b2"] if biases else 0)
    A2 = output(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def cost(A2, Y, *, sign=1.0, average=True, terms=("y", "1-y"), log=np.log):
    """Return the cross-entropy cost, a float; the switches reproduce mistakes."""
    total = 0.0
    if "y" in terms:
        total = total + np.sum(Y * log(A2))
    if "1-y" in terms:
        total = total + np.sum((1 - Y) * log(1 - A2))
    return float(-sign * total / (Y.shape[1] if average else 1))


def _slope(name, A1, Z1):
    """Return what a student may take for tanh'(Z1): name 'right' is the right one."""
    return {
        "right": lambda: 1 - A1 ** 2,
        "A1": lambda: A1,
        "1-A1": lambda: 1 - A1,
        "(1-A1)^2": lambda: (1 - A1) ** 2,
        "sigmoid": lambda: A1 * (1 - A1),
        "Z1": lambda: 1 - Z1 ** 2,
        "tanh(A1)": lambda: 1 - np.tanh(A1) ** 2,
        "none": lambda: np.ones_like(A1),
    }[name]()


def backward(params, cache, X, Y, *, average=1, sign=1.0, slope="right", output_slope=False,
             untransposed_x=False, m_axis=1):
    """Return the gradients {dW1, db1, dW2, db2}; the switches reproduce mistakes.

    average: how many times the sums over examples are divided by m (0, 1 or 2); sign=-1
    uses Y - A2; slope: which expression stands for tanh'(Z1) (see _slope); output_slope
    multiplies dZ2 by sigmoid'(Z2) once more; untransposed_x uses X instead of X.T in dW1
    (which raises ValueError unless the shapes happen to fit); m_axis=0 takes m from the
    rows of X.
    """
    m = X.shape[m_axis]
    scale = m ** -average
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = sign * (A2 - Y)
    if output_slope:
        dZ2 = dZ2 * A2 * (1 - A2)
    dZ1 = (params["W2"].T @ dZ2) * _slope(slope, A1, cache["Z1"])
    return {
        "dW1": scale * (dZ1 @ (X if untransposed_x else X.T)),
        "db1": scale * dZ1.sum(axis=1, keepdims=True),
        "dW2": scale * (dZ2 @ A1.T),
        "db2": scale * dZ2.sum(axis=1, keepdims=True),
    }


def update(params, grads, learning_rate=LEARNING_RATE, *, sign=1.0):
    """Return new parameters after one step of gradient descent (sign=-1: uphill)."""
    return {p: params[p] - sign * learning_rate * grads["d" + p] for p in PARAMETERS}


def train(params, X, Y, iterations, *, learning_rate=LEARNING_RATE):
    """Return the parameters after `iterations` steps of gradient descent from `params`."""
    for _ in range(iterations):
        A2, cache = forward(params, X)
        params = update(params, backward(params, cache, X, Y), learning_rate)
    return params


def random_parameters(rng, n_x, n_h, n_y=1, scale=1.0):
    """Return parameters with normal entries (biases too) of standard deviation `scale`."""
    shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}
    return {p: rng.normal(0.0, scale, shapes[p]) for p in PARAMETERS}


def random_labels(rng, m):
    """Return labels (1, m) of 0 and 1, with both classes present when m > 1."""
    Y = rng.integers(0, 2, (1, m))
    if m > 1:
        Y[0, 0], Y[0, 1] = 0, 1
    return Y


# ---------------------------------------------------------------- helpers of the checks

def _copy(value):
    return copy.deepcopy(value)


def _entry(what, result, key, kind):
    """Return result[key], failing clearly when result is not a dict holding it."""
    if result is None:
        raise checking.CheckFailure(f"{what} returned None: did you forget the `return` statement?")
    if not isinstance(result, dict):
        raise checking.CheckFailure(f"{what} returned a {type(result).__name__}; expected a "
                                    f"dictionary of {kind}.")
    if key not in result:
        raise checking.CheckFailure(f"{what} returned a dictionary without the key {key!r}; "
                                    f"it has {sorted(map(str, result))}.")
    return result[key]


def _call_watching(what, ns, name, *args):
    """Return (what the notebook's function `name` returns, its arguments after the call),
    read back by the grader (keys.call_and_read_back)."""
    return keys.call_and_read_back(what, ns, ns[name], *args)


def _check_unchanged(what, message, given, after):
    """Fail with `message` (a template with {changed}) if the call changed an argument:
    `given` holds the arguments as passed, {name: value}; `after` the same after the call."""
    for (name, before), now in zip(given.items(), after):
        changed = _difference(name, before, now)
        if changed:
            raise checking.CheckFailure(f"{what}: {message.format(changed=changed)}")


def _difference(name, before, now):
    """The first entry that differs between an argument before and after, as text, or None."""
    if not isinstance(before, dict):
        return None if _same(before, now) else name
    if not isinstance(now, dict):
        return name
    for key in list(before) + [k for k in now if k not in before]:
        if key not in before or key not in now or not _same(before[key], now[key]):
            return f"{name}[{key!r}]"
    return None


def _same(a, b):
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False


def _changed(variants, expected):
    """Keep the (message, value) pairs whose value differs from the expected one."""
    kept = []
    for message, value in variants:
        value = np.asarray(value, dtype=float)
        if value.shape != np.shape(expected) or checking.relative_error(value, expected) > 1e-6:
            kept.append((message, value))
    return kept


def _run_all(cases, check_case, messages):
    """Run check_case on every case; raise the first failure that names a known mistake."""
    failures = []
    for case in cases:
        try:
            check_case(*case)
        except checking.CheckFailure as failure:
            failures.append(failure)
    if failures:
        named = [f for f in failures if any(m in str(f) for m in messages)]
        raise (named or failures)[0]


# ---------------------------------------------------------------- layer_sizes

SIZE_MISTAKES = {
    "n_x": "n_x is the number of input features, the number of rows of X (X.shape[0]); "
           "X.shape[1] counts the examples.",
    "n_y": "n_y is the number of outputs, the number of rows of Y (Y.shape[0]); Y.shape[1] "
           "counts the examples.",
    "order": "the sizes are returned in the wrong order: (n_x, n_h, n_y), input layer first.",
    "n_h": "n_h is fixed at 4 in this exercise.",
    "fixed": "these are the sizes of the visible test's example, whatever X and Y are: read "
             "n_x and n_y from X.shape[0] and Y.shape[0].",
}
VISIBLE_SIZES = ((5, 3), (2, 3))  # the shapes of X and Y in the notebook's visible test


def size_variants(x_shape, y_shape):
    """[(message, value)] of the typical mistakes of layer_sizes for X and Y of these shapes."""
    vx, vy = VISIBLE_SIZES
    return [
        (SIZE_MISTAKES["n_x"], [x_shape[1], 4, y_shape[0]]),
        (SIZE_MISTAKES["n_y"], [x_shape[0], 4, y_shape[1]]),
        (SIZE_MISTAKES["n_x"] + " " + SIZE_MISTAKES["n_y"], [x_shape[1], 4, y_shape[1]]),
        (SIZE_MISTAKES["order"], [x_shape[0], y_shape[0], 4]),
        (SIZE_MISTAKES["order"], [y_shape[0], 4, x_shape[0]]),
        (SIZE_MISTAKES["fixed"], [vx[0], 4, vy[0]]),
    ] + [(SIZE_MISTAKES["n_h"], [x_shape[0], n_h, y_shape[0]])
         for n_h in sorted({1, 2, 3, 5, 6, 8, 10, *x_shape, *y_shape} - {4})]


def _check_layer_sizes(ns, x_shape, y_shape):
    X, Y = np.zeros(x_shape), np.zeros(y_shape)
    expected = np.array([x_shape[0], 4, y_shape[0]], dtype=float)
    what = f"layer_sizes(X, Y) for X of shape {x_shape} and Y of shape {y_shape}"
    got = checking.call(what, ns["layer_sizes"], X, Y)
    if isinstance(got, dict) or np.ndim(got) != 1 or len(got) != 3:
        raise checking.CheckFailure(f"{what} returned {got!r:.80}; expected a tuple of three "
                                    "numbers, (n_x, n_h, n_y).")
    variants = _changed(size_variants(x_shape, y_shape), expected)
    got = checking.as_array(what, got)
    if got[1] != 4 and not any(checking.relative_error(got, v) < 1e-6 for _, v in variants):
        shown = tuple(int(v) if float(v).is_integer() else float(v) for v in got)
        raise checking.CheckFailure(f"{what} returned {shown}: {SIZE_MISTAKES['n_h']}")
    checking.check_close(what, got, expected, mistakes=variants)


# ---------------------------------------------------------------- initialize_parameters

INIT_MISTAKES = {
    "zeros": "the weights are all zero: every hidden neuron would then compute the same "
             "thing and learn the same thing. Draw them with np.random.randn(...) * 0.01.",
    "scale": "the weights are 100 times too large: multiply np.random.randn(...) by 0.01.",
    "uniform": "the weights come from np.random.rand (uniform on [0, 1)); use "
               "np.random.randn, the standard normal distribution, times 0.01.",
    "order": "W2 was drawn before W1: draw W1 first, then W2, so that the same seed gives "
             "the same network as everyone else's.",
    "seeded": "the weights are the same whatever the caller's seed: do not call "
              "np.random.seed inside initialize_parameters; the caller seeds.",
    "bias": "the biases must be zeros (np.zeros((n, 1))); only the weights are random.",
}


def reference_init(n_x, n_h, n_y, *, draw=None, order=("W1", "W2"), scale=0.01,
                   random_biases=False):
    """Return initial parameters drawn from numpy's global generator, as the exercise asks."""
    draw = draw or np.random.randn
    shapes = {"W1": (n_h, n_x), "W2": (n_y, n_h)}
    params = {}
    for name in order:
        params[name] = draw(*shapes[name]) * scale
        if random_biases:
            params["b" + name[1]] = draw(shapes[name][0], 1) * scale
    if not random_biases:
        params["b1"], params["b2"] = np.zeros((n_h, 1)), np.zeros((n_y, 1))
    return params


def _seeded(seed, function, *args, **kwargs):
    np.random.seed(seed)
    return function(*args, **kwargs)


def _notebook_random(ns):
    """Return numpy.random as the notebook's functions see it.

    While grading, the hidden tests run in the grader and the student's functions in the
    kernel: seeding must reach the kernel's generator, which the notebook's `np` leads to.
    """
    numpy = ns.get("np", np)
    return numpy.random


def _check_initialize_parameters(ns, seed, n_x, n_h, n_y):
    what = f"initialize_parameters({n_x}, {n_h}, {n_y}) after np.random.seed({seed})"
    _notebook_random(ns).seed(seed)
    got = checking.call(what, ns["initialize_parameters"], n_x, n_h, n_y)
    expected = _seeded(seed, reference_init, n_x, n_h, n_y)
    variants = init_variants(seed, n_x, n_h, n_y)
    for name in PARAMETERS:
        value = _entry(what, got, name, "parameters (W1, b1, W2, b2)")
        checking.check_close(f"{name} from {what}", value, expected[name],
                             mistakes=_changed(variants[name], expected[name]), hint=HINTS[name])


def init_variants(seed, n_x, n_h, n_y):
    """{parameter: [(message, value)]}: what the typical mistakes of initialize_parameters
    draw after np.random.seed(seed). (np.random's global state is changed.)"""
    expected = _seeded(seed, reference_init, n_x, n_h, n_y)
    variants = {
        "zeros": {p: np.zeros_like(v) for p, v in expected.items()},
        "scale": _seeded(seed, reference_init, n_x, n_h, n_y, scale=1.0),
        "uniform": _seeded(seed, reference_init, n_x, n_h, n_y, draw=np.random.rand),
        "order": _seeded(seed, reference_init, n_x, n_h, n_y, order=("W2", "W1")),
        "bias": _seeded(seed, reference_init, n_x, n_h, n_y, random_biases=True),
    }
    found = {}
    for name in PARAMETERS:
        found[name] = [(INIT_MISTAKES[k], v[name]) for k, v in variants.items()]
        if name.startswith("W"):
            found[name] += [(INIT_MISTAKES["seeded"],
                             _seeded(s, reference_init, n_x, n_h, n_y)[name])
                            for s in list(range(11)) + [42, 1234] if s != seed]
    return found


# ---------------------------------------------------------------- forward_propagation

FORWARD_MISTAKES = {
    "hidden": "the hidden layer uses the sigmoid; it uses tanh (np.tanh), and only the "
              "output layer uses sigmoid.",
    "output": "the output layer uses tanh; it uses sigmoid, so that A2 is a probability.",
    "both": "the two activations are swapped: tanh in the hidden layer, sigmoid at the output.",
    "biases": "the biases are missing: Z1 = W1 @ X + b1 and Z2 = W2 @ A1 + b2.",
    "feed": "the output layer is fed Z1; it is fed the activations A1 = tanh(Z1).",
    "cache": "the cache holds {other} under the key {name!r}: store each quantity under its "
             "own name, cache = {{\"Z1\": Z1, \"A1\": A1, \"Z2\": Z2, \"A2\": A2}}.",
}


def _forward_variants(params, X, name):
    variants = {
        "hidden": forward(params, X, hidden=logistic),
        "output": forward(params, X, output=np.tanh),
        "both": forward(params, X, hidden=logistic, output=np.tanh),
        "biases": forward(params, X, biases=False),
        "feed": forward(params, X, feed_z1=True),
    }
    return [(FORWARD_MISTAKES[k], A2 if name == "A2" else cache[name])
            for k, (A2, cache) in variants.items()]


def _check_forward_propagation(ns, seed, n_x, n_h, m):
    rng = np.random.default_rng(seed)
    params, X = random_parameters(rng, n_x, n_h), rng.normal(0, 1, (n_x, m))
    what = (f"forward_propagation(X, parameters) for a {n_x}-{n_h}-1 network and "
            f"{m} example{'s' * (m != 1)}")
    got = checking.call(what, ns["forward_propagation"], X.copy(), _copy(params))
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise checking.CheckFailure(f"{what} returned {type(got).__name__} {got!r:.60}; "
                                    "expected a pair: return A2, cache.")
    A2, cache = got
    expected_A2, expected = forward(params, X)
    checking.check_close(f"A2 from {what}", A2, expected_A2,
                         mistakes=_changed(_forward_variants(params, X, "A2"), expected_A2),
                         hint=HINTS["A2"])
    for name in CACHE:
        value = _entry(what + " (its cache)", cache, name, "Z1, A1, Z2 and A2")
        checking.check_close(f"cache[{name!r}] from {what}", value, expected[name],
                             mistakes=_changed(cache_variants(params, X, name), expected[name]),
                             hint=HINTS[name])


def cache_variants(params, X, name):
    """[(message, value)] of the typical mistakes of forward_propagation in cache[name]."""
    _, expected = forward(params, X)
    return _forward_variants(params, X, name) + [
        (FORWARD_MISTAKES["cache"].format(name=name, other=other), expected[other])
        for other in CACHE if other != name]


# ---------------------------------------------------------------- compute_cost

COST_MISTAKES = {
    "sign": "it has the wrong sign: C = -(1/m) * sum(Y log A2 + (1 - Y) log(1 - A2)); the "
            "logarithms of probabilities are negative, so the cost is positive.",
    "sum": "it is m times too large: divide the sum over the examples by m.",
    "y": "the term (1 - Y) * log(1 - A2) is missing: examples with label 0 count too.",
    "1-y": "the term Y * log(A2) is missing: examples with label 1 count too.",
    "log10": "it uses log10; the cross-entropy uses the natural logarithm, np.log.",
    "clip": "A2 is clipped, or a small number added to it, before the logarithm: the cost must "
            "be exact for every probability strictly between 0 and 1, however close to 0 or 1. "
            "Use np.log(A2) and np.log(1 - A2) as they are.",
}


def cost_variants(A2, Y):
    """[(message, value)] of the typical mistakes of compute_cost on A2 and Y."""
    with np.errstate(divide="ignore", invalid="ignore"):
        found = [
            (COST_MISTAKES["sign"], cost(A2, Y, sign=-1)),
            (COST_MISTAKES["sum"], cost(A2, Y, average=False)),
            (COST_MISTAKES["y"], cost(A2, Y, terms=("y",))),
            (COST_MISTAKES["1-y"], cost(A2, Y, terms=("1-y",))),
            (COST_MISTAKES["log10"], cost(A2, Y, log=np.log10)),
        ]
        for eps in CLIP_EPSILONS:
            found += [(COST_MISTAKES["clip"], cost(np.clip(A2, eps, 1 - eps), Y)),
                      (COST_MISTAKES["clip"], cost(A2, Y, log=lambda a, e=eps: np.log(a + e)))]
    return [(message, value) for message, value in found if np.isfinite(value)]


def _cost_example(seed, m, sure):
    """Return (A2, Y) of a case of compute_cost."""
    rng = np.random.default_rng(seed)
    if not sure:
        return rng.uniform(0.05, 0.95, (1, m)), random_labels(rng, m)
    Y = random_labels(rng, m)
    near = 10.0 ** -rng.uniform(6, 13, (1, m))
    A2 = np.where(rng.random((1, m)) < 0.5, near, 1 - near)
    A2[0, 1] = 1e-200  # its label is 1
    return A2, Y


def _check_compute_cost(ns, seed, m, sure):
    A2, Y = _cost_example(seed, m, sure)
    what = (f"compute_cost(A2, Y) for {m} example{'s' * (m != 1)}" +
            (", with probabilities within 1e-6 of 0 or 1 (one of them 1e-200)" if sure else ""))
    got = checking.call(what, ns["compute_cost"], A2.copy(), Y.copy())
    expected = cost(A2, Y)
    variants = _changed(cost_variants(A2, Y), expected)
    if got is None:
        raise checking.CheckFailure(f"{what} returned None: did you forget the `return` statement?")
    checking.check_scalar(what, got, expected, mistakes=variants)


# ---------------------------------------------------------------- backward_propagation

BACKWARD_MISTAKES = {
    "average": "it is m times too large: divide by m, the number of examples (X.shape[1]).",
    "average twice": "it is divided by m twice: np.mean already divides by m.",
    "rows": "m is the number of examples, the number of columns of X (X.shape[1]); the rows "
            "of X are its inputs.",
    "sign": "it has the wrong sign: dZ2 = A2 - Y, not Y - A2.",
    "output_slope": "dZ2 is multiplied by sigmoid'(Z2) = A2 * (1 - A2): with the "
                    "cross-entropy cost that factor cancels, and dZ2 = A2 - Y.",
    "A1": "tanh'(Z1) is written as A1; it is 1 - A1**2 (1 - np.power(A1, 2)).",
    "1-A1": "tanh'(Z1) is written as 1 - A1; it is 1 - A1**2 (A1 squared).",
    "(1-A1)^2": "tanh'(Z1) is written as (1 - A1)**2; it is 1 - A1**2 (only A1 is squared).",
    "sigmoid": "tanh'(Z1) is written as A1 * (1 - A1), which is the sigmoid's slope; for "
               "tanh it is 1 - A1**2.",
    "Z1": "tanh'(Z1) is written as 1 - Z1**2; it is 1 - tanh(Z1)**2 = 1 - A1**2.",
    "tanh(A1)": "tanh is applied twice: A1 already is tanh(Z1), so tanh'(Z1) = 1 - A1**2.",
    "none": "the factor tanh'(Z1) = 1 - A1**2 is missing from dZ1.",
    "untransposed": "dW1 multiplies dZ1 by X; it is dZ1 @ X.T, so that the sum runs over "
                    "the examples.",
    "changes": "it changes {changed}, which it was given: a name such as dZ2 = A2 shares the "
               "cache's array, so an in-place step (dZ2 -= Y) changes the cache too. Compute "
               "new arrays, dZ2 = A2 - Y.",
}


def _backward_variants(params, cache, X, Y, name):
    switches = [("average", dict(average=0)), ("average twice", dict(average=2)),
                ("sign", dict(sign=-1.0)), ("output_slope", dict(output_slope=True)),
                ("rows", dict(m_axis=0))]
    if name in ("dW1", "db1"):
        switches += [(s, dict(slope=s)) for s in
                     ("A1", "1-A1", "(1-A1)^2", "sigmoid", "Z1", "tanh(A1)", "none")]
    if name == "dW1":
        switches.append(("untransposed", dict(untransposed_x=True)))
    values = []
    for key, kw in switches:
        try:
            values.append((BACKWARD_MISTAKES[key], backward(params, cache, X, Y, **kw)[name]))
        except ValueError:  # the shapes do not fit in this case
            continue
    return values


def _check_backward_propagation(ns, seed, n_x, n_h, m):
    rng = np.random.default_rng(seed)
    params = random_parameters(rng, n_x, n_h, scale=0.8)
    X, Y = rng.normal(0, 1, (n_x, m)), random_labels(rng, m)
    _, cache = forward(params, X)
    what = (f"backward_propagation(parameters, cache, X, Y) for a {n_x}-{n_h}-1 network and "
            f"{m} example{'s' * (m != 1)}")
    given = {"parameters": params, "cache": cache, "X": X, "Y": Y}
    got, after = _call_watching(what, ns, "backward_propagation",
                                *(_copy(value) for value in given.values()))
    expected = backward(params, cache, X, Y)
    _check_backward_values(what, got, expected, params, cache, X, Y)
    _check_unchanged(what, BACKWARD_MISTAKES["changes"], given, after)


def _check_backward_values(what, got, expected, params, cache, X, Y):
    for name in ("dW2", "db2", "dW1", "db1"):
        value = _entry(what, got, name, "gradients (dW1, db1, dW2, db2)")
        probe = _copy(params)
        numeric = checking.central_difference(lambda: cost(forward(probe, X)[0], Y),
                                              probe[name[1:]])
        known = _changed(_backward_variants(params, cache, X, Y, name), expected[name])
        label = f"{name} from {what}"
        keys.near_miss(label, value, expected[name], REFERENCE_RTOL)
        checking.check_gradient(label, value, numeric, tol=GRADIENT_TOL, mistakes=known,
                                hint=HINTS[name])
        checking.check_close(label, value, expected[name], rtol=REFERENCE_RTOL,
                             mistakes=known, hint=HINTS[name])


def _hard_backward(ns):
    """backward_propagation, right on every case, for a 2-3-1 network whose third hidden neuron
    has weights of about 1e-6, on positive inputs all labelled 1: nothing cancels in any entry
    of the gradient, and that neuron's entries are a million times smaller than the others."""
    rng = np.random.default_rng(805)
    small = np.array([[1.0], [1.0], [1e-6]])
    params = {"W1": rng.uniform(0.3, 1.0, (3, 2)) * small,
              "b1": rng.uniform(0.1, 0.5, (3, 1)) * small,
              "W2": rng.uniform(0.3, 1.0, (1, 3)) * small.T, "b2": np.array([[-0.2]])}
    X, Y = rng.uniform(0.5, 1.5, (2, 5)), np.ones((1, 5))
    _, cache = forward(params, X)
    what = ("backward_propagation(parameters, cache, X, Y) for a 2-3-1 network with an all but "
            "silent hidden neuron")
    got = checking.call(what, ns["backward_propagation"], _copy(params), _copy(cache),
                        X.copy(), Y.copy())
    for name, expected in backward(params, cache, X, Y).items():
        keys.check_hard(f"{name} from {what}", _entry(what, got, name, "gradients"), expected,
                        "that neuron's entries are a millionth of the others", entrywise=True)


# ---------------------------------------------------------------- update_parameters

UPDATE_MISTAKES = {
    "sign": "it steps uphill: gradient descent subtracts, W1 - learning_rate * dW1.",
    "unscaled": "the gradient is not multiplied by the learning rate: W1 - learning_rate * dW1.",
    "ignored": "the learning_rate argument is ignored: use the value passed in.",
    "default": "the default learning rate is not 1.2: def update_parameters(parameters, "
               "grads, learning_rate=1.2).",
    "swapped": "a weight is updated with a bias gradient (or the reverse): W1 goes with dW1, "
               "b1 with db1, and so on.",
    "stale": "it returns the parameters unchanged: return the new values.",
    "changes": "it changes {changed}, which it was given: an in-place step "
               "(parameters[\"W1\"] -= ..., or W1 -= ... after W1 = parameters[\"W1\"]) "
               "changes the caller's arrays. Compute new arrays, W1 = W1 - learning_rate * dW1, "
               "or start from copies (copy.deepcopy(parameters)).",
}


def update_variants(params, grads, learning_rate):
    """{parameter: [(message, value)]}: the typical mistakes of update_parameters(params,
    grads[, learning_rate]); learning_rate None stands for a call without it."""
    rate = LEARNING_RATE if learning_rate is None else learning_rate
    variants = [
        (UPDATE_MISTAKES["sign"], update(params, grads, rate, sign=-1)),
        (UPDATE_MISTAKES["stale"], params),
        (UPDATE_MISTAKES["unscaled"], update(params, grads, 1.0)),
    ]
    if learning_rate is None:
        variants += [(UPDATE_MISTAKES["default"], update(params, grads, r))
                     for r in (0.1, 0.01, 0.001, 0.5)]
    else:
        variants.append((UPDATE_MISTAKES["ignored"], update(params, grads, LEARNING_RATE)))
    swapped = {"W1": "db1", "b1": "dW1", "W2": "db2", "b2": "dW2"}
    found = {}
    for name in PARAMETERS:
        found[name] = [(message, v[name]) for message, v in variants]
        other = params[name] - rate * grads[swapped[name]]
        if other.shape == params[name].shape:
            found[name].append((UPDATE_MISTAKES["swapped"], other))
    return found


def _check_update_parameters(ns, seed, n_x, n_h, learning_rate):
    rng = np.random.default_rng(seed)
    params = random_parameters(rng, n_x, n_h)
    grads = {"d" + p: v for p, v in random_parameters(rng, n_x, n_h).items()}
    rate = LEARNING_RATE if learning_rate is None else learning_rate
    args = (_copy(params), _copy(grads)) + (() if learning_rate is None else (learning_rate,))
    what = ("update_parameters(parameters, grads" +
            ("" if learning_rate is None else f", {learning_rate}") +
            f") for a {n_x}-{n_h}-1 network")
    got, after = _call_watching(what, ns, "update_parameters", *args)
    expected = update(params, grads, rate)
    variants = update_variants(params, grads, learning_rate)
    for name in PARAMETERS:
        value = _entry(what, got, name, "parameters (W1, b1, W2, b2)")
        checking.check_close(f"{name} from {what}", value, expected[name],
                             mistakes=_changed(variants[name], expected[name]), hint=HINTS[name])
    _check_unchanged(what, UPDATE_MISTAKES["changes"], {"parameters": params, "grads": grads},
                     after)


# ---------------------------------------------------------------- nn_model

MODEL_MISTAKES = {
    "reinit": "the parameters are initialised again in every iteration: call "
              "initialize_parameters once, before the loop.",
    "stale": "the parameters never change: keep what update_parameters returns, "
             "parameters = update_parameters(parameters, grads).",
    "count": "it does not run exactly num_iterations iterations: loop over "
             "range(num_iterations).",
    "rate": "it does not train with update_parameters' default learning rate, 1.2.",
    "sizes": "n_x and n_y come from the shapes of X and Y, and n_h is nn_model's argument "
             "(not the 4 of layer_sizes).",
}


def _reference_callees(init_params, iterations, calls):
    """Return reference versions of nn_model's callees, which record their calls in `calls`.

    They have the parameter names of the notebook's functions, so that calls by keyword work.
    The planted update_parameters stops a loop that runs past `iterations` updates.
    """
    n_h, n_x = np.shape(init_params["W1"])

    def layer_sizes(X, Y):
        return (X.shape[0], 4, Y.shape[0])

    def initialize_parameters(n_x_, n_h_, n_y_):
        calls.append("initialize_parameters")
        if (n_x_, n_h_, n_y_) != (n_x, n_h, 1):
            raise checking.CheckFailure(
                f"nn_model called initialize_parameters({n_x_}, {n_h_}, {n_y_}); expected "
                f"({n_x}, {n_h}, 1): {MODEL_MISTAKES['sizes']}")
        return _copy(init_params)

    def forward_propagation(X, parameters):
        return forward(parameters, X)

    def compute_cost(A2, Y):
        return cost(A2, Y)

    def backward_propagation(parameters, cache, X, Y):
        return backward(parameters, cache, X, Y)

    def update_parameters(parameters, grads, learning_rate=LEARNING_RATE):
        calls.append("update_parameters")
        if calls.count("update_parameters") > iterations:
            raise checking.CheckFailure(f"nn_model(..., num_iterations={iterations}) ran more "
                                        f"than {iterations} iterations: {MODEL_MISTAKES['count']}")
        return update(parameters, grads, learning_rate)

    return dict(layer_sizes=layer_sizes, initialize_parameters=initialize_parameters,
                forward_propagation=forward_propagation, compute_cost=compute_cost,
                backward_propagation=backward_propagation, update_parameters=update_parameters)


def _compare(label, value, expected, variants, hint):
    """check_close, computing the known mistakes (variants(), a list) only if it fails."""
    try:
        checking.check_close(label, value, expected, hint=hint)
    except checking.CheckFailure:
        checking.check_close(label, value, expected, mistakes=_changed(variants(), expected),
                             hint=hint)


def _check_nn_model(ns, seed, n_x, n_h, m, iterations, scale):
    rng = np.random.default_rng(seed)
    init_params = random_parameters(rng, n_x, n_h, scale=scale)
    for p in ("b1", "b2"):
        init_params[p] = np.zeros_like(init_params[p])
    X, Y = rng.normal(0, 1, (n_x, m)), random_labels(rng, m)
    what = f"nn_model(X, Y, {n_h}, num_iterations={iterations}) with X of shape {X.shape}"
    calls = []
    with checking.planted(ns, **_reference_callees(init_params, iterations, calls)):
        got = checking.call(what, ns["nn_model"], X.copy(), Y.copy(), n_h,
                            num_iterations=iterations)
    if calls.count("initialize_parameters") > 1:
        raise checking.CheckFailure(f"{what}: {MODEL_MISTAKES['reinit']}")
    if not calls:
        raise checking.CheckFailure(f"{what} never called initialize_parameters.")
    if calls.count("update_parameters") not in (0, iterations):
        made = calls.count("update_parameters")
        raise checking.CheckFailure(f"{what} made {made} update{'s' * (made != 1)}: "
                                    f"{MODEL_MISTAKES['count']}")
    expected = train(init_params, X, Y, iterations)

    def variants(name):
        found = [(MODEL_MISTAKES["stale"], init_params[name])]
        found += [(MODEL_MISTAKES["count"], train(init_params, X, Y, n)[name])
                  for n in (iterations - 1, iterations + 1, iterations + 2) if n > 0]
        found += [(MODEL_MISTAKES["rate"],
                   train(init_params, X, Y, iterations, learning_rate=r)[name])
                  for r in (1.0, 0.1, 0.01)]
        return found

    for name in PARAMETERS:
        value = _entry(what, got, name, "parameters (W1, b1, W2, b2)")
        _compare(f"{name} from {what}", value, expected[name], lambda: variants(name),
                 HINTS[name])
    before, after = cost(forward(init_params, X)[0], Y), cost(forward(got, X)[0], Y)
    if not after < before:
        raise checking.CheckFailure(f"{what} did not learn: the cost went from "
                                    f"{before:.3g} to {after:.3g}.")


# ---------------------------------------------------------------- predict

PREDICT_MISTAKES = {
    "probabilities": "it returns the probabilities A2; predict returns True where A2 > 0.5 "
                     "and False elsewhere (A2 > 0.5).",
    "inverted": "the predictions are inverted: class 1 (True) is where A2 > 0.5.",
    "z2": "it compares Z2 with 0.5; the threshold 0.5 applies to the probability A2 "
          "(equivalently, Z2 > 0).",
    "flattened": "the predictions were flattened to shape (m,): keep the row shape (1, m) of "
                 "A2, and do not ravel or flatten it.",
    "column": "the predictions form a column (m, 1); predict returns a row (1, m), the shape "
              "of A2.",
    "arguments": "it calls forward_propagation(parameters, X); the arguments go the other way "
                 "round, forward_propagation(X, parameters).",
}


def predict_variants(A2, Z2):
    """[(message, value)] of the typical mistakes of predict, from the probabilities A2 and
    the scores Z2 of the forward pass."""
    return [
        (PREDICT_MISTAKES["probabilities"], A2),
        (PREDICT_MISTAKES["inverted"], (A2 <= 0.5).astype(float)),
        (PREDICT_MISTAKES["z2"], (Z2 > 0.5).astype(float)),
    ]


def _check_predict(ns, seed, n_x, n_h, m):
    rng = np.random.default_rng(seed)
    params, X = random_parameters(rng, n_x, n_h, scale=1.5), rng.normal(0, 1, (n_x, m))
    A2, cache = forward(params, X)
    what = f"predict(parameters, X) for a {n_x}-{n_h}-1 network and {m} example{'s' * (m != 1)}"

    def forward_propagation(X, parameters):
        if isinstance(X, dict) and not isinstance(parameters, dict):
            raise checking.CheckFailure(f"{what}: {PREDICT_MISTAKES['arguments']}")
        return forward(parameters, X)

    with checking.planted(ns, forward_propagation=forward_propagation):
        got = checking.call(what, ns["predict"], _copy(params), X.copy())
    expected = (A2 > 0.5).astype(float)
    mistakes = _changed(predict_variants(A2, cache["Z2"]), expected)
    value = checking.as_array(what, got)
    if value.shape in ((m,), (m, 1)) and m > 1:
        raise checking.CheckFailure(
            f"{what} has shape {value.shape}; expected (1, {m}): " +
            PREDICT_MISTAKES["flattened" if value.ndim == 1 else "column"])
    value = checking.check_shape(what, got, (1, m),
                                 hint="predict returns one prediction per example, a row (1, m).")
    if not np.all((value == 0) | (value == 1)):
        message = f"{what} returned values other than True/False (or 1/0)"
        reason = checking.diagnose(value, expected, mistakes)
        raise checking.CheckFailure(message + (f": {reason}" if reason else "."))
    checking.check_close(what, got, expected, mistakes=mistakes)


# ---------------------------------------------------------------- rbf and rbf_prime

# (seed, shape of z; () for a plain float), then one case of large |z| (last, so that a mistake
# the ordinary cases name is named by them, not called an overflow).
RBF_CASES = ((1201, (2, 3)), (1202, (1, 7)), (1203, (5,)), (1204, ()), (None, "large"))
# Large |z|: exp(z**2) overflows for every entry above 26.6 in size; exp(-z**2) is exactly 0
# there (no subnormal numbers, whose last digits differ between correct styles).
LARGE_Z = np.array([[-1000.0, -40.0, -28.5, 0.5], [28.5, 35.0, 1000.0, -1.0]])
# rbf_prime where finite differences of rbf lose their digits: rbf is about 1 and its slope
# about -2 z, far smaller; entry by entry, none of them zero.
HARD_Z = np.array([[1e-9, -3e-8], [2e-7, -5e-6]])

RBF_MISTAKES = {
    "sign": "the exponent has the wrong sign: rbf(z) = exp(-z**2), which is 1 at z = 0 and "
            "falls towards 0 on both sides; exp(z**2) grows without bound.",
    "square": "z is not squared: rbf(z) = exp(-z**2); exp(-z) is no bump (it grows without "
              "bound for negative z).",
    "abs": "it computes exp(-|z|); the radial basis function of this notebook squares z: "
           "exp(-z**2).",
    "half": "z**2 is halved: here rbf(z) = exp(-z**2), not the exp(-z**2 / 2) of the normal "
            "density.",
    "outside": "the square is outside the exponential: exp(-z)**2 = exp(-2 z). Square z "
               "inside: exp(-z**2).",
    "overflow": "it overflows for large |z|: exp(z**2) is larger than any float (about 1e308) "
                "once |z| > 26.6, so dividing by it gives 0 only with an overflow on the way. "
                "Compute exp(-z**2), which goes smoothly to 0.",
    "changes": "it changes {changed}, which it was given: z **= 2 (or z *= z, z *= -1) works "
               "in place on the caller's array. Compute a new array, such as -z**2.",
}

RBF_PRIME_MISTAKES = {
    "no exp": "the factor exp(-z**2) is missing: by the chain rule rbf'(z) = exp(-z**2) "
              "times the derivative of -z**2, that is -2 z exp(-z**2), not -2 z alone.",
    "sign": "it has the wrong sign: rbf'(z) = -2 z exp(-z**2), negative for z > 0, where the "
            "bump falls.",
    "no chain": "it returns exp(-z**2) itself: the chain rule multiplies it by the derivative "
                "of the exponent -z**2, which is -2 z.",
    "no 2": "the factor 2 is missing: the derivative of -z**2 is -2 z, so rbf'(z) = "
            "-2 z exp(-z**2).",
    "no z": "z is missing from the inner derivative: the derivative of -z**2 is -2 z, so "
            "rbf'(z) = -2 z exp(-z**2).",
    "exp(-z)": "it differentiates exp(-z) (or keeps exp(-z) in the answer); the function is "
               "exp(-z**2), whose derivative is -2 z exp(-z**2).",
    "overflow": "it overflows for large |z|: exp(z**2) is larger than any float (about 1e308) "
                "once |z| > 26.6, so -2 z / exp(z**2) gives 0 only with an overflow on the way. "
                "Compute -2 z exp(-z**2), whose exponential goes smoothly to 0.",
    "changes": "it changes {changed}, which it was given: z *= -2 (or z **= 2) works in place "
               "on the caller's array. Compute a new array, such as -2 * z.",
}


def reference_rbf(z):
    """Return exp(-z**2) entry by entry (a float for a float)."""
    z = np.asarray(z, dtype=float)
    value = np.exp(-np.square(z))
    return float(value) if value.ndim == 0 else value


def reference_rbf_prime(z):
    """Return the derivative -2 z exp(-z**2) entry by entry (a float for a float)."""
    z = np.asarray(z, dtype=float)
    value = -2.0 * z * np.exp(-np.square(z))
    return float(value) if value.ndim == 0 else value


def rbf_variants(z):
    """[(message, value)] of the typical mistakes of rbf at z (finite values only)."""
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        found = [(RBF_MISTAKES["sign"], np.exp(z ** 2)), (RBF_MISTAKES["square"], np.exp(-z)),
                 (RBF_MISTAKES["abs"], np.exp(-np.abs(z))),
                 (RBF_MISTAKES["half"], np.exp(-z ** 2 / 2)),
                 (RBF_MISTAKES["outside"], np.exp(-z) ** 2)]
    return [(m, v) for m, v in found if np.all(np.isfinite(v))]


def rbf_prime_variants(z):
    """[(message, value)] of the typical mistakes of rbf_prime at z (finite values only)."""
    z = np.asarray(z, dtype=float)
    bump = np.exp(-z ** 2)
    with np.errstate(over="ignore"):
        found = [(RBF_PRIME_MISTAKES["no exp"], -2 * z), (RBF_PRIME_MISTAKES["sign"], 2 * z * bump),
                 (RBF_PRIME_MISTAKES["no chain"], bump), (RBF_PRIME_MISTAKES["no 2"], -z * bump),
                 (RBF_PRIME_MISTAKES["no z"], -2 * bump),
                 (RBF_PRIME_MISTAKES["exp(-z)"], -np.exp(-z)),
                 (RBF_PRIME_MISTAKES["exp(-z)"], -2 * z * np.exp(-z))]
    return [(m, v) for m, v in found if np.all(np.isfinite(v))]


def _rbf_argument(seed, shape):
    rng = np.random.default_rng(seed)
    return float(rng.normal(0, 1.5)) if shape == () else rng.normal(0, 1.5, shape)


def _raising_on_overflow(ns, function):
    """Return function() with the notebook's numpy raising FloatingPointError on an overflow
    (and on an invalid operation, such as inf / inf), as it was afterwards. While grading the
    notebook's np is the kernel's numpy, where the student's function runs."""
    numpy = ns.get("np", np)
    saved = numpy.seterr(over="raise", invalid="raise")
    try:
        return function()
    finally:
        numpy.seterr(**saved)


def _check_activation(ns, name, z, reference, variants, messages, hint):
    """Check ns[name] at z against reference(z), with its arguments read back afterwards."""
    shown = "a float" if np.ndim(z) == 0 else f"z of shape {np.shape(z)}"
    what = f"{name}(z) for {shown}"
    callee = {"rbf_prime": dict(rbf=reference_rbf)}.get(name, {})
    with checking.planted(ns, **callee):
        got, after = _call_watching(what, ns, name, _copy(z))
    expected = reference(z)
    if np.ndim(z) == 0 and isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(())
    known = _changed(variants(z), expected)
    if name == "rbf_prime":
        keys.near_miss(what, got, expected, REFERENCE_RTOL)
    checking.check_close(what, got, expected, mistakes=known, hint=hint)
    _check_unchanged(what, messages["changes"], {"z": z}, after)


def _check_large(ns, name, reference, variants, messages):
    what = f"{name}(z) for z with entries as large as 1000 in size"
    callee = {"rbf_prime": dict(rbf=reference_rbf)}.get(name, {})
    try:
        with checking.planted(ns, **callee):
            got = _raising_on_overflow(ns, lambda: checking.call(what, ns[name], LARGE_Z.copy()))
    except checking.CheckFailure as failure:
        if "FloatingPointError" in str(failure):
            raise checking.CheckFailure(f"{what}: {messages['overflow']}") from None
        raise
    expected = reference(LARGE_Z)
    checking.check_close(what, got, expected, mistakes=_changed(variants(LARGE_Z), expected),
                         hint=RBF_HINT)


RBF_HINT = "the result has the shape of z: the function works entry by entry."


def _check_rbf(ns, seed, shape):
    if shape == "large":
        _check_large(ns, "rbf", reference_rbf, rbf_variants, RBF_MISTAKES)
    else:
        _check_activation(ns, "rbf", _rbf_argument(seed, shape), reference_rbf, rbf_variants,
                          RBF_MISTAKES, RBF_HINT)


def _check_rbf_prime(ns, seed, shape):
    if shape == "large":
        _check_large(ns, "rbf_prime", reference_rbf_prime, rbf_prime_variants,
                     RBF_PRIME_MISTAKES)
    else:
        _check_activation(ns, "rbf_prime", _rbf_argument(seed, shape), reference_rbf_prime,
                          rbf_prime_variants, RBF_PRIME_MISTAKES, RBF_HINT)


def _hard_rbf_prime(ns):
    """rbf_prime, right on every case, where rbf is all but 1 and its slope tiny."""
    what = "rbf_prime(z) for z close to 0 (1e-9 to 5e-6 in size)"
    with checking.planted(ns, rbf=reference_rbf):
        got = checking.call(what, ns["rbf_prime"], HARD_Z.copy())
    keys.check_hard(what, got, reference_rbf_prime(HARD_Z),
                    "there rbf is all but 1 and its slope a million times smaller",
                    entrywise=True)


# ---------------------------------------------------------------- what the tests name

def hidden_mistakes(name):
    """The messages of the mistakes the hidden tests of `name` can name (course/coverage.py);
    of a message with blanks ({changed}), the part before the first."""
    found = [message.split("{")[0] for message in CHECKS[name][2].values()]
    return found + ([keys.FINITE_DIFFERENCE] if name in ("backward_propagation", "rbf_prime")
                    else [])


# The visible tests' examples, as the notebook's test cells build them.
VISIBLE_INIT = (7, 2, 4, 1)  # np.random.seed(7); initialize_parameters(2, 4, 1)
VISIBLE_COST = ([[0.8, 0.3, 0.6, 0.1]], [[1, 0, 0, 0]])
VISIBLE_SURE_COST = ([[1e-10, 1 - 1e-12, 0.9, 1e-150]], [[1, 0, 1, 1]])
VISIBLE_UPDATE = (
    {"W1": [[0.5, -1.0], [2.0, 0.25]], "b1": [[0.1], [-0.2]], "W2": [[1.5, -0.5]], "b2": [[0.3]]},
    {"dW1": [[0.25, 0.5], [-1.0, 0.0]], "db1": [[0.5], [1.0]], "dW2": [[-0.25, 0.75]],
     "db2": [[0.5]]},
    (None, 0.1))  # called without a learning rate, then with learning_rate=0.1
VISIBLE_PREDICT_A2 = [[0.93, 0.07, 0.51, 0.49, 0.62]]
VISIBLE_RBF_Z = [[-2.0, -0.5, 0.0, 0.3, 1.0, 1.5]]  # the z of the visible tests of rbf, rbf_prime


def visible_forward_example():
    """(parameters, X) of the visible test of forward_propagation."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(2, 3))
    shapes = {"W1": (4, 2), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}
    return {p: rng.normal(size=shapes[p]) for p in PARAMETERS}, X


def visible_backward_example():
    """(parameters, cache, X, Y) of the visible test of backward_propagation: the assignment's
    own readonly/planar_module.py's backward_example() (numbers, stored there)."""
    import runpy
    import sys
    from course import SOURCE
    folder = str(SOURCE / "04-planar")
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        module = runpy.run_path(str(SOURCE / "04-planar" / "readonly" / "planar_module.py"))
    finally:
        if added:
            sys.path.remove(folder)
    return module["backward_example"]()


def visible_mistakes():
    """{label: [(message, value)]}: what each typical mistake gives on the visible tests'
    examples, for readonly/mistakes.json (a label is "function" or "function:what it checks");
    mistakes that give the right value there are left out."""
    found = {"layer_sizes": (size_variants(*VISIBLE_SIZES),
                             [VISIBLE_SIZES[0][0], 4, VISIBLE_SIZES[1][0]])}
    seed, n_x, n_h, n_y = VISIBLE_INIT
    state = np.random.get_state()
    try:
        init, right = init_variants(seed, n_x, n_h, n_y), _seeded(seed, reference_init, *VISIBLE_INIT[1:])
    finally:
        np.random.set_state(state)
    found.update({f"initialize_parameters:{p}": (init[p], right[p]) for p in PARAMETERS})
    params, X = visible_forward_example()
    A2, cache = forward(params, X)
    found["forward_propagation:A2"] = (_forward_variants(params, X, "A2"), A2)
    found["forward_propagation:Z1"] = (cache_variants(params, X, "Z1"), cache["Z1"])
    for label, (A2, Y) in (("compute_cost", VISIBLE_COST), ("compute_cost:sure", VISIBLE_SURE_COST)):
        A2, Y = np.array(A2), np.array(Y)
        found[label] = (cost_variants(A2, Y), cost(A2, Y))
    params, cache, X, Y = visible_backward_example()
    right = backward(params, cache, X, Y)
    for name in GRADIENTS:
        found[f"backward_propagation:{name}"] = (_backward_variants(params, cache, X, Y, name),
                                                 right[name])
    params, grads, rates = VISIBLE_UPDATE
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    grads = {k: np.array(v, dtype=float) for k, v in grads.items()}
    for rate in rates:
        right = update(params, grads, LEARNING_RATE if rate is None else rate)
        for name, pairs in update_variants(params, grads, rate).items():
            label = f"update_parameters:{name}" + ("" if rate is None else f" at {rate}")
            found[label] = (pairs, right[name])
    found["nn_model"] = visible_model_mistakes()
    A2 = np.array(VISIBLE_PREDICT_A2)
    found["predict"] = (predict_variants(A2, np.log(A2 / (1 - A2))), A2 > 0.5)
    z = np.array(VISIBLE_RBF_Z)
    found["rbf"] = (rbf_variants(z), reference_rbf(z))
    found["rbf_prime"] = (rbf_prime_variants(z), reference_rbf_prime(z))
    return {label: _changed(pairs, right) for label, (pairs, right) in found.items()}


def visible_model_mistakes(n_h=3, iterations=4):
    """(mistakes, right) of the visible test of nn_model, which runs it with stand-ins
    (readonly/planar_module.py's rehearse_nn_model) and sums the run up as (calls of
    initialize_parameters, the n_h given to it, updates made, the learning rate, updates
    behind the parameters returned)."""
    rate = LEARNING_RATE
    found = [(MODEL_MISTAKES["reinit"], [n, n_h, iterations, rate, 1])  # before the loop too?
             for n in (iterations, iterations + 1)]
    found += [(MODEL_MISTAKES["stale"], [1, n_h, iterations, rate, 0]),
             (MODEL_MISTAKES["sizes"], [1, 4, iterations, rate, iterations])]
    found += [(MODEL_MISTAKES["count"], [1, n_h, n, rate, n])  # fixed loops too
              for n in (iterations - 1, iterations + 1, 10, 100, 1000, 10000)]
    found += [(MODEL_MISTAKES["rate"], [1, n_h, iterations, r, iterations])
              for r in (1.0, 0.5, 0.1, 0.05, 0.01, 0.001)]
    return found, [1, n_h, iterations, rate, iterations]


# ---------------------------------------------------------------- entry point

CHECKS = {
    "layer_sizes": (SIZE_CASES, _check_layer_sizes, SIZE_MISTAKES),
    "initialize_parameters": (INIT_CASES, _check_initialize_parameters, INIT_MISTAKES),
    "forward_propagation": (FORWARD_CASES, _check_forward_propagation, FORWARD_MISTAKES),
    "compute_cost": (COST_CASES, _check_compute_cost, COST_MISTAKES),
    "backward_propagation": (BACKWARD_CASES, _check_backward_propagation, BACKWARD_MISTAKES),
    "update_parameters": (UPDATE_CASES, _check_update_parameters, UPDATE_MISTAKES),
    "nn_model": (MODEL_CASES, _check_nn_model, MODEL_MISTAKES),
    "predict": (PREDICT_CASES, _check_predict, PREDICT_MISTAKES),
    "rbf": (RBF_CASES, _check_rbf, RBF_MISTAKES),
    "rbf_prime": (RBF_CASES, _check_rbf_prime, RBF_PRIME_MISTAKES),
}
def check(name, ns):
    """Check the notebook's function `name` on every case of its CASES.

    ns is the notebook's globals(). A backward_propagation right on every case is then
    checked on the hard case. Functions planted for nn_model and predict are removed again,
    and numpy's global random state (which the check of initialize_parameters seeds) is
    restored, afterwards. Raises checking.CheckFailure; when several cases fail, the failure
    raised is the first that names a known mistake, else the first.
    """
    if name not in CHECKS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    if not callable(ns.get(name)):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    cases, check_case, messages = CHECKS[name]
    known = [message.split("{")[0] for message in messages.values()]
    if name != "initialize_parameters":
        _run_all(cases, lambda *case: check_case(ns, *case), known)
        if name == "backward_propagation":
            _hard_backward(ns)
        if name == "rbf_prime":
            _hard_rbf_prime(ns)
        return
    numpy_random = _notebook_random(ns)
    state = np.random.get_state(), numpy_random.get_state()
    try:
        _run_all(cases, lambda *case: check_case(ns, *case), known)
    finally:
        np.random.set_state(state[0])
        numpy_random.set_state(state[1])
