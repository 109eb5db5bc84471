"""The answer key of 03-backprop, against the corpus of student answers, in process (no kernel).

Each case of tests/corpus/backprop.py is run the way the grader would see it: the source
notebook's setup, network and reference-solution cells are executed in a fresh namespace and
the case's cells replace the functions they define. Then the key must fail on a wrong answer's
target, with a message that names the mistake, and pass everything else; the notebook's own
test cells (public and hidden parts) must fail for the target only.
"""
import re

import numpy as np
import pytest
from notebook_under_test import (check_corpus, check_same_diagnosis, failure, load, namespace,
                                 named_mistakes, visible_failure)

CELLS, CORPUS = load("03-backprop", "backprop")

from course import checking  # noqa: E402
from course.keys import backprop as key  # noqa: E402

CASES = CORPUS["CASES"]
DEFINITIONS = ("setup", "circuit", "network") + key.FUNCTIONS

# What the failure message of each wrong answer must say (a regular expression).
MISTAKE = {
    "add_local_gradient_only": r"local gradients 1 and 1 alone",
    "add_splits_in_half": r"splits the gradient in half",
    "add_multiply_rule": r"uses the multiply gate's rule",
    "add_only_to_x": r"passes dout to x only",
    "multiply_not_swapped": r"inputs are not swapped",
    "multiply_no_dout": r"leaves out the upstream gradient dout",
    "multiply_add_rule": r"uses the add gate's rule",
    "multiply_overwrites_inputs": r"changed its argument (x|y|dout) in place",
    "max_ties_to_x": r"on a tie \(x == y\) it gives the gradient to x",
    "max_ties_split": r"on a tie it splits the gradient in half",
    "max_to_smaller": r"routes the gradient to the smaller input",
    "max_masks_only": r"returns the masks alone",
    "max_argmax_first": r"on a tie \(x == y\) it gives the gradient to x",
    "circuit_no_sigma_prime": r"local gradient is missing",
    "circuit_sigma_prime_is_f": r"uses f = sigma\(z\), the node's output",
    "circuit_one_minus_f": r"uses 1 - f",
    "circuit_not_swapped": r"multiply gates are not swapped",
    "circuit_bias_times_w2": r"df/dw2 is wrong",
    "circuit_exp_overflows": r"exp\(-z\) overflows",
    "circuit_central_differences": r"finite-difference estimate",
    "sweep_calls_the_six": r"called J_W3, J_b3, J_W2, J_b2, J_W1, J_b1: .*sweep itself",
    "sweep_calls_one": r"called J_b1: .*sweep itself",
    "sweep_no_transpose": r"W3 is not transposed",
    "sweep_not_averaged": r"N times too large",
    "sweep_no_keepdims": r"\['J_b3'\] has shape \(2,\).*keepdims=True",
    "sweep_returns_a_list": r"returned list: it must return a dict",
    "sweep_wrong_layer_sigma": r"uses d_sigma\(z3\) where layer 2 needs d_sigma\(z2\)",
    "w3_not_averaged": r"N times too large",
    "w3_wrong_activation": r"a2\.T, not a1\.T",
    "w3_sigma_prime_of_a": r"evaluated at the activations a3",
    "w3_no_sigma_prime": r"d_sigma\(z3\) is missing",
    "w3_wrong_sign": r"wrong sign",
    "b3_not_summed": r"shape \(2, 40\).*sum delta3 over the examples",
    "b3_summed_over_neurons": r"shape \(1, 40\).*sum delta3 over the examples",
    "b3_no_keepdims": r"shape \(2,\).*keepdims=True",
    "b3_missing_two": r"factor 2 is missing",
    "b3_overwrites_y": r"changed its argument y in place",
    "b3_sigma_prime_of_a": r"evaluated at the activations a3",
    "w2_no_transpose": r"W3 is not transposed",
    "w2_sigma_prime_of_z3": r"uses d_sigma\(z3\) where layer 2 needs d_sigma\(z2\)",
    "w2_drops_sigma_prime_3": r"d_sigma\(z3\) is missing",
    "w2_not_averaged": r"N times too large",
    "b2_summed_over_neurons": r"shape \(1, 40\).*sum delta2 over the examples",
    "b2_drops_sigma_prime_2": r"d_sigma\(z2\) is missing",
    "b2_sigma_prime_of_a2": r"evaluated at the activations a2",
    "b2_missing_two": r"factor 2 is missing",
    "w1_wrong_activation": r"shape \(6, 6\).*a0\.T",
    "w1_no_transpose": r"W2 is not transposed",
    "w1_sigma_prime_of_z2": r"uses d_sigma\(z2\) where layer 1 needs d_sigma\(z1\)",
    "w1_wrong_sign": r"wrong sign",
    "w1_not_averaged": r"N times too large",
    "b1_not_summed": r"shape \(6, 40\).*sum delta1 over the examples",
    "b1_drops_sigma_prime_1": r"d_sigma\(z1\) is missing",
    "b1_sigma_prime_of_a1": r"evaluated at the activations a1",
    "b1_averaged_twice": r"divided by N twice",
    "w3_central_differences_of_cost": r"finite-difference estimate",
    "b3_central_differences_of_cost": r"finite-difference estimate",
    "w2_forward_differences": r"finite-difference estimate",
    "b2_forward_differences_big_step": r"finite-difference estimate",
    "w1_five_point_differences": r"finite-difference estimate",
    "b1_central_differences_of_own_cost": r"finite-difference estimate",
}


