"""Grader side: answer key for the hidden tests of 06-digits (a two-layer ReLU + softmax network).

The hidden part of each test cell calls `check(name, globals())` (or `check(name, globals(),
part)` for a further test cell of the same function). When grading, that runs in the grader's
process and `globals()` stands for the student's kernel (course/judge.py): the student's
functions run in the kernel on arguments that travel as data, and every comparison happens
here. The key shares no code with the notebook: its forward pass, log-softmax, loss and
backward pass are written here from the equations. (Called in process with a plain dict of
globals, as the fast tests do, the same code runs on ordinary objects.)

* softmax_jacobian gets one example's scores (C = 1, 2, 4, 6, 10, and scores near +-1000 or
  2000, where only a shifted softmax stays finite); its answer is compared with central finite
  differences of the key's softmax and with diag(p) - p p^T.
* The pure functions (forward, softmax, cost, dscores, batch_W and the four backward_*) get
  the inputs of several seeded cases: networks of other sizes, a single example, and sizes
  where D = H = C or H = C = N, so that a missing transpose, the wrong input or a sum over the
  wrong axis gives a wrong value (named below) instead of a numpy shape error. Gradients are
  compared with central finite differences of the key's own loss and with its own backward
  pass. Each function receives the key's own intermediate results (hidden layer, dscores), so
  a mistake in one function never costs another function's points.
* `train` runs on the read-only module's StandInNet (imported by the test cell), built in the
  kernel so that it hands every call of its loss and predict back to a `Recorder` here. The
  recorded mini-batches and every single update step are checked against what the student's
  own loop was given, whatever the rest of the notebook does. numpy's random state in the
  kernel is seeded for the run and restored.
* `predict` runs on the module's ScoresNet, whose loss(X) returns the key's scores; while it
  runs, the key's forward is planted in the notebook (and the student's put back), for
  answers that call forward(X, self.params) instead of self.loss(X).
* The speed of batch_W is measured with the grader's own clock (`check_batch_W_speed`): the
  student's batch_W on a long batch, the time its arrays take to reach the kernel subtracted,
  must take at most a quarter of the time the key's own loop over the examples takes here. The
  public part of the cell times it in the kernel, with a clock the student's code can reach;
  the hidden part alone decides.
* dscores, softmax_jacobian and the four backward_*, right on every case, are then tried on
  a hard case where finite differences lose their digits and an exact formula none (see
  course/keys/__init__.py): for dscores and softmax_jacobian, probabilities of 1e-9 beside
  others of 0.5 (each entry compared with its own size); for backward_*, dscores that are no
  labels' (P - Y) / N and scores near 1e8. A finite-difference estimate fails there, or on
  the ordinary cases as a near miss, and the message asks whether it is one.

* Invariants. The pure functions get the notebook's own objects as arguments, which the
  grader reads back after the call (keys.call_and_read_back), and one that writes into an
  argument fails, after its values are checked
  (ARGUMENTS_KEPT). softmax is also given rows whose scores spread over more than 2000, which
  only a shift by each row's maximum keeps finite (SPREAD). train is also run on default
  StandInNets, which record their mini-batches in the kernel: 30 batches of 2 from 3
  examples, where every example must come up (a seeded statistical check: a bound that
  excludes num_train - 1 never draws the last), and 600 iterations on a loss that settles at
  0 with accuracies that never change, all of which must run.

Every check passes `mistakes=[(teaching message, value that mistake gives), ...]` so that a
failure names the typical mistake it matches. The 2016 handout's penalty convention (0.5 *
reg * sum(W**2), gradient reg * W) is named as such (HANDOUT_2016). `hidden_mistakes` and
`visible_mistakes` tell course/coverage.py and readonly/mistakes.json what the tests name.

Convention, as in the notebook: one row per example. X is (N, D), y (N,), W1 (D, H), b1 (H,),
W2 (H, C), b2 (C,), the hidden layer (N, H) and the scores (N, C).
"""
from time import perf_counter as grader_clock  # bound here: the notebook cannot rebind it

import numpy as np

from course import checking, keys

FUNCTIONS = ("forward", "softmax", "cost", "dscores", "softmax_jacobian", "batch_W",
             "backward_W2", "backward_b2", "backward_W1", "backward_b1", "train", "predict")
PARTS = {"softmax": ("values", "overflow"), "batch_W": ("values", "speed"),
         "train": ("batch", "update", "momentum")}
PARAMETERS = ("W1", "b1", "W2", "b2")
BACKWARD = ("backward_W2", "backward_b2", "backward_W1", "backward_b1")
# (seed, N, D, H, C). Case 612 has a single example; in 613 D = H = C (every weight matrix is
# square and W1, W2 have one shape); in 614 H = C and N = C, so that a missing transpose of W2,
# an argmax or a sum over the wrong axis gives a value of the right shape.
CASES = (
    (611, 7, 5, 6, 4),
    (612, 1, 3, 4, 3),
    (613, 6, 4, 4, 4),
    (614, 5, 6, 5, 5),
    (615, 12, 8, 7, 10),
)
GRADIENT_TOL = 1e-6
REFERENCE_RTOL = 1e-7
# The long batches (N, p, q) on which batch_W must be FASTER times quicker than a loop over the
# examples. Narrow, so that sending it to the kernel (some 30 ms) costs little next to a loop
# over its many rows (some 100 ms, against a few ms for one matrix product). The loop is timed
# REPEATS times on a SHARE of the rows, scaled up; batch_W at most ROUNDS times, until the
# quickest call passes.
SPEED_BATCH = (50000, 1, 1)
FASTER = 4
REPEATS, SHARE, ROUNDS = 3, 5, 5

HINTS = {
    "forward": "scores (N, C) = hidden @ W2 + b2 with hidden (N, H) = max(0, X @ W1 + b1).",
    "softmax": "softmax(scores) has the shape of scores, (N, C): each row is exponentiated "
               "and divided by its own sum (axis=1, keepdims=True).",
    "dscores": "dL/dS has the shape of the scores, (N, C).",
    "softmax_jacobian": "the Jacobian of one example's C probabilities with respect to its C "
                        "scores is a (C, C) matrix: np.diag(p) - np.outer(p, p).",
    "batch_W": "batch_W(inputs, deltas) is (p, q) for inputs (N, p) and deltas (N, q): "
               "inputs.T (p, N) @ deltas (N, q) adds up the N outer products.",
    "backward_W2": "dL/dW2 has the shape of W2, (H, C): hidden.T (H, N) @ dscores (N, C).",
    "backward_b2": "dL/db2 has the shape of b2, (C,): add dscores up over the examples (axis=0).",
    "backward_W1": "dL/dW1 has the shape of W1, (D, H): X.T (D, N) @ (the hidden layer's "
                   "delta, N x H).",
    "backward_b1": "dL/db1 has the shape of b1, (H,): add the hidden layer's delta up over the "
                   "examples (axis=0).",
    "predict": "predict(X) returns one label per example, shape (N,): the index of the "
               "highest score in each row (np.argmax over axis=1).",
}
OVERFLOW = ("softmax returned NaN or infinite values for scores of size about 1000: np.exp "
            "overflows (or a whole row underflows to 0). Subtract each row's own maximum "
            "(axis=1, keepdims=True) before np.exp; the shift does not change the result.")
SPREAD = ("softmax returned NaN or infinite values for rows whose scores spread over more "
          "than 2000 (two near +1200, the others near -1200, around each row's own centre): a "
          "shift by the row's mean (or its minimum) leaves exponents above 709, where np.exp "
          "overflows. Subtract each row's maximum (axis=1, keepdims=True): then no exponent is "
          "above 0.")
SPREAD_CASES = ((663, 4, 3), (664, 5, 10))
JACOBIAN_OVERFLOW = ("softmax_jacobian returned NaN or infinite values for scores of size about "
                     "1000: np.exp overflows (or every exponential underflows to 0). Subtract "
                     "the largest score, s - s.max(), before np.exp; the shift does not change p.")
# (seed, C) of the ordinary cases of softmax_jacobian (C = 1: a single class, whose Jacobian
# is [[0]]), and (seed, C, offset) of the cases with scores of size about 1000.
JACOBIAN_CASES = ((681, 4), (682, 1), (683, 2), (684, 6), (685, 10))
JACOBIAN_BIG = ((686, 5, 1000.0), (687, 3, -1000.0), (688, 10, 2000.0))
# As readonly/digits_module.py's: what a function that wrote into its arguments is told.
ARGUMENTS_KEPT = ("the notebook's functions leave their arguments as they were, since the "
                  "caller may use them again: work on a copy (grad = probs.copy()), or write "
                  "x = x - m instead of x -= m.")
# The 2016 handout of the two-layer-net assignment penalised 0.5 * reg * sum(W**2), with
# gradient reg * W; this course penalises reg * sum(W**2), with gradient 2 * reg * W.
HANDOUT_2016 = ("the convention of the 2016 two-layer-net handout, penalty 0.5 * reg * "
                "sum(W**2) with gradient reg * W; this course's penalty is reg * (sum(W1**2) + "
                "sum(W2**2)), with gradient 2 * reg * W.")


