"""Student answers for 04-planar, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose the points of
its target's test cell and of no other; a case with expect="full" is a correct answer written
in another style and must keep full marks.

nn_model and predict call the other graded functions, but their tests replace those callees
(by stand-ins in the public part, by the key's reference versions in the hidden part) while
they run, so a mistake in a callee costs the callee's points only: DEPENDS is empty.

The finite-difference cases estimate backward_propagation's gradients from a cost instead of
deriving them (central or forward differences, of the notebook's forward_propagation and
compute_cost or of a copy of them, with several steps): each passes the visible check and must
lose backward_propagation's points with a message that asks whether it is a finite-difference
estimate.
"""

FUNCTIONS = ["layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
             "backward_propagation", "update_parameters", "nn_model", "predict", "rbf",
             "rbf_prime"]
DEPENDS = {}

SIGNATURES = {
    "layer_sizes": "layer_sizes(X, Y)",
    "initialize_parameters": "initialize_parameters(n_x, n_h, n_y)",
    "forward_propagation": "forward_propagation(X, parameters)",
    "compute_cost": "compute_cost(A2, Y)",
    "backward_propagation": "backward_propagation(parameters, cache, X, Y)",
    "update_parameters": "update_parameters(parameters, grads, learning_rate=1.2)",
    "nn_model": "nn_model(X, Y, n_h, num_iterations=10000, print_cost=False)",
    "predict": "predict(parameters, X)",
    "rbf": "rbf(z)",
    "rbf_prime": "rbf_prime(z)",
}


def define(name, *body):
    """Return the source of a cell defining `name`, from its body lines (without indent)."""
    return f"def {SIGNATURES[name]}:\n" + "".join(f"    {line}\n" for line in body)


def wrong(name, target, *body):
    """Return a case whose `target` holds a mistake and must lose that test's points."""
    return dict(name=name, expect="loses", target=target, cells={target: define(target, *body)})


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


INIT_BIASES = ("b1 = np.zeros((n_h, 1))", "b2 = np.zeros((n_y, 1))",
               'return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}')
UNPACK = ('W1, b1 = parameters["W1"], parameters["b1"]',
          'W2, b2 = parameters["W2"], parameters["b2"]')
FORWARD_END = ('cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}', "return A2, cache")
BACKWARD_START = ("m = X.shape[1]", 'W2 = parameters["W2"]', 'A1, A2 = cache["A1"], cache["A2"]')
DZ2 = "dZ2 = A2 - Y"
DW2 = "dW2 = dZ2 @ A1.T / m"
DB2 = "db2 = np.sum(dZ2, axis=1, keepdims=True) / m"
DZ1 = "dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)"
DW1 = "dW1 = dZ1 @ X.T / m"
DB1 = "db1 = np.sum(dZ1, axis=1, keepdims=True) / m"
GRADS = 'return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}'
NAMES = '("W1", "b1", "W2", "b2")'
LOOP = ("for i in range(num_iterations):",
        "    A2, cache = forward_propagation(X, parameters)",
        "    cost = compute_cost(A2, Y)",
        "    grads = backward_propagation(parameters, cache, X, Y)",
        "    parameters = update_parameters(parameters, grads)",
        "return parameters")
SIZES = ("n_x, _, n_y = layer_sizes(X, Y)",)


def backward(*lines):
    return ("backward_propagation",) + BACKWARD_START + lines


def estimated(name, cost, difference):
    """Return a case whose backward_propagation differentiates `cost` (a line computing J from
    p, a copy of the parameters) by `difference` (lines setting g from p, i and h, the entry
    i of parameter `name` perturbed in place): it must lose its points, saying why."""
    return dict(wrong(name, "backward_propagation",
                      "def J(p):", f"    {cost}",
                      "grads = {}",
                      "for name in parameters:",
                      "    p = {k: np.array(v, dtype=float) for k, v in parameters.items()}",
                      "    g = np.zeros_like(p[name])",
                      "    for i in np.ndindex(*g.shape):",
                      *[f"        {line}" for line in difference],
                      "    grads['d' + name] = g",
                      "return grads"),
                status_matches="finite-difference")