def visible_messages(function):
    """The messages of the mistakes the visible test of `function` can name (all its labels)."""
    return [m for label, pairs in key.visible_mistakes().items()
            if label.split(":")[0] == function for m, _ in pairs]


def notebook_namespace(replacements=None):
    """Return the globals of the source notebook after its definitions, with cells replaced."""
    return namespace(CELLS, DEFINITIONS, replacements)


def run_test_cell(function, ns):
    """Run the notebook's test cell of `function`; return None if it passes, else the message."""
    return failure(lambda: exec(CELLS["test_" + function], ns))


def key_failure(function, ns):
    """Return the message of key.check(function, ns), or None if it passes."""
    return failure(lambda: key.check(function, ns), checking.CheckFailure)


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
    visible = visible_failure("03-backprop", CELLS["test_" + target], ns)
    check_same_diagnosis(visible, key_failure(target, ns), visible_messages(target))


def test_the_visible_tests_name_the_typical_mistakes():
    """Every corpus mistake the visible test catches by value is named there, not just found."""
    unnamed = []
    for case in CASES:
        if case["expect"] != "loses" or case.get("status_matches") == "finite-difference":
            continue
        ns = notebook_namespace(case["cells"])
        visible = visible_failure("03-backprop", CELLS["test_" + case["target"]], ns)
        messages = visible_messages(case["target"])
        if visible and "disagrees" in visible and not named_mistakes(visible, messages):
            unnamed.append((case["name"], visible))
    assert not unnamed, unnamed


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "full"],
                         ids=lambda case: case["name"])
def test_other_correct_styles_keep_full_marks(case):
    ns = notebook_namespace(case["cells"])
    for function in key.FUNCTIONS:
        assert key_failure(function, ns) is None, function
        assert run_test_cell(function, ns) is None, function


SIGNATURES = {**{gate: "x, y, dout" for gate in key.GATES}, "circuit_backward": "w, x"}
# Answers of the right shapes and nothing else.
ZEROS = {**{gate: "return np.zeros_like(x), np.zeros_like(y)" for gate in key.GATES},
         "circuit_backward": "return np.zeros(3), np.zeros(2)",
         "all_jacobians": "return {name: np.zeros_like(globals()[name[2:]]) for name in "
                          "('J_W3', 'J_b3', 'J_W2', 'J_b2', 'J_W1', 'J_b1')}",
         **{name: f"return np.zeros_like({name[2:]})" for name in key.JACOBIANS}}


@pytest.mark.parametrize("function", key.FUNCTIONS)
def test_stubs_fail(function):
    head = f"def {function}({SIGNATURES.get(function, 'x, y')}):\n"
    stub = head + "    raise NotImplementedError()\n"
    assert "not implemented yet" in key_failure(function, notebook_namespace({function: stub}))
    zeros = head + f"    {ZEROS[function]}\n"
    assert key_failure(function, notebook_namespace({function: zeros})) is not None


def test_key_restores_the_notebook_weights():
    ns = notebook_namespace()
    ns["reset_network"](random=np.random.RandomState(0))
    before = {p: ns[p] for p in key.PARAMETERS}
    key.check("J_W1", ns)
    broken = notebook_namespace({"J_b2": "def J_b2(x, y):\n    return b2\n"})
    broken_before = {p: broken.get(p) for p in key.PARAMETERS}
    with pytest.raises(checking.CheckFailure):
        key.check("J_b2", broken)
    assert all(ns[p] is before[p] for p in key.PARAMETERS)
    assert all(broken.get(p) is broken_before[p] for p in key.PARAMETERS)


@pytest.mark.parametrize("case", key.CASES)
def test_key_backward_pass_matches_its_own_cost(case):
    params, x, y = key.random_case(*case)
    jacobians = key.backward(params, x, y)
    for function in key.JACOBIANS:
        numeric = checking.central_difference(lambda: key.cost(params, x, y),
                                              params[function[2:]])
        assert checking.relative_error(jacobians[function], numeric) < 1e-7


def test_key_forward_pass_agrees_with_the_notebook():
    ns = notebook_namespace()
    params, x, y = key.random_case(*key.CASES[0])
    ns.update(params)
    assert np.isclose(ns["cost"](x, y), key.cost(params, x, y), rtol=1e-12)
