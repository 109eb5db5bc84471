"""The answer key of 02-neuron, against the corpus of student answers, in process (no kernel).

Each case of tests/corpus/neuron.py is run the way the grader would see it: the source
notebook's setup cell and the cells defining its functions (worked examples and reference
solutions) are executed in a fresh namespace and the case's cells replace the functions they
define. Then the key must fail on a wrong answer's target, with a message that names the
mistake, and pass everything else; the notebook's own test cells (public and hidden parts)
must fail for the target only.
"""
import re
import warnings

import numpy as np
import pytest
from course.judge import split_hidden
from notebook_under_test import (check_corpus, check_same_diagnosis, failure, load, namespace,
                                 named_mistakes, own_checking, visible_failure)

CELLS, CORPUS = load("02-neuron", "neuron")

from course import checking  # noqa: E402
from course.keys import neuron as key  # noqa: E402

CASES = CORPUS["CASES"]
DEFINITIONS = ("setup",) + key.FUNCTIONS
TESTS = {f"test_{name}": name for name in key.FUNCTIONS}
SIGNATURES = {"nn": "x, w", "loss": "y, t", "gradient": "w, x, t",
              "delta_w": "w_k, x, t, learning_rate", "standardize": "X",
              "unstandardize": "w, b, mean, std", "logistic": "z", "nn_logistic": "x, w",
              "nn_predict": "x, w", "loss_logistic": "y, t", "gradient_logistic": "w, x, t",
              "sigmoid_derivative_from_output": "s",
              "train_or": "X, Y, epochs, learning_rate, seed"}

# What the failure message of each wrong answer must say (a regular expression).
MISTAKE = {
    "nn_adds_the_weight": r"adds the weight to the input",
    "nn_adds_a_bias": r"adds 1 \(a bias\)",
    "nn_squares_the_weight": r"squares the weight",
    "nn_sums_the_outputs": r"has shape \(\); expected \(7,\).*One output per input",
    "loss_sum_not_mean": r"sum of the squared errors, N times",
    "loss_half": r"half the mean squared error",
    "loss_root_mean_square": r"square root of the mean squared error",
    "loss_absolute": r"mean absolute error",
    "gradient_sign_flipped": r"wrong sign",
    "gradient_missing_two": r"factor 2 is missing",
    "gradient_sum_not_mean": r"N times too large",
    "gradient_through_squared_error": r"multiplies x by the squared error",
    "gradient_missing_x": r"factor x is missing",
    "gradient_for_the_visible_size": r"for 9 examples disagrees with central finite differences",
    "delta_w_adds_the_gradient": r"adds the gradient",
    "delta_w_returns_the_new_weight": r"returns the new weight",
    "delta_w_without_learning_rate": r"learning rate is missing",
    "standardize_along_rows": r"mean returned by .* has shape \(30, 1\).*axis=1.*axis=0",
    "standardize_over_everything": r"mean returned by .* has shape \(\).*all the entries",
    "standardize_sample_std": r"sample one \(ddof=1",
    "standardize_only_centred": r"not divided by the standard deviation",
    "standardize_returns_std_first": r"mean and std are swapped",
    "standardize_in_place": r"changes its argument X in place",
    "standardize_not_centred": r"X_std is not centred",
    "unstandardize_as_is": r"returned as they are",
    "unstandardize_no_mean_term": r"intercept is returned as it is",
    "unstandardize_mean_term_sign": r"mean term of the intercept has the wrong sign",
    "unstandardize_times_std": r"multiplied by std",
    "unstandardize_in_place": r"changes its argument w in place",
    "logistic_exponent_sign": r"sigma\(-z\)",
    "logistic_minus_in_denominator": r"denominator is 1 - exp\(-z\)",
    "logistic_is_tanh": r"it is tanh\(z\)",
    "nn_logistic_not_squashed": r"not squashed",
    "nn_logistic_transposed": r"shape \(1, 40\); expected \(40, 1\). It looks transposed",
    "nn_logistic_entry_by_entry": r"shape \(40, 2\); expected \(40, 1\)",
    "nn_predict_probabilities": r"returns the probabilities",
    "nn_predict_threshold_zero": r"comparing it with 0 makes every point class 1",
    "nn_predict_ties_go_up": r"exactly 0.5 must be class 0",
    "nn_predict_flattened": r"shape \(6,\); expected \(6, 1\).*column",
    "loss_logistic_sum_not_mean": r"sum over the examples, N times the mean",
    "loss_logistic_no_minus": r"wrong sign",
    "loss_logistic_one_term": r"\(1 - t\) log\(1 - y\) term is missing",
    "loss_logistic_logs_swapped": r"swapped",
    "loss_logistic_clipped": r"clip the probabilities",
    "loss_logistic_epsilon": r"clip the probabilities, or add a small epsilon",
    "loss_logistic_one_element_array": r"shape \(1, 1\).*this array holds one",
    "gradient_logistic_sign": r"wrong sign",
    "gradient_logistic_sum_not_mean": r"N times too large",
    "gradient_logistic_extra_sigma_prime": r"multiplies by sigma'\(z\) = y \(1 - y\)",
    "gradient_logistic_transposed": r"shape \(1, 2\); expected \(2, 1\). It looks transposed",
    "slope_squashes_again": r"squashes s once more",
    "slope_of_tanh": r"derivative of tanh",
    "slope_wrong_sign": r"wrong sign",
    "slope_in_place": r"changes its argument s in place",
    "train_or_cost_times_cost_derivative": r"cost times cost-derivative",
    "train_or_other_start": r"does not start where the docstring says: np.random.seed",
    "train_or_slope_of_z": r"applied to the weighted sums z",
    "train_or_uphill": r"steps uphill",
    "train_or_mean_gradient": r"divides the gradient by N",
    "train_or_stops_once_right": r"stops before the epochs asked for",
    "train_or_stops_at_small_error": r"stops before the epochs asked for",
    "gradient_central_differences_of_loss": r"finite-difference estimate",
    "gradient_forward_differences_of_own_loss": r"finite-difference estimate",
    "gradient_logistic_central_differences_of_loss": r"finite-difference estimate",
    "gradient_logistic_central_differences_of_own_loss": r"finite-difference estimate",
    "slope_central_differences_of_logistic": r"finite-difference estimate",
}


