"""Grader side: answer key for the hidden tests of 03-backprop: the three gates and the sigmoid
circuit of the warm-up, the Jacobians J_W3 ... J_b1, and all_jacobians (all six in one sweep).

The warm-up. Each gate (add_gate_backward, multiply_gate_backward, max_gate_backward) is
called on seeded arrays of several shapes (a number too), some entries tied (x == y), and
compared with central differences of sum(dout * gate(x, y)) where the gate has no kink and
with the key's own rule everywhere; the max gate is also tried on tied inputs in both orders
(a tie goes to y, the second input). circuit_backward is called, with the key's gates planted
in the notebook, on moderate weighted sums (compared with central differences and the key's
chain rule to 1e-9), on sums of +-40 and +-800 (finite, within 1e-12 of the key's), and on a
hard case whose tiny x0 makes finite differences of df/dw0 lose their digits.

all_jacobians is checked like the six Jacobians, on every case and then the hard case, with
the six functions replaced by stand-ins that record any call: an answer that calls them fails,
one that does its own sweep is right whatever the notebook's J_* hold.

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

JACOBIANS = ("J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1")
FUNCTIONS = ("add_gate_backward", "multiply_gate_backward", "max_gate_backward",
             "circuit_backward") + JACOBIANS + ("all_jacobians",)
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
    if name in GATES:
        return [message for message, _ in GATE_MISTAKES[name]]
    if name == "circuit_backward":
        return [message for message, _ in CIRCUIT_MISTAKES] + [OVERFLOW, keys.FINITE_DIFFERENCE]
    if name == SWEEP:
        return ([CALLS_THE_SIX, NOT_A_DICT]
                + [message for jacobian in JACOBIANS for message, _ in mistakes(jacobian)]
                + [keys.FINITE_DIFFERENCE])
    return [message for message, _ in mistakes(name)] + [keys.FINITE_DIFFERENCE]


# The visible tests: the training data of readonly/backprop_module.py, and a network drawn by
# reset_network(random=np.random.RandomState(seed)) with n1 = 6 and n2 = 7.
VISIBLE_SEEDS = {"J_W3": 3, "J_b3": 4, "J_W2": 5, "J_b2": 6, "J_W1": 7, "J_b1": 8}
SWEEP_SEED = 9  # the visible test of all_jacobians


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
    gx, gy, gd = data["gate_example"]()
    for name in GATES:
        found[name] = gate_mistake_values(name, gx, gy, gd, np.stack(gate_reference(name, gx, gy, gd)))
    w, cx = data["circuit_example"]()
    found["circuit_backward"] = circuit_mistake_values(
        w, cx, np.concatenate(circuit_reference(w, cx)))
    for name, seed in VISIBLE_SEEDS.items():
        params = visible_network(seed)
        found[name] = mistake_values(name, params, x, y, backward(params, x, y)[name])
    params = visible_network(SWEEP_SEED)
    expected = backward(params, x, y)
    for name in JACOBIANS:
        found[f"{SWEEP}:{name}"] = mistake_values(name, params, x, y, expected[name])
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
    """Check the notebook's function `name`; raise checking.CheckFailure if it is wrong.

    ns is the notebook's globals(): a gate is checked on GATE_CASES, circuit_backward on
    CIRCUIT_CASES, the Jacobians and all_jacobians on CASES and then on the HARD case.
    """
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    if not callable(ns.get(name)):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    if name in GATES:
        return check_gate(name, ns)
    if name == "circuit_backward":
        return check_circuit(ns)
    if name == SWEEP:
        return check_sweep(ns)
    return check_jacobian(name, ns)


def check_jacobian(name, ns):
    """Check the notebook's function `name` on every case of CASES, then on the HARD case.

    ns is the notebook's globals(). Its weights and biases are replaced during the check and
    restored afterwards. Raises checking.CheckFailure; when several cases fail, the failure
    raised is the first that names a known mistake, else the first.
    """
    on_every_network(ns, lambda case: check_case(name, ns, *case), lambda: check_hard_case(name, ns),
                     [message for message, _ in mistakes(name)])


def on_every_network(ns, check, check_hard, messages):
    """Run check(case) for every case of CASES, then, if all passed, check_hard(), with the
    notebook's weights and biases put back afterwards. When several cases fail, raise the
    first failure that names one of `messages` (known mistakes), else the first."""
    missing = object()
    saved = {p: ns.get(p, missing) for p in PARAMETERS}
    failures = []
    try:
        for case in CASES:
            try:
                check(case)
            except checking.CheckFailure as failure:
                failures.append(failure)
        if not failures:
            check_hard()
    finally:
        checking.restore(ns, saved, missing)
    if failures:
        named = [f for f in failures if any(m in str(f) for m in messages)]
        raise (named or failures)[0]


# ---------------------------------------------------------------------------------------------
# The chain rule on a graph: the three gates and the sigmoid circuit
# f = sigma(w0 x0 + w1 x1 + w2). Each gate's backward takes its inputs x, y and the gradient
# dout of the cost with respect to its output, all of one shape, and returns (dx, dy). On a
# tie of the max gate the whole gradient goes to the second input, y: so max(z, 0), read as a
# max gate, gives the ReLU's mask z > 0 (06-digits).

GATES = ("add_gate_backward", "multiply_gate_backward", "max_gate_backward")
GATE_FORWARD = {"add_gate_backward": lambda x, y: x + y,
                "multiply_gate_backward": lambda x, y: x * y,
                "max_gate_backward": np.maximum}
# (seed, shape, share of entries where x == y). Shape () is a single number; the max gate's
# cases hold ties, the others too (they change nothing there).
GATE_CASES = (
    (311, (), 0.0),
    (312, (5,), 0.0),
    (313, (3, 4), 0.3),
    (314, (2, 3, 2), 0.5),
    (315, (1,), 1.0),
)
GATE_RTOL = 1e-12
GATE_HINT = ("return a pair (dx, dy), each of the shape of x (and of y and dout): "
             "`return dx, dy`.")

ADD_MISTAKES = (
    ("it returns the local gradients 1 and 1 alone: multiply them by the upstream gradient "
     "dout (dx = 1 * dout).", lambda x, y, d: (np.ones_like(x), np.ones_like(y))),
    ("it splits the gradient in half between the inputs; an add gate copies the whole of dout "
     "to each of them.", lambda x, y, d: (d / 2, d / 2)),
    ("it uses the multiply gate's rule (dx = y * dout); for x + y the local gradients are 1.",
     lambda x, y, d: (y * d, x * d)),
    ("it returns the inputs themselves, not gradients: dx = dout and dy = dout.",
     lambda x, y, d: (x, y)),
    ("it passes dout to x only; an add gate copies it to y as well.",
     lambda x, y, d: (d, np.zeros_like(y))),
    ("it has the wrong sign for y, the rule of x - y; for x + y both get +dout.",
     lambda x, y, d: (d, -d)),
)
MULTIPLY_MISTAKES = (
    ("the inputs are not swapped: d(x*y)/dx = y, so dx = y * dout and dy = x * dout.",
     lambda x, y, d: (x * d, y * d)),
    ("it leaves out the upstream gradient dout: dx = y * dout, not y.",
     lambda x, y, d: (y, x)),
    ("it uses the add gate's rule (dout to both); a multiply gate scales dout by the other "
     "input.", lambda x, y, d: (d, d)),
    ("it multiplies dout by the product x * y, the gate's output; each input gets dout times "
     "the other input.", lambda x, y, d: (x * y * d, x * y * d)),
    ("it gives both inputs y * dout; y gets x * dout.", lambda x, y, d: (y * d, y * d)),
)
MAX_MISTAKES = (
    ("on a tie (x == y) it gives the gradient to x; the rule here sends it to y, so that "
     "max(z, 0) gives the ReLU's mask z > 0.",
     lambda x, y, d: (d * (x >= y), d * (x < y))),
    ("on a tie it splits the gradient in half; the rule here sends all of it to y.",
     lambda x, y, d: (d * ((x > y) + 0.5 * (x == y)), d * ((x < y) + 0.5 * (x == y)))),
    ("on a tie it gives dout to both inputs, doubling it; only y gets it.",
     lambda x, y, d: (d * (x >= y), d * (y >= x))),
    ("it routes the gradient to the smaller input; it belongs to the larger one, the input "
     "that became the output.", lambda x, y, d: (d * (x < y), d * (x >= y))),
    ("it returns the masks alone: multiply them by the upstream gradient dout.",
     lambda x, y, d: (1.0 * (x > y), 1.0 * (x <= y))),
    ("it uses the add gate's rule (dout to both); a max gate passes dout to the larger input "
     "only and 0 to the other.", lambda x, y, d: (d, d)),
    ("it multiplies dout by the inputs' values; the local gradient of max is 1 for the larger "
     "input and 0 for the other.", lambda x, y, d: (d * x * (x > y), d * y * (x <= y))),
)
GATE_MISTAKES = {"add_gate_backward": ADD_MISTAKES, "multiply_gate_backward": MULTIPLY_MISTAKES,
                 "max_gate_backward": MAX_MISTAKES}


def gate_reference(name, x, y, dout):
    """Return (dx, dy) of the gate `name`, written from its local derivatives."""
    x, y, dout = (np.asarray(v, dtype=float) for v in (x, y, dout))
    if name == "add_gate_backward":
        return dout * 1.0, dout * 1.0
    if name == "multiply_gate_backward":
        return dout * y, dout * x
    larger = x > y  # a tie goes to y
    return np.where(larger, dout, 0.0), np.where(larger, 0.0, dout)


def gate_case(seed, shape, ties):
    """Return (x, y, dout) of one shape, x == y in about `ties` of the entries, none zero."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    y = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    y = np.where(rng.random(shape) < ties, x, y)
    # Keep the inputs apart where they differ, so that finite differences see no kink.
    y = np.where((x != y) & (np.abs(x - y) < 0.1), y + 0.3, y)
    dout = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return x, y, dout


