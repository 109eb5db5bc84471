"""Student answers for 02-neuron, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose the points of
its target's test cell and of no other; a case with expect="full" is a correct answer written
in another style and must keep full marks. nn, loss, logistic and nn_logistic are worked
examples (plain cells) that a student may still break.

gradient may call nn, delta_w calls gradient, nn_logistic calls logistic, nn_predict and
gradient_logistic call nn_logistic, and train_or calls logistic and
sigmoid_derivative_from_output. Every test of a caller, public and hidden, runs it with
stand-ins or reference versions of its callees planted in the notebook, so a mistake in a
callee costs only the callee's points: DEPENDS is empty.

Other cases hold the faults an independent measurement found graded with full marks: an
answer that overwrites its argument in place (standardize, unstandardize,
sigmoid_derivative_from_output), a cross-entropy right only away from 0 and 1 (clipped, or
with an epsilon inside the logarithms), and training loops that stop before the epochs asked
for (once every example is right, or once the error is small).

The finite-difference cases estimate a derivative from a cost instead of deriving it (central
or forward differences, of the notebook's loss or of a copy of it, with several steps): each
passes the visible check and must lose its function's points with a message that asks whether
it is a finite-difference estimate.
"""

FUNCTIONS = ["nn", "loss", "gradient", "delta_w", "standardize", "unstandardize", "logistic",
             "nn_logistic", "nn_predict", "loss_logistic", "gradient_logistic",
             "sigmoid_derivative_from_output", "train_or"]
DEPENDS = {}

ARGS = {"nn": "x, w", "loss": "y, t", "gradient": "w, x, t",
        "delta_w": "w_k, x, t, learning_rate", "standardize": "X",
        "unstandardize": "w, b, mean, std", "logistic": "z", "nn_logistic": "x, w",
        "nn_predict": "x, w", "loss_logistic": "y, t", "gradient_logistic": "w, x, t",
        "sigmoid_derivative_from_output": "s", "train_or": "X, Y, epochs, learning_rate, seed"}


def define(name, *body, before=""):
    """Return the source of a cell defining `name`, from its body lines (without indent)."""
    return before + f"def {name}({ARGS[name]}):\n" + "".join(f"    {line}\n" for line in body)


def wrong(name, target, *body, before=""):
    """Return a case whose `target` holds a mistake and must lose that function's points."""
    return dict(name=name, expect="loses", target=target,
                cells={target: define(target, *body, before=before)})


def estimated(name, target, *body):
    """Return a case whose `target` is a finite-difference estimate: it must lose its points,
    with a message that says why."""
    return dict(wrong(name, target, *body), status_matches="finite-difference")


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


def training(update, start="W = np.random.default_rng(seed).normal(size=(X.shape[1], 1))",
             outputs="y = logistic(X @ W)"):
    """The lines of a train_or body with the given start, outputs and update lines."""
    return (start, "for _ in range(epochs):", f"    {outputs}", f"    {update}", "return W")


RIGHT_UPDATE = "W = W - learning_rate * X.T @ ((y - Y) * sigmoid_derivative_from_output(y))"
STANDARDIZE_END = ("return (X - mean) / std, mean, std",)

