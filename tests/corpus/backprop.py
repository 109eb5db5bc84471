"""Student answers for 03-backprop, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose the points of
its target's test cell and of no other; a case with expect="full" is a correct answer written
in another style and must keep full marks. Every Jacobian reads only the notebook's globals,
never another student function, so DEPENDS is empty.

The finite-difference cases estimate a Jacobian from the cost instead of deriving it (central,
forward and five-point differences, of the notebook's cost or of a copy of it, with several
steps): each passes the visible check and must lose its function's points with a message that
asks whether it is a finite-difference estimate. A complex-step derivative is exact to rounding
and keeps full marks (see course/keys/__init__.py).
"""

FUNCTIONS = ["J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1"]
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


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


CASES = [
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
    right("all_in_one_expression", {
        "J_W1": define("J_W1",
                       "d3 = 2 * (a3 - y) * d_sigma(z3)",
                       "d1 = d_sigma(z1) * (W2.T @ (d_sigma(z2) * (W3.T @ d3)))",
                       "return (d1 @ x.T) / np.size(x)"),
    }),
]