def stacked_pair(what, got, shape, hint=GATE_HINT):
    """Return the pair `got` as one array (2, *shape), failing clearly on anything else."""
    if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 2:
        raise checking.CheckFailure(
            f"{what} returned {type(got).__name__}; it must return two gradients: {hint}")
    return np.stack([checking.check_shape(f"{what}: {part}", value, shape, hint)
                     for part, value in zip(("dx", "dy"), got)])


def gate_mistake_values(name, x, y, dout, expected):
    """[(message, value (2, *shape))] of the gate's mistakes that change the value here."""
    values = []
    for message, mistake in GATE_MISTAKES[name]:
        with np.errstate(all="ignore"):
            value = np.stack([np.broadcast_to(np.asarray(v, dtype=float), np.shape(x))
                              for v in mistake(x, y, dout)])
        if checking.relative_error(value, expected) > 1e-9:
            values.append((message, value))
    return values


def gate_numeric(name, x, y, dout):
    """Central differences of sum(dout * gate(x, y)) with respect to x and to y, (2, *shape)."""
    forward = GATE_FORWARD[name]
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    return np.stack([checking.central_difference(lambda: float(np.sum(dout * forward(x, y))), v)
                     for v in (x, y)])


def check_gate_case(name, ns, x, y, dout, label=""):
    """Check the notebook's gate `name` on one (x, y, dout)."""
    shape = np.shape(x)
    what = f"{name}(x, y, dout) for {label or ('numbers' if shape == () else f'arrays of shape {shape}')}"
    expected = np.stack(gate_reference(name, x, y, dout))
    known = gate_mistake_values(name, x, y, dout, expected)
    args = [float(v) for v in (x, y, dout)] if shape == () else [v.copy() for v in (x, y, dout)]
    got = keys.call_unchanged(what, ns, ns[name], *args, names=["x", "y", "dout"])
    got = stacked_pair(what, got, shape)
    if name != "max_gate_backward" or not np.any(x == y):  # no kink: finite differences hold
        checking.check_gradient(what, got, gate_numeric(name, x, y, dout), tol=1e-7,
                                mistakes=known)
    checking.check_close(what, got, expected, rtol=GATE_RTOL, mistakes=known)


