"""The answer key of 05-gradcheck, against the corpus of student answers, in process (no kernel).

Each case of tests/corpus/gradcheck.py is run the way the grader would see it: the source
notebook's setup, class and reference-solution cells are executed in a fresh namespace and the
case's cells replace the functions they define. Then the key must fail on a wrong answer's
target, with a message that names the mistake, and pass everything else; the notebook's own
test cells (public and hidden parts) must fail for the target only.
"""
import re

import numpy as np
import pytest
from notebook_under_test import (check_corpus, check_same_diagnosis, failure, load, namespace,
                                 named_mistakes, visible_failure)
from scipy import optimize


CELLS, CORPUS = load("05-gradcheck", "gradcheck")

from course import checking  # noqa: E402
from course.keys import gradcheck as key  # noqa: E402

CASES = CORPUS["CASES"]
CORPUS_CELLS = {case["name"]: case["cells"] for case in CASES}
DEFINITIONS = ("setup", "network") + key.FUNCTIONS + ("trainer",)

# What the failure message of each wrong answer must say (a regular expression).
MISTAKE = {
    "sp_missing_square": r"square of the denominator is missing",
    "sp_sigma_times_one_minus_z": r"sigma\(z\) \* \(1 - z\)",
    "sp_z_times_one_minus_z": r"it computes z \* \(1 - z\)",
    "sp_exponent_sign": r"the numerator is e\*\*-z",
    "sp_returns_sigmoid": r"returns sigma\(z\) itself",
    "cf_builtin_sum": r"array of shape \(3,\).*built-in sum",
    "cf_not_averaged": r"added up, not averaged",
    "cf_penalty_divided_by_n": r"penalty is divided by N as well",
    "cf_penalty_without_half": r"penalty is twice too large",
    "cf_no_penalty": r"penalty term is missing",
    "cf_penalty_w1_only": r"penalty uses W1 only",
    "cfp_missing_transpose_a2": r"a2 is not transposed",
    "cfp_missing_transpose_w2": r"raised ValueError.*missing or extra transpose",
    "cfp_missing_transpose_x": r"X is not transposed",
    "cfp_sigma_prime_of_z3_in_hidden_layer": r"delta2 uses sigma'\(z3\)",
    "cfp_sigma_prime_at_yhat": r"output is taken at yHat",
    "cfp_missing_lambda_term": r"penalty term is missing",
    "cfp_penalty_half_lambda": r"penalty term is Lambda \* W / 2",
    "cfp_one_over_n_on_penalty": r"1/N is applied to the penalty too",
    "cfp_wrong_sign": r"wrong sign",
    "cfp_undefined_yhat": r"NameError: name 'yHat' is not defined",
    "cng_forward_difference": r"uses forward differences, ",
    "cng_forward_huge_step": r"forward differences with a huge step \(e = 0\.1\)",
    "cng_central_huge_step": r"step is far too large \(e = 0\.05\)",
    "cng_swapped_losses": r"wrong sign",
    "cng_divides_by_e": r"twice the right value.*2 \* e",
    "cng_perturbation_not_reset": r"perturbation of each parameter is never removed",
    "cng_parameters_not_restored": r"parameters of N after .*leave the network as it found it",
    "cfw_params_never_set": r"old parameters: call self\.N\.setParams\(params\) first",
    "cfw_params_set_too_late": r"old parameters: call self\.N\.setParams\(params\) first",
    "cfw_grad_then_cost": r"returns \(grad, cost\)",
    "cfw_gradient_as_two_arrays": r"tuple of 2 items.*computeGradients",
    "cfw_cost_only": r"returned float.*expects a pair",
    "cfw_minus_gradient": r"minus the gradient",
    "cfw_minus_cost": r"minus the cost",
    "cfw_params_as_gradient": r"it returns params, the point scipy asks about",
    "cf_series_before_regularisation": r"added up, not averaged",
    "cf_divides_by_five": r"divided by 5, the number of examples of the visible test",
    "cf_squeezed_errors": r"1 example, .*raised ValueError.*right for several examples but not "
                          r"for a single one",
    "cf_squares_weights_in_place": r"leaves self\.W1 changed: it changes the network's weights",
    "cf_overwrites_y": r"changed its argument y in place",
    "cfp_overwrites_y": r"changed its argument y in place",
    "cfp_counts_squeezed_targets": r"1 example, .*raised TypeError.*not for a single one",
    "cfp_divides_by_five": r"divided by 5, the number of examples of the visible test",
    "cfp_penalty_scales_weights_in_place": r"leaves self\.W2 changed: it changes the network's",
    "cng_returns_analytic_gradient": r"returns the analytic gradient, N\.computeGradients",
    "cng_concatenates_cost_function_prime": r"returns the analytic gradient, N\.computeGradients",
    "cng_nine_parameters": r"right for the stand-ins with nine parameters.*assume nine",
    "cng_loops_over_nine": r"right for the stand-ins with nine parameters.*assume nine",
    "sp_numerical_derivative": r"finite-difference estimate",
    "sp_central_differences": r"finite-difference estimate",
    "cfp_five_point_differences": r"finite-difference estimate",
    "cfp_central_differences_of_cost": r"finite-difference estimate",
    "cfp_forward_differences_of_own_cost": r"finite-difference estimate",
}


