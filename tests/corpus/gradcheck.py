"""Student answers for 05-gradcheck, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose the points of
its target's test cell and of no other; a case with expect="full" is a correct answer written
in another style and must keep full marks. Four of the five functions are methods, written as
functions of `self`; the style "series" is the body of the well-known "Neural Networks
Demystified" methods of its final part pasted in unchanged (its costFunction returns a
one-element array, from Python's built-in sum, and keeps full marks, as the notebook's
introduction says); cf_series_before_regularisation is its cost before that part.

DEPENDS is empty: every test gives the function it checks a `self` whose other methods are
known to be right (a network whose sigmoidPrime is central differences of the sigmoid in the
public tests and the key's exact sigma' in the hidden ones, or a stand-in with a known cost and
gradient). So a mistake in sigmoidPrime or costFunction never costs the points of
costFunctionPrime, and a mistake in the network's methods never costs those of
computeNumericalGradient or costFunctionWrapper.

The finite-difference cases estimate sigmoidPrime or costFunctionPrime numerically instead of
deriving them (the module's numerical_derivative; central, forward or five-point differences
of the cost or of a copy of it): each passes the visible check and must lose its function's
points with a message that asks whether it is a finite-difference estimate.
computeNumericalGradient is meant to be numerical.
"""

FUNCTIONS = ["sigmoidPrime", "costFunction", "costFunctionPrime", "computeNumericalGradient",
             "costFunctionWrapper"]
DEPENDS = {}

SIGNATURES = {
    "sigmoidPrime": "def sigmoidPrime(self, z):\n",
    "costFunction": "def costFunction(self, X, y):\n",
    "costFunctionPrime": "def costFunctionPrime(self, X, y):\n",
    "computeNumericalGradient": "def computeNumericalGradient(N, X, y):\n",
    "costFunctionWrapper": "def costFunctionWrapper(self, params, X, y):\n",
}


def define(name, *body):
    """Return the source of a cell defining `name`, from its body lines (without indent)."""
    return SIGNATURES[name] + "".join(f"    {line}\n" if line else "\n" for line in body)


def wrong(name, target, *body):
    """Return a case whose `target` holds a mistake and must lose that test's points."""
    return dict(name=name, expect="loses", target=target, cells={target: define(target, *body)})


def estimated(name, target, *body):
    """Return a case whose `target` is a finite-difference estimate: it must lose its points,
    with a message that says why."""
    return dict(wrong(name, target, *body), status_matches="finite-difference")


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


# Building blocks of costFunction and costFunctionPrime (right unless named otherwise).
FORWARD = "self.yHat = self.forward(X)"
DATA = "data = 0.5 * np.sum((y - self.yHat) ** 2) / X.shape[0]"
PENALTY = "penalty = (self.Lambda / 2) * (np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2))"
DELTA3 = "delta3 = np.multiply(-(y - self.yHat), self.sigmoidPrime(self.z3))"
DJDW2 = "dJdW2 = np.dot(self.a2.T, delta3) / X.shape[0] + self.Lambda * self.W2"
DELTA2 = "delta2 = np.dot(delta3, self.W2.T) * self.sigmoidPrime(self.z2)"
DJDW1 = "dJdW1 = np.dot(X.T, delta2) / X.shape[0] + self.Lambda * self.W1"
RETURN_PRIME = "return dJdW1, dJdW2"


def prime(delta3=DELTA3, dJdW2=DJDW2, delta2=DELTA2, dJdW1=DJDW1):
    """Return the body of costFunctionPrime with one line replaced."""
    return (FORWARD, delta3, dJdW2, delta2, dJdW1, RETURN_PRIME)