CENTRAL = ("keep = p[name][i]", "p[name][i] = keep + h", "up = J(p)", "p[name][i] = keep - h",
           "g[i] = (up - J(p)) / (2 * h)", "p[name][i] = keep")


CASES = [
    # layer_sizes (the first answer function)
    wrong("sizes_from_columns", "layer_sizes", "return (X.shape[1], 4, Y.shape[0])"),
    wrong("n_y_from_columns", "layer_sizes", "return (X.shape[0], 4, Y.shape[1])"),
    wrong("sizes_in_wrong_order", "layer_sizes",
          "n_x, n_h, n_y = X.shape[0], 4, Y.shape[0]", "return (n_x, n_y, n_h)"),
    wrong("hidden_size_not_four", "layer_sizes", "return (X.shape[0], X.shape[0], Y.shape[0])"),
    wrong("sizes_of_the_visible_example", "layer_sizes", "return (5, 4, 2)"),

    # initialize_parameters
    wrong("init_zero_weights", "initialize_parameters",
          "W1 = np.zeros((n_h, n_x))", "W2 = np.zeros((n_y, n_h))", *INIT_BIASES),
    wrong("init_not_scaled", "initialize_parameters",
          "W1 = np.random.randn(n_h, n_x)", "W2 = np.random.randn(n_y, n_h)", *INIT_BIASES),
    wrong("init_transposed", "initialize_parameters",
          "W1 = np.random.randn(n_x, n_h) * 0.01", "W2 = np.random.randn(n_h, n_y) * 0.01",
          *INIT_BIASES),
    wrong("init_seeds_inside", "initialize_parameters", "np.random.seed(2)",
          "W1 = np.random.randn(n_h, n_x) * 0.01", "W2 = np.random.randn(n_y, n_h) * 0.01",
          *INIT_BIASES),
    wrong("init_uniform", "initialize_parameters",
          "W1 = np.random.rand(n_h, n_x) * 0.01", "W2 = np.random.rand(n_y, n_h) * 0.01",
          *INIT_BIASES),
    wrong("init_random_biases", "initialize_parameters",
          "W1 = np.random.randn(n_h, n_x) * 0.01", "b1 = np.random.randn(n_h, 1) * 0.01",
          "W2 = np.random.randn(n_y, n_h) * 0.01", "b2 = np.random.randn(n_y, 1) * 0.01",
          INIT_BIASES[-1]),

    # forward_propagation
    wrong("forward_sigmoid_hidden", "forward_propagation", *UNPACK,
          "Z1 = W1 @ X + b1", "A1 = sigmoid(Z1)", "Z2 = W2 @ A1 + b2", "A2 = sigmoid(Z2)",
          *FORWARD_END),
    wrong("forward_tanh_output", "forward_propagation", *UNPACK,
          "Z1 = W1 @ X + b1", "A1 = np.tanh(Z1)", "Z2 = W2 @ A1 + b2", "A2 = np.tanh(Z2)",
          *FORWARD_END),
    wrong("forward_no_biases", "forward_propagation", *UNPACK,
          "Z1 = W1 @ X", "A1 = np.tanh(Z1)", "Z2 = W2 @ A1", "A2 = sigmoid(Z2)", *FORWARD_END),
    wrong("forward_feeds_z1", "forward_propagation", *UNPACK,
          "Z1 = W1 @ X + b1", "A1 = np.tanh(Z1)", "Z2 = W2 @ Z1 + b2", "A2 = sigmoid(Z2)",
          *FORWARD_END),
    wrong("forward_cache_swapped", "forward_propagation", *UNPACK,
          "Z1 = W1 @ X + b1", "A1 = np.tanh(Z1)", "Z2 = W2 @ A1 + b2", "A2 = sigmoid(Z2)",
          'cache = {"Z1": A1, "A1": Z1, "Z2": Z2, "A2": A2}', "return A2, cache"),

    # compute_cost
    wrong("cost_sign", "compute_cost", "m = Y.shape[1]",
          "return float(np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)"),
    wrong("cost_not_averaged", "compute_cost",
          "return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))"),
    wrong("cost_is_an_array", "compute_cost", "m = Y.shape[1]",
          "return -(np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)) / m"),
    wrong("cost_one_term", "compute_cost", "m = Y.shape[1]",
          "return float(-np.sum(Y * np.log(A2)) / m)"),
    wrong("cost_per_example", "compute_cost",
          "return -(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))"),
    # Probabilities near 0 and 1: a cost that guards its logarithms is not the cost.
    wrong("cost_clipped", "compute_cost", "m = Y.shape[1]",
          "A2 = np.clip(A2, 1e-8, 1 - 1e-8)",
          "return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)"),
    wrong("cost_epsilon_in_the_logarithms", "compute_cost", "m = Y.shape[1]", "eps = 1e-12",
          "return float(-np.sum(Y * np.log(A2 + eps) + (1 - Y) * np.log(1 - A2 + eps)) / m)"),

    # backward_propagation
    wrong("backward_tanh_prime_as_a1", *backward(
        DZ2, DW2, DB2, "dZ1 = (W2.T @ dZ2) * A1", DW1, DB1, GRADS)),
    wrong("backward_tanh_prime_not_squared", *backward(
        DZ2, DW2, DB2, "dZ1 = (W2.T @ dZ2) * (1 - A1)", DW1, DB1, GRADS)),
    wrong("backward_sigmoid_slope", *backward(
        DZ2, DW2, DB2, "dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)", DW1, DB1, GRADS)),
    wrong("backward_missing_one_over_m", *backward(
        DZ2, "dW2 = dZ2 @ A1.T", "db2 = np.sum(dZ2, axis=1, keepdims=True)", DZ1,
        "dW1 = dZ1 @ X.T", "db1 = np.sum(dZ1, axis=1, keepdims=True)", GRADS)),
    wrong("backward_db_wrong_axis", *backward(
        DZ2, DW2, DB2, DZ1, DW1, "db1 = np.sum(dZ1, axis=0, keepdims=True) / m", GRADS)),
    wrong("backward_db_no_keepdims", *backward(
        DZ2, DW2, "db2 = np.sum(dZ2, axis=1) / m", DZ1, DW1, "db1 = np.sum(dZ1, axis=1) / m",
        GRADS)),
    wrong("backward_sign", *backward(
        "dZ2 = Y - A2", DW2, DB2, DZ1, DW1, DB1, GRADS)),
    wrong("backward_extra_sigmoid_slope", *backward(
        "dZ2 = (A2 - Y) * A2 * (1 - A2)", DW2, DB2, DZ1, DW1, DB1, GRADS)),
    # Right gradients, but the cache's A2 is changed in place (dZ2 is another name for it).
    wrong("backward_changes_the_cache", *backward(
        "dZ2 = A2", "dZ2 -= Y", DW2, DB2, DZ1, DW1, DB1, GRADS)),
    # The same, for other sizes than the visible example's only: the hidden tests must see the
    # change in the kernel, where the function ran (through the notebook's after_call).
    dict(wrong("backward_changes_the_cache_for_other_sizes", *backward(
        "if m == 3:", "    dZ2 = A2 - Y", "else:", "    dZ2 = A2", "    dZ2 -= Y",
        DW2, DB2, DZ1, DW1, DB1, GRADS)), status_matches=r"it changes cache\['A2'\]"),
    # m read as the longer side of X: right for the visible example (2 x 3), not for N = 1.
    wrong("backward_m_from_the_longer_side", "backward_propagation", "m = max(X.shape)",
          *BACKWARD_START[1:], DZ2, DW2, DB2, DZ1, DW1, DB1, GRADS),

    estimated("backward_central_differences_of_cost",
              "return compute_cost(forward_propagation(X, p)[0], Y)", ("h = 1e-6",) + CENTRAL),
    estimated("backward_forward_differences_of_cost",
              "return compute_cost(forward_propagation(X, p)[0], Y)",
              ("base = J(p)", "p[name][i] += 1e-7", "g[i] = (J(p) - base) / 1e-7",
               "p[name][i] -= 1e-7")),
    estimated("backward_central_differences_of_own_cost",
              "A = 1 / (1 + np.exp(-(p['W2'] @ np.tanh(p['W1'] @ X + p['b1']) + p['b2'])))\n"
              "        return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))",
              ("h = 1e-4",) + CENTRAL),

    # update_parameters
    wrong("update_sign", "update_parameters",
          f"return {{n: parameters[n] + learning_rate * grads['d' + n] for n in {NAMES}}}"),
    wrong("update_ignores_learning_rate", "update_parameters",
          f"return {{n: parameters[n] - 1.2 * grads['d' + n] for n in {NAMES}}}"),
    wrong("update_plain_difference", "update_parameters",
          f"return {{n: parameters[n] - grads['d' + n] for n in {NAMES}}}"),
    dict(name="update_wrong_default", expect="loses", target="update_parameters",
         cells={"update_parameters": (
             "def update_parameters(parameters, grads, learning_rate=0.01):\n"
             "    return {n: parameters[n] - learning_rate * grads['d' + n]\n"
             f"            for n in {NAMES}}}\n")}),
    # Right values, but the caller's arrays are changed in place.
    wrong("update_in_place", "update_parameters", f"for n in {NAMES}:",
          "    parameters[n] -= learning_rate * grads['d' + n]", "return parameters"),
    wrong("update_in_place_through_names", "update_parameters",
          'W1, b1, W2, b2 = (parameters[n] for n in ("W1", "b1", "W2", "b2"))',
          'W1 -= learning_rate * grads["dW1"]', 'b1 -= learning_rate * grads["db1"]',
          'W2 -= learning_rate * grads["dW2"]', 'b2 -= learning_rate * grads["db2"]',
          'return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}'),
    dict(wrong("update_in_place_for_other_sizes", "update_parameters",
               "if parameters['W1'].shape == (2, 2):",
               f"    return {{n: parameters[n] - learning_rate * grads['d' + n] for n in {NAMES}}}",
               f"for n in {NAMES}:", "    parameters[n] -= learning_rate * grads['d' + n]",
               "return parameters"), status_matches=r"it changes parameters\['W1'\]"),
    wrong("update_bias_with_weight_gradient", "update_parameters",
          'W1 = parameters["W1"] - learning_rate * grads["dW1"]',
          'b1 = parameters["b1"] - learning_rate * grads["db1"]',
          'W2 = parameters["W2"] - learning_rate * grads["dW2"]',
          'b2 = parameters["b2"] - learning_rate * grads["dW2"]',
          'return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}'),

    # nn_model
    wrong("model_ignores_n_h", "nn_model", "n_x, n_h, n_y = layer_sizes(X, Y)",
          "parameters = initialize_parameters(n_x, n_h, n_y)", *LOOP),
    wrong("model_reinitialises_in_loop", "nn_model", *SIZES,
          "for i in range(num_iterations):",
          "    parameters = initialize_parameters(n_x, n_h, n_y)",
          *LOOP[1:]),
    wrong("model_drops_the_update", "nn_model", *SIZES,
          "parameters = initialize_parameters(n_x, n_h, n_y)", *LOOP[:4],
          "    update_parameters(parameters, grads)", "return parameters"),
    wrong("model_fixed_iterations", "nn_model", *SIZES,
          "parameters = initialize_parameters(n_x, n_h, n_y)",
          "for i in range(10000):", *LOOP[1:]),
    wrong("model_one_iteration_short", "nn_model", *SIZES,
          "parameters = initialize_parameters(n_x, n_h, n_y)",
          "for i in range(1, num_iterations):", *LOOP[1:]),
    wrong("model_one_iteration_too_many", "nn_model", *SIZES,
          "parameters = initialize_parameters(n_x, n_h, n_y)",
          "for i in range(num_iterations + 1):", *LOOP[1:]),

    # predict
    wrong("predict_probabilities", "predict",
          "A2, cache = forward_propagation(X, parameters)", "return A2"),
    wrong("predict_inverted", "predict",
          "A2, cache = forward_propagation(X, parameters)", "return A2 < 0.5"),
    wrong("predict_flattened", "predict",
          "A2, cache = forward_propagation(X, parameters)", "return (A2 > 0.5).ravel()"),
    wrong("predict_threshold_on_z2", "predict",
          "A2, cache = forward_propagation(X, parameters)", 'return cache["Z2"] > 0.5'),
    wrong("predict_swapped_arguments", "predict",
          "A2, cache = forward_propagation(parameters, X)", "return A2 > 0.5"),

    # Correct answers in other styles keep full marks.
    right("original_style", {
        "layer_sizes": define("layer_sizes", "n_x = X.shape[0]", "n_h = 4", "n_y = Y.shape[0]",
                              "return (n_x, n_h, n_y)"),
        "forward_propagation": define(
            "forward_propagation", 'W1 = parameters["W1"]', 'b1 = parameters["b1"]',
            'W2 = parameters["W2"]', 'b2 = parameters["b2"]',
            "Z1 = np.dot(W1, X) + b1", "A1 = np.tanh(Z1)", "Z2 = np.dot(W2, A1) + b2",
            "A2 = sigmoid(Z2)", "assert A2.shape == (1, X.shape[1])", *FORWARD_END),
        "compute_cost": define(
            "compute_cost", "m = Y.shape[1]",
            "logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)",
            "cost = -np.sum(logprobs) / m", "cost = float(np.squeeze(cost))", "return cost"),
        "backward_propagation": define(
            "backward_propagation", "m = X.shape[1]", 'W1 = parameters["W1"]',
            'W2 = parameters["W2"]', 'A1 = cache["A1"]', 'A2 = cache["A2"]',
            "dZ2 = A2 - Y", "dW2 = (1 / m) * np.dot(dZ2, A1.T)",
            "db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)",
            "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))",
            "dW1 = (1 / m) * np.dot(dZ1, X.T)",
            "db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)", GRADS),
        "update_parameters": define(
            "update_parameters", "import copy", 'W1 = copy.deepcopy(parameters["W1"])',
            'b1 = parameters["b1"]', 'W2 = copy.deepcopy(parameters["W2"])',
            'b2 = parameters["b2"]', 'W1 = W1 - learning_rate * grads["dW1"]',
            'b1 = b1 - learning_rate * grads["db1"]', 'W2 = W2 - learning_rate * grads["dW2"]',
            'b2 = b2 - learning_rate * grads["db2"]',
            'parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}', "return parameters"),
        "nn_model": define(
            "nn_model", "np.random.seed(3)", "n_x = layer_sizes(X, Y)[0]",
            "n_y = layer_sizes(X, Y)[2]", "parameters = initialize_parameters(n_x, n_h, n_y)",
            "for i in range(0, num_iterations):",
            "    A2, cache = forward_propagation(X, parameters)",
            "    cost = compute_cost(A2, Y)",
            "    grads = backward_propagation(parameters, cache, X, Y)",
            "    parameters = update_parameters(parameters, grads)",
            "    if print_cost and i % 1000 == 0:",
            '        print("Cost after iteration %i: %f" % (i, cost))',
            "return parameters"),
        "predict": define("predict", "A2, cache = forward_propagation(X, parameters)",
                          "predictions = (A2 > 0.5)", "return predictions"),
    }),
    # The original's template: the setup imports copy, and update_parameters starts from deep
    # copies of the weights without importing it again.
    right("original_update_with_deepcopy", {
        "update_parameters": define(
            "update_parameters", 'W1 = copy.deepcopy(parameters["W1"])',
            'b1 = parameters["b1"]', 'W2 = copy.deepcopy(parameters["W2"])',
            'b2 = parameters["b2"]', 'dW1 = grads["dW1"]', 'db1 = grads["db1"]',
            'dW2 = grads["dW2"]', 'db2 = grads["db2"]', "W1 = W1 - learning_rate * dW1",
            "b1 = b1 - learning_rate * db1", "W2 = W2 - learning_rate * dW2",
            "b2 = b2 - learning_rate * db2",
            'parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}', "return parameters"),
        "compute_cost": define(
            "compute_cost", "m = Y.shape[1]",
            "logprobs = np.multiply(np.log(A2), Y) + np.multiply((1 - Y), np.log(1 - A2))",
            "cost = -1 / m * np.sum(logprobs)", "cost = float(np.squeeze(cost))", "return cost"),
    }),
    # An older form of the original: np.dot, then np.squeeze, which leaves a 0-d array.
    right("original_cost_squeezed_dot", {
        "compute_cost": define(
            "compute_cost", "m = Y.shape[1]",
            "logprobs = np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)",
            "cost = -logprobs / m", "cost = np.squeeze(cost)", "return cost"),
        "update_parameters": define(
            "update_parameters", "new = copy.deepcopy(parameters)", f"for n in {NAMES}:",
            "    new[n] -= learning_rate * grads['d' + n]", "return new"),
        "backward_propagation": define(
            "backward_propagation", "m = X.shape[1]", "cache = copy.deepcopy(cache)",
            'A1, A2 = cache["A1"], cache["A2"]', "dZ2 = A2", "dZ2 -= Y",
            'dW2 = dZ2 @ A1.T / m', DB2, 'dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)',
            DW1, DB1, GRADS),
    }),
    right("means_and_keepdims", {
        "compute_cost": define("compute_cost",
                               "return -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))"),
        "backward_propagation": define(
            "backward_propagation", 'A1, A2 = cache["A1"], cache["A2"]', "dZ2 = A2 - Y",
            "dZ1 = (parameters['W2'].T @ dZ2) * (1 - A1 * A1)",
            "return {'dW1': dZ1 @ X.T / X.shape[1], 'db1': dZ1.mean(axis=1, keepdims=True),",
            "        'dW2': dZ2 @ A1.T / X.shape[1], 'db2': dZ2.mean(axis=1, keepdims=True)}"),
        "initialize_parameters": define(
            "initialize_parameters", "W1 = np.random.normal(0, 0.01, size=(n_h, n_x))",
            "W2 = np.random.normal(0, 0.01, size=(n_y, n_h))", *INIT_BIASES),
    }),
    right("recomputed_slopes", {
        "forward_propagation": define(
            "forward_propagation", 'Z1 = parameters["W1"] @ X + parameters["b1"]',
            "A1 = np.tanh(Z1)", 'Z2 = parameters["W2"] @ A1 + parameters["b2"]',
            "A2 = 1 / (1 + np.exp(-Z2))", "return A2, dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2)"),
        "backward_propagation": define(
            "backward_propagation", "m = Y.shape[1]", 'dZ2 = cache["A2"] - Y',
            'dZ1 = parameters["W2"].T @ dZ2 * (1 - np.tanh(cache["Z1"]) ** 2)',
            "grads = {}", 'grads["dW1"] = np.dot(dZ1, X.T) / m',
            'grads["db1"] = dZ1.sum(axis=1).reshape(-1, 1) / m',
            'grads["dW2"] = np.dot(dZ2, cache["A1"].T) / m',
            'grads["db2"] = dZ2.sum(axis=1).reshape(-1, 1) / m', "return grads"),
    }),
    right("loops_and_in_place_updates", {
        "layer_sizes": define("layer_sizes", "return [len(X), 4, len(Y)]"),
        "update_parameters": define(
            "update_parameters", "new = {}", "for name in parameters:",
            "    new[name] = parameters[name].copy()",
            "    new[name] -= learning_rate * grads['d' + name]", "return new"),
        "nn_model": define(
            "nn_model", "parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])",
            "for i in range(num_iterations):",
            "    A2, cache = forward_propagation(X, parameters)",
            "    grads = backward_propagation(parameters, cache, X, Y)",
            "    parameters = update_parameters(parameters, grads, learning_rate=1.2)",
            "    if print_cost and i % 1000 == 0:",
            "        print(f'Cost after iteration {i}: {compute_cost(A2, Y):.6f}')",
            "return parameters"),
    }),
    right("integer_predictions", {
        "predict": define("predict", "A2, _ = forward_propagation(X, parameters)",
                          "return np.where(A2 > 0.5, 1, 0)"),
        "compute_cost": define(
            "compute_cost", "m = A2.shape[1]",
            "cost = -(np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)) / m",
            "return cost.item()"),
    }),
    right("rounded_predictions_and_einsum", {
        "predict": define("predict", "return np.round(forward_propagation(X, parameters)[0])"),
        "backward_propagation": define(
            "backward_propagation", "m = X.shape[1]", 'dZ2 = cache["A2"] - Y',
            'dZ1 = np.einsum("ji,jk->ik", parameters["W2"], dZ2) * (1 - cache["A1"] ** 2)',
            'return {"dW1": np.einsum("ik,jk->ij", dZ1, X) / m,',
            '        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,',
            '        "dW2": np.einsum("ik,jk->ij", dZ2, cache["A1"]) / m,',
            '        "db2": np.sum(dZ2, axis=1, keepdims=True) / m}'),
    }),
    right("z2_sign_and_standard_normal", {
        "predict": define("predict", "A2, cache = forward_propagation(X, parameters)",
                          'return cache["Z2"] > 0'),
        "initialize_parameters": define(
            "initialize_parameters",
            "W1 = 0.01 * np.random.standard_normal((n_h, n_x))",
            "W2 = 0.01 * np.random.standard_normal((n_y, n_h))", *INIT_BIASES),
        "forward_propagation": define(
            "forward_propagation", "from scipy.special import expit", *UNPACK,
            "Z1 = np.matmul(W1, X) + b1", "A1 = np.tanh(Z1)", "Z2 = np.matmul(W2, A1) + b2",
            "A2 = expit(Z2)", *FORWARD_END),
    }),

    # rbf
    wrong("rbf_exponent_sign", "rbf", "return np.exp(z ** 2)"),
    wrong("rbf_not_squared", "rbf", "return np.exp(-z)"),
    wrong("rbf_absolute_value", "rbf", "return np.exp(-np.abs(z))"),
    wrong("rbf_halved", "rbf", "return np.exp(-z ** 2 / 2)"),
    wrong("rbf_square_outside", "rbf", "return np.exp(-z) ** 2"),
    wrong("rbf_divides_by_exp", "rbf", "return 1 / np.exp(z ** 2)"),
    wrong("rbf_squares_in_place", "rbf", "z **= 2", "return np.exp(-z)"),
    wrong("rbf_negates_in_place", "rbf", "z *= z", "z *= -1", "return np.exp(z)"),

    # rbf_prime
    wrong("rbf_prime_without_exp", "rbf_prime", "return -2 * z"),
    wrong("rbf_prime_sign", "rbf_prime", "return 2 * z * np.exp(-z ** 2)"),
    wrong("rbf_prime_no_inner_derivative", "rbf_prime", "return np.exp(-z ** 2)"),
    wrong("rbf_prime_no_two", "rbf_prime", "return -z * rbf(z)"),
    wrong("rbf_prime_no_z", "rbf_prime", "return -2 * np.exp(-z ** 2)"),
    wrong("rbf_prime_of_exp_minus_z", "rbf_prime", "return -np.exp(-z)"),
    wrong("rbf_prime_divides_by_exp", "rbf_prime", "return -2 * z / np.exp(z ** 2)"),
    wrong("rbf_prime_in_place", "rbf_prime", "phi = rbf(z)", "z *= -2", "return z * phi"),
    dict(wrong("rbf_prime_central_difference", "rbf_prime", "h = 1e-6",
               "return (rbf(z + h) - rbf(z - h)) / (2 * h)"),
         status_matches="finite-difference"),
    dict(wrong("rbf_prime_difference_of_own_bump", "rbf_prime", "h = 1e-5",
               "return (np.exp(-(z + h) ** 2) - np.exp(-(z - h) ** 2)) / (2 * h)"),
         status_matches="finite-difference"),

    right("rbf_styles_products", {
        "rbf": define("rbf", "return np.exp(-(z * z))"),
        "rbf_prime": define("rbf_prime", "return -2 * z * rbf(z)"),
    }),
    right("rbf_styles_powers_and_new_arrays", {
        "rbf": define("rbf", "return np.e ** (-np.power(z, 2))"),
        "rbf_prime": define("rbf_prime", "z = np.array(z, dtype=float)", "slope = -2 * z",
                            "slope *= np.exp(-z ** 2)", "return slope"),
    }),
    right("rbf_styles_in_place_on_copies", {
        "rbf": define("rbf", "out = np.array(z, dtype=float)", "out *= out", "out *= -1",
                      "return np.exp(out)"),
        "rbf_prime": define("rbf_prime", "return np.exp(-np.square(z)) * (-2.0 * z)"),
    }),
]
