"""Grader side: answer key for the hidden tests of 05-gradcheck (sigmoidPrime ... costFunctionWrapper).

The hidden part of each test cell calls `check(name, globals())`. When grading, that runs in
the grader's process and `globals()` stands for the student's kernel (course/judge.py): the
student's functions run in the kernel, on arguments that travel as data (arrays, numbers), or
on objects that live in the kernel. So the key builds the `self` or `N` that a student's
function needs in the kernel, and gives it methods it can trust:

- sigmoidPrime and costFunction get a fresh `Neural_Network` holding the key's weights (its
  forward pass and sigmoid are the locked ones);
- costFunctionPrime gets the same, with the key's exact sigma' as its sigmoidPrime, so that a
  mistake in the student's sigmoidPrime does not cost costFunctionPrime's points;
- computeNumericalGradient and costFunctionWrapper get a stand-in with a known cost and
  gradient, inside a `trainer` for the latter: the key's own `StandIn`, a bowl-shaped cost
  kept here in the grader. The student's code gets an object of the kernel whose getParams,
  setParams, costFunction and computeGradients are the StandIn's (see `_bowl`): each call comes
  back to the grader, so the parameters it was given and the costs it returned are known here,
  whatever the read-only module's Bowl was made to do. Only the BFGS runs of
  costFunctionWrapper, which make hundreds of such calls, train a new Bowl of the kernel; what
  they reach is compared with the key's own BFGS on the key's own StandIn.

The stand-ins of computeNumericalGradient have no right analytic gradient: their
computeGradients and costFunctionPrime return a planted wrong one, or raise, so that an answer
that hands back N.computeGradients(X, y) (a gradient check that can never find a bug) loses;
and after the nine-parameter ones come stand-ins with 4, 13 and one parameter, so that an
answer built for the notebook's nine is named as such. costFunction and costFunctionPrime
must leave the network's weights as they found them (read back from the network afterwards).
(Whether an answer changes its arguments X and y in place cannot be seen from here: arrays
reach the kernel as copies.) A cost returned as a one-element array, the series' form (Python's
built-in sum of a column), counts as its number.

The typical mistakes each check names are listed by `hidden_mistakes`; `visible_mistakes`
gives their values on the visible tests' examples, for readonly/mistakes.json, so that the
visible tests name the same mistakes by the same messages while the student works.

Everything the answers are compared with is computed here, from the equations, in the grader:
the key shares no code with the notebook and asks the kernel for nothing but the answers.
(Called in process with a plain dict of globals, as the fast tests do, the same code runs on
ordinary objects.)

Every answer is compared on several seeded cases (other layer sizes, numbers of examples and
values of Lambda; other stand-ins) with central finite differences and with the key's own
result. Switches of
`cost_variants`, `gradients` and `finite_differences` reproduce the typical mistakes (a
missing transpose, sigma' of the wrong z, a missing Lambda term or factor, the 1/N placed on
the penalty too, one-sided differences, a huge step, ...), so that a failure names the one the
student made. sigmoidPrime and costFunctionPrime, right on every case, are then tried on a
hard case where finite differences lose their digits (sigma(z) within 5e-5 of 1; targets a
million away from the outputs; see course/keys/__init__.py): a finite-difference estimate
fails there, or on the ordinary cases as a near miss, and the message asks whether it is one.
computeNumericalGradient, meant to be numerical, has no hard case.

Convention, as in the notebook: one row per example; X is (N, D), y is (N, 1), W1 (D, H),
W2 (H, 1).
"""
import numpy as np
from scipy import optimize

from course import checking, keys

FUNCTIONS = ("sigmoidPrime", "costFunction", "costFunctionPrime", "computeNumericalGradient",
             "costFunctionWrapper")

# Networks of the hidden tests: (seed, inputs D, hidden neurons H, examples N, Lambda).
# 503 has D = H = N, so that X @ delta2 and a2 @ delta3 (a missing transpose) fit the shapes
# and give a wrong value that the key names, instead of a numpy error; it also makes the
# inputs X and the activations a2 the same shape. 504 has a single example.
NETWORKS = (
    (501, 2, 3, 5, 0.0),
    (502, 2, 3, 4, 1e-2),
    (503, 3, 3, 3, 1e-3),
    (504, 2, 4, 1, 0.1),
    (505, 2, 3, 8, 1e-4),
)
# Seeds of the known-gradient stand-ins (Bowl(seed)) for computeNumericalGradient, for
# costFunctionWrapper, and for the BFGS runs that costFunctionWrapper drives.
WRAPPER_SEEDS = (521, 522, 523)
# The stand-ins of computeNumericalGradient: (seed, number of parameters, what its own
# computeGradients does). None of them has a right analytic gradient, so that an answer that
# hands back N.computeGradients(X, y), a gradient check that can never find a bug, loses: it
# is "wrong" (a planted bug) or "missing" (it raises). The nine-parameter ones come first; the
# others (4, 13 and a single parameter) are tried on an answer right on those, so that a
# failure there is named as a number of parameters taken from the notebook's network.
NUMERICAL_CASES = ((511, 9, "wrong"), (512, 9, "missing"), (513, 9, "wrong"),
                   (514, 4, "wrong"), (515, 13, "missing"), (516, 1, "wrong"))
NUMERICAL_SEEDS = tuple(seed for seed, size, _ in NUMERICAL_CASES if size == 9)  # module Bowls
TRAINING_SEEDS = (531, 532)

# The hard case of costFunctionPrime, as in NETWORKS; its targets are a million away.
HARD_NETWORK = (506, 2, 3, 6, 1e-3)

STEP = 1e-4  # the finite-difference step the notebook asks for
VISIBLE_EXAMPLES = 5  # the examples of the visible tests' fixed network: never the answer's N
REFERENCE_RTOL = 1e-7
GRADIENT_TOL = 1e-6
COST_RTOL = 1e-9
TRAINED_RTOL = 1e-4
TRAINER_MAXITER = 200  # as in the notebook's trainer

