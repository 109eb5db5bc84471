"""The answer key of 04-planar, against the corpus of student answers, in process (no kernel).

Each case of tests/corpus/planar.py is run the way the grader would see it: the source
notebook's setup cell and reference solutions are executed in a fresh namespace and the
case's cells replace the functions they define. Then the key must fail on a wrong answer's
target, with a message that names the mistake, and pass everything else; the notebook's own
test cells (public and hidden parts) must fail for the target only.
"""
import contextlib
import io
import re

import numpy as np
import pytest
from notebook_under_test import (check_corpus, check_same_diagnosis, failure, load, namespace,
                                 named_mistakes, visible_failure)

CELLS, CORPUS = load("04-planar", "planar")

from course import checking  # noqa: E402
from course.keys import planar as key  # noqa: E402

CASES = CORPUS["CASES"]
DEFINITIONS = ("setup",) + key.FUNCTIONS

# What the key's failure message for each wrong answer must say (a regular expression).
MISTAKE = {
    "sizes_from_columns": r"X\.shape\[1\] counts the examples",
    "n_y_from_columns": r"Y\.shape\[1\] counts the examples",
    "sizes_in_wrong_order": r"wrong order",
    "hidden_size_not_four": r"n_h is fixed at 4",
    "sizes_of_the_visible_example": r"sizes of the visible test's example",
    "init_zero_weights": r"weights are all zero",
    "init_not_scaled": r"100 times too large",
    "init_transposed": r"shape \(2, 4\); expected \(4, 2\)\. It looks transposed",
    "init_seeds_inside": r"do not call np\.random\.seed inside",
    "init_uniform": r"np\.random\.rand \(uniform",
    "init_random_biases": r"biases must be zeros",
    "forward_sigmoid_hidden": r"hidden layer uses the sigmoid",
    "forward_tanh_output": r"output layer uses tanh",
    "forward_no_biases": r"biases are missing",
    "forward_feeds_z1": r"output layer is fed Z1",
    "forward_cache_swapped": r"cache holds A1 under the key 'Z1'",
    "cost_sign": r"wrong sign",
    "cost_not_averaged": r"m times too large",
    "cost_is_an_array": r"array of shape \(1, 1\); expected a single number",
    "cost_one_term": r"\(1 - Y\) \* log\(1 - A2\) is missing",
    "cost_per_example": r"array of shape \(1, 1\); expected a single number",
    "cost_clipped": r"within 1e-6 of 0 or 1.*A2 is clipped",
    "cost_epsilon_in_the_logarithms": r"within 1e-6 of 0 or 1.*A2 is clipped",
    "backward_tanh_prime_as_a1": r"tanh'\(Z1\) is written as A1;",
    "backward_tanh_prime_not_squared": r"tanh'\(Z1\) is written as 1 - A1;",
    "backward_sigmoid_slope": r"sigmoid's slope",
    "backward_missing_one_over_m": r"m times too large",
    "backward_db_wrong_axis": r"db1 .* shape \(1, 7\); expected \(4, 1\).*axis=1",
    "backward_db_no_keepdims": r"db2 .* shape \(1,\); expected \(1, 1\).*keepdims=True",
    "backward_sign": r"dZ2 = A2 - Y, not Y - A2",
    "backward_extra_sigmoid_slope": r"that factor cancels",
    "backward_changes_the_cache": r"it changes cache\['A2'\], which it was given",
    "backward_changes_the_cache_for_other_sizes": r"7 examples: it changes cache\['A2'\]",
    "backward_m_from_the_longer_side": r"and 1 example .*m is the number of examples",
    "update_sign": r"steps uphill",
    "update_ignores_learning_rate": r"learning_rate argument is ignored",
    "update_plain_difference": r"not multiplied by the learning rate",
    "update_wrong_default": r"default learning rate is not 1\.2",
    "update_in_place": r"it changes parameters\['W1'\], which it was given",
    "update_in_place_through_names": r"it changes parameters\['W1'\], which it was given",
    "update_in_place_for_other_sizes": r"2-4-1 network: it changes parameters\['W1'\]",
    "update_bias_with_weight_gradient": r"b2 .* shape \(1, 4\); expected \(1, 1\)",
    "model_ignores_n_h": r"initialize_parameters\(3, 4, 1\); expected \(3, 3, 1\).*not the 4",
    "model_reinitialises_in_loop": r"initialised again in every iteration",
    "model_drops_the_update": r"parameters never change",
    "model_fixed_iterations": r"ran more than 2 iterations",
    "model_one_iteration_short": r"made 1 update: it does not run exactly num_iterations",
    "model_one_iteration_too_many": r"ran more than 2 iterations: it does not run exactly",
    "predict_probabilities": r"returns the probabilities A2",
    "predict_inverted": r"predictions are inverted",
    "predict_flattened": r"shape \(30,\); expected \(1, 30\)",
    "predict_threshold_on_z2": r"compares Z2 with 0\.5",
    "predict_swapped_arguments": r"forward_propagation\(parameters, X\); the arguments go",
    "backward_central_differences_of_cost": r"finite-difference estimate",
    "backward_forward_differences_of_cost": r"finite-difference estimate",
    "backward_central_differences_of_own_cost": r"finite-difference estimate",
    "rbf_exponent_sign": r"exponent has the wrong sign",
    "rbf_not_squared": r"z is not squared",
    "rbf_absolute_value": r"exp\(-\|z\|\)",
    "rbf_halved": r"z\*\*2 is halved",
    "rbf_square_outside": r"square is outside the exponential",
    "rbf_divides_by_exp": r"as large as 1000 in size: it overflows for large \|z\|",
    "rbf_squares_in_place": r"it changes z, which it was given",
    "rbf_negates_in_place": r"it changes z, which it was given",
    "rbf_prime_without_exp": r"factor exp\(-z\*\*2\) is missing",
    "rbf_prime_sign": r"wrong sign: rbf'\(z\) = -2 z exp",
    "rbf_prime_no_inner_derivative": r"returns exp\(-z\*\*2\) itself",
    "rbf_prime_no_two": r"factor 2 is missing",
    "rbf_prime_no_z": r"z is missing from the inner derivative",
    "rbf_prime_of_exp_minus_z": r"differentiates exp\(-z\)",
    "rbf_prime_divides_by_exp": r"as large as 1000 in size: it overflows for large \|z\|",
    "rbf_prime_in_place": r"it changes z, which it was given",
    "rbf_prime_central_difference": r"finite-difference estimate",
    "rbf_prime_difference_of_own_bump": r"finite-difference estimate",
}


