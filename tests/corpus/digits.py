"""Student answers for 06-digits, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose points in its
target's test cells (for train: test_train, test_train_update and test_train_momentum) and in
no other; a case with expect="full" is a correct answer written in another style and must keep
full marks. The tests hand every function correct inputs (train and predict get stand-in
networks), so no function's points depend on another's: DEPENDS is empty.

The finite-difference cases estimate dscores, softmax_jacobian or a backward_* numerically
instead of deriving it (from the scores log(probs), or from the labels read off dscores, or
from dscores times the scores, or the probabilities of moved scores; of the notebook's
functions or of a copy; central or forward differences): each passes
the visible check and must lose its function's points with a message that asks whether it is
a finite-difference estimate.

Other cases hold the answers to the invariants every graded function is held to: a softmax
shifted by something else than each row's maximum (rows whose scores spread over 2000), an
answer that writes into its arguments, a sampler that can never draw the first or the last
training example, a loop that stops before num_iters, and code in the convention of the 2016
two-layer-net handout (penalty 0.5 * reg * sum(W**2), gradient reg * W), which must be named.
"""

FUNCTIONS = ["forward", "softmax", "cost", "dscores", "softmax_jacobian", "batch_W",
             "backward_W2", "backward_b2", "backward_W1", "backward_b1", "train", "predict"]
DEPENDS = {}

SIGNATURES = {
    "forward": "forward(X, params)",
    "softmax": "softmax(scores)",
    "cost": "cost(probs, y, params, reg)",
    "dscores": "dscores(probs, y)",
    "softmax_jacobian": "softmax_jacobian(s)",
    "batch_W": "batch_W(inputs, deltas)",
    "backward_W2": "backward_W2(X, hidden, dscores, params, reg)",
    "backward_b2": "backward_b2(X, hidden, dscores, params, reg)",
    "backward_W1": "backward_W1(X, hidden, dscores, params, reg)",
    "backward_b1": "backward_b1(X, hidden, dscores, params, reg)",
    "predict": "predict(self, X)",
}
ATTACH = {"predict": "\n\nTwoLayerNet.predict = predict\n"}


def define(name, *body):
    """Return the source of a cell defining `name`, from its body lines (without indent)."""
    return (f"def {SIGNATURES[name]}:\n" + "".join(f"    {line}\n" for line in body)
            + ATTACH.get(name, ""))


TRAIN = '''def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95,
          reg=5e-6, num_iters=100, batch_size=200, verbose=False, momentum=0.0):
    num_train = X.shape[0]
    iterations_per_epoch = max(num_train // batch_size, 1)
    velocity = {name: np.zeros_like(value) for name, value in self.params.items()}
    loss_history, train_acc_history, val_acc_history = [], [], []
    for it in range(num_iters):
BATCH
        loss, grads = self.loss(X_batch, y=y_batch, reg=reg)
        loss_history.append(loss)
UPDATE
        if verbose and it % 100 == 0:
            print(f"iteration {it} / {num_iters}: loss {loss:f}")
        if (it + 1) % iterations_per_epoch == 0:
            train_acc_history.append(np.mean(self.predict(X_batch) == y_batch))
            val_acc_history.append(np.mean(self.predict(X_val) == y_val))
            learning_rate *= learning_rate_decay
    return {"loss_history": loss_history, "train_acc_history": train_acc_history,
            "val_acc_history": val_acc_history}


TwoLayerNet.train = train
'''
BATCH = ["indices = np.random.choice(num_train, batch_size)",
         "X_batch, y_batch = X[indices], y[indices]"]
UPDATE = ["for name in self.params:",
          "    velocity[name] = momentum * velocity[name] - learning_rate * grads[name]",
          "    self.params[name] = self.params[name] + velocity[name]"]