# What the public parts of the test cells import before their hidden part runs.
PUBLIC_IMPORTS = "from readonly.gradcheck_module import Bowl, numerical_derivative\n"


def notebook_namespace(replacements=None, public_imports=True):
    """Return the globals of the source notebook after its definitions, with cells replaced."""
    return namespace(CELLS, DEFINITIONS, replacements, after=PUBLIC_IMPORTS if public_imports else "")


def run_test_cell(function, ns):
    """Run the notebook's test cell of `function`; return None if it passes, else the message."""
    return failure(lambda: exec(CELLS["test_" + function], ns))


def key_failure(function, ns):
    """Return the message of key.check(function, ns), or None if it passes."""
    return failure(lambda: key.check(function, ns), checking.CheckFailure)


# The messages each function's visible test can name (readonly/mistakes.json), per function.
VISIBLE = {function: [m for label, pairs in key.visible_mistakes().items()
                      if label.split(":")[0] == function for m, _ in pairs]
           for function in key.FUNCTIONS}


def test_corpus_is_complete():
    check_corpus(CORPUS, key.FUNCTIONS, MISTAKE)


def test_reference_solutions_pass_key_and_test_cells():
    ns = notebook_namespace()
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None
        assert run_test_cell(function, ns) is None


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_mistake_loses_only_its_target(case):
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    message = key_failure(target, ns)
    assert message is not None, f"the key accepts {case['name']}"
    assert re.search(MISTAKE[case["name"]], message, re.S), message
    cell = run_test_cell(target, ns)  # the message that grading reports
    assert cell is not None, "the test cell accepts the mistake"
    assert re.search(case.get("status_matches", ""), cell, re.I), cell
    for function in key.FUNCTIONS:
        if function != target:
            assert key_failure(function, ns) is None, function
            assert run_test_cell(function, ns) is None, function


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_the_visible_test_names_what_the_hidden_tests_name(case):
    """While working, the student's visible test names the mistake the hidden tests name at
    grading, from the values in readonly/mistakes.json."""
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    visible = visible_failure("05-gradcheck", CELLS["test_" + target], ns)
    check_same_diagnosis(visible, key_failure(target, ns), VISIBLE[target])


def test_the_visible_tests_name_the_typical_mistakes():
    """Every corpus mistake the visible test catches by value is named there, not just found."""
    unnamed = []
    for case in CASES:
        if case["expect"] != "loses" or case.get("status_matches") == "finite-difference":
            continue
        ns = notebook_namespace(case["cells"])
        visible = visible_failure("05-gradcheck", CELLS["test_" + case["target"]], ns)
        if visible and "disagrees" in visible and not named_mistakes(visible, VISIBLE[case["target"]]):
            unnamed.append((case["name"], visible))
    assert not unnamed, unnamed


