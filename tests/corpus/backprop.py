"""Student answers for 03-backprop, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose the points of
its target's test cell and of no other; a case with expect="full" is a correct answer written
in another style and must keep full marks. Every Jacobian reads only the notebook's globals,
never another student function, so DEPENDS is empty: circuit_backward may call the three gates,
but the hidden tests plant the key's gates while they check it, and all_jacobians must not
call the six Jacobians (the hidden tests plant stand-ins that catch a call).

The finite-difference cases estimate a Jacobian from the cost instead of deriving it (central,
forward and five-point differences, of the notebook's cost or of a copy of it, with several
steps): each passes the visible check and must lose its function's points with a message that
asks whether it is a finite-difference estimate. A complex-step derivative is exact to rounding
and keeps full marks (see course/keys/__init__.py).
"""

FUNCTIONS = ["add_gate_backward", "multiply_gate_backward", "max_gate_backward",
             "circuit_backward", "J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1", "all_jacobians"]
DEPENDS = {}

FORWARD = "    a0, z1, a1, z2, a2, z3, a3 = network_function(x)\n"


def define(name, *body):
    """Return the source of a cell defining `name`, from its body lines (without indent)."""
    return f"def {name}(x, y):\n" + FORWARD + "".join(f"    {line}\n" for line in body)


DELTA3 = "delta = 2 * (a3 - y) * d_sigma(z3)"
DELTA2 = "delta = (W3.T @ delta) * d_sigma(z2)"
DELTA1 = "delta = (W2.T @ delta) * d_sigma(z1)"
SUM = "return np.sum(delta, axis=1, keepdims=True) / x.size"


def wrong(name, target, *body):
    """Return a case whose `target` holds a mistake and must lose that test's points."""
    return dict(name=name, expect="loses", target=target, cells={target: define(target, *body)})


def estimated(name, target, *body):
    """Return a case whose `target` is estimated by finite differences of a cost (`body`, with
    PARAM for the parameter): it must lose its points, with a message that says why."""
    lines = "".join(f"    {line}\n" for line in body).replace("PARAM", target[2:])
    return dict(name=name, expect="loses", target=target, status_matches="finite-difference",
                cells={target: f"def {target}(x, y):\n{lines}"})


# A copy of the notebook's cost, as a student may write it inside the function.
OWN_COST = ("def own_cost():",
            "    a = x",
            "    for W, b in ((W1, b1), (W2, b2), (W3, b3)):",
            "        a = 1 / (1 + np.exp(-(W @ a + b)))",
            "    return np.mean(np.sum((a - y) ** 2, axis=0))")


def gate(name, target, *body):
    """Return a case whose gate `target` (x, y, dout) holds a mistake."""
    source = f"def {target}(x, y, dout):\n" + "".join(f"    {line}\n" for line in body)
    return dict(name=name, expect="loses", target=target, cells={target: source})


NODES = ('node = circuit_forward(w, x)', 'f = node["f"]')


def circuit(name, *body, **extra):
    """Return a case whose circuit_backward (w, x) holds a mistake."""
    source = "def circuit_backward(w, x):\n" + "".join(f"    {line}\n" for line in body)
    return dict(name=name, expect="loses", target="circuit_backward",
                cells={"circuit_backward": source}, **extra)


def circuit_with(d_z, dw="x[0] * d_z, x[1] * d_z, d_z", dx="w[0] * d_z, w[1] * d_z"):
    """The body of a circuit_backward with sigma's local gradient `d_z` and the given rules."""
    return NODES + (f"d_z = {d_z}", f"return np.array([{dw}]), np.array([{dx}])")


SWEEP_HEAD = (DELTA3.replace("delta =", "delta3 ="), "delta2 = (W3.T @ delta3) * d_sigma(z2)",
              "delta1 = (W2.T @ delta2) * d_sigma(z1)")


def sweep(name, *body):
    """Return a case whose all_jacobians holds a mistake."""
    return dict(name=name, expect="loses", target="all_jacobians",
                cells={"all_jacobians": define("all_jacobians", *body)})


def sweep_dict(weights="delta{L} @ a{P}.T / x.size",
               biases="np.sum(delta{L}, axis=1, keepdims=True) / x.size"):
    """The return line of an all_jacobians that builds its dict from delta1 ... delta3."""
    entries = ", ".join(f'"J_W{L}": {weights.format(L=L, P=L - 1)}, '
                        f'"J_b{L}": {biases.format(L=L)}' for L in (3, 2, 1))
    return "return {" + entries + "}"


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