def numerical(e="1e-4", up="N.setParams(paramsInitial + perturb)",
              down="N.setParams(paramsInitial - perturb)",
              quotient="numgrad[p] = (loss2 - loss1) / (2 * e)", reset="perturb[p] = 0",
              restore="N.setParams(paramsInitial)"):
    """Return the body of computeNumericalGradient in the series' style, one line replaced."""
    body = ["paramsInitial = N.getParams()",
            "numgrad = np.zeros(paramsInitial.shape)",
            "perturb = np.zeros(paramsInitial.shape)",
            f"e = {e}",
            "for p in range(len(paramsInitial)):",
            "    perturb[p] = e",
            f"    {up}",
            "    loss2 = N.costFunction(X, y)",
            f"    {down}",
            "    loss1 = N.costFunction(X, y)",
            f"    {quotient}",
            f"    {reset}" if reset else "",
            f"{restore}" if restore else "",
            "return numgrad"]
    return tuple(line for line in body if line)


CASES = [
    # sigmoidPrime, the first answer function.
    wrong("sp_missing_square", "sigmoidPrime", "return np.exp(-z) / (1 + np.exp(-z))"),
    wrong("sp_sigma_times_one_minus_z", "sigmoidPrime", "return self.sigmoid(z) * (1 - z)"),
    wrong("sp_z_times_one_minus_z", "sigmoidPrime", "return z * (1 - z)"),
    wrong("sp_exponent_sign", "sigmoidPrime", "return np.exp(z) / ((1 + np.exp(-z)) ** 2)"),
    wrong("sp_returns_sigmoid", "sigmoidPrime", "return self.sigmoid(z)"),
    estimated("sp_numerical_derivative", "sigmoidPrime",
              "from readonly.gradcheck_module import numerical_derivative",
              "return numerical_derivative(self.sigmoid)(z)"),
    estimated("sp_central_differences", "sigmoidPrime", "h = 1e-6",
              "return (self.sigmoid(z + h) - self.sigmoid(z - h)) / (2 * h)"),

    # costFunction
    wrong("cf_builtin_sum", "costFunction", FORWARD,
          "J = 0.5 * sum((y - self.yHat) ** 2) / X.shape[0] + (self.Lambda / 2) * "
          "(sum(self.W1 ** 2) + sum(self.W2 ** 2))", "return J"),
    wrong("cf_not_averaged", "costFunction", FORWARD,
          "data = 0.5 * np.sum((y - self.yHat) ** 2)", PENALTY, "return data + penalty"),
    wrong("cf_penalty_divided_by_n", "costFunction", FORWARD,
          "J = (0.5 * np.sum((y - self.yHat) ** 2) + (self.Lambda / 2) * "
          "(np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2))) / X.shape[0]", "return J"),
    wrong("cf_penalty_without_half", "costFunction", FORWARD, DATA,
          "penalty = self.Lambda * (np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2))",
          "return data + penalty"),
    wrong("cf_no_penalty", "costFunction", FORWARD, DATA, "return data"),
    wrong("cf_penalty_w1_only", "costFunction", FORWARD, DATA,
          "penalty = (self.Lambda / 2) * np.sum(self.W1 ** 2)", "return data + penalty"),
    # The series' cost before its part on regularisation: summed, without the penalty (a
    # one-element array, which is accepted as its number; the value is what loses).
    wrong("cf_series_before_regularisation", "costFunction", FORWARD,
          "J = 0.5*sum((y-self.yHat)**2)", "return J"),
    # Divides by the number of examples of the visible test, whatever X holds.
    wrong("cf_divides_by_five", "costFunction", FORWARD,
          "data = 0.5 * np.sum((y - self.yHat) ** 2) / 5", PENALTY, "return data + penalty"),
    # Right for several examples; with a single one, np.squeeze leaves a 0-d array and @ fails.
    wrong("cf_squeezed_errors", "costFunction", "errors = np.squeeze(y - self.forward(X))",
          PENALTY, "return 0.5 * errors @ errors / X.shape[0] + penalty"),
    # The right value, but the network's weights are squared in place on the way.
    wrong("cf_squares_weights_in_place", "costFunction", FORWARD, DATA,
          "W1, W2 = self.W1, self.W2", "W1 **= 2", "W2 **= 2",
          "return data + (self.Lambda / 2) * (np.sum(W1) + np.sum(W2))"),
    # right values, but the targets are overwritten to save an array
    wrong("cf_overwrites_y", "costFunction", FORWARD, "y -= self.yHat",
          "return 0.5 * np.sum(y ** 2) / X.shape[0] + " + PENALTY.split(" = ", 1)[1]),

    # costFunctionPrime
    wrong("cfp_overwrites_y", "costFunctionPrime", FORWARD, "y -= self.yHat",
          "delta3 = np.multiply(-y, self.sigmoidPrime(self.z3))", DJDW2, DELTA2,
          "dJdW1 = np.dot(X.T, delta2) / X.shape[0] + self.Lambda * self.W1",
          "return dJdW1, dJdW2"),
    wrong("cfp_missing_transpose_a2", "costFunctionPrime",
          *prime(dJdW2="dJdW2 = np.dot(self.a2, delta3) / X.shape[0] + self.Lambda * self.W2")),
    wrong("cfp_missing_transpose_w2", "costFunctionPrime",
          *prime(delta2="delta2 = np.dot(delta3, self.W2) * self.sigmoidPrime(self.z2)")),
    wrong("cfp_missing_transpose_x", "costFunctionPrime",
          *prime(dJdW1="dJdW1 = np.dot(X, delta2) / X.shape[0] + self.Lambda * self.W1")),
    wrong("cfp_sigma_prime_of_z3_in_hidden_layer", "costFunctionPrime",
          *prime(delta2="delta2 = np.dot(delta3, self.W2.T) * self.sigmoidPrime(self.z3)")),
    wrong("cfp_sigma_prime_at_yhat", "costFunctionPrime",
          *prime(delta3="delta3 = np.multiply(-(y - self.yHat), self.sigmoidPrime(self.yHat))")),
    wrong("cfp_missing_lambda_term", "costFunctionPrime",
          *prime(dJdW2="dJdW2 = np.dot(self.a2.T, delta3) / X.shape[0]",
                 dJdW1="dJdW1 = np.dot(X.T, delta2) / X.shape[0]")),
    wrong("cfp_penalty_half_lambda", "costFunctionPrime",
          *prime(dJdW2="dJdW2 = np.dot(self.a2.T, delta3) / X.shape[0] + self.Lambda / 2 * self.W2",
                 dJdW1="dJdW1 = np.dot(X.T, delta2) / X.shape[0] + self.Lambda / 2 * self.W1")),
    wrong("cfp_one_over_n_on_penalty", "costFunctionPrime",
          *prime(dJdW2="dJdW2 = (np.dot(self.a2.T, delta3) + self.Lambda * self.W2) / X.shape[0]",
                 dJdW1="dJdW1 = (np.dot(X.T, delta2) + self.Lambda * self.W1) / X.shape[0]")),
    wrong("cfp_wrong_sign", "costFunctionPrime",
          *prime(delta3="delta3 = np.multiply(y - self.yHat, self.sigmoidPrime(self.z3))")),
    wrong("cfp_undefined_yhat", "costFunctionPrime",
          *prime(delta3="delta3 = np.multiply(-(y - yHat), self.sigmoidPrime(self.z3))")),
    # Right for several examples; with a single one, y.squeeze() is 0-d and has no len().
    wrong("cfp_counts_squeezed_targets", "costFunctionPrime",
          *prime(dJdW2="dJdW2 = np.dot(self.a2.T, delta3) / len(y.squeeze()) + self.Lambda * self.W2",
                 dJdW1="dJdW1 = np.dot(X.T, delta2) / len(y.squeeze()) + self.Lambda * self.W1")),
    wrong("cfp_divides_by_five", "costFunctionPrime",
          *prime(dJdW2="dJdW2 = np.dot(self.a2.T, delta3) / 5 + self.Lambda * self.W2",
                 dJdW1="dJdW1 = np.dot(X.T, delta2) / 5 + self.Lambda * self.W1")),
    # The right value, but W2 is scaled by Lambda in place (penalty2 is self.W2 itself).
    wrong("cfp_penalty_scales_weights_in_place", "costFunctionPrime", FORWARD, DELTA3, DELTA2,
          DJDW1, "penalty2 = self.W2", "penalty2 *= self.Lambda",
          "dJdW2 = np.dot(self.a2.T, delta3) / X.shape[0] + penalty2", RETURN_PRIME),

    estimated("cfp_five_point_differences", "costFunctionPrime",
              "grads = []",
              "for W in (self.W1, self.W2):",
              "    g = np.zeros(W.shape)",
              "    for i in np.ndindex(*W.shape):",
              "        keep, J = W[i], []",
              "        for k in (-2, -1, 1, 2):",
              "            W[i] = keep + k * 1e-3",
              "            J.append(self.costFunction(X, y))",
              "        W[i] = keep",
              "        g[i] = (J[0] - 8 * J[1] + 8 * J[2] - J[3]) / 12e-3",
              "    grads.append(g)",
              "return tuple(grads)"),
    estimated("cfp_central_differences_of_cost", "costFunctionPrime",
              "start = self.getParams()",
              "grad = np.zeros(start.size)",
              "for i in range(start.size):",
              "    step = np.zeros(start.size)",
              "    step[i] = 1e-6",
              "    self.setParams(start + step)",
              "    up = self.costFunction(X, y)",
              "    self.setParams(start - step)",
              "    grad[i] = (up - self.costFunction(X, y)) / 2e-6",
              "self.setParams(start)",
              "return grad[:self.W1.size].reshape(self.W1.shape), "
              "grad[self.W1.size:].reshape(self.W2.shape)"),
    estimated("cfp_forward_differences_of_own_cost", "costFunctionPrime",
              "def J():",
              "    yHat = self.sigmoid(self.sigmoid(X @ self.W1) @ self.W2)",
              "    return (0.5 * np.sum((y - yHat) ** 2) / len(X)",
              "            + self.Lambda / 2 * (np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2)))",
              "grads = []",
              "for W in (self.W1, self.W2):",
              "    g, base = np.zeros(W.shape), J()",
              "    for i in np.ndindex(*W.shape):",
              "        W[i] += 1e-8",
              "        g[i] = (J() - base) / 1e-8",
              "        W[i] -= 1e-8",
              "    grads.append(g)",
              "return tuple(grads)"),

    # computeNumericalGradient
    wrong("cng_forward_difference", "computeNumericalGradient",
          *numerical(down="N.setParams(paramsInitial)", quotient="numgrad[p] = (loss2 - loss1) / e")),
    wrong("cng_forward_huge_step", "computeNumericalGradient",
          *numerical(e="0.1", down="N.setParams(paramsInitial)",
                     quotient="numgrad[p] = (loss2 - loss1) / e")),
    wrong("cng_central_huge_step", "computeNumericalGradient", *numerical(e="0.05")),
    wrong("cng_swapped_losses", "computeNumericalGradient",
          *numerical(quotient="numgrad[p] = (loss1 - loss2) / (2 * e)")),
    wrong("cng_divides_by_e", "computeNumericalGradient",
          *numerical(quotient="numgrad[p] = (loss2 - loss1) / e")),
    wrong("cng_perturbation_not_reset", "computeNumericalGradient", *numerical(reset="")),
    wrong("cng_parameters_not_restored", "computeNumericalGradient", *numerical(restore="")),
    # A gradient check that hands back the gradient it is meant to check can never find a bug.
    wrong("cng_returns_analytic_gradient", "computeNumericalGradient",
          "return N.computeGradients(X, y)"),
    wrong("cng_concatenates_cost_function_prime", "computeNumericalGradient",
          "dJdW1, dJdW2 = N.costFunctionPrime(X, y)",
          "return np.concatenate((dJdW1.ravel(), dJdW2.ravel()))"),
    # Nine parameters, those of the notebook's network, taken for granted.
    wrong("cng_nine_parameters", "computeNumericalGradient",
          *[line.replace("paramsInitial.shape", "9").replace("len(paramsInitial)", "9")
            for line in numerical()]),
    wrong("cng_loops_over_nine", "computeNumericalGradient",
          *[line.replace("len(paramsInitial)", "9") for line in numerical()]),

    # costFunctionWrapper
    wrong("cfw_params_never_set", "costFunctionWrapper",
          "cost = self.N.costFunction(X, y)", "grad = self.N.computeGradients(X, y)",
          "return cost, grad"),
    wrong("cfw_params_set_too_late", "costFunctionWrapper",
          "cost = self.N.costFunction(X, y)", "grad = self.N.computeGradients(X, y)",
          "self.N.setParams(params)", "return cost, grad"),
    wrong("cfw_grad_then_cost", "costFunctionWrapper", "self.N.setParams(params)",
          "return self.N.computeGradients(X, y), self.N.costFunction(X, y)"),
    wrong("cfw_gradient_as_two_arrays", "costFunctionWrapper", "self.N.setParams(params)",
          "return self.N.costFunction(X, y), self.N.costFunctionPrime(X, y)"),
    wrong("cfw_cost_only", "costFunctionWrapper", "self.N.setParams(params)",
          "return self.N.costFunction(X, y)"),
    wrong("cfw_minus_gradient", "costFunctionWrapper", "self.N.setParams(params)",
          "return self.N.costFunction(X, y), -self.N.computeGradients(X, y)"),
    wrong("cfw_minus_cost", "costFunctionWrapper", "self.N.setParams(params)",
          "return -self.N.costFunction(X, y), self.N.computeGradients(X, y)"),
    wrong("cfw_params_as_gradient", "costFunctionWrapper", "self.N.setParams(params)",
          "return self.N.costFunction(X, y), params"),

    # Correct answers in other styles keep full marks.
    right("series", {
        "sigmoidPrime": define("sigmoidPrime",
                               "#Gradient of sigmoid",
                               "return np.exp(-z)/((1+np.exp(-z))**2)"),
        # Python's built-in sum of the column of errors: a one-element array, the number.
        "costFunction": define("costFunction",
                               "#Compute cost for given X,y, use weights already stored in class.",
                               "self.yHat = self.forward(X)",
                               "J = 0.5*sum((y-self.yHat)**2)/X.shape[0] + "
                               "(self.Lambda/2)*(np.sum(self.W1**2)+np.sum(self.W2**2))",
                               "return J"),
        "costFunctionPrime": define("costFunctionPrime", *prime()),
        "computeNumericalGradient": define("computeNumericalGradient", *numerical()),
        "costFunctionWrapper": define("costFunctionWrapper",
                                      "self.N.setParams(params)",
                                      "cost = self.N.costFunction(X, y)",
                                      "grad = self.N.computeGradients(X,y)",
                                      "",
                                      "return cost, grad"),
    }),
    right("operators_and_mean", {
        "costFunction": define("costFunction",
                               "yHat = self.forward(X)",
                               "squares = sum(np.sum(W * W) for W in (self.W1, self.W2))",
                               "return 0.5 * np.mean((yHat - y) ** 2) + 0.5 * self.Lambda * squares"),
        "costFunctionPrime": define("costFunctionPrime",
                                    "yHat = self.forward(X)",
                                    "n = len(X)",
                                    "delta3 = (yHat - y) * self.sigmoidPrime(self.z3)",
                                    "delta2 = (delta3 @ self.W2.T) * self.sigmoidPrime(self.z2)",
                                    "return (X.T @ delta2 / n + self.Lambda * self.W1,",
                                    "        self.a2.T @ delta3 / n + self.Lambda * self.W2)"),
        "costFunctionWrapper": define("costFunctionWrapper",
                                      "self.N.setParams(params)",
                                      "dJdW1, dJdW2 = self.N.costFunctionPrime(X, y)",
                                      "grad = np.concatenate([dJdW1.ravel(), dJdW2.ravel()])",
                                      "return [self.N.costFunction(X, y), grad]"),
    }),
    right("stable_forms", {
        "sigmoidPrime": define("sigmoidPrime", "return 0.25 / np.cosh(z / 2) ** 2"),
        "costFunction": define("costFunction",
                               "errors = (y - self.forward(X)).ravel()",
                               "weights = np.concatenate([self.W1.ravel(), self.W2.ravel()])",
                               "return (errors @ errors / (2 * X.shape[0])",
                               "        + self.Lambda / 2 * np.linalg.norm(weights) ** 2)"),
        "computeNumericalGradient": define("computeNumericalGradient",
                                           "p0 = N.getParams()",
                                           "e = 1e-4",
                                           "grad = []",
                                           "for u in np.eye(p0.size):",
                                           "    N.setParams(p0 + e * u)",
                                           "    up = N.costFunction(X, y)",
                                           "    N.setParams(p0 - e * u)",
                                           "    down = N.costFunction(X, y)",
                                           "    grad.append((up - down) / (2 * e))",
                                           "N.setParams(p0)",
                                           "return np.array(grad)"),
    }),
    right("loop_over_examples", {
        "costFunctionPrime": define("costFunctionPrime",
                                    "yHat = self.forward(X)",
                                    "dJdW1 = np.zeros_like(self.W1)",
                                    "dJdW2 = np.zeros_like(self.W2)",
                                    "for k in range(X.shape[0]):",
                                    "    d3 = (yHat[k] - y[k]) * self.sigmoidPrime(self.z3[k])",
                                    "    dJdW2 += np.outer(self.a2[k], d3)",
                                    "    d2 = (self.W2 @ d3) * self.sigmoidPrime(self.z2[k])",
                                    "    dJdW1 += np.outer(X[k], d2)",
                                    "n = X.shape[0]",
                                    "return dJdW1 / n + self.Lambda * self.W1, "
                                    "dJdW2 / n + self.Lambda * self.W2"),
        "computeNumericalGradient": define("computeNumericalGradient",
                                           "params = N.getParams()",
                                           "numgrad = np.zeros_like(params)",
                                           "e = 1e-4",
                                           "for i in range(params.size):",
                                           "    saved = params[i]",
                                           "    params[i] = saved + e",
                                           "    N.setParams(params)",
                                           "    high = N.costFunction(X, y)",
                                           "    params[i] = saved - e",
                                           "    N.setParams(params)",
                                           "    low = N.costFunction(X, y)",
                                           "    params[i] = saved",
                                           "    numgrad[i] = (high - low) / (2 * e)",
                                           "N.setParams(params)",
                                           "return numgrad"),
    }),
    right("einsum_and_expit", {
        "sigmoidPrime": define("sigmoidPrime",
                               "from scipy.special import expit",
                               "return expit(z) * expit(-z)"),
        "costFunctionPrime": define("costFunctionPrime",
                                    "yHat = self.forward(X)",
                                    "n = X.shape[0]",
                                    "delta3 = np.einsum('ko,ko->ko', yHat - y, self.sigmoidPrime(self.z3))",
                                    "delta2 = np.einsum('ko,jo,kj->kj', delta3, self.W2, "
                                    "self.sigmoidPrime(self.z2))",
                                    "dJdW1 = np.einsum('ki,kj->ij', X, delta2) / n + self.Lambda * self.W1",
                                    "dJdW2 = np.einsum('kj,ko->jo', self.a2, delta3) / n + self.Lambda * self.W2",
                                    "return dJdW1, dJdW2"),
        "costFunctionWrapper": define("costFunctionWrapper",
                                      "N = self.N",
                                      "N.setParams(params)",
                                      "return N.costFunction(X, y), np.hstack([g.ravel() for g in "
                                      "N.costFunctionPrime(X, y)])"),
    }),
    right("penalty_as_loop_and_copy", {
        "costFunction": define("costFunction",
                               "yHat = self.forward(X)",
                               "J = np.sum(np.square(y - yHat)) / (2 * len(y))",
                               "for W in [self.W1, self.W2]:",
                               "    J += self.Lambda * np.sum(W ** 2) / 2",
                               "return float(J)"),
        "computeNumericalGradient": define("computeNumericalGradient",
                                           "start = N.getParams().copy()",
                                           "e = 1e-4",
                                           "def J_at(p):",
                                           "    N.setParams(p)",
                                           "    return N.costFunction(X, y)",
                                           "grad = np.array([(J_at(start + e * np.eye(start.size)[i])",
                                           "                  - J_at(start - e * np.eye(start.size)[i])) / (2 * e)",
                                           "                 for i in range(start.size)])",
                                           "N.setParams(start)",
                                           "return grad"),
    }),
]