def train(batch=BATCH, update=UPDATE):
    """Return the source of a train cell with the given mini-batch and update lines."""
    def indent(lines):
        return "\n".join(" " * 8 + line for line in lines)
    return TRAIN.replace("BATCH", indent(batch)).replace("UPDATE", indent(update))


def wrong(name, target, cell):
    """Return a case whose `target` holds a mistake and must lose that function's points."""
    return dict(name=name, expect="loses", target=target, cells={target: cell})


def estimated(name, target, value, parameter, step, kind="central"):
    """Return a case whose `target` differentiates `value` (an expression of p, a copy of the
    parameters, and of y, the labels read off dscores) numerically in p[parameter]: it must
    lose its points, with a message that says why."""
    if kind == "central":
        lines = ["    p[parameter][i] = keep + step", "    up = J(p)",
                 "    p[parameter][i] = keep - step", "    g[i] = (up - J(p)) / (2 * step)"]
    else:
        lines = ["    p[parameter][i] = keep + step", "    g[i] = (J(p) - base) / step"]
    cell = define(target, "y = np.argmin(dscores, axis=1)  # the only negative entry of a row",
                  "def J(p):", f"    return {value}",
                  f"parameter, step = {parameter!r}, {step!r}",
                  "p = {k: np.array(v, dtype=float) for k, v in params.items()}",
                  "g, base = np.zeros_like(p[parameter]), J(p)",
                  "for i in np.ndindex(*g.shape):", "    keep = p[parameter][i]", *lines,
                  "    p[parameter][i] = keep", "return g")
    return dict(wrong(name, target, cell), status_matches="finite-difference")


OWN_LOSS = ("-np.log(softmax(forward(X, p)[0])[np.arange(len(y)), y]).mean() "
            "+ reg * (np.sum(p['W1'] ** 2) + np.sum(p['W2'] ** 2))")


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


HIDDEN = 'hidden = relu(X @ params["W1"] + params["b1"])'
SHIFTED = "exps = np.exp(scores - scores.max(axis=1, keepdims=True))"
DATA = "data_loss = -np.log(probs[np.arange(len(y)), y]).mean()"
PENALTY = 'penalty = reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))'
DELTA = 'delta = (dscores @ params["W2"].T) * (hidden > 0)'
P_OF_S = ["exps = np.exp(s - s.max())", "p = exps / exps.sum()"]