SHAPES_HINT = ("A matrix product whose shapes do not fit usually means a missing or extra "
               "transpose. With one row per example: X is (N, 2), z2 and a2 are (N, 3), z3, "
               "yHat, y and delta3 are (N, 1), W1 is (2, 3) and W2 is (3, 1); dJdW2 = "
               "a2.T @ delta3 and delta2 = (delta3 @ W2.T) * sigma'(z2).")


# --- the reference network --------------------------------------------------------------

def logistic(z):
    """Return the logistic function of z, entry by entry."""
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))


def logistic_slope(z):
    """Return the derivative of the logistic function at z, entry by entry."""
    return 0.25 / np.cosh(np.asarray(z, dtype=float) / 2.0) ** 2


def layers(W1, W2, X):
    """Return (z2, a2, z3, yHat) for inputs X, one row per example."""
    z2 = X @ W1
    a2 = logistic(z2)
    z3 = a2 @ W2
    return z2, a2, z3, logistic(z3)


def cost_parts(W1, W2, X, y):
    """Return (sum of squared errors, sum of squared weights, number of examples)."""
    yHat = layers(W1, W2, X)[3]
    return float(np.sum((y - yHat) ** 2)), float(np.sum(W1 ** 2) + np.sum(W2 ** 2)), X.shape[0]


def cost(W1, W2, Lambda, X, y):
    """Return J = (1/2N) sum (y - yHat)^2 + (Lambda/2)(sum W1^2 + sum W2^2)."""
    errors, weights, n = cost_parts(W1, W2, X, y)
    return errors / (2 * n) + Lambda * weights / 2


def cost_variants(W1, W2, Lambda, X, y):
    """Return [(teaching message, value)] for the typical mistakes of costFunction."""
    errors, weights, n = cost_parts(W1, W2, X, y)
    norms = float(np.linalg.norm(W1) + np.linalg.norm(W2))
    one = {"W1": float(np.sum(W1 ** 2)), "W2": float(np.sum(W2 ** 2))}
    return [
        ("the squared errors are added up, not averaged: divide the data term by the number "
         "of examples, X.shape[0].", errors / 2 + Lambda * weights / 2),
        ("the penalty is divided by N as well: only the data term is an average over the "
         "examples; the penalty (Lambda/2)(sum W1**2 + sum W2**2) is not.",
         (errors / 2 + Lambda * weights / 2) / n),
        ("the data term is divided by N twice (np.mean already averages).",
         errors / (2 * n * n) + Lambda * weights / 2),
        ("the penalty is twice too large: it is (Lambda / 2) times the sum of the squared "
         "weights, not Lambda times it.", errors / (2 * n) + Lambda * weights),
        ("the data term is twice too large: it is one half of the average squared error.",
         errors / n + Lambda * weights / 2),
        ("the penalty term is missing: add (Lambda / 2) * (np.sum(W1**2) + np.sum(W2**2)).",
         errors / (2 * n)),
        ("the penalty uses W1 only: it adds up the squares of every weight, W1's and W2's.",
         errors / (2 * n) + Lambda * one["W1"] / 2),
        ("the penalty uses W2 only: it adds up the squares of every weight, W1's and W2's.",
         errors / (2 * n) + Lambda * one["W2"] / 2),
        ("the penalty is subtracted: it is added to the data term.",
         errors / (2 * n) - Lambda * weights / 2),
        ("the penalty uses the norms of the weights, not their squares: np.sum(W**2).",
         errors / (2 * n) + Lambda * norms / 2),
        (f"the data term is divided by {VISIBLE_EXAMPLES}, the number of examples of the "
         "visible test, whatever X holds: divide by X.shape[0].",
         errors / (2 * VISIBLE_EXAMPLES) + Lambda * weights / 2),
    ]


def gradients(W1, W2, Lambda, X, y, *, sign=1.0, average="data", data_factor=1.0,
              penalty="Lambda", slope3="z3", slope2="z2", untransposed=(), inputs="X"):
    """Return (dJdW1, dJdW2), optionally with a mistake; ValueError if a mistake misfits.

    With the defaults this is the correct gradient. The switches reproduce mistakes:
    sign=-1 (y - yHat in place of yHat - y); average "none" (no 1/N), "all" (1/N on the
    penalty too) or "fixed" (1/5, the size of the visible example, whatever N is);
    data_factor 2 (the 2 of the square kept); penalty "none", "half" (Lambda W/2),
    "double" (2 Lambda W) or "W" (no Lambda); slope3 and slope2: where sigma' of the output and
    of the hidden layer is taken ("z3", "z2", "a" for the activation, "none" to leave it
    out); untransposed: names among "a2", "X", "W2" used without .T; inputs "a2" (dJdW1 built
    from a2 instead of X).
    """
    z2, a2, z3, yHat = layers(W1, W2, X)
    n = X.shape[0]
    at = {"z3": z3, "z2": z2}

    def slope(where, activation):
        if where == "none":
            return 1.0
        if where == "a":
            return logistic_slope(activation)
        return logistic_slope(at[where])

    delta3 = sign * data_factor * (yHat - y) * slope(slope3, yHat)
    left2 = a2 if "a2" in untransposed else a2.T
    back = W2 if "W2" in untransposed else W2.T
    delta2 = (delta3 @ back) * slope(slope2, a2)
    source = a2 if inputs == "a2" else X
    left1 = source if "X" in untransposed else source.T
    data2, data1 = left2 @ delta3, left1 @ delta2
    coefficient = {"Lambda": Lambda, "none": 0.0, "half": Lambda / 2, "double": 2 * Lambda,
                   "W": 1.0}[penalty]
    scale = {"data": (1 / n, 1.0), "none": (1.0, 1.0), "all": (1 / n, 1 / n),
             "fixed": (1 / VISIBLE_EXAMPLES, 1.0)}[average]
    dJdW2 = data2 * scale[0] + coefficient * W2 * scale[1]
    dJdW1 = data1 * scale[0] + coefficient * W1 * scale[1]
    if dJdW1.shape != W1.shape or dJdW2.shape != W2.shape:
        raise ValueError("shapes do not fit")
    return dJdW1, dJdW2