def check_gate(name, ns):
    """Check a gate on every case of GATE_CASES; the max gate also on ties in both orders."""
    for case in GATE_CASES:
        check_gate_case(name, ns, *gate_case(*case))
    if name == "max_gate_backward":
        x, y, dout = gate_case(316, (6,), 0.5)
        check_gate_case(name, ns, x, y, dout, "inputs with ties")
        check_gate_case(name, ns, y, x, dout, "the same inputs in the other order")


# The circuit f = sigma(w0 x0 + w1 x1 + w2), for w (3,) and x (2,). (seed, size of the
# entries of w and x): moderate z, |z| < 4, where the answer is compared to CIRCUIT_RTOL; then
# LARGE_Z, where sigma saturates and only finiteness and closeness to 1e-12 in absolute terms
# are asked (sigma'(z) is below 1e-17 there).
CIRCUIT_CASES = tuple((320 + k, (0.5, 1.0, 2.0)[k % 3]) for k in range(8))
CIRCUIT_RTOL = 1e-9
LARGE_Z = (-800.0, -40.0, 40.0, 800.0)
CIRCUIT_HINT = ("return (dw, dx): dw of the shape of w, (3,), holding df/dw0, df/dw1, df/dw2; "
                "dx of the shape of x, (2,).")
OVERFLOW = ("it is NaN or infinite where the sum z is far below 0: there exp(-z) overflows "
            "and exp(-z) / (1 + exp(-z))**2 is inf / inf. Write sigma'(z) as f * (1 - f), "
            "with f = sigma(z), which stays finite.")