# ---------------------------------------------------------------------------------------------
# The key's own network, written from the equations.

def relu(z):
    return np.where(z > 0, z, 0.0)


def forward(params, X):
    """Return (scores (N, C), hidden (N, H), z (N, H))."""
    z = np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"]
    hidden = relu(z)
    return np.einsum("nh,hc->nc", hidden, params["W2"]) + params["b2"], hidden, z


def log_softmax(scores):
    """Return log softmax of each row, computed stably through log-sum-exp."""
    top = scores.max(axis=1, keepdims=True)
    return scores - top - np.log(np.exp(scores - top).sum(axis=1, keepdims=True))


def probabilities(scores):
    return np.exp(log_softmax(scores))


def penalty(params, reg):
    return reg * sum(float(np.vdot(params[w], params[w])) for w in ("W1", "W2"))


def data_loss_of_scores(scores, y):
    return float(-log_softmax(scores)[np.arange(len(y)), y].mean())


def loss(params, X, y, reg):
    """Return the regularised loss: mean cross-entropy plus reg * (|W1|^2 + |W2|^2)."""
    return data_loss_of_scores(forward(params, X)[0], y) + penalty(params, reg)


def one_hot(y, C):
    return np.eye(C)[y]


def grad_scores(scores, y):
    """Return dL/dS = (P - Y) / N."""
    return (probabilities(scores) - one_hot(y, scores.shape[1])) / len(y)


def backward(params, X, hidden, dS, reg, *, mask="indicator", transpose=True, factor=2.0,
             bias_reg=False, divide=1, inputs1="X", inputs2="hidden", penalised=None,
             bias_axis=0):
    """Return {function name: gradient} for the four backward_* functions, maybe with a mistake.

    With the defaults this is the correct backward pass. The switches reproduce mistakes:
    mask ("indicator": the ReLU's derivative; "none": passed through for negative inputs;
    "values": multiplied by the activations themselves), transpose (False: W2 not transposed
    on the way back), factor (the penalty's factor: 2 is right, 1 or 0 are not), bias_reg (the
    penalty applied to the biases too), divide (how many times N divides the result: 1 is
    right, since dS is already averaged), inputs1 / inputs2 ("X" or "hidden": the inputs used
    for dW1 / dW2), penalised ("swapped": each weight gets the other weight's penalty term),
    bias_axis (the axis the bias gradients sum over: 0 is right).
    A mistake that does not fit the shapes raises ValueError.
    """
    N = X.shape[0]
    scale = float(N) ** (1 - divide)
    W1, b1, W2, b2 = (params[p] for p in PARAMETERS)
    sources = {"X": X, "hidden": hidden}
    d_hidden = dS @ (W2.T if transpose else W2)
    if mask == "indicator":
        d_z = d_hidden * (hidden > 0)
    elif mask == "values":
        d_z = d_hidden * hidden
    else:
        d_z = d_hidden
    pen1, pen2 = (W2, W1) if penalised == "swapped" else (W1, W2)
    return {
        "backward_W2": sources[inputs2].T @ dS * scale + factor * reg * pen2,
        "backward_b2": dS.sum(axis=bias_axis) * scale + (factor * reg * b2 if bias_reg else 0),
        "backward_W1": sources[inputs1].T @ d_z * scale + factor * reg * pen1,
        "backward_b1": d_z.sum(axis=bias_axis) * scale + (factor * reg * b1 if bias_reg else 0),
    }


# ---------------------------------------------------------------------------------------------
# Seeded cases.

def random_case(seed, N, D, H, C):
    """Return a dict: X (N, D), y (N,), params, reg, and the key's scores, hidden, probs, dS.

    The weights are large enough that the hidden layer has both active and silent units, and
    the biases are not zero, so that a penalty wrongly applied to them shows.
    """
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(0, 0.6, (D, H)), "b1": rng.normal(0, 0.5, H),
              "W2": rng.normal(0, 0.6, (H, C)), "b2": rng.normal(0, 0.5, C)}
    X = rng.normal(0, 1.5, (N, D))
    y = rng.integers(0, C, N)
    return make_case(X, y, params, float(rng.uniform(0.05, 0.3)))


def make_case(X, y, params, reg):
    """Return the case dict of inputs X, labels y, params and reg, with the key's results."""
    scores, hidden, _ = forward(params, X)
    return dict(X=X, y=y, params=params, reg=reg, scores=scores, hidden=hidden,
                probs=probabilities(scores), dS=grad_scores(scores, y))


def copies(case):
    """Fresh copies of a case's arrays, so that an answer that writes into them harms nothing."""
    return {k: ({p: v.copy() for p, v in case[k].items()} if k == "params" else
                case[k].copy() if isinstance(case[k], np.ndarray) else case[k]) for k in case}


def size_text(case):
    N, D = case["X"].shape
    H, C = case["params"]["W2"].shape
    return f"a {D}-{H}-{C} network and {N} example{'s' * (N != 1)}"


# ---------------------------------------------------------------------------------------------
# Mistakes: (message, function of the case returning the value the mistake gives).

def _sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))


def _forward_mistakes():
    def scores_of(c, hidden):
        return hidden @ c["params"]["W2"] + c["params"]["b2"]

    def z(c):
        return c["X"] @ c["params"]["W1"] + c["params"]["b1"]
    return {
        "scores": [
            ("the ReLU is missing: hidden = np.maximum(0, X @ W1 + b1), not X @ W1 + b1.",
             lambda c: scores_of(c, z(c))),
            ("the ReLU belongs to the hidden layer only: the scores hidden @ W2 + b2 are not "
             "passed through it.", lambda c: relu(scores_of(c, relu(z(c))))),
            ("b1 is missing: the hidden layer is max(0, X @ W1 + b1).",
             lambda c: scores_of(c, relu(c["X"] @ c["params"]["W1"]))),
            ("b2 is missing: the scores are hidden @ W2 + b2.",
             lambda c: relu(z(c)) @ c["params"]["W2"]),
            ("b1 is added after the ReLU; it belongs inside: max(0, X @ W1 + b1).",
             lambda c: scores_of(c, relu(c["X"] @ c["params"]["W1"]) + c["params"]["b1"])),
            ("the hidden layer uses the logistic sigmoid; this network's hidden layer is a "
             "ReLU, max(0, z).", lambda c: scores_of(c, _sigmoid(z(c)))),
            ("forward returns (hidden, scores); the order is (scores, hidden).",
             lambda c: c["hidden"]),
        ],
        "hidden": [
            ("b1 is added after the ReLU; it belongs inside: max(0, X @ W1 + b1).",
             lambda c: relu(c["X"] @ c["params"]["W1"]) + c["params"]["b1"]),
            ("hidden must be the ReLU's output max(0, X @ W1 + b1), not the weighted sums "
             "X @ W1 + b1.", z),
            ("forward returns (hidden, scores); the order is (scores, hidden).",
             lambda c: c["scores"]),
            ("b1 is missing: the hidden layer is max(0, X @ W1 + b1).",
             lambda c: relu(c["X"] @ c["params"]["W1"])),
        ],
    }


def _softmax_mistakes():
    def e(c, axis_max=1, keep=True):
        s = c["scores"]
        top = s.max(axis=axis_max, keepdims=True) if keep else s.max(axis=1)[None, :]
        return np.exp(s - top)
    return [
        ("each column is normalised (axis=0); the probabilities of one example are a row: "
         "use axis=1.", lambda c: e(c, 0) / e(c, 0).sum(axis=0, keepdims=True)),
        ("the row sums (or maxima) lose their axis: without keepdims=True an (N,) array is "
         "lined up with the columns, not the rows.",
         lambda c: e(c, keep=False) / e(c, keep=False).sum(axis=1)[None, :]),
        ("the row sums lose their axis: without keepdims=True an (N,) array is lined up with "
         "the columns, not the rows.", lambda c: e(c) / e(c).sum(axis=1)[None, :]),
        ("the whole matrix is normalised at once; each row (example) must sum to 1 on its own.",
         lambda c: e(c) / e(c).sum()),
        ("np.exp is missing: softmax divides exp(s_c) by the row's sum of exp(s_j).",
         lambda c: c["scores"] / c["scores"].sum(axis=1, keepdims=True)),
    ]


