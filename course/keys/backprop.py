"""Grader side: answer key for the hidden tests of 03-backprop (the Jacobians J_W3 ... J_b1).

The hidden part of each test cell calls `check(name, globals())`. For several seeded cases,
networks of other sizes and other numbers of examples, `check` plants random weights in the
notebook's globals, calls the student's function and compares its result twice: with central
finite differences of this module's own cost, and with this module's own backward pass. The key
shares no code with the notebook: its forward pass, cost and backward pass are written here
from the equations.

An answer right on every case is then tried on one hard case, a network whose targets are a
million away from its outputs: the cost, about 1e12, is so large next to its slopes that
finite differences of it keep few digits, while the exact Jacobians keep all of theirs (see
course/keys/__init__.py). A finite-difference estimate passed off as a Jacobian fails there,
or already on the ordinary cases as a near miss, and the message asks whether it is one.

The backward pass takes switches that reproduce the typical mistakes (no average over the
examples, a missing factor 2, the wrong sign, sigma' at a instead of z, a dropped sigma', the
wrong layer's sigma', a missing transpose, the wrong layer's activation, averaging twice), so a
failing check can say which mistake the student's answer matches.

Convention, as in the notebook: one column per example.
"""
import numpy as np

from course import checking, keys

FUNCTIONS = ("J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1")
PARAMETERS = ("W1", "b1", "W2", "b2", "W3", "b3")
# (seed, n1, n2, number of examples). The last two networks have n2 = 2 and n1 = n2 = 2, so
# that W3 (and W2) are square and sigma' of different layers have the same shape there: a
# missing transpose or the wrong layer's sigma' then gives a wrong value (named below)
# instead of a numpy shape error.
CASES = (
    (301, 6, 7, 40),
    (302, 3, 4, 7),
    (303, 5, 2, 1),
    (304, 2, 2, 5),
)
GRADIENT_TOL = 1e-5
REFERENCE_RTOL = 1e-6
# The hard case: (seed, n1, n2, number of examples, how far the targets are from the outputs:
# a million, as its message says).
HARD = (305, 4, 3, 6, 1e6)

HINTS = {
    "J_W3": "dC/dW3 must have the shape of W3, (2, n2): delta3 (2, N) @ a2.T (N, n2).",
    "J_W2": "dC/dW2 must have the shape of W2, (n2, n1): delta2 (n2, N) @ a1.T (N, n1).",
    "J_W1": "dC/dW1 must have the shape of W1, (n1, 1): delta1 (n1, N) @ a0.T (N, 1).",
    "J_b3": "dC/db3 must have the shape of b3, (2, 1): sum delta3 over the examples (axis=1) "
            "and keep a column (keepdims=True).",
    "J_b2": "dC/db2 must have the shape of b2, (n2, 1): sum delta2 over the examples (axis=1) "
            "and keep a column (keepdims=True).",
    "J_b1": "dC/db1 must have the shape of b1, (n1, 1): sum delta1 over the examples (axis=1) "
            "and keep a column (keepdims=True).",
}


def sigma(z):
    """Return the logistic function of z, entry by entry."""
    return 0.5 * (1 + np.tanh(z / 2))


def sigma_prime(z):
    """Return the derivative of the logistic function at z, entry by entry."""
    return 0.25 / np.cosh(z / 2) ** 2


def forward(params, x):
    """Return (a, z): lists indexed by layer 0..3 (z[0] is None), each (n_layer, N)."""
    a, z = [x], [None]
    for layer in (1, 2, 3):
        z.append(params[f"W{layer}"] @ a[-1] + params[f"b{layer}"])
        a.append(sigma(z[-1]))
    return a, z


def cost(params, x, y):
    """Return the mean over the N examples of the squared distance between a3 and y."""
    a, _ = forward(params, x)
    return float(((a[3] - y) ** 2).sum() / x.shape[1])