def circuit_parts(w, x):
    """Return (z, f, sigma'(z)) of the circuit at w, x (the key's own sigma)."""
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    with np.errstate(over="ignore"):
        return z, sigma(z), sigma_prime(z)


def circuit_reference(w, x):
    """Return (df/dw (3,), df/dx (2,)) of the circuit, the chain rule node by node."""
    _, _, dz = circuit_parts(w, x)
    return np.array([x[0] * dz, x[1] * dz, dz]), np.array([w[0] * dz, w[1] * dz])


CIRCUIT_MISTAKES = (
    ("the sigmoid node's local gradient is missing: df/dz = sigma'(z) = f * (1 - f), and "
     "every gradient upstream carries it.", lambda w, x, f, s: (1.0, [x[0], x[1], 1], [w[0], w[1]])),
    ("it uses f = sigma(z), the node's output, as its local gradient; that is "
     "sigma'(z) = f * (1 - f).", lambda w, x, f, s: (f, [x[0], x[1], 1], [w[0], w[1]])),
    ("it uses 1 - f as the sigmoid's local gradient; sigma'(z) = f * (1 - f) has the factor "
     "f too.", lambda w, x, f, s: (1 - f, [x[0], x[1], 1], [w[0], w[1]])),
    ("the multiply gates are not swapped: df/dw0 = x0 * df/dz and df/dx0 = w0 * df/dz.",
     lambda w, x, f, s: (s, [w[0], w[1], 1], [x[0], x[1]])),
    ("df/dw2 is wrong: w2 enters through an add gate, which copies df/dz to it unchanged.",
     lambda w, x, f, s: (s, [x[0], x[1], w[2]], [w[0], w[1]])),
    ("it has the wrong sign: sigma'(z) = f * (1 - f) is positive.",
     lambda w, x, f, s: (-s, [x[0], x[1], 1], [w[0], w[1]])),
)


def circuit_mistake_values(w, x, expected):
    """[(message, value)] of the circuit's mistakes, each as one vector (dw, dx) of length 5."""
    _, f, s = circuit_parts(w, x)
    values = []
    for message, mistake in CIRCUIT_MISTAKES:
        scale, dw, dx = mistake(w, x, f, s)
        value = scale * np.concatenate([np.asarray(dw, float), np.asarray(dx, float)])
        if checking.relative_error(value, expected) > 1e-9:
            values.append((message, value))
    return values


def circuit_pair(what, got, hint=CIRCUIT_HINT):
    """Return circuit_backward's (dw, dx) as one vector of length 5, failing clearly."""
    if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 2:
        raise checking.CheckFailure(
            f"{what} returned {type(got).__name__}; it must return two arrays: {hint}")
    return np.concatenate([checking.check_shape(f"{what}: {part}", value, shape, hint)
                           for part, value, shape in zip(("dw", "dx"), got, ((3,), (2,)))])