def _cost_mistakes():
    def data(c):
        return -np.log(c["probs"][np.arange(len(c["y"])), c["y"]])

    def w2(c, names=("W1", "W2")):
        return sum(float(np.sum(c["params"][n] ** 2)) for n in names)
    return [
        ("it adds the N examples up; the data loss is their average (np.mean, or divide by N).",
         lambda c: data(c).sum() + c["reg"] * w2(c)),
        ("the penalty is halved, 0.5 * reg * (sum(W1**2) + sum(W2**2)): that is "
         + HANDOUT_2016,
         lambda c: data(c).mean() + 0.5 * c["reg"] * w2(c)),
        ("the L2 penalty reg * (sum(W1**2) + sum(W2**2)) is missing.",
         lambda c: data(c).mean()),
        ("the penalty applies to the weights W1 and W2 only, not to the biases.",
         lambda c: data(c).mean() + c["reg"] * w2(c, PARAMETERS)),
        ("it averages -log p over every class; only the probability of the correct class "
         "y[i] counts: probs[np.arange(N), y].",
         lambda c: -np.log(c["probs"]).mean() + c["reg"] * w2(c)),
        ("probs[:, y] picks an N x N block; the probability of the correct class of example i "
         "is probs[np.arange(N), y].",
         lambda c: -np.log(c["probs"][:, c["y"]]).mean() + c["reg"] * w2(c)),
        ("it has the wrong sign: the loss is -log p, which is positive.",
         lambda c: -data(c).mean() + c["reg"] * w2(c)),
        ("the penalty uses the norms |W1| + |W2|; it is the sum of the squared entries.",
         lambda c: data(c).mean() + c["reg"] * (np.linalg.norm(c["params"]["W1"])
                                                + np.linalg.norm(c["params"]["W2"]))),
    ]


def _dscores_mistakes():
    def y1(c):
        return one_hot(c["y"], c["probs"].shape[1])
    N = lambda c: len(c["y"])  # noqa: E731

    def columns(c):
        wrong = c["probs"].copy()
        wrong[:, c["y"]] -= 1
        return wrong / N(c)
    return [
        ("the -1 on the correct class is missing: dL/dS = (P - Y) / N, where Y is 1 at "
         "[i, y[i]] and 0 elsewhere.", lambda c: c["probs"] / N(c)),
        ("it is N times too large: the loss is an average over the N examples, so divide "
         "P - Y by N.", lambda c: c["probs"] - y1(c)),
        ("it is divided by N twice.", lambda c: (c["probs"] - y1(c)) / N(c) ** 2),
        ("it has the wrong sign: dL/dS = (P - Y) / N, not (Y - P) / N.",
         lambda c: (y1(c) - c["probs"]) / N(c)),
        ("1 is subtracted from every class; only the correct class of each example loses 1.",
         lambda c: (c["probs"] - 1) / N(c)),
        ("probs[:, y] -= 1 changes whole columns; the correct classes are "
         "probs[np.arange(N), y].", columns),
    ]


def _jacobian_mistakes():
    """[(message, function of the scores s (C,) returning what that mistake gives)]."""
    def p(s):
        e = np.exp(s - s.max())
        return e / e.sum()

    def e(s):
        return np.exp(s - s.max())
    return [
        ("only diag(p): the off-diagonal entries -p_c p_k are missing. Every probability "
         "shares the denominator sum_j exp(s_j), so every score moves every probability.",
         lambda s: np.diag(p(s))),
        ("the sign of p p^T is wrong: dp/ds = diag(p) - p p^T, not diag(p) + p p^T.",
         lambda s: np.diag(p(s)) + np.outer(p(s), p(s))),
        ("it has the wrong sign: dp/ds = diag(p) - p p^T, not p p^T - diag(p).",
         lambda s: np.outer(p(s), p(s)) - np.diag(p(s))),
        ("diag(p) is missing: dp_c/ds_c = p_c - p_c^2, so the diagonal adds p_c.",
         lambda s: -np.outer(p(s), p(s))),
        ("it uses the scores s where the probabilities belong: diag(p) - p p^T with "
         "p = softmax(s).", lambda s: np.diag(s) - np.outer(s, s)),
        ("only the diagonal p_c (1 - p_c) is there, as if each probability were a sigmoid of "
         "its own score; the off-diagonal entries are -p_c p_k.",
         lambda s: np.diag(p(s) * (1 - p(s)))),
        ("the exponentials are not normalised: p = exp(s - s.max()) / sum(exp(s - s.max())).",
         lambda s: np.diag(e(s)) - np.outer(e(s), e(s))),
        ("p @ p.T of a 1-D array is a number (the sum of the p_c^2): .T does nothing to a 1-D "
         "array. The outer product p p^T is np.outer(p, p).",
         lambda s: np.diag(p(s)) - p(s) @ p(s)),
        ("p * p squares entry by entry (and broadcasts along the rows); p p^T is the outer "
         "product np.outer(p, p), entry (c, k) = p_c p_k.",
         lambda s: np.diag(p(s)) - p(s) * p(s)),
        ("that is the Jacobian of log p, I - 1 p^T (entry (c, k) = [c = k] - p_k); the "
         "Jacobian of p multiplies its row c by p_c.",
         lambda s: np.eye(len(s)) - p(s)[None, :]),
    ]


def _batch_mistakes():
    return [
        ("it is transposed: inputs.T @ deltas is (p, q); deltas.T @ inputs is (q, p).",
         lambda a, d: d.T @ a),
        ("it is divided by N: the loop adds the outer products up and does not average them.",
         lambda a, d: a.T @ d / len(a)),
        ("the products are taken entry by entry; the outer product of two rows needs every "
         "pair (i, j): a matrix product inputs.T @ deltas.", lambda a, d: (a * d).sum(axis=0)),
        ("only the last example counts: `total = np.outer(...)` replaces the sum at every "
         "example instead of adding to it.", lambda a, d: np.outer(a[-1], d[-1])),
        ("only the first example counts: the sum runs over all N examples.",
         lambda a, d: np.outer(a[0], d[0])),
        ("the inputs and the deltas are added up over the examples first, and their sums "
         "multiplied: np.outer(inputs.sum(axis=0), deltas.sum(axis=0)). The gradient adds up "
         "the products of each example's own pair.",
         lambda a, d: np.outer(a.sum(axis=0), d.sum(axis=0))),
    ]


def _backward_mistakes(name):
    """[(message, backward() switches)] for the mistakes a backward function can show."""
    found = [
        ("it is divided by N twice: dscores is already divided by N (it is the gradient of "
         "the average), so the sum over the batch needs no further division.", dict(divide=2)),
        ("it is N times too large.", dict(divide=0)),
    ]
    layer = name[-2:]
    if name in ("backward_W2", "backward_W1"):
        found += [
            (f"the penalty's gradient is missing its factor 2: reg * {layer} is "
             + HANDOUT_2016, dict(factor=1.0)),
            (f"the penalty's gradient 2 * reg * {layer} is missing.", dict(factor=0.0)),
        ]
    else:
        found += [(f"the penalty is applied to the bias; reg * (sum(W1**2) + sum(W2**2)) "
                   f"does not contain {layer}, so no 2 * reg * {layer} term.",
                   dict(bias_reg=True)),
                  ("it adds up over the wrong axis (axis=1, within each example); a bias "
                   "gradient adds up over the examples: axis=0.", dict(bias_axis=1))]
    if name == "backward_W2":
        found += [
            ("dL/dW2 multiplies dscores by the inputs of layer 2, hidden.T, not X.T.",
             dict(inputs2="X")),
            ("the penalty's gradient of W2 is 2 * reg * W2, not 2 * reg * W1.",
             dict(penalised="swapped")),
        ]
    if name in ("backward_W1", "backward_b1"):
        found += [
            ("the ReLU's gradient is passed through for negative inputs: the hidden layer's "
             "delta is (dscores @ W2.T) * (hidden > 0); units that are off pass nothing back.",
             dict(mask="none")),
            ("the hidden layer's delta is multiplied by the activations themselves; the ReLU's "
             "derivative is the indicator (hidden > 0), 1 or 0.", dict(mask="values")),
            ("W2 is not transposed: going back from the scores to the hidden layer multiplies "
             "by W2.T (dscores @ W2.T).", dict(transpose=False)),
        ]
    if name == "backward_W1":
        found += [
            ("dL/dW1 multiplies the hidden layer's delta by the inputs of layer 1, X.T, not "
             "hidden.T.", dict(inputs1="hidden")),
            ("the penalty's gradient of W1 is 2 * reg * W1, not 2 * reg * W2.",
             dict(penalised="swapped")),
        ]
    return found


def mistake_values(known, expected):
    """Keep the (message, value) pairs whose value has the expected shape and differs from it."""
    values = []
    for message, value in known:
        value = np.asarray(value, dtype=float)
        if value.shape == expected.shape and checking.relative_error(value, expected) > 1e-6:
            values.append((message, value))
    return values


def _try(function, *args):
    try:
        with np.errstate(all="ignore"):
            return function(*args)
    except (ValueError, IndexError):  # the mistake does not fit this case's shapes
        return None


def _evaluate(known, *args):
    return [(message, value) for message, value in
            ((message, _try(function, *args)) for message, function in known) if value is not None]


# ---------------------------------------------------------------------------------------------
# The checks of the pure functions.

def _call(what, function, *args):
    with np.errstate(all="ignore"):  # an overflow is reported by the check, not as a warning
        return checking.call(what, function, *args)