def backward(params, x, y, *, average=1, factor=2.0, sign=1.0, at_a=(), dropped=(),
             swapped=None, untransposed=(), inputs=None):
    """Return {function name: Jacobian} for all six Jacobians, optionally with a mistake.

    With the defaults this is the correct backward pass. The switches each reproduce one
    mistake: average (how many times the sum over examples is divided by N: 0, 1 or 2),
    factor (of (a3 - y); 1 forgets the 2), sign (-1 uses y - a3), at_a (layers whose sigma' is
    taken at a instead of z), dropped (layers whose sigma' is left out), swapped ({layer: other
    layer whose z is used in its sigma'}), untransposed (layers L in {2, 3} whose W_L is used
    without transposing on the way back), inputs ({layer: index of the activations used in
    place of a_(layer-1) in dC/dW_layer}). A mistake that does not fit the shapes raises
    ValueError.
    """
    a, z = forward(params, x)
    swapped, inputs = swapped or {}, inputs or {}
    scale = x.shape[1] ** -average
    jacobians = {}
    delta = sign * factor * (a[3] - y)
    for layer in (3, 2, 1):
        if layer < 3:
            W = params[f"W{layer + 1}"]
            delta = (W if layer + 1 in untransposed else W.T) @ delta
        if layer not in dropped:
            source = swapped.get(layer, layer)
            delta = delta * (sigma_prime(a[source]) if layer in at_a else sigma_prime(z[source]))
        jacobians[f"J_W{layer}"] = delta @ a[inputs.get(layer, layer - 1)].T * scale
        jacobians[f"J_b{layer}"] = delta.sum(axis=1, keepdims=True) * scale
    return jacobians


def layer_of(name):
    """Return the layer number of a Jacobian's name: 3 for "J_W3"."""
    return int(name[-1])


def mistakes(name):
    """Return [(teaching message, backward() switches)] for the mistakes `name` can show."""
    layer = layer_of(name)
    found = [
        ("it is N times too large: average over the N examples (divide by x.size) instead of "
         "just adding them up.", dict(average=0)),
        ("it is divided by N twice: np.mean already averages, so do not divide by x.size "
         "again (or use np.sum).", dict(average=2)),
        ("it is half the right value: the derivative of (a3 - y)**2 is 2 * (a3 - y); the "
         "factor 2 is missing.", dict(factor=1.0)),
        ("it has the wrong sign: dC/da3 is 2 * (a3 - y), not 2 * (y - a3).", dict(sign=-1.0)),
    ]
    for later in range(3, layer - 1, -1):
        found.append((f"sigma' of layer {later} is evaluated at the activations a{later}; it "
                      f"belongs at the weighted sums: d_sigma(z{later}).", dict(at_a={later})))
        found.append((f"the factor d_sigma(z{later}) is missing: going back through "
                      f"a{later} = sigma(z{later}) multiplies by sigma'(z{later}).",
                      dict(dropped={later})))
        for other in (1, 2, 3):
            if other != later:
                found.append((f"it uses d_sigma(z{other}) where layer {later} needs "
                              f"d_sigma(z{later}).", dict(swapped={later: other})))
    for later in range(3, layer, -1):
        found.append((f"W{later} is not transposed: going back from layer {later} to layer "
                      f"{later - 1} multiplies by W{later}.T (W{later}.T @ delta).",
                      dict(untransposed={later})))
    if name.startswith("J_W"):
        for other in range(4):
            if other != layer - 1:
                found.append((f"dC/dW{layer} multiplies by the activations that feed layer "
                              f"{layer}, a{layer - 1}.T, not a{other}.T.",
                              dict(inputs={layer: other})))
    return found


def mistake_values(name, params, x, y, expected):
    """Return [(message, value)] for the mistakes that are possible here and change the value."""
    values = []
    for message, switches in mistakes(name):
        try:
            value = backward(params, x, y, **switches)[name]
        except ValueError:  # the shapes do not fit in this case
            continue
        if value.shape != expected.shape or checking.relative_error(value, expected) > 1e-6:
            values.append((message, value))
    return values


def hidden_mistakes(name):
    """The messages of the mistakes the hidden tests of `name` can name (course/coverage.py)."""
    return [message for message, _ in mistakes(name)] + [keys.FINITE_DIFFERENCE]