@pytest.fixture(autouse=True)
def quiet():
    """Wrong answers may overflow or divide by zero; the key reports that, numpy only warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def notebook_namespace(replacements=None):
    """Return the globals of the source notebook after its definitions, with cells replaced."""
    return namespace(CELLS, DEFINITIONS, replacements)


def run_test_cell(test_id, ns):
    """Run one of the notebook's test cells; return None if it passes, else the message."""
    return failure(lambda: exec(CELLS[test_id], ns))


def key_failure(function, ns):
    """Return the message of key.check(function, ns), or None if it passes."""
    return failure(lambda: key.check(function, ns), checking.CheckFailure)


def test_corpus_is_complete():
    check_corpus(CORPUS, key.FUNCTIONS, MISTAKE)
    assert CASES[0]["expect"] == "loses" and CASES[0]["target"] == key.FUNCTIONS[0]


def test_every_test_cell_is_known():
    graded = {cid for cid, source in CELLS.items() if "BEGIN HIDDEN TESTS" in source}
    assert graded == set(TESTS)
    for test_id, function in TESTS.items():
        assert f'key.check("{function}", globals())' in CELLS[test_id]


def test_reference_solutions_pass_key_and_test_cells():
    ns = notebook_namespace()
    for test_id, function in TESTS.items():
        assert key_failure(function, ns) is None, test_id
        assert run_test_cell(test_id, ns) is None, test_id


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_mistake_loses_only_its_target(case):
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    message = key_failure(target, ns)
    assert message is not None, f"the key accepts {case['name']}"
    assert re.search(MISTAKE[case["name"]], message, re.S), message
    cell = run_test_cell(f"test_{target}", ns)  # the message that grading reports
    assert cell is not None, "the public test accepts the mistake"
    assert re.search(case.get("status_matches", ""), cell, re.I), cell
    for test_id, function in TESTS.items():
        if function != target:
            assert key_failure(function, ns) is None, test_id
            assert run_test_cell(test_id, ns) is None, test_id


def visible_messages(function):
    """The messages of the mistakes the visible test of `function` can name, from all its
    labels ("function" and "function:part") in readonly/mistakes.json."""
    return [message for label, pairs in key.visible_mistakes().items()
            if label.split(":")[0] == function for message, _ in pairs]


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_the_visible_test_names_what_the_hidden_tests_name(case):
    """While working, the student's visible test names the mistake the hidden tests name at
    grading, from the values in readonly/mistakes.json."""
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    visible = visible_failure("02-neuron", CELLS["test_" + target], ns)
    check_same_diagnosis(visible, key_failure(target, ns), visible_messages(target))