# The parameters of the pure functions, as the notebook names them (for the messages).
PARAMETER_NAMES = {
    "forward": ("X", "params"), "softmax": ("scores",), "cost": ("probs", "y", "params", "reg"),
    "dscores": ("probs", "y"), "softmax_jacobian": ("s",), "batch_W": ("inputs", "deltas"),
    **{name: ("X", "hidden", "dscores", "params", "reg")
       for name in ("backward_W2", "backward_b2", "backward_W1", "backward_b1")},
}


def call_keeping(ns, what, name, *args):
    """Return (the notebook's name(*args), the names of the arguments it changed in place).

    The arguments travel to the kernel as copies, so the grader lends the notebook's own
    objects instead and reads them back after the call (keys.call_and_read_back): every array
    argument, and every array in a dict argument (params), is compared with what was given.
    Nothing in the kernel is asked."""
    result, after = keys.call_and_read_back(what, ns, ns[name], *args, call=_call)
    changed = []
    for label, before, now in zip(PARAMETER_NAMES[name], args, after):
        changed += _changed_arrays(label, before, now)
    return result, changed


def _changed_arrays(label, before, now):
    """The names of the arrays of one argument (itself, or a dict's values) that differ."""
    if isinstance(before, dict):
        now = now if isinstance(now, dict) else {}
        return [name for key, value in before.items() if isinstance(value, np.ndarray)
                for name in _changed_arrays(f"{label}[{key!r}]", value, now.get(key))]
    if not isinstance(before, np.ndarray):
        return []
    try:
        now = np.asarray(now, dtype=float)
    except (TypeError, ValueError):
        return [label]
    return [] if now.shape == before.shape and np.array_equal(now, before, equal_nan=True) else [label]


def check_kept(what, changed):
    """Fail if the function changed one of its arguments in place (checked after its values,
    so that a wrong value is named first)."""
    if changed:
        raise checking.CheckFailure(f"{what} changed its argument {changed[0]} in place: "
                                    + ARGUMENTS_KEPT)


def unpack_pair(what, result):
    """Return (scores, hidden) from forward's result, failing clearly on anything else."""
    if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)) or len(result) != 2:
        raise checking.CheckFailure(
            f"{what} returned {type(result).__name__}; it must return two arrays, "
            "`return scores, hidden` (the hidden layer is needed by the backward pass).")
    return result


def check_forward(ns, case):
    c = copies(case)
    what = f"forward(X, params) for {size_text(case)}"
    result, changed = call_keeping(ns, what, "forward", c["X"], c["params"])
    scores, hidden = unpack_pair(what, result)
    known = _forward_mistakes()
    N, H = case["hidden"].shape
    C = case["scores"].shape[1]
    checking.check_shape(f"{what}: scores", scores, (N, C), HINTS["forward"])
    checking.check_shape(f"{what}: hidden", hidden, (N, H), HINTS["forward"])
    for label, got in (("scores", scores), ("hidden", hidden)):
        expected = case[label]
        checking.check_close(f"{what}: {label}", got, expected, rtol=REFERENCE_RTOL,
                             mistakes=mistake_values(_evaluate(known[label], case), expected),
                             hint=HINTS["forward"])
    check_kept(what, changed)


def big_case(seed, N, C):
    """Scores of size about 1000, half the rows near +1000 and half near -1000."""
    rng = np.random.default_rng(seed)
    offsets = np.where(np.arange(N) % 2 == 0, 1000.0, -1000.0)[:, None]
    scores = rng.normal(0, 3, (N, C)) + offsets
    return dict(scores=scores, probs=probabilities(scores), overflow=OVERFLOW,
                what=f"softmax(scores) for scores of size about 1000, shape {(N, C)}")


def spread_case(seed, N, C, top=1200.0):
    """Rows whose scores spread over more than 2 * top: two scores near +top (so that the
    probabilities are not all 0 and 1), the others near -top, each row moved by an offset of
    its own. A row's maximum is then more than 709 above its mean and its minimum, so that
    only a shift by the maximum keeps np.exp finite."""
    rng = np.random.default_rng(seed)
    scores = -top + rng.normal(0, 5, (N, C))
    for row in scores:
        first, second = rng.choice(C, 2, replace=False)
        row[first], row[second] = top, top - rng.uniform(0.5, 2)
    scores += rng.uniform(-200, 200, (N, 1))
    return dict(scores=scores, probs=probabilities(scores),
                what=f"softmax(scores) for rows whose scores spread over more than "
                     f"{2 * top:g}, shape {(N, C)}", overflow=SPREAD)


def check_softmax(ns, case):
    """softmax on a case; a case with `overflow` (a message) fails with it on NaN or inf."""
    c = copies(case)
    what = case.get("what") or f"softmax(scores) for {size_text(case)}"
    got, changed = call_keeping(ns, what, "softmax", c["scores"])
    got = checking.check_shape(what, got, case["probs"].shape, HINTS["softmax"])
    if case.get("overflow") and not np.all(np.isfinite(got)):
        raise checking.CheckFailure(case["overflow"])
    known = mistake_values(_evaluate(_softmax_mistakes(), case), case["probs"])
    checking.check_close(what, got, case["probs"], rtol=REFERENCE_RTOL, mistakes=known,
                         advice="Each row of softmax(scores) must add up to 1.")
    check_kept(what, changed)


def jacobian_case(seed, C, offset=0.0):
    """One example's scores s (C,), spread over several units (and moved by `offset`), with
    the key's probabilities and Jacobian."""
    s = np.random.default_rng(seed).normal(0, 2, C) + offset
    p = probabilities(s[None, :])[0]
    return dict(s=s, p=p, jacobian=np.diag(p) - np.outer(p, p), big=bool(offset))


def numeric_jacobian(s):
    """dp/ds by central differences of the key's softmax, one row (probability) at a time."""
    s = s.copy()
    return np.array([checking.central_difference(lambda c=c: probabilities(s[None, :])[0, c], s)
                     for c in range(len(s))]).reshape(len(s), len(s))


def check_softmax_jacobian(ns, case):
    s = case["s"]
    C = len(s)
    what = (f"softmax_jacobian(s) for {C} scores of size about {abs(s.mean()):.0f}" if case["big"]
            else f"softmax_jacobian(s) for {C} score{'s' * (C != 1)}")
    got, changed = call_keeping(ns, what, "softmax_jacobian", s.copy())
    got = checking.check_shape(what, got, (C, C), HINTS["softmax_jacobian"])
    if case["big"] and not np.all(np.isfinite(got)):
        raise checking.CheckFailure(JACOBIAN_OVERFLOW)
    known = mistake_values(_evaluate(_jacobian_mistakes(), s), case["jacobian"])
    if not case["big"]:
        keys.near_miss(what, got, case["jacobian"], REFERENCE_RTOL)
        checking.check_close(f"{what}, against central finite differences of the softmax",
                             got, numeric_jacobian(s), rtol=GRADIENT_TOL, mistakes=known,
                             hint=HINTS["softmax_jacobian"])
    checking.check_close(what, got, case["jacobian"], rtol=REFERENCE_RTOL, mistakes=known,
                         hint=HINTS["softmax_jacobian"],
                         advice="Each row and each column of the Jacobian adds up to 0.")
    check_kept(what, changed)


def check_cost(ns, case):
    c = copies(case)
    what = f"cost(probs, y, params, reg) for {size_text(case)} and reg = {case['reg']:.3g}"
    expected = (-np.log(case["probs"][np.arange(len(case["y"])), case["y"]]).mean()
                + penalty(case["params"], case["reg"]))
    got, changed = call_keeping(ns, what, "cost", c["probs"], c["y"], c["params"], c["reg"])
    known = mistake_values(_evaluate(_cost_mistakes(), case), np.asarray(expected))
    checking.check_scalar(what, got, expected, rtol=REFERENCE_RTOL, mistakes=known)
    check_kept(what, changed)


def check_dscores(ns, case):
    c = copies(case)
    what = f"dscores(probs, y) for {size_text(case)}"
    scores = case["scores"].copy()
    numeric = checking.central_difference(lambda: data_loss_of_scores(scores, case["y"]), scores)
    got, changed = call_keeping(ns, what, "dscores", c["probs"], c["y"])
    known = mistake_values(_evaluate(_dscores_mistakes(), case), case["dS"])
    keys.near_miss(what, got, case["dS"], REFERENCE_RTOL)
    checking.check_gradient(what, got, numeric, tol=GRADIENT_TOL, mistakes=known,
                            hint=HINTS["dscores"])
    checking.check_close(what, got, case["dS"], rtol=REFERENCE_RTOL, mistakes=known,
                         hint=HINTS["dscores"])
    check_kept(what, changed)


def batch_inputs(seed, N, p, q):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (N, p)), rng.normal(0, 1, (N, q))


BATCH_CASES = ((621, 9, 4, 3), (622, 1, 5, 2), (623, 6, 3, 3), (624, 30, 7, 10))


def check_batch_W(ns, seed, N, p, q):
    inputs, deltas = batch_inputs(seed, N, p, q)
    what = f"batch_W(inputs, deltas) for inputs ({N}, {p}) and deltas ({N}, {q})"
    expected = np.einsum("ni,nj->ij", inputs, deltas)
    got, changed = call_keeping(ns, what, "batch_W", inputs.copy(), deltas.copy())
    known = mistake_values(_evaluate(_batch_mistakes(), inputs, deltas), expected)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=known,
                         hint=HINTS["batch_W"])
    check_kept(what, changed)