CASES = [
    # nn, a worked example: a student may still break it.
    wrong("nn_adds_the_weight", "nn", "return x + w"),
    wrong("nn_adds_a_bias", "nn", "return x * w + 1"),
    wrong("nn_squares_the_weight", "nn", "return x * w ** 2"),
    wrong("nn_sums_the_outputs", "nn", "return np.sum(x * w)"),

    # loss, a worked example.
    wrong("loss_sum_not_mean", "loss", "return np.sum((y - t) ** 2)"),
    wrong("loss_half", "loss", "return 0.5 * np.mean((y - t) ** 2)"),
    wrong("loss_root_mean_square", "loss", "return np.sqrt(np.mean((y - t) ** 2))"),
    wrong("loss_absolute", "loss", "return np.mean(np.abs(y - t))"),

    # gradient
    wrong("gradient_sign_flipped", "gradient", "return 2 * np.mean(x * (t - nn(x, w)))"),
    wrong("gradient_missing_two", "gradient", "return np.mean(x * (nn(x, w) - t))"),
    wrong("gradient_sum_not_mean", "gradient", "return 2 * np.sum(x * (nn(x, w) - t))"),
    wrong("gradient_through_squared_error", "gradient",
          "return 2 * np.mean(x * (nn(x, w) - t) ** 2)"),
    wrong("gradient_missing_x", "gradient", "return 2 * np.mean(nn(x, w) - t)"),

    wrong("gradient_for_the_visible_size", "gradient",
          "return 2 * np.sum(x * (nn(x, w) - t)) / 20"),

    estimated("gradient_central_differences_of_loss", "gradient", "h = 1e-6",
              "return (loss(nn(x, w + h), t) - loss(nn(x, w - h), t)) / (2 * h)"),
    estimated("gradient_forward_differences_of_own_loss", "gradient", "h = 1e-8",
              "def xi(v):", "    return np.mean((x * v - t) ** 2)",
              "return (xi(w + h) - xi(w)) / h"),

    # delta_w
    wrong("delta_w_adds_the_gradient", "delta_w", "return learning_rate * gradient(w_k, x, t)"),
    wrong("delta_w_returns_the_new_weight", "delta_w",
          "return w_k - learning_rate * gradient(w_k, x, t)"),
    wrong("delta_w_without_learning_rate", "delta_w", "return -gradient(w_k, x, t)"),

    # standardize
    wrong("standardize_along_rows", "standardize", "mean = X.mean(axis=1, keepdims=True)",
          "std = X.std(axis=1, keepdims=True)", *STANDARDIZE_END),
    wrong("standardize_over_everything", "standardize", "mean = X.mean()", "std = X.std()",
          *STANDARDIZE_END),
    wrong("standardize_sample_std", "standardize", "mean = X.mean(axis=0)",
          "std = X.std(axis=0, ddof=1)", *STANDARDIZE_END),
    wrong("standardize_only_centred", "standardize", "mean = X.mean(axis=0)",
          "std = X.std(axis=0)", "return X - mean, mean, std"),
    wrong("standardize_not_centred", "standardize", "mean = X.mean(axis=0)",
          "std = X.std(axis=0)", "return X / std, mean, std"),
    wrong("standardize_in_place", "standardize", "mean = X.mean(axis=0)", "std = X.std(axis=0)",
          "X -= mean", "X /= std", "return X, mean, std"),
    wrong("standardize_returns_std_first", "standardize", "mean = X.mean(axis=0)",
          "std = X.std(axis=0)", "return (X - mean) / std, std, mean"),

    # unstandardize
    wrong("unstandardize_as_is", "unstandardize", "return w, b"),
    wrong("unstandardize_no_mean_term", "unstandardize", "return w / std, b"),
    wrong("unstandardize_mean_term_sign", "unstandardize",
          "return w / std, b + np.sum(w * mean / std)"),
    wrong("unstandardize_in_place", "unstandardize", "w /= std",
          "return w, b - np.sum(w * mean)"),
    wrong("unstandardize_times_std", "unstandardize",
          "return w * std, b - np.sum(w * std * mean)"),

    # logistic, a worked example.
    wrong("logistic_exponent_sign", "logistic", "return 1 / (1 + np.exp(z))"),
    wrong("logistic_minus_in_denominator", "logistic", "return 1 / (1 - np.exp(-z))"),
    wrong("logistic_is_tanh", "logistic", "return np.tanh(z)"),

    # nn_logistic, a worked example.
    wrong("nn_logistic_not_squashed", "nn_logistic", "return x @ w"),
    wrong("nn_logistic_transposed", "nn_logistic", "return logistic(w.T @ x.T)"),
    wrong("nn_logistic_entry_by_entry", "nn_logistic", "return logistic(x * w.T)"),

    # nn_predict
    wrong("nn_predict_probabilities", "nn_predict", "return nn_logistic(x, w)"),
    wrong("nn_predict_threshold_zero", "nn_predict",
          "return (nn_logistic(x, w) >= 0).astype(float)"),
    wrong("nn_predict_ties_go_up", "nn_predict",
          "return (nn_logistic(x, w) >= 0.5).astype(float)"),
    wrong("nn_predict_flattened", "nn_predict",
          "return (nn_logistic(x, w) > 0.5).astype(float).ravel()"),

    # loss_logistic
    wrong("loss_logistic_sum_not_mean", "loss_logistic",
          "return -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y))"),
    wrong("loss_logistic_no_minus", "loss_logistic",
          "return np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))"),
    wrong("loss_logistic_one_term", "loss_logistic", "return -np.mean(t * np.log(y))"),
    wrong("loss_logistic_clipped", "loss_logistic", "y = np.clip(y, 1e-7, 1 - 1e-7)",
          "return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))"),
    wrong("loss_logistic_epsilon", "loss_logistic", "eps = 1e-15",
          "return -np.mean(t * np.log(y + eps) + (1 - t) * np.log(1 - y + eps))"),
    wrong("loss_logistic_one_element_array", "loss_logistic",
          "return -(t.T @ np.log(y) + (1 - t).T @ np.log(1 - y)) / len(t)"),
    wrong("loss_logistic_logs_swapped", "loss_logistic",
          "return -np.mean(t * np.log(1 - y) + (1 - t) * np.log(y))"),

    # gradient_logistic
    wrong("gradient_logistic_sign", "gradient_logistic",
          "return x.T @ (t - nn_logistic(x, w)) / x.shape[0]"),
    wrong("gradient_logistic_sum_not_mean", "gradient_logistic",
          "return x.T @ (nn_logistic(x, w) - t)"),
    wrong("gradient_logistic_extra_sigma_prime", "gradient_logistic", "y = nn_logistic(x, w)",
          "return x.T @ ((y - t) * y * (1 - y)) / len(x)"),
    wrong("gradient_logistic_transposed", "gradient_logistic",
          "return (nn_logistic(x, w) - t).T @ x / len(x)"),

    estimated("gradient_logistic_central_differences_of_loss", "gradient_logistic",
              "g = np.zeros_like(w, dtype=float)",
              "for j in range(w.shape[0]):",
              "    step = np.zeros_like(g)",
              "    step[j, 0] = 1e-5",
              "    g[j, 0] = (loss_logistic(nn_logistic(x, w + step), t)",
              "               - loss_logistic(nn_logistic(x, w - step), t)) / 2e-5",
              "return g"),
    estimated("gradient_logistic_central_differences_of_own_loss", "gradient_logistic",
              "def xi(v):", "    z = x @ v", "    return np.mean(np.logaddexp(0, z) - t * z)",
              "g = np.zeros_like(w, dtype=float)",
              "for j in range(w.shape[0]):",
              "    step = np.zeros_like(g)",
              "    step[j, 0] = 1e-4",
              "    g[j, 0] = (xi(w + step) - xi(w - step)) / 2e-4",
              "return g"),

    # sigmoid_derivative_from_output
    wrong("slope_squashes_again", "sigmoid_derivative_from_output",
          "return logistic(s) * (1 - logistic(s))"),
    wrong("slope_of_tanh", "sigmoid_derivative_from_output", "return 1 - s ** 2"),
    wrong("slope_wrong_sign", "sigmoid_derivative_from_output", "return s * (s - 1)"),
    wrong("slope_in_place", "sigmoid_derivative_from_output", "s *= 1 - s", "return s"),
    estimated("slope_central_differences_of_logistic", "sigmoid_derivative_from_output",
              "z = np.log(s) - np.log(1 - s)",
              "return (logistic(z + 1e-5) - logistic(z - 1e-5)) / 2e-5"),

    # train_or
    wrong("train_or_cost_times_cost_derivative", "train_or", *training(
        "cost = (Y - y) ** 2\n"
        "        W = W - learning_rate * X.T @ (cost * 2 * cost * sigmoid_derivative_from_output(y))")),
    wrong("train_or_other_start", "train_or", *training(
        RIGHT_UPDATE, start="np.random.seed(seed)\n    W = np.random.randn(X.shape[1], 1)")),
    wrong("train_or_slope_of_z", "train_or", *training(
        "W = W - learning_rate * X.T @ ((y - Y) * sigmoid_derivative_from_output(X @ W))")),
    wrong("train_or_uphill", "train_or", *training(
        "W = W + learning_rate * X.T @ ((y - Y) * sigmoid_derivative_from_output(y))")),
    wrong("train_or_stops_once_right", "train_or",
          "W = np.random.default_rng(seed).normal(size=(X.shape[1], 1))",
          "for _ in range(epochs):", "    y = logistic(X @ W)",
          "    if np.all((y > 0.5) == (Y == 1)):", "        break",
          f"    {RIGHT_UPDATE}", "return W"),
    wrong("train_or_stops_at_small_error", "train_or",
          "W = np.random.default_rng(seed).normal(size=(X.shape[1], 1))",
          "for _ in range(epochs):", "    y = logistic(X @ W)",
          "    if 0.5 * np.sum((y - Y) ** 2) < 1e-2:", "        break",
          f"    {RIGHT_UPDATE}", "return W"),
    wrong("train_or_mean_gradient", "train_or", *training(
        "W = W - learning_rate * X.T @ ((y - Y) * sigmoid_derivative_from_output(y)) / len(X)")),

    # Correct answers in other styles keep full marks.
    right("dot_products_and_lengths", {
        "gradient": define("gradient", "return 2 * np.dot(x, x * w - t) / len(x)"),
        "delta_w": define("delta_w", "slope = gradient(w_k, x, t)", "return -(learning_rate * slope)"),
        "loss_logistic": define("loss_logistic",
                                "total = np.sum(t * np.log(y)) + np.sum((1 - t) * np.log(1 - y))",
                                "return -total / len(t)"),
        "gradient_logistic": define("gradient_logistic",
                                    "return np.dot(x.T, nn_logistic(x, w) - t) / len(t)"),
        # np.round sends 0.5 to 0 (half to even): the course's tie rule.
        "nn_predict": define("nn_predict", "return np.round(nn_logistic(x, w))"),
        "unstandardize": define("unstandardize", "w_orig = w / std",
                                "return w_orig, b - np.dot(w_orig, mean)"),
    }),
    right("explicit_loops", {
        "gradient": define("gradient", "total = 0.0", "for xn, tn in zip(x, t):",
                           "    total += 2 * (xn * w - tn) * xn", "return total / len(x)"),
        "standardize": define("standardize", "X_std = np.empty_like(X, dtype=float)",
                              "mean = np.zeros(X.shape[1])", "std = np.zeros(X.shape[1])",
                              "for j in range(X.shape[1]):",
                              "    column = X[:, j]",
                              "    mean[j] = sum(column) / len(column)",
                              "    std[j] = (sum((column - mean[j]) ** 2) / len(column)) ** 0.5",
                              "    X_std[:, j] = (column - mean[j]) / std[j]",
                              "return X_std, mean, std"),
        "train_or": define("train_or",
                           "W = np.random.default_rng(seed).normal(size=(X.shape[1], 1))",
                           "for epoch in range(epochs):",
                           "    step = np.zeros_like(W)",
                           "    for n in range(X.shape[0]):",
                           "        out = logistic(X[n] @ W)",
                           "        delta = (out - Y[n]) * sigmoid_derivative_from_output(out)",
                           "        step += X[n].reshape(-1, 1) * delta",
                           "    W = W - learning_rate * step",
                           "return W"),
    }),
    right("stable_and_expit_forms", {
        "logistic": define("logistic", "return np.exp(-np.logaddexp(0, -z))"),
        "nn_logistic": define("nn_logistic", "return logistic(np.einsum('nd,do->no', x, w))"),
        "sigmoid_derivative_from_output": define("sigmoid_derivative_from_output",
                                                 "return s - s ** 2"),
    }),
    right("scipy_expit_and_sign_of_z", {
        "logistic": define("logistic", "return expit(z)", before="from scipy.special import expit\n\n\n"),
        "nn_predict": define("nn_predict", "z = x @ w", "return (z > 0).astype(int)"),
        "loss_logistic": define("loss_logistic",
                                "return -np.mean(np.where(t == 1, np.log(y), np.log(1 - y)))"),
    }),
    right("booleans_einsum_and_in_place", {
        "nn_predict": define("nn_predict", "return nn_logistic(x, w) > 0.5"),
        "gradient_logistic": define("gradient_logistic", "y = nn_logistic(x, w)",
                                    "return np.einsum('n,nd->d', (y - t)[:, 0], x)[:, None] / x.shape[0]"),
        "train_or": define("train_or",
                           "rng = np.random.default_rng(seed)",
                           "W = rng.standard_normal((X.shape[1], 1))",
                           "for _ in range(epochs):",
                           "    y = nn_logistic(X, W)",
                           "    W -= learning_rate * X.T @ ((y - Y) * sigmoid_derivative_from_output(y))",
                           "return W"),
    }),
    right("mean_keepdims_and_without_nn", {
        "gradient": define("gradient", "return np.mean(2 * (x * w - t) * x)"),
        "delta_w": define("delta_w", "return -learning_rate * 2 * np.mean(x * (x * w_k - t))"),
        "standardize": define("standardize", "mean = np.mean(X, axis=0, keepdims=True)",
                              "std = np.sqrt(np.mean((X - mean) ** 2, axis=0, keepdims=True))",
                              "return (X - mean) / std, mean[0], std[0]"),
        "unstandardize": define("unstandardize", "scaled = w / std",
                                "return scaled, float(b - (scaled * mean).sum())"),
        "sigmoid_derivative_from_output": define("sigmoid_derivative_from_output",
                                                 "return np.multiply(s, 1 - s)"),
    }),
    right("loss_and_nn_rewritten", {
        "nn": define("nn", "return np.multiply(w, x)"),
        "loss": define("loss", "d = y - t", "return np.dot(d, d) / d.size"),
    }),
]