def notebook_namespace(replacements=None):
    """Return the globals of the source notebook after its definitions, with cells replaced."""
    return namespace(CELLS, DEFINITIONS, replacements)


def run_test_cell(function, ns):
    """Run the notebook's test cell of `function`; return None if it passes, else the message."""
    return failure(lambda: quietly(exec, CELLS["test_" + function], ns))


def key_failure(function, ns):
    """Return the message of key.check(function, ns), or None if it passes."""
    return failure(lambda: quietly(key.check, function, ns), checking.CheckFailure)


def quietly(function, *args):
    """Call `function` with what it prints thrown away."""
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args)


def test_corpus_is_complete():
    check_corpus(CORPUS, key.FUNCTIONS, MISTAKE)


def test_reference_solutions_pass_key_and_test_cells():
    ns = notebook_namespace()
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None, function
        assert run_test_cell(function, ns) is None, function


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


def messages_of(function):
    """The messages that the visible test of `function` can name (readonly/mistakes.json, from
    key.visible_mistakes()) and those its hidden tests can name."""
    visible = [m for label, pairs in key.visible_mistakes().items()
               if label.split(":")[0] == function for m, _ in pairs]
    return list(dict.fromkeys(visible + key.hidden_mistakes(function)))


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_the_visible_test_names_what_the_hidden_tests_name(case):
    """While working, the student's visible test names the mistake the hidden tests name at
    grading, from the values in readonly/mistakes.json (and the same words for an argument
    changed in place)."""
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    visible = visible_failure("04-planar", CELLS["test_" + target], ns)
    check_same_diagnosis(visible, key_failure(target, ns), messages_of(target))


def test_the_visible_tests_name_the_typical_mistakes():
    """Every corpus mistake that a visible test catches by value is named there, not just
    found; and the visible tests catch every mistake of the corpus that the visible examples
    can show (all but those that need other sizes, other values or other callees)."""
    unnamed, missed = [], []
    needs_hidden = {"sizes_of_the_visible_example", "backward_changes_the_cache_for_other_sizes",
                    "update_in_place_for_other_sizes",
                    "backward_m_from_the_longer_side", "model_ignores_n_h",
                    "predict_swapped_arguments"}
    for case in CASES:
        if case["expect"] != "loses" or case.get("status_matches") == "finite-difference":
            continue
        ns = notebook_namespace(case["cells"])
        target = case["target"]
        visible = visible_failure("04-planar", CELLS["test_" + target], ns)
        if visible is None and case["name"] not in needs_hidden:
            missed.append(case["name"])
        if visible and "disagrees" in visible and not named_mistakes(visible, messages_of(target)):
            unnamed.append((case["name"], visible))
    assert not unnamed, unnamed
    assert not missed, missed


def test_the_visible_and_hidden_tests_say_the_same_of_a_changed_argument():
    from readonly import planar_module
    for function in ("update_parameters", "backward_propagation", "rbf", "rbf_prime"):
        hidden = {"update_parameters": key.UPDATE_MISTAKES,
                  "backward_propagation": key.BACKWARD_MISTAKES, "rbf": key.RBF_MISTAKES,
                  "rbf_prime": key.RBF_PRIME_MISTAKES}[function]["changes"]
        assert planar_module.CHANGED[function] == hidden