def loop_W(inputs, deltas):
    """The key's loop over the examples, which batch_W must beat FASTER times over."""
    total = np.zeros((inputs.shape[1], deltas.shape[1]))
    for a, g in zip(inputs, deltas):
        total += np.outer(a, g)
    return total


def timed(action):
    """Return the seconds that action() takes, by the grader's clock."""
    start = grader_clock()
    action()
    return grader_clock() - start


def check_batch_W_speed(ns):
    """batch_W on long batches: right, and FASTER times quicker than the key's loop here.

    Each call, timed here, carries its arrays to the kernel; so does planting them in the
    notebook (under a name of the key's, removed afterwards), which is timed in turn and
    subtracted, leaving the student's own work. The quickest of a few rounds counts, as a busy
    machine only ever adds time; each round has a batch of its own, so that an answer cannot
    be quick by remembering the last one. Whatever the notebook does to its clocks, a call
    cannot take less time here than it really takes.
    """
    N, p, q = SPEED_BATCH
    what = f"batch_W(inputs, deltas) for inputs ({N}, {p}) and deltas ({N}, {q})"
    batch_W, rows = ns["batch_W"], N // SHARE
    inputs, deltas = batch_inputs(629, N, p, q)
    budget = SHARE * min(timed(lambda: loop_W(inputs[:rows], deltas[:rows]))
                         for _ in range(REPEATS)) / FASTER
    results, calls, sends = [], [], []
    try:
        for seed in range(629, 629 + ROUNDS):
            inputs, deltas = batch_inputs(seed, N, p, q)
            calls.append(timed(lambda: results.append(_call(what, batch_W, inputs, deltas))))
            checking.check_close(what, results[-1], np.einsum("ni,nj->ij", inputs, deltas),
                                 rtol=REFERENCE_RTOL, hint=HINTS["batch_W"])
            sends.append(timed(lambda: ns.update({"_key_speed_batch": (inputs, deltas)})))
            if min(calls) - min(sends) <= budget:
                return
    finally:
        if sends:
            ns.update({"_key_speed_batch": None})  # so that removing it sends nothing back
            del ns["_key_speed_batch"]
    raise checking.CheckFailure(
        f"{what} takes {1e3 * (min(calls) - min(sends)):.3g} ms, against "
        f"{1e3 * budget * FASTER:.3g} ms for a loop over the examples: it must be at least "
        f"{FASTER} times faster. Compute it with one matrix product, inputs.T @ deltas, "
        "without a loop over the examples.")


def check_backward(ns, name, case):
    c = copies(case)
    what = f"{name}(X, hidden, dscores, params, reg) for {size_text(case)}"
    parameter = {"backward_W2": "W2", "backward_b2": "b2", "backward_W1": "W1",
                 "backward_b1": "b1"}[name]
    params = {p: v.copy() for p, v in case["params"].items()}
    numeric = checking.central_difference(
        lambda: loss(params, case["X"], case["y"], case["reg"]), params[parameter])
    expected = backward(case["params"], case["X"], case["hidden"], case["dS"], case["reg"])[name]
    known = []
    for message, switches in _backward_mistakes(name):
        value = _try(lambda: backward(case["params"], case["X"], case["hidden"], case["dS"],
                                      case["reg"], **switches)[name])
        if value is not None:
            known.append((message, value))
    known = mistake_values(known, expected)
    got, changed = call_keeping(ns, what, name, c["X"], c["hidden"], c["dS"], c["params"],
                                c["reg"])
    keys.near_miss(what, got, expected, REFERENCE_RTOL)
    checking.check_gradient(what, got, numeric, tol=GRADIENT_TOL * 10, mistakes=known,
                            hint=HINTS[name])
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=known,
                         hint=HINTS[name])
    check_kept(what, changed)


def check_dscores_hard(ns):
    """dscores, right on every case, for probabilities of about 1e-9 beside others of 0.5."""
    rng = np.random.default_rng(671)
    y = np.array([0, 2, 1, 3])
    scores = rng.normal(0, 0.3, (4, 5)) - 20 * (rng.uniform(size=(4, 5)) < 0.5)
    scores[np.arange(4), y] = 0.5
    probs = probabilities(scores)
    what = "dscores(probs, y) for probabilities of about 1e-9 beside others of 0.5"
    keys.check_hard(what, _call(what, ns["dscores"], probs.copy(), y.copy()),
                    grad_scores(scores, y), "the small entries are a billionth of the others",
                    entrywise=True)


def check_backward_hard(ns, name):
    """A backward function, right on every case, for dscores that are no labels' (P - Y) / N
    (the chain rule holds for any) and for scores near 1e8 (b2 is huge; no gradient uses it)."""
    case = random_case(672, 4, 3, 4, 3)
    params = dict(case["params"], b2=np.full(3, 1e8))
    dS = np.random.default_rng(673).normal(0, 0.2, (4, 3))
    what = f"{name}(X, hidden, dscores, params, reg) for dscores of no labels and scores near 1e8"
    got = _call(what, ns[name], case["X"].copy(), case["hidden"].copy(), dS.copy(),
                {p: v.copy() for p, v in params.items()}, case["reg"])
    keys.check_hard(what, got, backward(params, case["X"], case["hidden"], dS, case["reg"])[name],
                    "these dscores are not (P - Y) / N for any labels (the chain rule holds for "
                    "any dscores), and the scores are near 1e8")


def check_softmax_jacobian_hard(ns):
    """softmax_jacobian, right on every case, for scores whose probabilities are about 1e-9
    beside others of about 0.4 (each entry compared with its own size)."""
    s = np.array([0.5, 0.2, -20.1, -20.7, -19.8, 0.0])
    p = probabilities(s[None, :])[0]
    what = "softmax_jacobian(s) for probabilities of about 1e-9 beside others of about 0.4"
    keys.check_hard(what, _call(what, ns["softmax_jacobian"], s.copy()),
                    np.diag(p) - np.outer(p, p),
                    "its smallest entries, products of two probabilities of 1e-9, are a "
                    "billion billion times smaller than the largest", entrywise=True)


HARD = {"dscores": check_dscores_hard, "softmax_jacobian": check_softmax_jacobian_hard}
HARD.update({name: lambda ns, name=name: check_backward_hard(ns, name) for name in BACKWARD})


# ---------------------------------------------------------------------------------------------
# predict, on a stand-in network.

def kernel_class(ns, name):
    """Return the read-only module's class `name` as the notebook has it (imported by the test
    cell's public part), so that the student's code gets an object that lives in its kernel."""
    found = ns.get(name)
    if found is None:
        raise checking.CheckFailure(f"{name} is not defined: run the test cell from its first "
                                    "line, and do not define a name of your own called "
                                    f"{name}.")
    return found


def planted_forward(X, params):
    """The key's forward, in the notebook's signature, planted while predict is checked."""
    scores, hidden, _ = forward({p: np.asarray(v, dtype=float) for p, v in params.items()},
                                np.asarray(X, dtype=float))
    return scores, hidden


def check_predict(ns, case):
    what = f"predict(X) for {size_text(case)}"
    net = kernel_class(ns, "ScoresNet")(case["params"], case["scores"])
    got = _call(what, ns["predict"], net, case["X"].copy())
    expected = np.argmax(case["scores"], axis=1)
    known = mistake_values(_predict_mistakes(case["scores"], case["hidden"]),
                           expected.astype(float))
    checking.check_close(what, got, expected, rtol=0, mistakes=known, hint=HINTS["predict"])


def _predict_mistakes(scores, hidden):
    """[(message, value)] of predict's typical mistakes, for the scores and hidden layer."""
    return [
        ("it takes the argmax over axis 0, down the examples; the predicted class of example "
         "i is the largest entry of row i: axis=1.", np.argmax(scores, axis=0)),
        ("it picks the lowest score (argmin); the prediction is the class with the highest "
         "score (argmax).", np.argmin(scores, axis=1)),
        ("it returns the highest score itself; predict returns its index, the class label "
         "(np.argmax).", scores.max(axis=1)),
        ("it counts the classes from 1; they are numbered from 0, as the index that np.argmax "
         "returns.", np.argmax(scores, axis=1) + 1),
        ("it takes the argmax of the hidden layer, forward's second result; the scores come "
         "first: scores, hidden = forward(X, self.params).", np.argmax(hidden, axis=1)),
    ]


# ---------------------------------------------------------------------------------------------
# train, on a stand-in network that records what it is given.