CASES = [
    # forward: the first answer function of the notebook.
    wrong("forward_no_relu", "forward", define(
        "forward", 'hidden = X @ params["W1"] + params["b1"]',
        'return hidden @ params["W2"] + params["b2"], hidden')),
    wrong("forward_relu_on_scores", "forward", define(
        "forward", HIDDEN, 'return relu(hidden @ params["W2"] + params["b2"]), hidden')),
    wrong("forward_no_b2", "forward", define(
        "forward", HIDDEN, 'return hidden @ params["W2"], hidden')),
    wrong("forward_swapped_return", "forward", define(
        "forward", HIDDEN, 'return hidden, hidden @ params["W2"] + params["b2"]')),
    wrong("forward_bias_after_relu", "forward", define(
        "forward", 'hidden = relu(X @ params["W1"]) + params["b1"]',
        'return hidden @ params["W2"] + params["b2"], hidden')),

    # softmax
    wrong("softmax_no_shift", "softmax", define(
        "softmax", "exps = np.exp(scores)", "return exps / exps.sum(axis=1, keepdims=True)")),
    wrong("softmax_global_max", "softmax", define(
        "softmax", "exps = np.exp(scores - scores.max())",
        "return exps / exps.sum(axis=1, keepdims=True)")),
    wrong("softmax_columns", "softmax", define(
        "softmax", "exps = np.exp(scores - scores.max(axis=0, keepdims=True))",
        "return exps / exps.sum(axis=0, keepdims=True)")),
    wrong("softmax_no_keepdims", "softmax", define(
        "softmax", SHIFTED, "return exps / exps.sum(axis=1)")),
    wrong("softmax_whole_matrix", "softmax", define(
        "softmax", SHIFTED, "return exps / exps.sum()")),
    # The original's shift, written into the caller's scores.
    wrong("softmax_shifts_in_place", "softmax", define(
        "softmax", "scores -= np.max(scores, axis=1, keepdims=True)", "exps = np.exp(scores)",
        "return exps / np.sum(exps, axis=1, keepdims=True)")),
    # A shift by the row's mean survives a shift of a whole row, not a spread of over 1400.
    wrong("softmax_row_mean_shift", "softmax", define(
        "softmax", "exps = np.exp(scores - scores.mean(axis=1, keepdims=True))",
        "return exps / exps.sum(axis=1, keepdims=True)")),

    # cost
    wrong("cost_summed", "cost", define(
        "cost", "data_loss = -np.log(probs[np.arange(len(y)), y]).sum()", PENALTY,
        "return data_loss + penalty")),
    wrong("cost_half_penalty", "cost", define(
        "cost", DATA, PENALTY, "return data_loss + 0.5 * penalty")),
    wrong("cost_penalises_biases", "cost", define(
        "cost", DATA, "penalty = reg * sum(np.sum(p ** 2) for p in params.values())",
        "return data_loss + penalty")),
    wrong("cost_every_class", "cost", define(
        "cost", "data_loss = -np.log(probs).mean()", PENALTY, "return data_loss + penalty")),
    # The 2016 handout of the two-layer-net assignment, pasted in its own style.
    wrong("cost_2016_handout", "cost", define(
        "cost", "W1, W2 = params['W1'], params['W2']", "N = probs.shape[0]",
        "loss = np.sum(-np.log(probs[range(N), y])) / N",
        "loss += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))", "return loss")),
    wrong("cost_column_block", "cost", define(
        "cost", "data_loss = -np.log(probs[:, y]).mean()", PENALTY,
        "return data_loss + penalty")),

    # dscores
    wrong("dscores_no_minus_one", "dscores", define("dscores", "return probs / len(y)")),
    wrong("dscores_not_averaged", "dscores", define(
        "dscores", "grad = probs.copy()", "grad[np.arange(len(y)), y] -= 1", "return grad")),
    wrong("dscores_wrong_sign", "dscores", define(
        "dscores", "grad = -probs", "grad[np.arange(len(y)), y] += 1", "return grad / len(y)")),
    wrong("dscores_minus_one_everywhere", "dscores", define(
        "dscores", "return (probs - 1) / len(y)")),
    wrong("dscores_writes_into_probs", "dscores", define(
        "dscores", "probs[np.arange(len(y)), y] -= 1", "probs /= len(y)", "return probs")),
    wrong("dscores_column_block", "dscores", define(
        "dscores", "grad = probs.copy()", "grad[:, y] -= 1", "return grad / len(y)")),
    dict(wrong("dscores_differences_of_cost", "dscores", define(
        "dscores", "scores, grad = np.log(probs), np.zeros_like(probs)",
        'none = {"W1": np.zeros(1), "W2": np.zeros(1)}',
        "for i in np.ndindex(*scores.shape):", "    keep = scores[i]",
        "    scores[i] = keep + 1e-5", "    up = cost(softmax(scores), y, none, 0.0)",
        "    scores[i] = keep - 1e-5",
        "    grad[i] = (up - cost(softmax(scores), y, none, 0.0)) / 2e-5",
        "    scores[i] = keep", "return grad")), status_matches="finite-difference"),

    # softmax_jacobian
    wrong("jacobian_diagonal_only", "softmax_jacobian", define(
        "softmax_jacobian", *P_OF_S, "return np.diag(p)")),
    wrong("jacobian_plus_outer", "softmax_jacobian", define(
        "softmax_jacobian", *P_OF_S, "return np.diag(p) + np.outer(p, p)")),
    wrong("jacobian_negated", "softmax_jacobian", define(
        "softmax_jacobian", *P_OF_S, "return np.outer(p, p) - np.diag(p)")),
    wrong("jacobian_of_the_scores", "softmax_jacobian", define(
        "softmax_jacobian", "return np.diag(s) - np.outer(s, s)")),
    wrong("jacobian_sigmoid_diagonal", "softmax_jacobian", define(
        "softmax_jacobian", *P_OF_S, "return np.diag(p * (1 - p))")),
    wrong("jacobian_one_d_transpose", "softmax_jacobian", define(
        "softmax_jacobian", *P_OF_S, "return np.diag(p) - p @ p.T")),
    wrong("jacobian_of_log_softmax", "softmax_jacobian", define(
        "softmax_jacobian", *P_OF_S, "return np.eye(len(s)) - p")),
    wrong("jacobian_no_shift", "softmax_jacobian", define(
        "softmax_jacobian", "p = np.exp(s) / np.sum(np.exp(s))",
        "return np.diag(p) - np.outer(p, p)")),
    wrong("jacobian_shifts_in_place", "softmax_jacobian", define(
        "softmax_jacobian", "s -= s.max()", "p = np.exp(s) / np.exp(s).sum()",
        "return np.diag(p) - np.outer(p, p)")),
    dict(wrong("jacobian_by_differences", "softmax_jacobian", define(
        "softmax_jacobian", "def probabilities(v):", "    e = np.exp(v - v.max())",
        "    return e / e.sum()", "J, step = np.zeros((len(s), len(s))), 1e-5",
        "for k in range(len(s)):", "    up, down = s.copy(), s.copy()",
        "    up[k] += step", "    down[k] -= step",
        "    J[:, k] = (probabilities(up) - probabilities(down)) / (2 * step)", "return J")),
        status_matches="finite-difference"),

    # batch_W
    wrong("batch_W_transposed", "batch_W", define("batch_W", "return deltas.T @ inputs")),
    wrong("batch_W_averaged", "batch_W", define(
        "batch_W", "return inputs.T @ deltas / inputs.shape[0]")),
    wrong("batch_W_still_a_loop", "batch_W", define(
        "batch_W", "total = np.zeros((inputs.shape[1], deltas.shape[1]))",
        "for i in range(inputs.shape[0]):",
        "    total += np.outer(inputs[i], deltas[i])", "return total")),
    wrong("batch_W_entrywise", "batch_W", define(
        "batch_W", "return (inputs * deltas).sum(axis=0)")),

    # backward_W2, the worked example: a student may still break it.
    wrong("w2_no_factor_two", "backward_W2", define(
        "backward_W2", 'return hidden.T @ dscores + reg * params["W2"]')),
    wrong("w2_divided_twice", "backward_W2", define(
        "backward_W2", 'return hidden.T @ dscores / X.shape[0] + 2 * reg * params["W2"]')),
    wrong("w2_uses_inputs", "backward_W2", define(
        "backward_W2", 'return X.T @ dscores + 2 * reg * params["W2"]')),
    wrong("w2_2016_handout", "backward_W2", define(
        "backward_W2", "dW2 = np.dot(hidden.T, dscores)", "dW2 += reg * params['W2']",
        "return dW2")),
    wrong("w2_no_penalty", "backward_W2", define("backward_W2", "return hidden.T @ dscores")),
    estimated("w2_differences_of_cost", "backward_W2",
              "cost(softmax(forward(X, p)[0]), y, p, reg)", "W2", 1e-6),

    # backward_b2
    wrong("b2_divided_twice", "backward_b2", define("backward_b2", "return dscores.mean(axis=0)")),
    wrong("b2_penalised", "backward_b2", define(
        "backward_b2", 'return dscores.sum(axis=0) + 2 * reg * params["b2"]')),
    wrong("b2_summed_over_classes", "backward_b2", define(
        "backward_b2", "return dscores.sum(axis=1)")),
    wrong("b2_keepdims", "backward_b2", define(
        "backward_b2", "return dscores.sum(axis=0, keepdims=True)")),
    estimated("b2_forward_differences_through_dscores", "backward_b2",
              "np.sum(dscores * forward(X, p)[0])", "b2", 1e-7, kind="forward"),

    # backward_W1
    wrong("w1_relu_passes_negatives", "backward_W1", define(
        "backward_W1", 'delta = dscores @ params["W2"].T',
        'return X.T @ delta + 2 * reg * params["W1"]')),
    wrong("w1_no_factor_two", "backward_W1", define(
        "backward_W1", DELTA, 'return X.T @ delta + reg * params["W1"]')),
    wrong("w1_mask_by_activations", "backward_W1", define(
        "backward_W1", 'delta = (dscores @ params["W2"].T) * hidden',
        'return X.T @ delta + 2 * reg * params["W1"]')),
    wrong("w1_no_transpose", "backward_W1", define(
        "backward_W1", 'delta = (dscores @ params["W2"]) * (hidden > 0)',
        'return X.T @ delta + 2 * reg * params["W1"]')),
    wrong("w1_2016_handout", "backward_W1", define(
        "backward_W1", "dhidden = np.dot(dscores, params['W2'].T)", "dhidden[hidden <= 0] = 0",
        "dW1 = np.dot(X.T, dhidden)", "dW1 += reg * params['W1']", "return dW1")),
    wrong("w1_divided_twice", "backward_W1", define(
        "backward_W1", DELTA, 'return X.T @ delta / len(X) + 2 * reg * params["W1"]')),
    estimated("w1_differences_through_dscores", "backward_W1",  # the chain rule, then numbers
              "np.sum(dscores * forward(X, p)[0]) + reg * np.sum(p['W1'] ** 2)", "W1", 1e-5),

    # backward_b1
    wrong("b1_relu_passes_negatives", "backward_b1", define(
        "backward_b1", 'return (dscores @ params["W2"].T).sum(axis=0)')),
    wrong("b1_mask_includes_zero", "backward_b1", define(
        "backward_b1", 'delta = (dscores @ params["W2"].T) * (hidden >= 0)',
        "return delta.sum(axis=0)")),
    wrong("b1_divided_twice", "backward_b1", define(
        "backward_b1", DELTA, "return delta.mean(axis=0)")),
    wrong("b1_penalised", "backward_b1", define(
        "backward_b1", DELTA, 'return delta.sum(axis=0) + 2 * reg * params["b1"]')),
    estimated("b1_differences_of_own_loss", "backward_b1", OWN_LOSS, "b1", 1e-4),

    # train: the mini-batch ...
    wrong("train_batch_from_validation", "train", train(batch=[
        "indices = np.random.choice(X_val.shape[0], batch_size)",
        "X_batch, y_batch = X_val[indices], y_val[indices]"])),
    wrong("train_labels_drawn_separately", "train", train(batch=[
        "X_batch = X[np.random.choice(num_train, batch_size)]",
        "y_batch = y[np.random.choice(num_train, batch_size)]"])),
    wrong("train_same_batch_every_time", "train", train(batch=[
        "X_batch, y_batch = X[:batch_size], y[:batch_size]"])),
    wrong("train_whole_training_set", "train", train(batch=["X_batch, y_batch = X, y"])),
    # ... an upper bound that can never be drawn ...
    wrong("train_randint_never_draws_last", "train", train(batch=[
        "indices = np.random.randint(0, num_train - 1, batch_size)",
        "X_batch, y_batch = X[indices], y[indices]"])),
    wrong("train_generator_never_draws_last", "train", train(batch=[
        "rng = np.random.default_rng()",
        "indices = rng.integers(0, num_train - 1, size=batch_size)",
        "X_batch, y_batch = X[indices], y[indices]"])),
    wrong("train_never_draws_first", "train", train(batch=[
        "indices = np.random.randint(1, num_train, batch_size)",
        "X_batch, y_batch = X[indices], y[indices]"])),
    # ... a loop that stops before num_iters ...
    wrong("train_stops_when_the_loss_settles", "train", train(batch=[
        "if len(loss_history) > 1 and abs(loss_history[-1] - loss_history[-2]) < 1e-9:",
        "    break", *BATCH])),
    wrong("train_stops_when_validation_stalls", "train", train(batch=[
        "if len(val_acc_history) > 10 and max(val_acc_history[-10:]) <= max(val_acc_history[:-10]):",
        "    break", *BATCH])),
    wrong("train_capped_iterations", "train", train(batch=["if it >= 200:", "    break", *BATCH])),
    # ... and the update.
    wrong("train_steps_uphill", "train", train(update=[
        "for name in self.params:",
        "    velocity[name] = momentum * velocity[name] + learning_rate * grads[name]",
        "    self.params[name] = self.params[name] + velocity[name]"])),
    wrong("train_biases_frozen", "train", train(update=[
        "for name in ('W1', 'W2'):",
        "    velocity[name] = momentum * velocity[name] - learning_rate * grads[name]",
        "    self.params[name] = self.params[name] + velocity[name]"])),
    wrong("train_velocity_forgotten", "train", train(update=[
        "for name in self.params:",
        "    v = momentum * np.zeros_like(grads[name]) - learning_rate * grads[name]",
        "    self.params[name] = self.params[name] + v"])),
    wrong("train_velocity_undamped", "train", train(update=[
        "for name in self.params:",
        "    velocity[name] = velocity[name] - learning_rate * grads[name]",
        "    self.params[name] = self.params[name] + velocity[name]"])),

    # predict
    wrong("predict_down_the_columns", "predict", define(
        "predict", "return np.argmax(self.loss(X), axis=0)")),
    wrong("predict_lowest_score", "predict", define(
        "predict", "return np.argmin(self.loss(X), axis=1)")),
    wrong("predict_returns_scores", "predict", define("predict", "return self.loss(X)")),
    wrong("predict_highest_score_value", "predict", define(
        "predict", "return np.max(self.loss(X), axis=1)")),

    # Correct answers in other styles keep full marks.
    right("einsum_and_where", {
        "forward": define("forward",
                          "z = np.einsum('nd,dh->nh', X, params['W1']) + params['b1']",
                          "hidden = np.where(z > 0, z, 0)",
                          "scores = np.einsum('nh,hc->nc', hidden, params['W2']) + params['b2']",
                          "return scores, hidden"),
        "batch_W": define("batch_W", "return np.einsum('ni,nj->ij', inputs, deltas)"),
        "backward_W1": define("backward_W1",
                              "z = X @ params['W1'] + params['b1']",
                              "delta = np.where(z > 0, dscores @ params['W2'].T, 0.0)",
                              "return np.einsum('nd,nh->dh', X, delta) + 2 * reg * params['W1']"),
    }),
    right("one_hot_matrices", {
        "cost": define("cost", "N, C = probs.shape", "Y = np.eye(C)[y]",
                       "data_loss = -np.sum(Y * np.log(probs)) / N",
                       "weights = [params['W1'], params['W2']]",
                       "return data_loss + reg * sum(np.vdot(W, W) for W in weights)"),
        "softmax_jacobian": define("softmax_jacobian", *P_OF_S,
                                   "return p[:, None] * (np.eye(len(p)) - p[None, :])"),
        "dscores": define("dscores", "Y = np.zeros_like(probs)",
                          "Y[np.arange(len(y)), y] = 1", "return (probs - Y) / probs.shape[0]"),
        "backward_b1": define("backward_b1", "delta = dscores.dot(params['W2'].T)",
                              "delta[hidden <= 0] = 0", "return np.ones(len(X)) @ delta"),
    }),
    right("library_softmax_and_dot", {
        "softmax": define("softmax", "from scipy.special import softmax as scipy_softmax",
                          "return scipy_softmax(scores, axis=1)"),
        "batch_W": define("batch_W", "return np.dot(inputs.T, deltas)"),
        "backward_b2": define("backward_b2", "return np.sum(dscores, axis=0)"),
        "softmax_jacobian": define("softmax_jacobian",
                                   "from scipy.special import softmax as scipy_softmax",
                                   "p = scipy_softmax(s).reshape(-1, 1)",
                                   "return np.diagflat(p) - p @ p.T"),
    }),
    right("log_sum_exp_and_in_place", {
        "softmax": define("softmax", "shifted = scores - np.max(scores, axis=1)[:, None]",
                          "log_norm = np.log(np.sum(np.exp(shifted), axis=1))[:, None]",
                          "return np.exp(shifted - log_norm)"),
        "dscores": define("dscores", "grad = np.array(probs, dtype=float)",
                          "for i, label in enumerate(y):", "    grad[i, label] -= 1",
                          "grad /= len(y)", "return grad"),
        "cost": define("cost", "picked = np.choose(y, probs.T)",
                       "penalty = reg * (np.linalg.norm(params['W1']) ** 2 "
                       "+ np.linalg.norm(params['W2']) ** 2)",
                       "return float(np.mean(-np.log(picked)) + penalty)"),
    }),
    right("predict_through_forward", {
        "softmax_jacobian": define("softmax_jacobian", "C = len(s)",
                                   "shifted = s - np.max(s)",
                                   "p = np.exp(shifted) / np.sum(np.exp(shifted))",
                                   "J = np.empty((C, C))", "for c in range(C):",
                                   "    for k in range(C):",
                                   "        J[c, k] = p[c] * ((c == k) - p[k])", "return J"),
        "predict": define("predict", "scores, _ = forward(X, self.params)",
                          "return scores.argmax(axis=1)"),
        "backward_W2": define("backward_W2", "W2 = params['W2']",
                              "return np.dot(hidden.T, dscores) + 2.0 * reg * W2"),
    }),
    right("train_without_replacement_and_in_place", {
        "train": train(
            batch=["if it % iterations_per_epoch == 0:",
                   "    order = np.random.permutation(num_train)",
                   "start = (it % iterations_per_epoch) * batch_size",
                   "indices = order[start:start + batch_size]",
                   "X_batch = X[indices]", "y_batch = y[indices]"],
            update=["for name, value in self.params.items():",
                    "    velocity[name] *= momentum",
                    "    velocity[name] -= learning_rate * grads[name]",
                    "    value += velocity[name]"]),
    }),
    right("train_exclusive_bounds_used_right", {
        "train": train(batch=["indices = np.random.randint(0, num_train, size=batch_size)",
                              "X_batch = X[indices]", "y_batch = y[indices]"]),
        "softmax": define("softmax", "scores = scores - scores.max(axis=1, keepdims=True)",
                          "probs = np.exp(scores)",
                          "probs /= np.sum(probs, axis=1, keepdims=True)", "return probs"),
    }),
    right("train_generator_and_heavy_ball", {
        "train": train(
            batch=["rng = np.random.default_rng()",
                   "indices = rng.choice(num_train, size=batch_size, replace=False)",
                   "X_batch, y_batch = X[indices, :], y[indices]"],
            update=["for name in self.params:",
                    "    velocity[name] = momentum * velocity[name] + grads[name]",
                    "    self.params[name] = self.params[name] - learning_rate * velocity[name]"]),
        "backward_W1": define("backward_W1",
                              "mask = (hidden > 0).astype(float)",
                              "delta = (dscores @ params['W2'].T) * mask",
                              "return X.T.dot(delta) + reg * 2 * params['W1']"),
    }),
]