def test_the_visible_tests_name_the_typical_mistakes():
    """Every corpus mistake the visible test catches by value is named there, not just found."""
    unnamed = []
    for case in CASES:
        if case["expect"] != "loses" or case.get("status_matches") == "finite-difference":
            continue
        ns = notebook_namespace(case["cells"])
        visible = visible_failure("02-neuron", CELLS["test_" + case["target"]], ns)
        if visible and "disagrees" in visible and not named_mistakes(
                visible, visible_messages(case["target"])):
            unnamed.append((case["name"], visible))
    assert not unnamed, unnamed


def test_every_visible_label_is_asked_for_by_its_test():
    """Each label of visible_mistakes() is read by the visible test of its function (for the
    reference solutions or for a corpus answer), and every label a visible test reads is in
    readonly/mistakes.json with at least one mistake."""
    labels = key.visible_mistakes()
    asked = []
    with own_checking("02-neuron") as module:
        read = module.known_mistakes
        module.known_mistakes = lambda label: asked.append(label) or read(label)
        for case in [{"cells": {}}] + CASES:
            ns = notebook_namespace(case["cells"])
            for test_id in TESTS:
                failure(lambda: exec(split_hidden(CELLS[test_id])[0], ns))
    assert set(asked) == set(labels)
    assert all(labels[label] for label in asked)


def test_every_function_names_enough_mistakes():
    """At least coverage.LEAST_VISIBLE visible and coverage.LEAST_HIDDEN hidden named mistakes
    per graded function (the course-wide test is tests/test_release.py)."""
    from course import coverage
    short = {function: (len(visible), len(hidden))
             for function, (visible, hidden) in coverage.named("02-neuron").items()
             if len(visible) < coverage.LEAST_VISIBLE or len(hidden) < coverage.LEAST_HIDDEN}
    assert not short, short


def test_a_change_in_place_is_read_back_by_the_grader_whatever_the_kernel_rebinds():
    """The key reads the arguments back itself (keys.call_and_read_back): no helper in the
    notebook is asked, so replacing one changes nothing."""
    overwrite = {"standardize": "def standardize(X):\n    mean, std = X.mean(axis=0), "
                                "X.std(axis=0)\n    X -= mean\n    X /= std\n"
                                "    return X, mean, std\n"}
    ns = notebook_namespace(overwrite)
    ns["result_and_arguments"] = lambda function, *args: (function(*args), [])
    assert "changes its argument X in place" in key_failure("standardize", ns)
    assert key_failure("standardize", notebook_namespace()) is None


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "full"],
                         ids=lambda case: case["name"])
def test_other_correct_styles_keep_full_marks(case):
    ns = notebook_namespace(case["cells"])
    for test_id, function in TESTS.items():
        assert key_failure(function, ns) is None, test_id
        assert run_test_cell(test_id, ns) is None, test_id


@pytest.mark.parametrize("function", key.FUNCTIONS)
def test_stubs_and_constants_fail(function):
    stub = f"def {function}({SIGNATURES[function]}):\n    raise NotImplementedError()\n"
    ns = notebook_namespace({function: stub})
    assert "not implemented yet" in key_failure(function, ns)
    assert "not implemented yet" in run_test_cell(f"test_{function}", ns)
    constant = f"def {function}({SIGNATURES[function]}):\n    return 0.0\n"
    ns = notebook_namespace({function: constant})
    assert key_failure(function, ns) is not None
    assert run_test_cell(f"test_{function}", ns) is not None


def test_key_restores_the_notebook_functions():
    ns = notebook_namespace()
    before = {name: ns[name] for name in key.FUNCTIONS}
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None
    assert all(ns[name] is before[name] for name in key.FUNCTIONS)
    broken = notebook_namespace({"train_or": "def train_or(X, Y, epochs, learning_rate, seed):\n"
                                             "    return logistic(X[:1].T)\n"})
    del broken["sigmoid_derivative_from_output"]
    logistic_before = broken["logistic"]
    assert key_failure("train_or", broken) is not None
    assert "sigmoid_derivative_from_output" not in broken, "a planted function stayed behind"
    assert broken["logistic"] is logistic_before


def test_public_tests_restore_the_notebook_functions():
    ns = notebook_namespace()
    before = {name: ns[name] for name in key.FUNCTIONS}
    for test_id in TESTS:
        assert run_test_cell(test_id, ns) is None
    assert all(ns[name] is before[name] for name in key.FUNCTIONS)