def circuit_case(seed, scale):
    """Return (w, x), entries of size about `scale`, whose weighted sum z lies in (-4, 4)."""
    rng = np.random.default_rng(seed)
    while True:
        w, x = rng.normal(0, scale, 3), rng.normal(0, scale, 2)
        if abs(circuit_parts(w, x)[0]) < 4:
            return w, x


def large_case(z):
    """w, x whose weighted sum is z."""
    w, x = np.array([1.5, -0.5, 0.0]), np.array([2.0, 3.0])
    w[2] = z - (w[0] * x[0] + w[1] * x[1])
    return w, x


def check_circuit_case(ns, w, x, large=False):
    what = f"circuit_backward(w, x) at w = {np.round(w, 3).tolist()}, x = {np.round(x, 3).tolist()}"
    expected = np.concatenate(circuit_reference(w, x))
    known = circuit_mistake_values(w, x, expected)
    got = keys.call_unchanged(what, ns, ns["circuit_backward"], w.copy(), x.copy(),
                              names=["w", "x"])
    got = circuit_pair(what, got)
    if large:
        if not np.all(np.isfinite(got)):
            raise checking.CheckFailure(f"{what}, where z = {circuit_parts(w, x)[0]:g}: {OVERFLOW}")
        error = float(np.max(np.abs(got - expected)))
        if error > 1e-12:
            reason = checking.diagnose(got, expected, known)
            raise checking.CheckFailure(
                f"{what}, where z = {circuit_parts(w, x)[0]:g}, is off by {error:.2g}"
                + (f": {reason}" if reason else "; sigma'(z) is tiny there, and so is every "
                   "gradient."))
        return
    checking.check_gradient(what, got, circuit_numeric(w, x), tol=1e-7, mistakes=known,
                            hint=CIRCUIT_HINT)
    keys.near_miss(what, got, expected, CIRCUIT_RTOL)
    checking.check_close(what, got, expected, rtol=CIRCUIT_RTOL, mistakes=known,
                         hint=CIRCUIT_HINT)


def circuit_numeric(w, x):
    """Central differences of the circuit's f with respect to (w0, w1, w2, x0, x1)."""
    v = np.concatenate([w, x]).astype(float)
    return checking.central_difference(lambda: float(sigma(v[0] * v[3] + v[1] * v[4] + v[2])), v)


# The hard case: x0 so small that a step in w0 hardly moves z, so that finite differences of f
# keep few digits of df/dw0 = x0 sigma'(z), while the exact product keeps them all.
CIRCUIT_HARD = (np.array([0.7, -0.4, 0.3]), np.array([1e-7, 1.3]))


def check_circuit(ns):
    """Check circuit_backward on CIRCUIT_CASES, at LARGE_Z, then on CIRCUIT_HARD, with the key's
    gates planted in the notebook (an answer that calls the gates loses no points for them)."""
    with checking.planted(ns, **PLANTED_GATES):
        for case in CIRCUIT_CASES:
            check_circuit_case(ns, *circuit_case(*case))
        for z in LARGE_Z:
            check_circuit_case(ns, *large_case(z), large=True)
        w, x = CIRCUIT_HARD
        what = f"circuit_backward(w, x) at w = {w.tolist()}, x = {x.tolist()}"
        got = circuit_pair(what, checking.call(what, ns["circuit_backward"], w.copy(), x.copy()))
        keys.check_hard(what, got, np.concatenate(circuit_reference(w, x)),
                        "x0 = 1e-7 makes df/dw0 ten million times smaller than df/dw1",
                        entrywise=True)


def planted_add_gate_backward(x, y, dout):
    return gate_reference("add_gate_backward", x, y, dout)


def planted_multiply_gate_backward(x, y, dout):
    return gate_reference("multiply_gate_backward", x, y, dout)


def planted_max_gate_backward(x, y, dout):
    return gate_reference("max_gate_backward", x, y, dout)


PLANTED_GATES = {"add_gate_backward": planted_add_gate_backward,
                 "multiply_gate_backward": planted_multiply_gate_backward,
                 "max_gate_backward": planted_max_gate_backward}