def test_the_visible_examples_are_the_modules():
    """mistakes.json is worked out on the examples the visible tests use: the module's
    example_network, and its Bowl(analytic=False), whose gradient is the key's planted one."""
    from readonly.gradcheck_module import Bowl, example_network

    N, X, y = example_network(notebook_namespace()["Neural_Network"])
    for mine, theirs in zip(key.visible_example(), (N.W1, N.W2, X, y)):
        assert np.array_equal(mine, theirs)
    bowl, twin = Bowl(analytic=False), key.StandIn(key.VISIBLE_BOWL_SEED, analytic="wrong")
    assert np.array_equal(bowl.computeGradients(X, y), twin.computeGradients(X, y))
    assert np.array_equal(np.concatenate([g.ravel() for g in bowl.costFunctionPrime(X, y)]),
                          twin.computeGradients(X, y))
    assert not np.allclose(bowl.computeGradients(X, y), bowl.gradient_at(bowl.getParams()))


def test_no_stand_in_of_computeNumericalGradient_has_a_right_analytic_gradient():
    """Handing back N.computeGradients must lose on every stand-in, and some have other
    numbers of parameters than the notebook's nine."""
    sizes = {size for _, size, _ in key.NUMERICAL_CASES}
    assert 9 in sizes and 1 in sizes and len(sizes) >= 3
    for seed, size, analytic in key.NUMERICAL_CASES:
        twin = key.StandIn(seed, size=size, analytic=analytic)
        assert twin.getParams().size == size and analytic in ("wrong", "missing")
        if analytic == "missing":
            with pytest.raises(RuntimeError, match="no analytic gradient"):
                twin.computeGradients(None, None)
        else:
            exact = key.bowl_gradient(twin.bottom, twin.scales, twin.getParams())
            assert checking.relative_error(twin.computeGradients(None, None), exact) > 1e-3


SERIES = [c for c in CASES if c["name"] == "series"][0]


def test_the_series_final_bodies_run_the_whole_notebook():
    """The introduction's promise: the bodies of the series' final methods, pasted in as they
    are (its costFunction returns a one-element array), keep full marks (see
    test_other_correct_styles_keep_full_marks) and run every other cell of the notebook:
    the gradient check, the seeded bugs, training, the initialisation demo."""
    import json

    assert "their bodies can be pasted in as they are" in " ".join(CELLS["intro"].split())
    assert "sum((y-self.yHat)**2)" in SERIES["cells"]["costFunction"]
    assert set(SERIES["cells"]) == set(key.FUNCTIONS)
    notebook = json.loads((key_path("gradcheck.ipynb")).read_text())
    ns = {"__name__": "__main__"}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or cell["id"].startswith("test_"):
            continue
        exec(SERIES["cells"].get(cell["id"], "".join(cell["source"])), ns)
    N = ns["NN_try"]
    assert isinstance(N.costFunction(ns["trainX"], ns["trainY"]), float)
    assert np.shape(costFunction_of(SERIES, ns, N)) == (1,)  # the one-element array


def key_path(name):
    from notebook_under_test import ROOT
    return ROOT / "source" / "05-gradcheck" / name


def costFunction_of(case, ns, N):
    """What the case's own costFunction returns for N on the training data."""
    return ns["costFunction"](N, ns["trainX"], ns["trainY"])


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "full"],
                         ids=lambda case: case["name"])
def test_other_correct_styles_keep_full_marks(case):
    ns = notebook_namespace(case["cells"])
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None, function
        assert run_test_cell(function, ns) is None, function


SIGNATURES = CORPUS["SIGNATURES"]