class Recorder:
    """What a stand-in network does in a training run, kept in the grader and recorded.

    The student's train runs on the module's StandInNet (in the kernel), which hands every call
    of its loss to this object's method: the loss is a simple quadratic whose
    gradient depends on the parameters and on the mini-batch, so that every update step can be
    checked against exactly what the student's loop was given.
    """

    def __init__(self, seed, D=3, H=4, C=5):
        rng = np.random.default_rng(seed)
        shapes = {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
        self.start = {p: rng.normal(0, 1, s) for p, s in shapes.items()}
        self.targets = {p: rng.normal(0, 1, s) for p, s in shapes.items()}
        self.C = C
        self.calls = []  # one dict per training call of loss: X, y, params, grads, reg

    def loss(self, params, X, y=None, reg=0.0):
        X = np.asarray(X, dtype=float)
        if y is None:
            return np.zeros((X.shape[0], self.C))
        params = {p: np.array(params[p], dtype=float) for p in PARAMETERS}
        pull = float(np.mean(X)) if X.size else 0.0
        grads = {p: 0.5 * (v - self.targets[p]) + 0.1 * pull for p, v in params.items()}
        value = sum(0.25 * float(np.sum((v - self.targets[p]) ** 2)) for p, v in params.items())
        self.calls.append(dict(X=X.copy(), y=np.array(y, copy=True), reg=reg, params=params,
                               grads={p: g.copy() for p, g in grads.items()}))
        return value, grads

    def network(self, ns):
        """Return a StandInNet in the student's kernel that hands its loss to this recorder.

        Its predict stays in the kernel (it says class 0): the accuracies it feeds are the
        given bookkeeping, and every call across costs time.
        """
        return kernel_class(ns, "StandInNet")(params=self.start, loss=self.loss)


def training_problem(seed, N, D=3, N_val=15):
    """Return X (N, D), y (N,), X_val, y_val: distinct random rows, so every row is findable."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 1, (N, D)), rng.integers(0, 10, N),
            rng.normal(0, 1, (N_val, D)), rng.integers(0, 10, N_val))


def run_train(ns, net, data, seed, **options):
    """Run the student's train on the stand-in network `net` (in the kernel); return (its
    result, final parameters).

    numpy's global random state in the kernel (which np.random.choice draws from) is seeded
    for a repeatable run, and restored afterwards.
    """
    X, y, X_val, y_val = data
    random = getattr(ns.get("np"), "random", None)
    state = random.get_state() if random is not None else None
    try:
        if random is not None:
            random.seed(seed)
        result = checking.call("train(net, X, y, X_val, y_val, ...)", ns["train"], net, X, y,
                               X_val, y_val, **options)
        final = net.params
    finally:
        if state is not None:
            random.set_state(state)
    return result, {p: np.array(final[p], dtype=float) for p in PARAMETERS}


def _rows(X):
    return {row.tobytes(): i for i, row in enumerate(np.asarray(X, dtype=float))}


def check_batches(recorder, data, batch_size, num_iters):
    """Fail unless the recorded mini-batches are right; the messages name the usual mistakes."""
    X, y, X_val, y_val = data
    calls = recorder.calls
    if len(calls) != num_iters:
        raise checking.CheckFailure(
            f"train called the network's loss with labels {len(calls)} times in {num_iters} "
            "iterations; it should compute the loss of one mini-batch per iteration.")
    training, validation = _rows(X), _rows(X_val)
    indices = []
    for step, call in enumerate(calls):
        X_batch, y_batch = call["X"], np.asarray(call["y"])
        if X_batch.ndim != 2 or X_batch.shape[1] != X.shape[1]:
            raise checking.CheckFailure(f"the mini-batch X_batch has shape {X_batch.shape}; "
                                        f"expected ({batch_size}, {X.shape[1]}).")
        if X_batch.shape[0] == X.shape[0] and X.shape[0] != batch_size:
            raise checking.CheckFailure(
                f"{WHOLE_SET} ({X.shape[0]} examples); a "
                f"mini-batch holds batch_size = {batch_size} random examples.")
        if X_batch.shape[0] != batch_size:
            raise checking.CheckFailure(f"the mini-batch has {X_batch.shape[0]} examples; "
                                        f"expected batch_size = {batch_size}.")
        if y_batch.shape != (batch_size,):
            raise checking.CheckFailure(f"y_batch has shape {y_batch.shape}; expected "
                                        f"({batch_size},), one label per example of X_batch.")
        rows = [row.tobytes() for row in X_batch]
        if any(r in validation for r in rows):
            raise checking.CheckFailure(FROM_VALIDATION)
        if not all(r in training for r in rows):
            raise checking.CheckFailure("X_batch holds rows that are not examples of the "
                                        "training set X: index X with the sampled indices.")
        batch = [training[r] for r in rows]
        if not np.array_equal(y_batch, y[batch]):
            raise checking.CheckFailure(LABELS_APART)
        indices.append(tuple(batch))
    if num_iters > 1 and len(set(indices)) == 1:
        raise checking.CheckFailure(SAME_BATCH)


# Runs of train on the stand-in: (seed, N, batch_size, num_iters) for the mini-batches;
# (seed, N, batch_size, num_iters, learning_rate, learning_rate_decay) for plain steps;
# (seed, momentum, learning_rate) for momentum (not 0.9, the value of the public test). Each
# loss costs a call from the kernel to the grader, so the runs are short.
BATCH_RUNS = ((631, 40, 6, 5), (632, 25, 1, 4))
# (seed, N, batch_size, num_iters) of the runs on a default StandInNet, which records in the
# kernel: COVERAGE_RUN draws 60 indices from 3 (every one must come up), LONG_RUN is long.
COVERAGE_RUN = (633, 3, 2, 30)
LONG_RUN = (634, 12, 4, 600)
FROM_VALIDATION = ("the mini-batches come from the validation set: draw them from the training "
                   "set X, y; X_val and y_val only measure how well the network generalises.")
LABELS_APART = ("the labels y_batch do not belong to the examples X_batch: index X and y with the "
                "same random indices (draw the indices once per iteration).")
SAME_BATCH = ("every iteration uses the same mini-batch: draw new random indices in every "
              "iteration (np.random.choice(num_train, batch_size)).")
WHOLE_SET = "every iteration uses the whole training set"
NEVER_LAST = ("the last training example is never drawn: np.random.randint(0, num_train - 1, "
              "...) and rng.integers(0, num_train - 1, ...) exclude their upper bound. Draw the "
              "indices from all of range(num_train): np.random.choice(num_train, batch_size).")
NEVER_DRAWN = ("every training example must have its chance in every mini-batch: draw the "
               "indices from all of range(num_train), np.random.choice(num_train, batch_size).")
EARLY = ("train stops early. Run exactly num_iters iterations, as the given `for it in "
         "range(num_iters)` does, with no break, whatever the loss or the accuracies do.")
UPDATE_RUN = (641, 12, 4, 7, 0.4, 0.5)
MOMENTUM_RUN = (651, 0.7, 0.3)


def check_train_batch(ns):
    for seed, N, batch_size, num_iters in BATCH_RUNS:
        data = training_problem(seed, N)
        recorder = Recorder(seed)
        run_train(ns, recorder.network(ns), data, seed, learning_rate=0.1,
                  learning_rate_decay=1.0, reg=0.01, num_iters=num_iters,
                  batch_size=batch_size, momentum=0.0)
        check_batches(recorder, data, batch_size, num_iters)
    check_every_example_drawn(ns)
    check_every_iteration_runs(ns)


def kernel_batches(ns, run, **options):
    """Run the student's train on a default StandInNet, which records its mini-batches in the
    kernel (one round trip for the whole run, however long); return [(X_batch, y_batch)]."""
    seed, N, batch_size, num_iters = run
    net = kernel_class(ns, "StandInNet")()
    run_train(ns, net, training_problem(seed, N), seed, learning_rate_decay=1.0, reg=0.0,
              num_iters=num_iters, batch_size=batch_size, momentum=0.0, **options)
    return list(net.batches)


def check_every_example_drawn(ns):
    """A seeded statistical check: in COVERAGE_RUN's draws, every training example is drawn.

    A correct sampler misses a given example of 3 in 30 batches of 2 with a chance below 1e-7
    (with or without replacement); a bound that excludes num_train - 1 never draws it."""
    seed, N, batch_size, num_iters = COVERAGE_RUN
    X = training_problem(seed, N)[0]
    rows = _rows(X)
    drawn = {rows.get(row.tobytes()) for X_batch, _ in kernel_batches(ns, COVERAGE_RUN,
                                                                     learning_rate=0.1)
             for row in np.asarray(X_batch, dtype=float).reshape(-1, X.shape[1])}
    missing = sorted(set(range(N)) - drawn)
    if missing:
        what = (f"in {num_iters} iterations of batch_size = {batch_size} from a training set of "
                f"{N} examples, train never drew example {', '.join(map(str, missing))}")
        raise checking.CheckFailure(what + (": " + NEVER_LAST if missing == [N - 1] else
                                            ": " + NEVER_DRAWN))


def check_every_iteration_runs(ns):
    """train runs exactly num_iters iterations, also when the loss and the accuracies stop
    changing (LONG_RUN: the stand-in's loss falls to 0 within some 60 steps of 0.5, and its
    predict always says class 0)."""
    seed, N, batch_size, num_iters = LONG_RUN
    count = len(kernel_batches(ns, LONG_RUN, learning_rate=0.5))
    if count < num_iters:
        raise checking.CheckFailure(
            f"train ran {count} of num_iters = {num_iters} iterations on a stand-in whose loss "
            f"falls to 0 and whose accuracies never change: " + EARLY)
    if count > num_iters:
        raise checking.CheckFailure(f"train ran {count} iterations; num_iters = {num_iters} "
                                    "asks for exactly that many.")


def learning_rates(learning_rate, decay, num_iters, per_epoch):
    """The step size of each iteration; it decays at the end of each epoch, after each
    iteration `it` with (it + 1) % per_epoch == 0, as in the given code of train."""
    rates = []
    for it in range(num_iters):
        rates.append(learning_rate)
        if (it + 1) % per_epoch == 0:
            learning_rate *= decay
    return rates




def check_history(result, num_iters, per_epoch):
    keys = ("loss_history", "train_acc_history", "val_acc_history")
    if not isinstance(result, dict) or not all(k in result for k in keys):
        raise checking.CheckFailure("train must return the dict of the given code, with "
                                    "loss_history, train_acc_history and val_acc_history.")
    epochs = num_iters // per_epoch  # recorded at the end of each epoch
    for k, n in zip(keys, (num_iters, epochs, epochs)):
        if len(result[k]) != n:
            raise checking.CheckFailure(f"train's {k} has {len(result[k])} entries after "
                                        f"{num_iters} iterations; expected {n}. Leave the given "
                                        "bookkeeping in train as it is.")


def check_steps(recorder, final, rates, momentum, what):
    """Check every update step of a recorded run that ended at `final`; name the usual mistakes."""
    path = [call["params"] for call in recorder.calls] + [final]
    if len(path) - 1 != len(rates):
        raise checking.CheckFailure(f"{what} called the network's loss {len(path) - 1} times in "
                                    f"{len(rates)} iterations.")
    previous = {p: np.zeros_like(v) for p, v in path[0].items()}
    for t, rate in enumerate(rates):
        before, after, grads = path[t], path[t + 1], recorder.calls[t]["grads"]
        reg = recorder.calls[t]["reg"]
        for p in PARAMETERS:
            step = after[p] - before[p]
            taken = (previous[p], grads[p], rate, rates[0], reg, before[p])
            expected = momentum * previous[p] - rate * grads[p]
            known = mistake_values([(message, rule(*taken)) for message, rule in
                                    _step_rules(p, momentum)], expected)
            checking.check_close(f"{what}: the change of {p} in iteration {t}", step, expected,
                                 rtol=1e-9, mistakes=known)
            previous[p] = step


def _step_rules(p, momentum):
    """[(message, rule)] of the typical mistakes in the update of parameter p: rule(v, g, rate,
    first_rate, reg, w) is the step that mistake takes, given the step v of the iteration
    before, the gradient g, the learning rate of this iteration and of the first, the penalty
    strength and the parameter's value w."""
    rules = [
        (f"{p} is never updated: every parameter in self.params takes a step, biases "
         "included.", lambda v, g, rate, first, reg, w: np.zeros_like(g)),
        ("it steps uphill: the update subtracts learning_rate * grad.",
         lambda v, g, rate, first, reg, w: momentum * v + rate * g),
        ("the learning rate is missing from the step.",
         lambda v, g, rate, first, reg, w: momentum * v - g),
        ("the penalty's gradient is added again; grads already contains it.",
         lambda v, g, rate, first, reg, w: momentum * v - rate * (g + 2 * reg * w)),
        ("the old velocity is carried over in full: v = momentum * v - learning_rate * grad "
         "multiplies it by momentum.", lambda v, g, rate, first, reg, w: v - rate * g),
    ]
    if momentum:
        return rules + [
            ("the velocity is not carried from one iteration to the next: keep it in "
             "velocity[name] and update it there (v = momentum * v - learning_rate * grad).",
             lambda v, g, rate, first, reg, w: -rate * g),
            ("the momentum term has the wrong sign: v = momentum * v - learning_rate * grad.",
             lambda v, g, rate, first, reg, w: -momentum * v - rate * g),
        ]
    return rules + [
        ("the step size does not follow the decayed learning_rate: use the variable "
         "learning_rate, which the given code multiplies by learning_rate_decay once per "
         "epoch.", lambda v, g, rate, first, reg, w: -first * g)]