CASES = [
    # The three gates.
    gate("add_local_gradient_only", "add_gate_backward", "return np.ones_like(x), np.ones_like(y)"),
    gate("add_splits_in_half", "add_gate_backward", "return dout / 2, dout / 2"),
    gate("add_multiply_rule", "add_gate_backward", "return y * dout, x * dout"),
    gate("add_only_to_x", "add_gate_backward", "return dout, np.zeros_like(dout)"),
    gate("multiply_not_swapped", "multiply_gate_backward", "return x * dout, y * dout"),
    gate("multiply_no_dout", "multiply_gate_backward", "return y, x"),
    gate("multiply_add_rule", "multiply_gate_backward", "return dout, dout"),
    # right values, but the inputs are overwritten to save two arrays
    gate("multiply_overwrites_inputs", "multiply_gate_backward",
         "x *= dout", "y *= dout", "return y, x"),
    gate("max_ties_to_x", "max_gate_backward",
         "return np.where(x >= y, dout, 0.0), np.where(x >= y, 0.0, dout)"),
    gate("max_ties_split", "max_gate_backward",
         "share = np.where(x > y, 1.0, np.where(x == y, 0.5, 0.0))",
         "return share * dout, (1 - share) * dout"),
    gate("max_to_smaller", "max_gate_backward",
         "return np.where(x < y, dout, 0.0), np.where(x < y, 0.0, dout)"),
    gate("max_masks_only", "max_gate_backward", "return 1.0 * (x > y), 1.0 * (x <= y)"),
    # np.argmax keeps the first of equal values: the tie goes to x
    gate("max_argmax_first", "max_gate_backward",
         "winner = np.argmax(np.stack([x, y]), axis=0)",
         "return dout * (winner == 0), dout * (winner == 1)"),

    # The sigmoid circuit.
    circuit("circuit_no_sigma_prime", *circuit_with("1.0")),
    circuit("circuit_sigma_prime_is_f", *circuit_with("f")),
    circuit("circuit_one_minus_f", *circuit_with("1 - f")),
    circuit("circuit_not_swapped", *circuit_with("f * (1 - f)", dw="w[0] * d_z, w[1] * d_z, d_z",
                                                 dx="x[0] * d_z, x[1] * d_z")),
    circuit("circuit_bias_times_w2", *circuit_with("f * (1 - f)",
                                                   dw="x[0] * d_z, x[1] * d_z, w[2] * d_z")),
    circuit("circuit_exp_overflows",
            *circuit_with('np.exp(-node["z"]) / (1 + np.exp(-node["z"])) ** 2')),
    circuit("circuit_central_differences",
            "from readonly.checking import central_difference",
            'f = lambda: circuit_forward(w, x)["f"]',
            "w, x = np.array(w, dtype=float), np.array(x, dtype=float)",
            "return central_difference(f, w), central_difference(f, x)",
            status_matches="finite-difference"),

    # all_jacobians
    sweep("sweep_calls_the_six",
          'return {"J_W3": J_W3(x, y), "J_b3": J_b3(x, y), "J_W2": J_W2(x, y), '
          '"J_b2": J_b2(x, y), "J_W1": J_W1(x, y), "J_b1": J_b1(x, y)}'),
    # only the bias of layer 1 from its function; the zeros the stand-in returns then break
    # the sum below, and the message must still say that it called J_b1
    sweep("sweep_calls_one", *SWEEP_HEAD,
          "found = " + sweep_dict()[len("return "):],
          'found["J_b1"] = J_b1(x, y) + 0 * delta1.sum(axis=1, keepdims=True)',
          "assert found['J_b1'].shape == b1.shape",
          "return found"),
    sweep("sweep_no_transpose", SWEEP_HEAD[0], "delta2 = (W3 @ delta3) * d_sigma(z2)",
          SWEEP_HEAD[2], sweep_dict()),
    sweep("sweep_not_averaged", *SWEEP_HEAD,
          sweep_dict("delta{L} @ a{P}.T", "np.sum(delta{L}, axis=1, keepdims=True)")),
    sweep("sweep_no_keepdims", *SWEEP_HEAD,
          sweep_dict(biases="np.sum(delta{L}, axis=1) / x.size")),
    sweep("sweep_returns_a_list", *SWEEP_HEAD,
          "return [delta3 @ a2.T / x.size, np.sum(delta3, axis=1, keepdims=True) / x.size, "
          "delta2 @ a1.T / x.size, np.sum(delta2, axis=1, keepdims=True) / x.size, "
          "delta1 @ a0.T / x.size, np.sum(delta1, axis=1, keepdims=True) / x.size]"),
    sweep("sweep_wrong_layer_sigma", SWEEP_HEAD[0], "delta2 = (W3.T @ delta3) * d_sigma(z3)",
          SWEEP_HEAD[2], sweep_dict()),

    # J_W3, the first worked example: a student may still break it.
    wrong("w3_not_averaged", "J_W3", DELTA3, "return delta @ a2.T"),
    wrong("w3_wrong_activation", "J_W3", DELTA3, "return delta @ a1.T / x.size"),
    wrong("w3_sigma_prime_of_a", "J_W3",
          "delta = 2 * (a3 - y) * d_sigma(a3)", "return delta @ a2.T / x.size"),
    wrong("w3_no_sigma_prime", "J_W3", "delta = 2 * (a3 - y)", "return delta @ a2.T / x.size"),
    wrong("w3_wrong_sign", "J_W3",
          "delta = 2 * (y - a3) * d_sigma(z3)", "return delta @ a2.T / x.size"),

    # J_b3
    wrong("b3_not_summed", "J_b3", DELTA3, "return delta / x.size"),
    wrong("b3_summed_over_neurons", "J_b3", DELTA3,
          "return np.sum(delta, axis=0, keepdims=True) / x.size"),
    wrong("b3_no_keepdims", "J_b3", DELTA3, "return np.sum(delta, axis=1) / x.size"),
    wrong("b3_missing_two", "J_b3", "delta = (a3 - y) * d_sigma(z3)", SUM),
    # right values, but the targets are overwritten to save an array
    wrong("b3_overwrites_y", "J_b3", "y -= a3", "delta = -2 * y * d_sigma(z3)", SUM),
    wrong("b3_sigma_prime_of_a", "J_b3", "delta = 2 * (a3 - y) * d_sigma(a3)", SUM),

    # J_W2, the second worked example.
    wrong("w2_no_transpose", "J_W2", DELTA3, "delta = (W3 @ delta) * d_sigma(z2)",
          "return delta @ a1.T / x.size"),
    wrong("w2_sigma_prime_of_z3", "J_W2", DELTA3, "delta = (W3.T @ delta) * d_sigma(z3)",
          "return delta @ a1.T / x.size"),
    wrong("w2_drops_sigma_prime_3", "J_W2", "delta = 2 * (a3 - y)", DELTA2,
          "return delta @ a1.T / x.size"),
    wrong("w2_not_averaged", "J_W2", DELTA3, DELTA2, "return delta @ a1.T"),

    # J_b2
    wrong("b2_summed_over_neurons", "J_b2", DELTA3, DELTA2,
          "return np.sum(delta, axis=0, keepdims=True) / x.size"),
    wrong("b2_drops_sigma_prime_2", "J_b2", DELTA3, "delta = W3.T @ delta", SUM),
    wrong("b2_sigma_prime_of_a2", "J_b2", DELTA3, "delta = (W3.T @ delta) * d_sigma(a2)", SUM),
    wrong("b2_missing_two", "J_b2", "delta = (a3 - y) * d_sigma(z3)", DELTA2, SUM),

    # J_W1
    wrong("w1_wrong_activation", "J_W1", DELTA3, DELTA2, DELTA1, "return delta @ a1.T / x.size"),
    wrong("w1_no_transpose", "J_W1", DELTA3, DELTA2, "delta = (W2 @ delta) * d_sigma(z1)",
          "return delta @ a0.T / x.size"),
    wrong("w1_sigma_prime_of_z2", "J_W1", DELTA3, DELTA2, "delta = (W2.T @ delta) * d_sigma(z2)",
          "return delta @ a0.T / x.size"),
    wrong("w1_wrong_sign", "J_W1", "delta = 2 * (y - a3) * d_sigma(z3)", DELTA2, DELTA1,
          "return delta @ a0.T / x.size"),
    wrong("w1_not_averaged", "J_W1", DELTA3, DELTA2, DELTA1, "return delta @ a0.T"),

    # J_b1
    wrong("b1_not_summed", "J_b1", DELTA3, DELTA2, DELTA1, "return delta / x.size"),
    wrong("b1_drops_sigma_prime_1", "J_b1", DELTA3, DELTA2, "delta = W2.T @ delta", SUM),
    wrong("b1_sigma_prime_of_a1", "J_b1", DELTA3, DELTA2,
          "delta = (W2.T @ delta) * d_sigma(a1)", SUM),
    wrong("b1_averaged_twice", "J_b1", DELTA3, DELTA2, DELTA1,
          "return np.mean(delta, axis=1, keepdims=True) / x.size"),

    # Finite-difference estimates instead of derivations.
    estimated("w3_central_differences_of_cost", "J_W3",
              "from readonly.checking import central_difference",
              "return central_difference(lambda: cost(x, y), PARAM)"),
    estimated("b3_central_differences_of_cost", "J_b3",
              "from readonly.checking import central_difference",
              "return central_difference(lambda: cost(x, y), PARAM, h=1e-4)"),
    estimated("w2_forward_differences", "J_W2",
              "J, base = np.zeros_like(PARAM), cost(x, y)",
              "for i in np.ndindex(*PARAM.shape):",
              "    keep = PARAM[i]",
              "    PARAM[i] = keep + 1e-7",
              "    J[i] = (cost(x, y) - base) / 1e-7",
              "    PARAM[i] = keep",
              "return J"),
    estimated("b2_forward_differences_big_step", "J_b2",
              "J, base = np.zeros_like(PARAM), cost(x, y)",
              "for i in np.ndindex(*PARAM.shape):",
              "    PARAM[i] += 1e-5",
              "    J[i] = (cost(x, y) - base) / 1e-5",
              "    PARAM[i] -= 1e-5",
              "return J"),
    estimated("w1_five_point_differences", "J_W1",
              "J = np.zeros_like(PARAM)",
              "for i in np.ndindex(*PARAM.shape):",
              "    keep, c = PARAM[i], []",
              "    for k in (-2, -1, 1, 2):",
              "        PARAM[i] = keep + k * 1e-3",
              "        c.append(cost(x, y))",
              "    PARAM[i] = keep",
              "    J[i] = (c[0] - 8 * c[1] + 8 * c[2] - c[3]) / 12e-3",
              "return J"),
    estimated("b1_central_differences_of_own_cost", "J_b1", *OWN_COST,
              "J = np.zeros_like(PARAM)",
              "for i in np.ndindex(*PARAM.shape):",
              "    keep = PARAM[i]",
              "    PARAM[i] = keep + 1e-5",
              "    up = own_cost()",
              "    PARAM[i] = keep - 1e-5",
              "    J[i] = (up - own_cost()) / 2e-5",
              "    PARAM[i] = keep",
              "return J"),

    # Correct answers in other styles keep full marks.
    right("mean_keepdims", {
        "J_b3": define("J_b3", DELTA3, "return delta.mean(axis=1, keepdims=True)"),
    }),
    right("np_dot_and_shape", {
        "J_W3": define("J_W3", DELTA3, "return np.dot(delta, a2.T) / x.shape[1]"),
        "J_W1": define("J_W1", DELTA3, DELTA2, DELTA1, "return np.dot(delta, a0.T) / x.shape[1]"),
    }),
    right("reshape_column", {
        "J_b2": define("J_b2", DELTA3, DELTA2,
                       "return np.sum(delta, axis=1).reshape(-1, 1) / x.shape[1]"),
    }),
    right("transpose_trick", {
        "J_W2": define("J_W2", DELTA3, "delta = (delta.T @ W3).T * d_sigma(z2)",
                       "return delta @ a1.T / x.size"),
        "J_b2": define("J_b2", DELTA3, "delta = (delta.T @ W3).T * d_sigma(z2)", SUM),
    }),
    right("einsum", {
        "J_W1": define("J_W1", DELTA3, DELTA2, DELTA1,
                       "return np.einsum('ik,jk->ij', delta, a0) / x.size"),
        "J_W2": define("J_W2", DELTA3, DELTA2, "return np.einsum('ik,jk->ij', delta, a1) / x.size"),
    }),
    right("sigma_prime_from_activations", {
        "J_b1": define("J_b1", "delta = 2 * (a3 - y) * a3 * (1 - a3)",
                       "delta = (W3.T @ delta) * a2 * (1 - a2)",
                       "delta = (W2.T @ delta) * a1 * (1 - a1)", SUM),
        "J_b3": define("J_b3", "delta = 2 * (a3 - y) * a3 * (1 - a3)",
                       "return delta.sum(axis=1)[:, np.newaxis] / len(x[0])"),
    }),
    right("loop_over_examples", {
        "J_W3": define("J_W3", DELTA3, "total = np.zeros_like(W3)",
                       "for k in range(x.shape[1]):",
                       "    total += np.outer(delta[:, k], a2[:, k])",
                       "return total / x.shape[1]"),
        "J_b1": define("J_b1", DELTA3, DELTA2, DELTA1, "total = np.zeros_like(b1)",
                       "for column in delta.T:",
                       "    total += column.reshape(-1, 1)",
                       "return total / x.size"),
    }),
    right("complex_step", {  # exact to rounding: the keys accept it
        "J_b2": "def J_b2(x, y):\n    global b2\n    keep = b2\n    J = np.zeros_like(keep)\n"
                "    for i in np.ndindex(*keep.shape):\n        b2 = keep.astype(complex)\n"
                "        b2[i] += 1e-20j\n        J[i] = cost(x, y).imag / 1e-20\n"
                "    b2 = keep\n    return J\n",
    }),
    right("gates_other_styles", {
        "add_gate_backward": "def add_gate_backward(x, y, dout):\n    return dout, dout\n",
        "multiply_gate_backward": "def multiply_gate_backward(x, y, dout):\n"
                                  "    return np.multiply(dout, y), np.multiply(dout, x)\n",
        "max_gate_backward": "def max_gate_backward(x, y, dout):\n"
                             "    to_x = (np.asarray(x) > np.asarray(y)).astype(float)\n"
                             "    return to_x * dout, (1 - to_x) * dout\n",
    }),
    right("circuit_calls_the_gates", {
        "circuit_backward": "def circuit_backward(w, x):\n"
                            "    node = circuit_forward(w, x)\n"
                            "    d_z = node['f'] * (1 - node['f'])\n"
                            "    d_c, d_w2 = add_gate_backward(node['c'], w[2], d_z)\n"
                            "    d_a, d_b = add_gate_backward(node['a'], node['b'], d_c)\n"
                            "    d_w0, d_x0 = multiply_gate_backward(w[0], x[0], d_a)\n"
                            "    d_w1, d_x1 = multiply_gate_backward(w[1], x[1], d_b)\n"
                            "    return np.array([d_w0, d_w1, d_w2]), np.array([d_x0, d_x1])\n",
    }),
    right("circuit_vectorised", {
        "circuit_backward": "def circuit_backward(w, x):\n"
                            "    z = w[:2] @ x + w[2]\n"
                            "    s = 0.5 * (1 + np.tanh(z / 2))\n"
                            "    return s * (1 - s) * np.append(x, 1.0), s * (1 - s) * w[:2]\n",
    }),
    right("sweep_with_a_loop", {
        "all_jacobians": define("all_jacobians",
                                "activations = {0: a0, 1: a1, 2: a2}",
                                "slopes = {1: d_sigma(z1), 2: d_sigma(z2), 3: d_sigma(z3)}",
                                "weights = {2: W2, 3: W3}",
                                "delta, found = 2 * (a3 - y) * slopes[3], {}",
                                "for layer in (3, 2, 1):",
                                "    if layer < 3:",
                                "        delta = (weights[layer + 1].T @ delta) * slopes[layer]",
                                "    found['J_W' + str(layer)] = delta @ activations[layer - 1].T / x.size",
                                "    found['J_b' + str(layer)] = delta.mean(axis=1, keepdims=True)",
                                "return found"),
    }),
    right("sweep_with_einsum", {
        "all_jacobians": define("all_jacobians", *SWEEP_HEAD,
                                "N = x.shape[1]",
                                "return dict(J_W3=np.einsum('ik,jk->ij', delta3, a2) / N, "
                                "J_b3=delta3.sum(axis=1)[:, None] / N, "
                                "J_W2=np.einsum('ik,jk->ij', delta2, a1) / N, "
                                "J_b2=delta2.sum(axis=1)[:, None] / N, "
                                "J_W1=np.einsum('ik,jk->ij', delta1, a0) / N, "
                                "J_b1=delta1.sum(axis=1)[:, None] / N)"),
    }),
    right("all_in_one_expression", {
        "J_W1": define("J_W1",
                       "d3 = 2 * (a3 - y) * d_sigma(z3)",
                       "d1 = d_sigma(z1) * (W2.T @ (d_sigma(z2) * (W3.T @ d3)))",
                       "return (d1 @ x.T) / np.size(x)"),
    }),
]