@pytest.mark.parametrize("function", key.FUNCTIONS)
def test_stubs_fail(function):
    stub = SIGNATURES[function] + "    raise NotImplementedError()\n"
    ns = notebook_namespace({function: stub})
    assert "not implemented yet" in key_failure(function, ns)
    assert "not implemented yet" in run_test_cell(function, ns)
    zeros = SIGNATURES[function] + "    return 0 * np.ones(9)\n"
    ns = notebook_namespace({function: zeros})
    assert key_failure(function, ns) is not None
    assert run_test_cell(function, ns) is not None


def test_a_missing_function_is_named():
    ns = notebook_namespace()
    del ns["costFunctionPrime"]
    assert "costFunctionPrime is not defined" in key_failure("costFunctionPrime", ns)
    with pytest.raises(ValueError):
        key.check("forward", ns)


def test_key_leaves_the_notebook_namespace_alone():
    ns = notebook_namespace()
    before = dict(ns)
    for function in key.FUNCTIONS:
        key.check(function, ns)
    assert ns.keys() == before.keys() and all(ns[k] is before[k] for k in before)


@pytest.mark.parametrize("case", key.NETWORKS)
def test_key_gradient_matches_its_own_cost(case):
    W1, W2, X, y = key.network_case(*case[:4])
    Lambda = case[4]
    for W, exact in zip((W1, W2), key.gradients(W1, W2, Lambda, X, y)):
        numeric = checking.central_difference(lambda: key.cost(W1, W2, Lambda, X, y), W)
        assert checking.relative_error(exact, numeric) < 1e-7


@pytest.mark.parametrize("seed", key.NUMERICAL_SEEDS + key.WRAPPER_SEEDS)
def test_key_bowl_formula_is_the_module_bowl(seed):
    from readonly.gradcheck_module import Bowl

    bowl, twin = Bowl(seed=seed), key.StandIn(seed)
    p = bowl.getParams()
    assert np.array_equal(twin.getParams(), p)
    assert np.isclose(key.bowl_cost(bowl.bottom, bowl.scales, p), bowl.costFunction(None, None),
                      rtol=1e-14)
    assert np.allclose(key.bowl_gradient(bowl.bottom, bowl.scales, p),
                       bowl.computeGradients(None, None), rtol=1e-14)
    numeric = checking.central_difference(lambda: key.bowl_cost(bowl.bottom, bowl.scales, p), p)
    assert checking.relative_error(key.bowl_gradient(bowl.bottom, bowl.scales, p), numeric) < 1e-8
    assert np.allclose(key.finite_differences(twin, None, None), twin.computeGradients(None, None),
                       rtol=1e-6)
    assert np.array_equal(twin.getParams(), p), "finite_differences restores the parameters"


def test_key_works_without_the_public_imports():
    """Called in process on globals that lack Bowl and numerical_derivative, it uses its own."""
    ns = notebook_namespace(public_imports=False)
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None
    broken = notebook_namespace(CORPUS_CELLS["cng_divides_by_e"], public_imports=False)
    assert "twice the right value" in key_failure("computeNumericalGradient", broken)


# A notebook that rebinds the module's Bowl, after its test cell imported it, to a flat one:
# every cost 0, every gradient 0, getParams the parameters it was made with, always, and
# methods given to it refused. In process the notebook and the key share the module; the
# subclass leaves it untouched, as the kernel's changes leave the grader's side untouched.
FLAT_BOWL = """
class Bowl(Bowl):
    def __init__(self, seed=5):
        super().__init__(seed)
        self.scales = 0 * self.scales
        self.made = self.params.copy()

    def getParams(self):
        return self.made.copy()

    def __setattr__(self, name, value):
        if not callable(value):
            super().__setattr__(name, value)
"""
CHEATS = {
    "computeNumericalGradient": SIGNATURES["computeNumericalGradient"]
    + "    return np.zeros(N.getParams().size)\n",
    "costFunctionWrapper": SIGNATURES["costFunctionWrapper"]
    + "    self.N.setParams(params)\n    return 0.0, np.zeros(params.size)\n",
}