def test_a_callee_mistake_does_not_reach_its_callers():
    """Every callee replaced by a constant: the callers' checks still pass."""
    constants = {name: f"def {name}({SIGNATURES[name]}):\n    return 0.0\n"
                 for name in ("nn", "gradient", "logistic", "nn_logistic",
                              "sigmoid_derivative_from_output")}
    ns = notebook_namespace(constants)
    for caller in key.CALLEES:
        if caller not in constants:
            assert key_failure(caller, ns) is None, caller
            assert run_test_cell(f"test_{caller}", ns) is None, caller


def test_key_derivatives_match_central_differences():
    for w, x, t in key.gradient_cases():
        h = 1e-6
        numeric = (key.mean_squared_error(key.linear(x, w + h), t)
                   - key.mean_squared_error(key.linear(x, w - h), t)) / (2 * h)
        assert checking.relative_error(key.slope(w, x, t), numeric) < 1e-8
    for w, x, t in key.gradient_logistic_cases():
        probe = w.astype(float)
        numeric = checking.central_difference(
            lambda: key.cross_entropy_of_weights(probe, x, t), probe)
        expected = x.T @ (key.logistic_output(x, w) - t) / x.shape[0]
        assert checking.relative_error(expected, numeric) < 1e-8
        assert np.isclose(key.cross_entropy(key.logistic_output(x, w), t),
                          key.cross_entropy_of_weights(w, x, t), rtol=1e-12)
    z = np.linspace(-5.0, 5.0, 11)
    numeric = (key.sigmoid(z + 1e-6) - key.sigmoid(z - 1e-6)) / 2e-6
    assert checking.relative_error(key.logistic_slope(key.sigmoid(z)), numeric) < 1e-8


def test_key_training_takes_gradient_steps():
    X, Y, _, rate, seed = key.train_cases()[1]
    start = key.train(X, Y, 0, rate, seed)
    assert np.array_equal(start, np.random.default_rng(seed).normal(size=(3, 1)))
    numeric = checking.central_difference(
        lambda: 0.5 * np.sum((key.sigmoid(X @ start) - Y) ** 2), start)
    one = key.train(X, Y, 1, rate, seed)
    assert checking.relative_error(one - start, -rate * numeric) < 1e-8
    trained = key.train(X, Y, 1000, 2.0, 0)
    assert np.array_equal(key.sigmoid(X @ trained) > 0.5, Y == 1)
    tempting = key.train(X, Y, 1000, 2.0, 0, rule="tempting")
    assert np.all(tempting < start), "the tempting rule lowers every weight"


def test_every_mistake_is_seen_on_some_case():
    """Each mistake in the key's lists changes the result on at least one case."""
    for name, mistakes in key.MISTAKES.items():
        cases = key.CHECKS[name][1]()
        seen, listed = set(), set()
        for case in cases:
            listed |= {message for message, _ in mistakes(*case)}
            if name in ("standardize", "unstandardize"):
                continue  # their lists mix parts of different shapes; see the corpus
            expected = {
                "nn": lambda: key.linear(*case), "loss": lambda: key.mean_squared_error(*case),
                "gradient": lambda: key.slope(*case),
                "delta_w": lambda: -case[3] * key.slope(*case[:3]),
                "logistic": lambda: key.sigmoid(*case),
                "nn_logistic": lambda: key.logistic_output(*case),
                "nn_predict": lambda: (key.logistic_output(*case) > 0.5).astype(float),
                "loss_logistic": lambda: key.cross_entropy(*case),
                "gradient_logistic": lambda: case[1].T
                @ (key.logistic_output(case[1], case[0]) - case[2]) / case[1].shape[0],
                "sigmoid_derivative_from_output": lambda: key.logistic_slope(*case),
                "train_or": lambda: key.train(*case),
            }[name]()
            seen |= {message for message, _ in key.known(mistakes(*case), expected)}
        if name not in ("standardize", "unstandardize"):
            assert seen == listed, (name, listed - seen)


def test_key_cases_follow_the_notebook_conventions():
    ns = notebook_namespace()
    for x, w in key.nn_predict_cases():
        assert x.ndim == 2 and w.shape == (x.shape[1], 1)
    assert any(np.any(x @ w == 0) for x, w in key.nn_predict_cases()), "no tie is tested"
    X, Y = ns["or_gate"]()
    assert np.array_equal(key.or_inputs(False), X) and np.array_equal(key.OR_TARGETS, Y)
    for X, Y, epochs, rate, seed in key.train_cases():
        assert np.allclose(ns["train_or"](X, Y, epochs, rate, seed),
                           key.train(X, Y, epochs, rate, seed), rtol=1e-12, atol=0)