# ---------------------------------------------------------------------------------------------
# all_jacobians(x, y): the six Jacobians in one backward sweep, as a dict keyed by the names of
# the six functions. It is checked with the six functions replaced by planted stand-ins that
# record every call and return zeros: an answer that calls them fails, and one that does the
# sweep itself is right whatever the notebook's J_* hold.

SWEEP = "all_jacobians"
CALLS_THE_SIX = ("it calls the separate Jacobian functions; all_jacobians must do the backward "
                 "sweep itself, computing each delta once and reusing it for the layer below "
                 "(and be right even when J_W3 ... J_b1 are broken).")
NOT_A_DICT = ("it must return a dict with the six Jacobians under the keys 'J_W3', 'J_b3', "
              "'J_W2', 'J_b2', 'J_W1', 'J_b1'.")


def stand_in(name, calls):
    """A planted J_*: records its call and returns zeros."""
    def planted(x, y):
        calls.append(name)
        return np.zeros((2, 1))
    planted.__name__ = name
    return planted


def sweep_dict(what, got):
    """Return got as {name: array}, failing clearly on anything but a dict of the six."""
    if not isinstance(got, dict):
        raise checking.CheckFailure(f"{what} returned {type(got).__name__}: {NOT_A_DICT}")
    missing = [name for name in JACOBIANS if name not in got]
    extra = [str(name) for name in got if name not in JACOBIANS]
    if missing or extra:
        raise checking.CheckFailure(
            f"{what} returned a dict " + (f"without {', '.join(missing)}" if missing else
                                          f"with the unexpected keys {', '.join(extra)}")
            + f": {NOT_A_DICT}")
    return got


def check_sweep_case(ns, seed, n1, n2, n):
    params, x, y = random_case(seed, n1, n2, n)
    ns.update(params)
    what = f"all_jacobians(x, y) for a 1-{n1}-{n2}-2 network and {n} example{'s' * (n != 1)}"
    calls = []
    try:
        with checking.planted(ns, **{name: stand_in(name, calls) for name in JACOBIANS}):
            got = keys.call_unchanged(what, ns, ns[SWEEP], x, y, names=["x", "y"])
    except checking.CheckFailure:
        if not calls:
            raise
    if calls:  # even if the stand-ins' zeros then made the answer fail
        raise checking.CheckFailure(f"{what} called {', '.join(dict.fromkeys(calls))}: "
                                    f"{CALLS_THE_SIX}")
    got = sweep_dict(what, got)
    expected = backward(params, x, y)
    for name in JACOBIANS:
        known = mistake_values(name, params, x, y, expected[name])
        part = f"{what}['{name}']"
        keys.near_miss(part, got[name], expected[name], REFERENCE_RTOL)
        checking.check_close(part, got[name], expected[name], rtol=REFERENCE_RTOL,
                             mistakes=known, hint=HINTS[name])
    numeric = {name: checking.central_difference(lambda: cost(params, x, y), params[name[2:]])
               for name in JACOBIANS}
    for name in JACOBIANS:
        checking.check_gradient(f"{what}['{name}']", got[name], numeric[name], tol=GRADIENT_TOL)


def check_sweep(ns):
    """Check all_jacobians on every case of CASES, then on the HARD case. When several cases
    fail, the failure raised is the first that names a known mistake, else the first."""
    on_every_network(ns, lambda case: check_sweep_case(ns, *case), lambda: check_sweep_hard(ns),
                     hidden_mistakes(SWEEP)[:-1])


def check_sweep_hard(ns):
    seed, n1, n2, n, offset = HARD
    params, x, y = random_case(seed, n1, n2, n)
    y = y + offset
    ns.update(params)
    what = f"all_jacobians(x, y) for a 1-{n1}-{n2}-2 network whose targets are a million away"
    got = sweep_dict(what, checking.call(what, ns[SWEEP], x.copy(), y.copy()))
    expected = backward(params, x, y)
    for name in JACOBIANS:
        keys.check_hard(f"{what}['{name}']", got[name], expected[name],
                        "the cost, about 1e12, is huge next to its slopes")