@pytest.mark.parametrize("function", ["computeNumericalGradient", "costFunctionWrapper"])
def test_a_bowl_changed_in_the_notebook_does_not_change_the_verdict(function):
    """The stand-in's cost, gradient and parameters are the key's: a flat Bowl in the notebook
    makes no wrong answer right (zeros, or parameters never put back), and a right
    computeNumericalGradient, which only calls the stand-in's methods, stays right."""
    wrong = [CHEATS[function]]
    if function == "computeNumericalGradient":
        wrong.append(CORPUS_CELLS["cng_parameters_not_restored"][function])
    for cell in wrong:
        ns = notebook_namespace({function: cell})
        exec(FLAT_BOWL, ns)
        assert key_failure(function, ns) is not None, cell
    if function == "computeNumericalGradient":
        ns = notebook_namespace()
        exec(FLAT_BOWL, ns)
        assert key_failure(function, ns) is None


def test_key_mistakes_are_really_wrong_and_distinct():
    W1, W2, X, y = key.network_case(*key.NETWORKS[2][:4])  # square: nearly every mistake fits
    Lambda = key.NETWORKS[2][4]
    exact = np.concatenate([g.ravel() for g in key.gradients(W1, W2, Lambda, X, y)])
    values = []
    for message, switches in key.GRADIENT_MISTAKES:
        try:
            value = np.concatenate([g.ravel() for g in
                                    key.gradients(W1, W2, Lambda, X, y, **switches)])
        except ValueError:
            assert "W2" in message or "sigma'(z2)" in message, message
            continue
        assert checking.relative_error(value, exact) > 1e-3, message
        assert all(checking.relative_error(value, other) > 1e-6 for other in values), message
        values.append(value)


def test_key_cost_and_gradient_agree_with_the_notebook():
    ns = notebook_namespace()
    W1, W2, X, y = key.network_case(501, 2, 3, 6)
    N = ns["Neural_Network"](Lambda=0.05)
    N.W1, N.W2 = W1.copy(), W2.copy()
    assert np.allclose(N.forward(X), key.layers(W1, W2, X)[3], rtol=1e-12)
    assert np.isclose(N.costFunction(X, y), key.cost(W1, W2, 0.05, X, y), rtol=1e-12)
    exact = np.concatenate([g.ravel() for g in key.gradients(W1, W2, 0.05, X, y)])
    assert np.allclose(N.computeGradients(X, y), exact, rtol=1e-10)


def test_notebook_trainer_reaches_the_scipy_optimum():
    ns = notebook_namespace()
    bowl = ns["Bowl"](seed=key.TRAINING_SEEDS[0])
    start = bowl.getParams()
    T = ns["trainer"](bowl)
    T.train(None, None, None, None)
    best = optimize.minimize(lambda p: (key.bowl_cost(bowl.bottom, bowl.scales, p),
                                        key.bowl_gradient(bowl.bottom, bowl.scales, p)),
                             start, jac=True, method="BFGS")
    assert np.allclose(bowl.getParams(), best.x, rtol=1e-10)
    assert np.allclose(best.x, bowl.bottom, atol=1e-5)
    assert len(T.J) == len(T.trainError) == len(T.testError) == T.optimizationResults.nit
    assert T.trainError == T.testError == T.J  # a stand-in has no penalty: its cost is its data term


def test_public_values_come_from_the_key():
    """The numbers typed into the public tests are the key's, for the module's fixed network."""
    ns = notebook_namespace()
    from readonly.gradcheck_module import example_network

    N, X, y = example_network(ns["Neural_Network"])
    values = key.example_values(N.W1, N.W2, X, y, (0.0, 0.01))
    for Lambda, (cost, dJdW1, dJdW2) in values.items():
        assert f"{cost:.12g}" in CELLS["test_costFunction"]
        for number in np.concatenate([dJdW1.ravel(), dJdW2.ravel()]):
            assert f"{number:.10g}" in CELLS["test_costFunctionPrime"]