GRADIENT_MISTAKES = [
    ("it has the wrong sign: the derivative of (1/2)(y - yHat)**2 with respect to yHat is "
     "-(y - yHat), so delta3 = -(y - yHat) * sigma'(z3).", dict(sign=-1.0)),
    ("the data term is not averaged: divide it by X.shape[0], as the cost divides by N "
     "(the penalty term Lambda * W is not divided).", dict(average="none")),
    ("the 1/N is applied to the penalty too: only the data term of the cost is an average, "
     "so the penalty's gradient is Lambda * W, not Lambda * W / N.", dict(average="all")),
    (f"the data term is divided by {VISIBLE_EXAMPLES}, the number of examples of the visible "
     "test, whatever X holds: divide by X.shape[0].", dict(average="fixed")),
    ("the data term is twice too large: the 2 of the square cancels the 1/2 of the cost.",
     dict(data_factor=2.0)),
    ("the penalty term is missing: add self.Lambda * self.W1 to dJdW1 and self.Lambda * "
     "self.W2 to dJdW2.", dict(penalty="none")),
    ("the penalty term is Lambda * W / 2: the derivative of (Lambda/2) * W**2 is Lambda * W.",
     dict(penalty="half")),
    ("the penalty term is 2 * Lambda * W: the 2 of the square cancels the 1/2 of Lambda/2, "
     "leaving Lambda * W.", dict(penalty="double")),
    ("the penalty term lacks its factor Lambda: it is Lambda * W, not W.", dict(penalty="W")),
    ("sigma' of the output is taken at yHat = sigmoid(z3); it belongs at the weighted sum: "
     "self.sigmoidPrime(self.z3).", dict(slope3="a")),
    ("the factor sigma'(z3) is missing from delta3: going back through yHat = sigmoid(z3) "
     "multiplies by self.sigmoidPrime(self.z3).", dict(slope3="none")),
    ("delta3 uses sigma'(z2), the hidden layer's; the output needs sigma'(z3).",
     dict(slope3="z2")),
    ("sigma' of the hidden layer is taken at a2 = sigmoid(z2); it belongs at the weighted sum: "
     "self.sigmoidPrime(self.z2).", dict(slope2="a")),
    ("the factor sigma'(z2) is missing from delta2: going back through a2 = sigmoid(z2) "
     "multiplies by self.sigmoidPrime(self.z2).", dict(slope2="none")),
    ("delta2 uses sigma'(z3), the output's; the hidden layer needs sigma'(z2).",
     dict(slope2="z3")),
    ("a2 is not transposed: dJdW2 = a2.T @ delta3 adds up the examples.",
     dict(untransposed=("a2",))),
    ("X is not transposed: dJdW1 = X.T @ delta2 adds up the examples.",
     dict(untransposed=("X",))),
    ("W2 is not transposed: going back from the output to the hidden layer multiplies by "
     "W2.T (delta3 @ W2.T).", dict(untransposed=("W2",))),
    ("dJdW1 is built from a2; the inputs that feed the hidden layer are X: X.T @ delta2.",
     dict(inputs="a2")),
]


def network_case(seed, D, H, n):
    """Return (W1, W2, X, y): random weights of a D-H-1 network, X (n, D) and y (n, 1)."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, 1.0, (D, H)), rng.normal(0.0, 1.0, (H, 1)),
            rng.uniform(0.0, 1.0, (n, D)), rng.uniform(0.3, 1.0, (n, 1)))


def describe(D, H, n, Lambda):
    """Return the words that name a hidden case in a failure message."""
    return f"a {D}-{H}-1 network, {n} example{'s' * (n != 1)}, Lambda = {Lambda:g}"


# --- a stand-in with a known gradient ----------------------------------------------------

def bowl_cost(bottom, scales, p):
    """Return sum_i s_i ((p_i - c_i)^2 / 2 + (p_i - c_i)^4 / 4), the cost of the module's Bowl."""
    d = np.asarray(p, dtype=float) - bottom
    return float(np.sum(scales * (d ** 2 / 2 + d ** 4 / 4)))


def bowl_gradient(bottom, scales, p):
    """Return the exact gradient of bowl_cost at p."""
    d = np.asarray(p, dtype=float) - bottom
    return scales * (d + d ** 3)


def planted_gradient(bottom, scales, p):
    """Return the wrong analytic gradient of a stand-in whose computeGradients has a planted
    bug: the quadratic part of the bowl's gradient only (the same as the module's Bowl with
    analytic=False)."""
    return scales * (np.asarray(p, dtype=float) - bottom)


# What computeNumericalGradient is told when it hands back the analytic gradient, and what a
# stand-in without one raises when asked for it.
ANALYTIC = ("it returns the analytic gradient, N.computeGradients(X, y), which it is meant to "
            "check: a gradient check that can never find a bug. Work the gradient out from "
            "N.costFunction alone, by central differences.")
NO_ANALYTIC = ("this stand-in has no analytic gradient to give: a numerical gradient calls "
               "N.setParams and N.costFunction only, never N.computeGradients or "
               "N.costFunctionPrime.")
NINE = ("does it assume nine parameters? Take their number from N.getParams(), whose size is "
        "that of the object it is given.")