def test_the_visible_and_hidden_tests_say_the_same_of_an_overflow():
    from readonly import planar_module
    assert planar_module.OVERFLOW["rbf"] == key.RBF_MISTAKES["overflow"]
    assert planar_module.OVERFLOW["rbf_prime"] == key.RBF_PRIME_MISTAKES["overflow"]


def test_the_hidden_tests_read_changed_arguments_back_whatever_the_kernel_rebinds():
    """The key reads the arguments back itself (keys.call_and_read_back): a notebook whose
    after_call lies about them still loses for changing them, and keeps full marks if it
    did not."""
    case = next(c for c in CASES if c["name"] == "update_in_place")
    ns = notebook_namespace(case["cells"])
    ns["after_call"] = lambda function, *args: (function(*args), [])
    assert "it changes parameters" in key_failure("update_parameters", ns)
    honest = notebook_namespace()
    honest["after_call"] = lambda function, *args: (function(*args), [{"W1": None}])
    assert key_failure("update_parameters", honest) is None


def test_the_setup_imports_what_the_originals_solutions_use():
    """The original assignment's setup imported copy, and its update_parameters template
    relies on it (copy.deepcopy): the notebook's setup imports it too, as its text says."""
    ns = notebook_namespace()
    assert ns["copy"] is __import__("copy")
    assert "the first code cell imports `copy`" in CELLS["update_intro"]


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "full"],
                         ids=lambda case: case["name"])
def test_other_correct_styles_keep_full_marks(case):
    ns = notebook_namespace(case["cells"])
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None, function
        assert run_test_cell(function, ns) is None, function


SIGNATURES = CORPUS["SIGNATURES"]


@pytest.mark.parametrize("function", key.FUNCTIONS)
def test_stubs_and_empty_answers_fail(function):
    stub = f"def {SIGNATURES[function]}:\n    raise NotImplementedError()\n"
    ns = notebook_namespace({function: stub})
    assert "not implemented yet" in key_failure(function, ns)
    assert "not implemented yet" in run_test_cell(function, ns)
    empty = f"def {SIGNATURES[function]}:\n    return None\n"
    ns = notebook_namespace({function: empty})
    assert key_failure(function, ns) is not None
    assert run_test_cell(function, ns) is not None


@pytest.mark.parametrize("function", ["nn_model", "predict"])
def test_callers_keep_their_points_when_every_callee_is_missing(function):
    ns = notebook_namespace()
    for callee in ("layer_sizes", "initialize_parameters", "forward_propagation",
                   "compute_cost", "backward_propagation", "update_parameters"):
        del ns[callee]
    assert key_failure(function, ns) is None
    assert run_test_cell(function, ns) is None
    assert "forward_propagation" not in ns, "the planted functions were not removed"


def test_key_restores_the_random_state_and_the_callees():
    ns = notebook_namespace()
    forward = ns["forward_propagation"]
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    for function in key.FUNCTIONS:
        key.check(function, ns)
    assert np.random.rand() == expected
    assert ns["forward_propagation"] is forward


@pytest.mark.parametrize("case", key.BACKWARD_CASES)
def test_key_backward_pass_matches_its_own_cost(case):
    seed, n_x, n_h, m = case
    rng = np.random.default_rng(seed)
    params = key.random_parameters(rng, n_x, n_h)
    X, Y = rng.normal(0, 1, (n_x, m)), key.random_labels(rng, m)
    grads = key.backward(params, key.forward(params, X)[1], X, Y)
    for name in key.GRADIENTS:
        numeric = checking.central_difference(lambda: key.cost(key.forward(params, X)[0], Y),
                                              params[name[1:]])
        assert checking.relative_error(grads[name], numeric) < 1e-7


def test_key_forward_pass_and_cost_agree_with_the_notebook():
    ns = notebook_namespace()
    rng = np.random.default_rng(0)
    params, X = key.random_parameters(rng, 2, 5), rng.normal(0, 1, (2, 9))
    Y = key.random_labels(rng, 9)
    A2, cache = key.forward(params, X)
    got_A2, got_cache = ns["forward_propagation"](X, params)
    assert np.allclose(got_A2, A2, rtol=1e-12)
    assert all(np.allclose(got_cache[k], cache[k], rtol=1e-12) for k in key.CACHE)
    assert np.isclose(ns["compute_cost"](A2, Y), key.cost(A2, Y), rtol=1e-12)


@pytest.mark.parametrize("case", key.MODEL_CASES)
def test_key_model_cases_lower_the_cost(case):
    seed, n_x, n_h, m, iterations, scale = case
    rng = np.random.default_rng(seed)
    params = key.random_parameters(rng, n_x, n_h, scale=scale)
    params["b1"], params["b2"] = np.zeros((n_h, 1)), np.zeros((1, 1))
    X, Y = rng.normal(0, 1, (n_x, m)), key.random_labels(rng, m)
    trained = key.train(params, X, Y, iterations)
    assert key.cost(key.forward(trained, X)[0], Y) < 0.95 * key.cost(key.forward(params, X)[0], Y)