def check_train_update(ns):
    seed, N, batch_size, num_iters, rate, decay = UPDATE_RUN
    recorder = Recorder(seed)
    result, final = run_train(ns, recorder.network(ns), training_problem(seed, N), seed,
                              learning_rate=rate,
                              learning_rate_decay=decay, reg=0.05, num_iters=num_iters,
                              batch_size=batch_size, momentum=0.0)
    per_epoch = max(N // batch_size, 1)
    what = (f"train with learning_rate={rate}, learning_rate_decay={decay}, momentum=0 and "
            f"{per_epoch} iterations per epoch")
    check_steps(recorder, final, learning_rates(rate, decay, num_iters, per_epoch), 0.0, what)
    check_history(result, num_iters, per_epoch)


def check_train_momentum(ns):
    seed, momentum, rate = MOMENTUM_RUN
    recorder = Recorder(seed)
    num_iters = 6
    _, final = run_train(ns, recorder.network(ns), training_problem(seed, 18), seed,
                         learning_rate=rate,
                         learning_rate_decay=1.0, reg=0.05, num_iters=num_iters, batch_size=3,
                         momentum=momentum)
    what = f"train with momentum={momentum} and learning_rate={rate}"
    check_steps(recorder, final, [rate] * num_iters, momentum, what)


# ---------------------------------------------------------------------------------------------
# What the tests name: the hidden tests' messages, and the mistakes' values on the visible
# examples (readonly/mistakes.json, written at release; course/coverage.py).

def hidden_mistakes(function):
    """The messages of the mistakes the hidden tests of `function` can name."""
    if function in ("train", "predict"):
        return _hidden_mistakes(function)
    return _hidden_mistakes(function) + [ARGUMENTS_KEPT]


def _hidden_mistakes(function):
    if function == "forward":
        found = _forward_mistakes()
        return [m for m, _ in found["scores"] + found["hidden"]]
    if function == "train":
        return [FROM_VALIDATION, LABELS_APART, SAME_BATCH, WHOLE_SET, NEVER_LAST, NEVER_DRAWN,
                EARLY] + [
            m for momentum in (0.0, 0.5) for m, _ in _step_rules("b1", momentum)]
    return {
        "softmax": lambda: [m for m, _ in _softmax_mistakes()] + [OVERFLOW, SPREAD],
        "cost": lambda: [m for m, _ in _cost_mistakes()],
        "dscores": lambda: [m for m, _ in _dscores_mistakes()] + [keys.FINITE_DIFFERENCE],
        "softmax_jacobian": lambda: [m for m, _ in _jacobian_mistakes()] + [
            JACOBIAN_OVERFLOW, keys.FINITE_DIFFERENCE],
        "batch_W": lambda: [m for m, _ in _batch_mistakes()] + ["at least 4 times faster"],
        "predict": lambda: [m for m, _ in _predict_mistakes(np.zeros((1, 1)), np.zeros((1, 1)))],
    }.get(function, lambda: [m for m, _ in _backward_mistakes(function)]
          + [keys.FINITE_DIFFERENCE])()


# The visible examples (readonly/digits_module.py): the toy network and batch of the original
# assignment at TOY_REG; the biases-only network of the public tests; the rows of SPREAD_ROWS
# (their scores in the module as TOY_SPREAD); and the runs of train on a default StandInNet.
TOY_REG = 0.05
TOY_SHIFTS = np.array([[1000.0], [-1000.0], [800.0], [0.0], [-750.0]])
SPREAD_ROWS = (665, 3, 4)
# The visible test of softmax_jacobian: the first row of the toy scores, and that row moved
# by TOY_JACOBIAN_SHIFT.
TOY_JACOBIAN_SHIFT = 1000.0


def toy_case():
    """The toy case: TwoLayerNet(4, 10, 3, std=0.1)'s weights after np.random.seed(0), and
    X = 10 * randn(5, 4) after np.random.seed(1), y = [0, 1, 2, 2, 1]."""
    random = np.random.RandomState(0)
    params = {"W1": 0.1 * random.randn(4, 10), "b1": np.zeros(10),
              "W2": 0.1 * random.randn(10, 3), "b2": np.zeros(3)}
    X = 10 * np.random.RandomState(1).randn(5, 4)
    return make_case(X, np.array([0, 1, 2, 2, 1]), params, TOY_REG)


def biases_only(b1, b2):
    return {"W1": np.zeros((4, 10)), "b1": np.asarray(b1, dtype=float),
            "W2": np.zeros((10, 3)), "b2": np.asarray(b2, dtype=float)}


def _visible_forward(toy):
    found = {}
    bias = make_case(toy["X"], toy["y"], biases_only(np.linspace(-1, 1, 10), [0.5, -1, 2]), 0.0)
    for label, case in (("", toy), ("bias_", bias)):
        for part, known in _forward_mistakes().items():
            found[f"forward:{label}{part}"] = mistake_values(_evaluate(known, case), case[part])
    return found


def _visible_softmax(toy):
    shifted = dict(toy, scores=toy["scores"] + TOY_SHIFTS)
    spread = visible_spread()
    return {label: mistake_values(_evaluate(_softmax_mistakes(), case), case["probs"])
            for label, case in (("softmax", toy), ("softmax:overflow", shifted),
                                ("softmax:spread", spread))}


def visible_spread():
    """The scores (to 10 decimals, as readonly/digits_module.py's TOY_SPREAD holds them) and
    probabilities of the visible test's rows that spread over more than 2000."""
    scores = np.round(spread_case(*SPREAD_ROWS)["scores"], 10)
    return dict(scores=scores, probs=probabilities(scores))


def _visible_cost(toy):
    uniform = np.full((5, 3), 1 / 3)
    cases = {"cost": toy, "cost:uniform": dict(toy, probs=uniform, reg=0.0),
             "cost:biases": dict(toy, probs=uniform, reg=1.0, params=biases_only(np.ones(10),
                                                                                  np.ones(3)))}
    found = {}
    for label, c in cases.items():
        expected = (-np.log(c["probs"][np.arange(5), c["y"]]).mean()
                    + penalty(c["params"], c["reg"]))
        found[label] = mistake_values(_evaluate(_cost_mistakes(), c), np.asarray(expected))
    return found


def _visible_backward(toy):
    bias = dict(toy, dS=np.zeros((5, 3)), params=biases_only(np.ones(10), np.ones(3)), reg=1.0)
    found = {}
    for name in BACKWARD:
        for label, c in ((name, toy), (f"{name}:biases", bias)):
            if name.startswith("backward_W") and c is bias:
                continue
            args = (c["params"], c["X"], c["hidden"], c["dS"], c["reg"])
            known = [(m, _try(lambda: backward(*args, **switches)[name]))
                     for m, switches in _backward_mistakes(name)]
            found[label] = mistake_values([(m, v) for m, v in known if v is not None],
                                          backward(*args)[name])
    return found


def stand_in_start():
    """A default StandInNet's (params, targets): W1 (3, 2), b1 (2,), W2 (2, 2), b2 (2,), drawn
    from np.random.RandomState(6); each gradient is params - targets, whatever the batch."""
    random = np.random.RandomState(6)
    shapes = {"W1": (3, 2), "b1": (2,), "W2": (2, 2), "b2": (2,)}
    params = {p: random.randn(*shape) for p, shape in shapes.items()}
    return params, {p: random.randn(*shape) for p, shape in shapes.items()}


def simulated_run(p, rule, rates, momentum, reg=5e-6):
    """Where parameter p of a default StandInNet ends after train takes the steps of `rule`
    (see _step_rules; None: the right steps) at the given learning rates."""
    params, targets = stand_in_start()
    w, v = params[p], np.zeros_like(params[p])
    for rate in rates:
        g = w - targets[p]
        v = (momentum * v - rate * g) if rule is None else rule(v, g, rate, rates[0], reg, w)
        w = w + v
    return w


# The visible runs of train (12 examples, batch_size=4: 3 iterations per epoch, 5 iterations,
# learning_rate=0.5): {label part: (learning rates, momentum)}.
VISIBLE_RUNS = {"plain": (learning_rates(0.5, 0.5, 5, 3), 0.0), "momentum": ([0.5] * 5, 0.9)}


def _visible_train():
    found = {}
    for run, (rates, momentum) in VISIBLE_RUNS.items():
        for p in PARAMETERS:
            known = [(m, simulated_run(p, rule, rates, momentum))
                     for m, rule in _step_rules(p, momentum)]
            found[f"train:{run}_{p}"] = mistake_values(known, simulated_run(p, None, rates,
                                                                              momentum))
    return found


def visible_inputs(N=7, p=4, q=3):
    """The inputs and deltas of the visible test of batch_W (with N=4000, p=6, q=5: of its
    speed test, readonly/digits_module.py's speed_batch)."""
    random = np.random.default_rng(0)
    return random.normal(size=(N, p)), random.normal(size=(N, q))


def visible_mistakes():
    """{label: [(message, value)]}: what each typical mistake gives on the visible tests'
    examples, a label being a function's name or "function:part" (for readonly/mistakes.json)."""
    toy = toy_case()
    found = {**_visible_forward(toy), **_visible_softmax(toy), **_visible_cost(toy)}
    found["dscores"] = mistake_values(_evaluate(_dscores_mistakes(), toy), toy["dS"])
    for label, offset in (("softmax_jacobian", 0.0),
                          ("softmax_jacobian:large", TOY_JACOBIAN_SHIFT)):
        s = toy["scores"][0] + offset
        p = probabilities(s[None, :])[0]
        found[label] = mistake_values(_evaluate(_jacobian_mistakes(), s),
                                      np.diag(p) - np.outer(p, p))
    for label, sizes in (("batch_W", (7, 4, 3)), ("batch_W:speed", (4000, 6, 5))):
        inputs, deltas = visible_inputs(*sizes)
        found[label] = mistake_values(_evaluate(_batch_mistakes(), inputs, deltas),
                                      inputs.T @ deltas)
    found.update(_visible_backward(toy))
    found.update(_visible_train())
    found["predict"] = mistake_values(_predict_mistakes(toy["scores"], toy["hidden"]),
                                      np.argmax(toy["scores"], axis=1).astype(float))
    return found


# ---------------------------------------------------------------------------------------------
# The entry point of the hidden tests.

def _checks(name, ns, part):
    """Return the zero-argument checks that together make up check(name, ns, part)."""
    if name == "train":
        return [lambda: {"batch": check_train_batch, "update": check_train_update,
                         "momentum": check_train_momentum}[part](ns)]
    if name == "batch_W":
        if part == "speed":
            return [lambda: check_batch_W_speed(ns)]
        return [lambda case=case: check_batch_W(ns, *case) for case in BATCH_CASES]
    if name == "softmax_jacobian":
        cases = [jacobian_case(*case) for case in JACOBIAN_CASES]
        cases += [jacobian_case(*case) for case in JACOBIAN_BIG]
        return [lambda case=case: check_softmax_jacobian(ns, case) for case in cases]
    if name == "softmax" and part == "overflow":
        cases = [big_case(*case) for case in ((661, 6, 4), (662, 3, 10))]
        cases += [spread_case(*case) for case in SPREAD_CASES]
        return [lambda case=case: check_softmax(ns, case) for case in cases]
    one = {"forward": check_forward, "softmax": check_softmax, "cost": check_cost,
           "dscores": check_dscores, "predict": check_predict}.get(
               name, lambda ns, case: check_backward(ns, name, case))
    return [lambda case=case: one(ns, random_case(*case)) for case in CASES]


def check(name, ns, part=None):
    """Check the notebook's function `name` (one part of it, for a second test cell).

    ns is the notebook's globals(). Every check runs; when several fail, the failure raised
    is the first that names a known mistake, else the first; dscores and the backward
    functions, right on every case, are then checked on their HARD case. While predict is
    checked, the key's forward stands in for the notebook's (and is put back afterwards).
    Raises checking.CheckFailure.
    """
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    parts = PARTS.get(name, ("values",))
    part = part or parts[0]
    if part not in parts:
        raise ValueError(f"unknown part {part!r} of {name}; expected one of {parts}")
    if not callable(ns.get(name)):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    missing = object()
    saved = ns.get("forward", missing)
    if name == "predict":
        ns["forward"] = planted_forward
    failures = []
    try:
        for one in _checks(name, ns, part):
            try:
                one()
            except checking.CheckFailure as failure:
                failures.append(failure)
        if not failures and name in HARD:
            HARD[name](ns)
    finally:
        if name == "predict":
            if saved is missing:
                ns.pop("forward", None)
            else:
                ns["forward"] = saved
    if failures:
        messages = known_messages()
        named = [f for f in failures if any(m in str(f) for m in messages)]
        raise (named or failures)[0]


def known_messages():
    """Every message of a known mistake (to prefer, among failures, one that names a mistake)."""
    messages = [m for m, _ in _forward_mistakes()["scores"] + _forward_mistakes()["hidden"]]
    messages += [m for m, _ in _softmax_mistakes() + _cost_mistakes() + _dscores_mistakes()]
    messages += [m for m, _ in _batch_mistakes()] + [OVERFLOW]
    messages += [m for m, _ in _jacobian_mistakes()] + [JACOBIAN_OVERFLOW]
    for name in BACKWARD:
        messages += [m for m, _ in _backward_mistakes(name)]
    messages += [m for m, _ in _predict_mistakes(np.zeros((1, 1)), np.zeros((1, 1)))]
    messages += [SPREAD, NEVER_LAST, NEVER_DRAWN, EARLY, ARGUMENTS_KEPT]
    return messages