# The visible tests: the training data of readonly/backprop_module.py, and a network drawn by
# reset_network(random=np.random.RandomState(seed)) with n1 = 6 and n2 = 7.
VISIBLE_SEEDS = {"J_W3": 3, "J_b3": 4, "J_W2": 5, "J_b2": 6, "J_W1": 7, "J_b1": 8}


def visible_network(seed, n1=6, n2=7):
    """The weights reset_network(random=np.random.RandomState(seed)) gives, as a dict."""
    random = np.random.RandomState(seed)
    params = {}
    for name, shape in (("W1", (n1, 1)), ("b1", (n1, 1)), ("W2", (n2, n1)), ("b2", (n2, 1)),
                        ("W3", (2, n2)), ("b3", (2, 1))):
        params[name] = random.randn(*shape) / 2
    return params


def visible_mistakes():
    """{function: [(message, value)]}: what each typical mistake gives on the visible test's
    example, for readonly/mistakes.json (written at release; the training data come from the
    assignment's own readonly module)."""
    from course import SOURCE
    import runpy
    data = runpy.run_path(str(SOURCE / "03-backprop" / "readonly" / "backprop_module.py"))
    x, y = data["training_data"]()
    found = {}
    for name, seed in VISIBLE_SEEDS.items():
        params = visible_network(seed)
        found[name] = mistake_values(name, params, x, y, backward(params, x, y)[name])
    return found


def random_case(seed, n1, n2, n):
    """Return (params, x, y): a random 1-n1-n2-2 network, inputs (1, n) and targets (2, n)."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (n1, 1), "b1": (n1, 1), "W2": (n2, n1), "b2": (n2, 1),
              "W3": (2, n2), "b3": (2, 1)}
    params = {p: rng.normal(0.0, 1.0, shapes[p]) for p in PARAMETERS}
    return params, rng.uniform(0, 1, (1, n)), rng.uniform(0, 1, (2, n))


def check_case(name, ns, seed, n1, n2, n):
    """Check ns[name] on one random case; raise checking.CheckFailure if it is wrong."""
    params, x, y = random_case(seed, n1, n2, n)
    ns.update(params)  # the student's function reads these arrays as globals
    parameter = params[name[2:]]
    numeric = checking.central_difference(lambda: cost(params, x, y), parameter)
    expected = backward(params, x, y)[name]
    known = mistake_values(name, params, x, y, expected)
    what = f"{name}(x, y) for a 1-{n1}-{n2}-2 network and {n} example{'s' * (n != 1)}"
    got = keys.call_unchanged(what, ns, ns[name], x, y, names=["x", "y"])
    keys.near_miss(what, got, expected, REFERENCE_RTOL)
    checking.check_gradient(what, got, numeric, tol=GRADIENT_TOL, mistakes=known,
                            hint=HINTS[name])
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=known,
                         hint=HINTS[name])


def check_hard_case(name, ns):
    """Check ns[name], right on every case of CASES, where the targets are far from the outputs."""
    seed, n1, n2, n, offset = HARD
    params, x, y = random_case(seed, n1, n2, n)
    y = y + offset
    ns.update(params)
    what = f"{name}(x, y) for a 1-{n1}-{n2}-2 network whose targets are a million away"
    got = checking.call(what, ns[name], x.copy(), y.copy())
    keys.check_hard(what, got, backward(params, x, y)[name],
                    "the cost, about 1e12, is huge next to its slopes")


def check(name, ns):
    """Check the notebook's function `name` on every case of CASES, then on the HARD case.

    ns is the notebook's globals(). Its weights and biases are replaced during the check and
    restored afterwards. Raises checking.CheckFailure; when several cases fail, the failure
    raised is the first that names a known mistake, else the first.
    """
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    if not callable(ns.get(name)):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    missing = object()
    saved = {p: ns.get(p, missing) for p in PARAMETERS}
    failures = []
    try:
        for case in CASES:
            try:
                check_case(name, ns, *case)
            except checking.CheckFailure as failure:
                failures.append(failure)
        if not failures:
            check_hard_case(name, ns)
    finally:
        checking.restore(ns, saved, missing)
    if failures:
        messages = [message for message, _ in mistakes(name)]
        named = [f for f in failures if any(m in str(f) for m in messages)]
        raise (named or failures)[0]