class StandIn:
    """The key's own copy of a Bowl: the same cost and methods, kept in the grader.

    StandIn(seed) draws what the module's Bowl(seed) draws; StandIn(seed, size) has `size`
    parameters. With analytic "wrong" its computeGradients (and costFunctionPrime) return
    planted_gradient, with "missing" they raise: the stand-ins of computeNumericalGradient.
    The student's code calls its methods through an object of the kernel (see `_bowl`); the
    key also works out the mistakes of computeNumericalGradient on a copy of it.
    """

    SHAPES = ((2, 3), (3, 1))

    def __init__(self, seed=None, bottom=None, scales=None, params=None, size=9,
                 analytic="right"):
        if seed is not None:
            rng = np.random.default_rng(seed)
            bottom, scales = rng.uniform(-1.0, 1.0, size), rng.uniform(0.5, 2.0, size)
            params = bottom + rng.uniform(-1.0, 1.0, size)
        self.bottom, self.scales = np.array(bottom, float), np.array(scales, float)
        self.params = np.array(params, dtype=float)
        self.analytic = analytic

    def getParams(self):
        return self.params.copy()

    def setParams(self, params):
        self.params = np.array(params, dtype=float).reshape(self.bottom.shape)

    def costFunction(self, X, y):
        return bowl_cost(self.bottom, self.scales, self.params)

    def computeGradients(self, X, y):
        if self.analytic == "missing":
            raise RuntimeError(NO_ANALYTIC)
        gradient = planted_gradient if self.analytic == "wrong" else bowl_gradient
        return gradient(self.bottom, self.scales, self.params)

    def costFunctionPrime(self, X, y):
        gradient = self.computeGradients(X, y)
        if gradient.size != 9:  # no network's shapes: two columns, split in the middle
            return gradient[:gradient.size // 2, None], gradient[gradient.size // 2:, None]
        return gradient[:6].reshape(self.SHAPES[0]), gradient[6:].reshape(self.SHAPES[1])


def finite_differences(N, X, y, e=STEP, kind="central", divisor=None, reset=True, sign=1.0):
    """Return a finite-difference gradient of N.costFunction, optionally with a mistake.

    kind "central", "forward" or "backward"; divisor (default 2e for central, e otherwise);
    reset False leaves every earlier perturbation in place; sign -1 subtracts the wrong way.
    N's parameters are restored.
    """
    start = N.getParams()
    divisor = divisor or (2 * e if kind == "central" else e)
    numeric = np.zeros(start.size)
    perturb = np.zeros(start.size)
    for i in range(start.size):
        perturb[i] = e
        upper = start + perturb if kind != "backward" else start
        lower = start - perturb if kind != "forward" else start
        N.setParams(upper)
        high = N.costFunction(X, y)
        N.setParams(lower)
        low = N.costFunction(X, y)
        numeric[i] = sign * (high - low) / divisor
        if reset:
            perturb[i] = 0.0
    N.setParams(start)
    return numeric


def numerical_mistakes():
    """Return [(teaching message, finite_differences switches)] for computeNumericalGradient."""
    found = [
        ("it uses forward differences, (J(p + e) - J(p)) / e, whose error shrinks only like e; "
         "central differences, (J(p + e) - J(p - e)) / (2 e), are accurate to order e**2.",
         dict(kind="forward")),
        ("it uses backward differences, (J(p) - J(p - e)) / e, whose error shrinks only like "
         "e; use central differences, (J(p + e) - J(p - e)) / (2 e).", dict(kind="backward")),
        ("it is twice the right value: a central difference spans 2 e, from p - e to p + e; "
         "divide by 2 * e.", dict(divisor=STEP)),
        ("it has the wrong sign: the difference is J(p + e) - J(p - e), the higher point "
         "first.", dict(sign=-1.0)),
        ("the perturbation of each parameter is never removed, so later parameters are "
         "differentiated at a shifted point: reset it to zero after each parameter.",
         dict(reset=False)),
    ]
    for e in (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 5e-3, 2e-3, 1e-3):
        found.append((f"it uses forward differences with a huge step (e = {e:g}): their error "
                      "grows like e; use central differences with e = 1e-4.",
                      dict(kind="forward", e=e)))
        found.append((f"its step is far too large (e = {e:g}): the error of central "
                      "differences grows like e**2; use e = 1e-4.", dict(e=e)))
    return found


# --- building the student's `self` in the notebook (the kernel, when grading) -------------

def _notebook(ns, name):
    """Return the notebook's object `name`; fail clearly if the notebook lacks it."""
    found = ns.get(name)
    if found is None:
        raise checking.CheckFailure(f"the notebook has no {name}: run the notebook from the "
                                    "top, without changing the locked cells.")
    return found


def _network(ns, W1, W2, Lambda):
    """Return a new Neural_Network of the notebook holding W1, W2 and Lambda."""
    network = _notebook(ns, "Neural_Network")(Lambda=Lambda)
    network.W1, network.W2 = W1.copy(), W2.copy()
    if W1.shape != (2, 3):  # the sizes only matter to getParams and setParams
        network.inputLayerSize, network.hiddenLayerSize = W1.shape
    return network


def _with_exact_sigmoid_prime(network):
    """Give `network` the key's sigma' as its sigmoidPrime (its calls come back to the grader)."""
    network.sigmoidPrime = logistic_slope
    return network


METHODS = ("getParams", "setParams", "costFunction", "computeGradients", "costFunctionPrime")


def _bowl(ns, seed, held=True, size=9, analytic="right"):
    """Return (bowl, twin): a stand-in for the student's code and the key's StandIn(seed),
    which holds the truth.

    With `held`, the stand-in is a plain function object of the kernel carrying the twin's
    methods as attributes, so that every call of them comes back to the twin. (A function is
    what the kernel makes of a function the key plants; its class cannot be changed, so no code
    in the notebook can keep the key's methods from taking hold, as a patched Bowl class could.)
    Else it is a new Bowl of the notebook, computing in the kernel; without a Bowl in the
    notebook (in process), a StandIn serves.
    """
    twin = StandIn(seed, size=size, analytic=analytic)
    if not held:
        Bowl = ns.get("Bowl")
        return (Bowl(seed=seed) if Bowl is not None else StandIn(seed)), twin

    def stand_in():
        """The key's stand-in: a function only so that the twin's methods can hang on it."""
    ns["_key_stand_in"] = stand_in
    bowl = ns["_key_stand_in"]  # in the kernel, the stub that calls back to stand_in
    del ns["_key_stand_in"]
    for method in METHODS:
        setattr(bowl, method, getattr(twin, method))
    return bowl, twin


def _kind(value):
    """Return the type name of a value, also for an object that stayed in the kernel."""
    return getattr(value, "_type", None) or type(value).__name__


# --- the checks --------------------------------------------------------------------------

def _call(what, function, *args):
    """checking.call, with a hint about transposes when numpy finds the shapes do not fit."""
    try:
        return checking.call(what, function, *args)
    except checking.CheckFailure as failure:
        cause = failure.__cause__
        if isinstance(cause, ValueError) and any(
                word in str(cause) for word in ("shape", "dimension", "aligned", "broadcast")):
            raise checking.CheckFailure(f"{failure} {SHAPES_HINT}") from None
        raise


ONE_EXAMPLE = ("it is right for several examples but not for a single one: does it squeeze "
               "an (N, 1) column to fewer dimensions, or count on N > 1? Keep y and yHat as "
               "(N, 1) columns.")


def _caller(n):
    """How to call a network function on n examples: with one, a shape error is no sign of a
    missing transpose (_run_networks names it)."""
    return checking.call if n == 1 else _call


def _run_networks(check_one, messages):
    """Run check_one on the NETWORKS of several examples, then, for an answer right on those,
    on the ones of a single example, naming a failure there as such (see _run_cases)."""
    _run_cases(check_one, [case for case in NETWORKS if case[3] != 1], messages)
    try:
        _run_cases(check_one, [case for case in NETWORKS if case[3] == 1], messages)
    except checking.CheckFailure as failure:
        raise checking.CheckFailure(f"{str(failure).rstrip('. ')}: {ONE_EXAMPLE}") from None


def _run_cases(check_one, cases, messages):
    """Run check_one(*case) for every case; raise the first failure that names a known
    mistake, else the first failure, if any."""
    failures = []
    for case in cases:
        try:
            check_one(*case)
        except checking.CheckFailure as failure:
            failures.append(failure)
    if failures:
        named = [f for f in failures if any(m in str(f) for m in messages)]
        raise (named or failures)[0]


def sigmoid_prime_mistakes(z):
    """Return [(teaching message, value)] for the typical mistakes of sigmoidPrime at z."""
    s = logistic(z)
    with np.errstate(over="ignore", invalid="ignore"):
        return [
            ("the square of the denominator is missing: sigma'(z) = e**-z / (1 + e**-z)**2 "
             "= sigma(z) * (1 - sigma(z)).", s * np.exp(-z)),
            ("it computes sigma(z) * (1 - z); the second factor is 1 - sigma(z).", s * (1 - z)),
            ("it computes z * (1 - z), which is sigma' only when its argument is already the "
             "activation sigma(z): here it receives z, so use sigma(z) * (1 - sigma(z)).",
             z * (1 - z)),
            ("it has the wrong sign: sigma increases everywhere, so sigma'(z) > 0.",
             -logistic_slope(z)),
            ("it returns sigma(z) itself, not its derivative.", s),
            ("it computes e**z / (1 + e**-z)**2; the numerator is e**-z.",
             np.exp(z) * s ** 2),
            ("it computes sigma(z)**2; the derivative is sigma(z) * (1 - sigma(z)).", s ** 2),
        ]


def check_sigmoidPrime(function, ns):
    rng = np.random.default_rng(530)
    hard = np.linspace(10.0, 12.0, 6).reshape(2, 3)  # sigma(z) within 5e-5 of 1
    # A number travels to the kernel as a float (a 0-d array would arrive with shape (1,)).
    inputs = [rng.normal(0.0, 3.0, (4, 3)), np.linspace(-8.0, 8.0, 9).reshape(-1, 1), 0.7,
              rng.uniform(-2.0, 2.0, (2, 5))]
    W1, W2, _, _ = network_case(*NETWORKS[0][:4])
    network = _network(ns, W1, W2, 0.0)

    def one(z):
        what = (f"sigmoidPrime(self, z) for z of shape {z.shape}" if np.ndim(z)
                else f"sigmoidPrime(self, z) for the number z = {z}")
        got = _call(what, function, network, np.copy(z) if np.ndim(z) else z)
        numeric = (logistic(z + 1e-5) - logistic(z - 1e-5)) / 2e-5
        known = sigmoid_prime_mistakes(z)
        keys.near_miss(what, got, logistic_slope(z), REFERENCE_RTOL)
        checking.check_close(what, got, numeric, rtol=1e-7, mistakes=known,
                             hint="sigma'(z) works entry by entry: it has the shape of z.",
                             advice="The expected values are central differences of the "
                                    "sigmoid.")
        checking.check_close(what, got, logistic_slope(z), rtol=REFERENCE_RTOL, mistakes=known)

    _run_cases(one, [(z,) for z in inputs], hidden_mistakes("sigmoidPrime"))
    what = "sigmoidPrime(self, z) for z from 10 to 12, where sigma(z) is within 5e-5 of 1"
    keys.check_hard(what, _call(what, function, network, hard.copy()), logistic_slope(hard),
                    "the sigmoid is nearly flat, its slope tiny next to its value")


BUILTIN_SUM = ("Python's built-in sum adds along the first axis only: use np.sum, which adds "
               "up every entry.")
WEIGHTS_CHANGED = ("it changes the network's weights in place (an augmented assignment "
                   "such as W *= ... on W = self.W1, which is the same array): a cost or a "
                   "gradient only reads the weights; use W * ..., which makes a new array.")


def _check_weights_kept(what, network, W1, W2):
    """Fail if the student's code changed the weights of `network`, which held W1 and W2."""
    for name, before in (("W1", W1), ("W2", W2)):
        after = np.asarray(getattr(network, name), dtype=float)
        if after.shape != before.shape or not np.array_equal(after, before):
            raise checking.CheckFailure(f"{what} leaves self.{name} changed: {WEIGHTS_CHANGED}")


def check_costFunction(function, ns):
    def one(seed, D, H, n, Lambda):
        W1, W2, X, y = network_case(seed, D, H, n)
        what = f"costFunction(self, X, y) for {describe(D, H, n, Lambda)}"
        network = _network(ns, W1, W2, Lambda)
        got = keys.call_unchanged(what, ns, function, network, X, y, names=["self", "X", "y"],
                                  call=_caller(n))
        if isinstance(got, np.ndarray) and got.size > 1:
            raise checking.CheckFailure(f"{what} returned an array of shape {got.shape}; "
                                        f"expected a single number. {BUILTIN_SUM}")
        expected = cost(W1, W2, Lambda, X, y)
        known = [(m, v) for m, v in cost_variants(W1, W2, Lambda, X, y)
                 if abs(v - expected) > 1e-9 * abs(expected)]
        # A one-element array is the series' form (built-in sum of the column of errors).
        checking.check_scalar(what, got, expected, rtol=COST_RTOL, mistakes=known,
                              one_element=True)
        _check_weights_kept(what, network, W1, W2)

    _run_networks(one, hidden_mistakes("costFunction"))


def _gradient_mistakes(W1, W2, Lambda, X, y, expected):
    """Return ([(message, dJdW1)], [(message, dJdW2)]) for the mistakes that change a part."""
    parts = ([], [])
    for message, switches in GRADIENT_MISTAKES:
        try:
            values = gradients(W1, W2, Lambda, X, y, **switches)
        except ValueError:  # this mistake does not fit the shapes of this case
            continue
        for part, value, right in zip(parts, values, expected):
            if checking.relative_error(value, right) > 1e-6:
                part.append((message, value))
    return parts


def check_costFunctionPrime(function, ns):
    def one(seed, D, H, n, Lambda):
        W1, W2, X, y = network_case(seed, D, H, n)
        network = _with_exact_sigmoid_prime(_network(ns, W1, W2, Lambda))
        what = f"costFunctionPrime(self, X, y) for {describe(D, H, n, Lambda)}"
        result = keys.call_unchanged(what, ns, function, network, X, y, names=["self", "X", "y"],
                                     call=_caller(n))
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise checking.CheckFailure(f"{what} returned {_kind(result)}; expected two "
                                        "arrays: return dJdW1, dJdW2")
        expected = gradients(W1, W2, Lambda, X, y)
        numeric = [checking.central_difference(lambda: cost(W1, W2, Lambda, X, y), W)
                   for W in (W1, W2)]
        known = _gradient_mistakes(W1, W2, Lambda, X, y, expected)
        for name, got, num, right, mistakes, W in zip(("dJdW1", "dJdW2"), result, numeric,
                                                      expected, known, (W1, W2)):
            hint = (f"costFunctionPrime returns (dJdW1, dJdW2) in that order; {name} has the "
                    f"shape of {name[3:]}, {W.shape}.")
            keys.near_miss(f"{name} of {what}", got, right, REFERENCE_RTOL)
            checking.check_gradient(f"{name} of {what}", got, num, tol=GRADIENT_TOL,
                                    mistakes=mistakes, hint=hint)
            checking.check_close(f"{name} of {what}", got, right, rtol=REFERENCE_RTOL,
                                 mistakes=mistakes, hint=hint)
        _check_weights_kept(what, network, W1, W2)

    _run_networks(one, hidden_mistakes("costFunctionPrime"))
    seed, D, H, n, Lambda = HARD_NETWORK
    W1, W2, X, y = network_case(seed, D, H, n)
    y = y + 1e6
    what = "costFunctionPrime(self, X, y) for targets a million away from the outputs"
    network = _with_exact_sigmoid_prime(_network(ns, W1, W2, Lambda))
    result = _call(what, function, network, X.copy(), y.copy())
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise checking.CheckFailure(f"{what} returned {_kind(result)}; expected two arrays.")
    for name, got, right in zip(("dJdW1", "dJdW2"), result, gradients(W1, W2, Lambda, X, y)):
        keys.check_hard(f"{name} of {what}", got, right,
                        "the cost, about 1e11, is huge next to its slopes")


def numerical_mistake_values(N, X, y, exact):
    """Return [(message, value)]: what each typical mistake of computeNumericalGradient gives
    for the stand-in N (left as it was), without those that give the right value; the analytic
    gradient of N, if it has one, among them."""
    found = [(message, finite_differences(N, X, y, **switches))
             for message, switches in numerical_mistakes()]
    if N.analytic == "wrong":
        found.append((ANALYTIC, N.computeGradients(X, y)))
    return [(m, v) for m, v in found if checking.relative_error(v, exact) > 1e-6]


NUMERICAL_ADVICE = ("A relative error between 1e-6 and 1e-2 usually means one-sided "
                    "differences, or a step far larger than e = 1e-4.")
RESTORE_ADVICE = ("computeNumericalGradient must leave the network as it found it: end with "
                  "N.setParams(...) of the parameters it started from.")


def unrestored(start):
    """Return [(message, parameters)]: where an answer that does not put the parameters back
    leaves them, its last perturbation down (as in the series) or up."""
    last = np.zeros(start.size)
    last[-1] = STEP
    return [(RESTORE_ADVICE, start - last), (RESTORE_ADVICE, start + last)]


def check_computeNumericalGradient(function, ns):
    X, y = np.ones((3, 2)), np.ones((3, 1))  # the stand-ins ignore them

    def one(seed, size, analytic):
        bowl, twin = _bowl(ns, seed, size=size, analytic=analytic)
        start = twin.getParams()
        what = (f"computeNumericalGradient(N, X, y) for a cost with a known gradient "
                f"(stand-in {seed}, {size} parameter{'s' * (size != 1)})")
        got = checking.call(what, function, bowl, X, y)  # no network here: no transposes
        after = twin.getParams()  # the parameters the student's code last gave the stand-in
        exact = bowl_gradient(twin.bottom, twin.scales, start)
        copy = StandIn(bottom=twin.bottom, scales=twin.scales, params=start, analytic=analytic)
        checking.check_close(what, got, exact, rtol=GRADIENT_TOL,
                             mistakes=numerical_mistake_values(copy, X, y, exact),
                             hint=f"It has one entry per parameter, shape {start.shape}, like "
                                  "N.getParams().", advice=NUMERICAL_ADVICE)
        checking.check_close(f"the parameters of N after {what}", after, start, rtol=1e-12,
                             mistakes=unrestored(start), advice=RESTORE_ADVICE)

    messages = hidden_mistakes("computeNumericalGradient")
    nine = [case for case in NUMERICAL_CASES if case[1] == 9]
    _run_cases(one, nine, messages)
    try:
        _run_cases(one, [case for case in NUMERICAL_CASES if case[1] != 9], messages)
    except checking.CheckFailure as failure:
        raise checking.CheckFailure(f"{str(failure).rstrip('. ')}. It is right for the "
                                    f"stand-ins with nine parameters but not for this one: "
                                    f"{NINE}") from None


STALE = ("it is computed at the network's old parameters: call self.N.setParams(params) "
         "first, then ask the network for its cost and gradient.")


MINUS_GRADIENT = "it is minus the gradient: scipy minimizes, and needs the gradient itself."
MINUS_COST = "it is minus the cost: scipy minimizes, and needs the cost itself."
PARAMS_AS_GRADIENT = ("it returns params, the point scipy asks about, where the gradient "
                      "belongs: self.N.computeGradients(X, y).")
GRAD_THEN_COST = "returns (grad, cost); scipy expects the cost first: return cost, grad"
NOT_A_PAIR = "scipy's minimize with jac=True expects a pair: return cost, grad"
TWO_ARRAYS = ("scipy needs one vector of {size} numbers, laid out like getParams(): use "
              "self.N.computeGradients(X, y).")


def wrapper_mistakes(bottom, scales, old, params):
    """Return ([(message, cost)], [(message, gradient)]): what the typical mistakes of
    costFunctionWrapper return for a bowl that held `old` and is asked about `params`."""
    cost_at, gradient_at = bowl_cost(bottom, scales, params), bowl_gradient(bottom, scales, params)
    return ([(STALE, bowl_cost(bottom, scales, old)), (MINUS_COST, -cost_at)],
            [(STALE, bowl_gradient(bottom, scales, old)), (MINUS_GRADIENT, -gradient_at),
             (PARAMS_AS_GRADIENT, np.asarray(params, dtype=float))])


def check_costFunctionWrapper(function, ns):
    X, y = np.ones((3, 2)), np.ones((3, 1))  # the stand-ins ignore them
    trainer = _notebook(ns, "trainer")

    def one(seed):
        bowl, twin = _bowl(ns, seed)
        bottom, scales, old = twin.bottom, twin.scales, twin.getParams()
        params = old + np.random.default_rng(seed).normal(0.0, 0.5, old.size)
        what = (f"costFunctionWrapper(self, params, X, y) for a network stand-in with a known "
                f"cost (stand-in {seed})")
        result = _call(what, function, trainer(bowl), params.copy(), X, y)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise checking.CheckFailure(f"{what} returned {_kind(result)}; {NOT_A_PAIR}")
        got_cost, got_grad = result
        if np.size(got_cost) == params.size and np.size(got_grad) == 1:
            raise checking.CheckFailure(f"{what} {GRAD_THEN_COST}")
        if isinstance(got_grad, (tuple, list)):
            raise checking.CheckFailure(
                f"the gradient returned by {what} is a {_kind(got_grad)} of {len(got_grad)} "
                f"items; " + TWO_ARRAYS.format(size=params.size))
        if isinstance(got_cost, np.ndarray) and got_cost.ndim > 0:
            raise checking.CheckFailure(f"the cost returned by {what} is an array of shape "
                                        f"{got_cost.shape}; scipy needs a single number.")
        cost_mistakes, gradient_mistakes = wrapper_mistakes(bottom, scales, old, params)
        checking.check_scalar(f"the cost returned by {what}", got_cost,
                              bowl_cost(bottom, scales, params), rtol=COST_RTOL,
                              mistakes=cost_mistakes)
        checking.check_close(f"the gradient returned by {what}", got_grad,
                             bowl_gradient(bottom, scales, params), rtol=GRADIENT_TOL,
                             mistakes=gradient_mistakes,
                             hint="It is one vector laid out like getParams(): "
                                  "self.N.computeGradients(X, y).")

    def training(seed):
        bowl, twin = _bowl(ns, seed, held=False)  # BFGS calls it hundreds of times: kernel-side
        bottom, scales, start = twin.bottom, twin.scales, twin.getParams()
        what = f"training with your costFunctionWrapper (trainer.train, stand-in {seed})"
        checking.call(what, trainer(bowl).train, X, y, X, y)
        final = np.asarray(bowl.getParams(), dtype=float)
        best = optimize.minimize(lambda p: (bowl_cost(bottom, scales, p),
                                            bowl_gradient(bottom, scales, p)),
                                 start, jac=True, method="BFGS",
                                 options={"maxiter": TRAINER_MAXITER})
        reached = bowl_cost(bottom, scales, final)
        if reached > best.fun + 1e-8:
            raise checking.CheckFailure(
                f"{what} ended at the cost {reached:.3g}, but BFGS from the same start reaches "
                f"{best.fun:.3g}: check that costFunctionWrapper returns the cost and the "
                "gradient at params.")
        checking.check_close(f"the weights after {what}", final, best.x, rtol=TRAINED_RTOL)

    messages = hidden_mistakes("costFunctionWrapper")
    _run_cases(one, [(seed,) for seed in WRAPPER_SEEDS], messages)
    _run_cases(training, [(seed,) for seed in TRAINING_SEEDS], messages)


def hidden_mistakes(function):
    """The messages of the typical mistakes the hidden tests of `function` can name (read by
    course/coverage.py for docs/MISTAKES.md, and by the checks to pick the failure to show)."""
    one = np.ones((1, 1))
    found = {
        "sigmoidPrime": [m for m, _ in sigmoid_prime_mistakes(np.ones(1))]
        + [keys.FINITE_DIFFERENCE],
        "costFunction": [m for m, _ in cost_variants(one, one, 1.0, one, one)]
        + [BUILTIN_SUM, WEIGHTS_CHANGED, ONE_EXAMPLE],
        "costFunctionPrime": [m for m, _ in GRADIENT_MISTAKES]
        + [keys.FINITE_DIFFERENCE, WEIGHTS_CHANGED, ONE_EXAMPLE],
        "computeNumericalGradient": [m for m, _ in numerical_mistakes()]
        + [ANALYTIC, NO_ANALYTIC, NINE, RESTORE_ADVICE],
        "costFunctionWrapper": [STALE, MINUS_COST, MINUS_GRADIENT, PARAMS_AS_GRADIENT,
                                GRAD_THEN_COST, NOT_A_PAIR, TWO_ARRAYS.format(size=9)],
    }
    return found[function]


CHECKS = {
    "sigmoidPrime": check_sigmoidPrime,
    "costFunction": check_costFunction,
    "costFunctionPrime": check_costFunctionPrime,
    "computeNumericalGradient": check_computeNumericalGradient,
    "costFunctionWrapper": check_costFunctionWrapper,
}


def check(name, ns):
    """Check the notebook's function `name` on every hidden case.

    ns is the notebook's globals(): when grading, a view of the student's kernel. Its names
    are read, never bound (the objects the key builds live in the kernel unnamed). Raises
    checking.CheckFailure; when several cases fail, the failure raised is the first that names
    a known mistake, else the first.
    """
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    if not callable(ns.get(name)):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    CHECKS[name](ns[name], ns)


# --- values the public tests compare with ------------------------------------------------

# The visible tests' examples: the fixed network of the module's example_network (drawn from
# EXAMPLE_SEED: W1, W2, then X (5, 2) and y (5, 1)), the module's default Bowl(), and the
# inputs of the test of sigmoidPrime.
EXAMPLE_SEED = 2024
VISIBLE_BOWL_SEED = 5
VISIBLE_Z = np.linspace(-6, 6, 12).reshape(4, 3)
VISIBLE_LAMBDAS = (0.0, 0.01)


def visible_example():
    """Return (W1, W2, X, y): what the module's example_network(Network) holds."""
    rng = np.random.default_rng(EXAMPLE_SEED)
    W1, W2 = rng.normal(0.0, 1.0, (2, 3)), rng.normal(0.0, 1.0, (3, 1))
    return (W1, W2, rng.uniform(0.0, 1.0, (VISIBLE_EXAMPLES, 2)),
            rng.uniform(0.5, 1.0, (VISIBLE_EXAMPLES, 1)))


def _unambiguous(pairs, right):
    """The (message, value) pairs whose value is neither right nor that of another mistake:
    on this example, a value that two mistakes share would name one of them at random."""
    def same(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and checking.relative_error(a, b) <= 1e-6

    return [(m, v) for m, v in pairs if not same(v, right)
            and sum(same(v, other) for _, other in pairs) == 1]


def visible_mistakes():
    """{label: [(message, value)]}: what each typical mistake gives on the visible tests'
    examples, for readonly/mistakes.json (written at release). A label is the function's name,
    or "function:part" for one of the several values its visible test checks; the messages
    are the hidden tests' own, so that both name the same mistake."""
    found = {"sigmoidPrime": _unambiguous(sigmoid_prime_mistakes(VISIBLE_Z),
                                          logistic_slope(VISIBLE_Z)),
             "sigmoidPrime:0": _unambiguous(sigmoid_prime_mistakes(np.float64(0.0)), 0.25)}
    W1, W2, X, y = visible_example()
    for Lambda in VISIBLE_LAMBDAS:
        right = cost(W1, W2, Lambda, X, y)
        found[f"costFunction:{Lambda:g}"] = _unambiguous(cost_variants(W1, W2, Lambda, X, y),
                                                         right)
        expected = gradients(W1, W2, Lambda, X, y)
        for name, pairs, value in zip(("dJdW1", "dJdW2"),
                                      _gradient_mistakes(W1, W2, Lambda, X, y, expected),
                                      expected):
            found[f"costFunctionPrime:{Lambda:g}:{name}"] = _unambiguous(pairs, value)
    bowl = StandIn(VISIBLE_BOWL_SEED, analytic="wrong")  # the module's Bowl(analytic=False)
    start = bowl.getParams()
    exact = bowl_gradient(bowl.bottom, bowl.scales, start)
    found["computeNumericalGradient"] = _unambiguous(
        numerical_mistake_values(bowl, None, None, exact), exact)
    found["computeNumericalGradient:restored"] = unrestored(start)
    params = bowl.bottom + 0.5
    costs, grads = wrapper_mistakes(bowl.bottom, bowl.scales, start, params)
    found["costFunctionWrapper:cost"] = _unambiguous(costs, bowl_cost(bowl.bottom, bowl.scales,
                                                                      params))
    found["costFunctionWrapper:gradient"] = _unambiguous(
        grads, bowl_gradient(bowl.bottom, bowl.scales, params))
    return found


def example_values(W1, W2, X, y, Lambdas=(0.0, 0.01)):
    """Return {Lambda: (cost, dJdW1, dJdW2)} for the public tests' fixed network."""
    return {Lambda: (cost(W1, W2, Lambda, X, y), *gradients(W1, W2, Lambda, X, y))
            for Lambda in Lambdas}
