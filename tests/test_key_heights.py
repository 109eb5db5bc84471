"""The answer key of 01-heights, against the corpus of student answers, in process (no kernel).

Each case of tests/corpus/heights.py is run the way the grader would see it: the source
notebook's setup cell and reference-solution cells are executed in a fresh namespace and the
case's cells replace the functions they define. Then the key must fail on a wrong answer's
target, with a message that names the mistake, and pass everything else; the notebook's own
test cells (public and hidden parts) must fail for the target only. The public part alone
(what the student runs while working) must catch every wrong answer but those right on the
visible examples (PASS_THE_VISIBLE_TEST), and name the mistake that the hidden tests name.
"""
import re

import numpy as np
import pytest
from notebook_under_test import (check_corpus, check_same_diagnosis, failure, load, namespace,
                                 named_mistakes, visible_failure)

CELLS, CORPUS = load("01-heights", "heights")

from course import checking, coverage  # noqa: E402
from course.keys import heights as key  # noqa: E402

CASES = CORPUS["CASES"]
DEFINITIONS = ("setup",) + key.FUNCTIONS
# test cell id -> the key check its hidden part runs
TESTS = {"test_f": "f", "test_dfdmu": "dfdmu", "test_dfdsig": "dfdsig",
         "test_steepest_step": "steepest_step", "test_steepest_step_descent": "descent"}

# What the failure message of each wrong answer must say (a regular expression).
MISTAKE = {
    "f_no_one_over_sig": r"factor 1/sig in front is missing",
    "f_precedence_in_exponent": r"multiplies by sig\*\*2 instead of dividing",
    "f_two_pi_without_root": r"2 pi instead of sqrt\(2 pi\)",
    "f_exponent_without_two": r"divides by sig\*\*2 instead of 2 \* sig\*\*2",
    "dfdmu_wrong_sign": r"wrong sign.*inner derivative",
    "dfdmu_missing_f": r"factor f is missing",
    "dfdmu_missing_sig_squared": r"factor 1/sig\*\*2 is missing",
    "dfdmu_half": r"half the right value",
    "dfdsig_drops_prefactor_term": r"term from the prefactor 1/sig is missing",
    "dfdsig_prefactor_term_sign": r"sig\^-1 term has the wrong sign",
    "dfdsig_prefactor_over_sig_squared": r"sig\^-1 term is -f/sig\*\*2",
    "dfdsig_exponent_half": r"exponent's derivative is half",
    "dfdsig_returns_dfdmu": r"it is df/dmu, not df/dsig",
    "step_plus_j": r"steps uphill, along \+J",
    "step_sig_reuses_mu": r"sigma component repeats the mu component",
    "step_sig_wrong_sign": r"sigma component has the wrong sign",
    "step_sig_missing_two": r"sigma component is half",
    "step_sig_not_summed": r"raised ValueError",
    "f_root_of_two_pi_sig": r"prefactor is 1/sqrt\(2 pi sig\)",
    "dfdmu_epsilon_against_division_by_zero": r"sig = 0.0021, .*small epsilon added against",
    "dfdmu_centres_x_in_place": r"changed its argument x: it changes an argument in place",
    "dfdsig_only_vectors": r"shape \(3, 4\) raised ValueError.*any shape",
    "step_sig_mean_over_bins": r"mean over the bins, not the sum",
    "step_fixed_aggression": r"ignores its argument aggression",
    "step_reads_the_notebooks_data": r"uses the notebook's histogram",
    "step_only_forty_bins": r"with 5 bins raised IndexError.*assume 40",
    "step_overwrites_y": r"changed its argument y: it changes an argument in place",
}
# Wrong answers that are right on the visible examples: only the hidden tests can catch them.
# (An argument changed in place is not among them: the visible tests compare it with a copy.)
PASS_THE_VISIBLE_TEST = {"dfdmu_epsilon_against_division_by_zero", "dfdsig_only_vectors",
                         "step_fixed_aggression", "step_reads_the_notebooks_data",
                         "step_only_forty_bins"}


def notebook_namespace(replacements=None):
    """Return the globals of the source notebook after its definitions, with cells replaced."""
    return namespace(CELLS, DEFINITIONS, replacements)


def run_test_cell(test_id, ns):
    """Run one of the notebook's test cells; return None if it passes, else the message."""
    return failure(lambda: exec(CELLS[test_id], ns))


def key_failure(check, ns):
    """Return the message of the key's check (a function name or "descent"), or None."""
    return failure(lambda: key.check_descent(ns) if check == "descent" else key.check(check, ns),
                   checking.CheckFailure)


def cells_of(function):
    return [t for t in TESTS if t == f"test_{function}" or t.startswith(f"test_{function}_")]


def test_corpus_is_complete():
    check_corpus(CORPUS, key.FUNCTIONS, MISTAKE)


def test_every_test_cell_is_known():
    graded = {cid for cid, source in CELLS.items() if "BEGIN HIDDEN TESTS" in source}
    assert graded == set(TESTS)


def test_reference_solutions_pass_key_and_test_cells():
    ns = notebook_namespace()
    for test_id, check in TESTS.items():
        assert key_failure(check, ns) is None, test_id
        assert run_test_cell(test_id, ns) is None, test_id


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_mistake_loses_only_its_target(case):
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    message = key_failure(target, ns)
    assert message is not None, f"the key accepts {case['name']}"
    assert re.search(MISTAKE[case["name"]], message, re.S), message
    assert run_test_cell(f"test_{target}", ns) is not None, "the test cell accepts the mistake"
    visible = visible_failure("01-heights", CELLS[f"test_{target}"], ns)
    if case["name"] in PASS_THE_VISIBLE_TEST:
        assert visible is None, f"the public test catches it after all: {visible}"
    else:
        assert visible is not None, "the public test accepts the mistake"
    for test_id, check in TESTS.items():
        if test_id not in cells_of(target):
            assert key_failure(check, ns) is None, test_id
            assert run_test_cell(test_id, ns) is None, test_id


def visible_messages(function):
    """The messages of the mistakes the visible test of `function` can name."""
    return [m for label, pairs in key.visible_mistakes().items()
            if coverage.function_of(label) == function for m, _ in pairs]


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "loses"],
                         ids=lambda case: case["name"])
def test_the_visible_test_names_what_the_hidden_tests_name(case):
    """While working, the student's visible test names the mistake the hidden tests name at
    grading, from the values in readonly/mistakes.json."""
    ns = notebook_namespace(case["cells"])
    target = case["target"]
    visible = visible_failure("01-heights", CELLS["test_" + target], ns)
    check_same_diagnosis(visible, key_failure(target, ns), visible_messages(target))


def test_the_visible_tests_name_the_typical_mistakes():
    """Every corpus mistake the visible test catches by value is named there, not just found."""
    unnamed, named = [], 0
    for case in CASES:
        if case["expect"] != "loses":
            continue
        ns = notebook_namespace(case["cells"])
        visible = visible_failure("01-heights", CELLS["test_" + case["target"]], ns)
        if visible and "disagrees" in visible:
            if named_mistakes(visible, visible_messages(case["target"])):
                named += 1
            else:
                unnamed.append((case["name"], visible))
    assert not unnamed, unnamed
    assert named >= 3 * len(key.FUNCTIONS)


def test_the_visible_examples_are_the_notebooks():
    """visible_mistakes() computes its values where the notebook's visible test cells look."""
    assert '"f(170, 170, 8)", f, 170.0, 170.0, 8.0' in CELLS["test_f"]
    assert key.VISIBLE_PEAK == (170.0, 170.0, 8.0)
    assert "np.linspace(100.0, 240.0, 1401)" in CELLS["test_f"] and "170.0, 8.0)" in CELLS["test_f"]
    assert np.array_equal(key.VISIBLE_GRID[0], np.linspace(100.0, 240.0, 1401))
    assert key.VISIBLE_GRID[1:] == (170.0, 8.0)
    for name in ("dfdmu", "dfdsig"):
        cell = CELLS[f"test_{name}"]
        assert "heights = np.linspace(140.0, 200.0, 31)" in cell
        assert f"{name}, heights, 168.0, 9.0)" in cell and f"{name}, 172.0, 168.0, 9.0)" in cell
        for part in ("array", "number"):
            assert f'known_mistakes("{name}:{part}")' in cell
    array, number = key.VISIBLE_DERIVATIVE["array"], key.VISIBLE_DERIVATIVE["number"]
    assert np.array_equal(array[0], np.linspace(140.0, 200.0, 31)) and array[1:] == (168.0, 9.0)
    assert number == (172.0, 168.0, 9.0)
    assert "steepest_step, x, y, 160.0, 8.0, 3000)" in CELLS["test_steepest_step"]
    assert key.VISIBLE_STEP == (160.0, 8.0, 3000.0)


def test_every_visible_mistake_is_named_by_its_own_value():
    """Each value in readonly/mistakes.json, returned by an answer, is named by the check that
    reads it, and no two mistakes of a label share a value (the first would hide the other)."""
    for label, pairs in key.visible_mistakes().items():
        for i, (message, value) in enumerate(pairs):
            assert checking.diagnose(value, np.zeros_like(value) + 1e-300, pairs) == message, label
            assert all(checking.relative_error(value, other) > 1e-6
                       for other_message, other in pairs[:i]), (label, message)


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"] == "full"],
                         ids=lambda case: case["name"])
def test_other_correct_styles_keep_full_marks(case):
    ns = notebook_namespace(case["cells"])
    for test_id, check in TESTS.items():
        assert key_failure(check, ns) is None, test_id
        assert run_test_cell(test_id, ns) is None, test_id


@pytest.mark.parametrize("function", key.FUNCTIONS)
def test_stubs_and_zeros_fail(function):
    args = "x, y, mu, sig, aggression" if function == "steepest_step" else "x, mu, sig"
    stub = f"def {function}({args}):\n    raise NotImplementedError()\n"
    ns = notebook_namespace({function: stub})
    for test_id in cells_of(function):
        assert "not implemented yet" in key_failure(TESTS[test_id], ns)
        assert "not implemented yet" in run_test_cell(test_id, ns)
    zeros = f"def {function}({args}):\n    return np.zeros_like(x) if np.ndim(x) else 0.0\n"
    if function == "steepest_step":
        zeros = f"def {function}({args}):\n    return np.zeros(2)\n"
    ns = notebook_namespace({function: zeros})
    for test_id in cells_of(function):
        assert key_failure(TESTS[test_id], ns) is not None
        assert run_test_cell(test_id, ns) is not None


def test_a_finite_difference_answer_is_not_taken_for_the_derivative():
    cheat = ("def dfdmu(x, mu, sig):\n    h = 1e-5 * sig\n"
             "    return (f(x, mu + h, sig) - f(x, mu - h, sig)) / (2 * h)\n")
    message = key_failure("dfdmu", notebook_namespace({"dfdmu": cheat}))
    assert message is not None and "finite-difference estimate" in message, message
    ns = notebook_namespace()
    exec("from readonly.heights_module import stand_ins\ndfdsig = stand_ins()['dfdsig']", ns)
    assert "finite-difference estimate" in key_failure("dfdsig", ns)


def test_key_restores_the_notebook_functions():
    ns = notebook_namespace()
    before = {name: ns[name] for name in key.FUNCTIONS}
    for check in ("dfdmu", "dfdsig", "steepest_step", "descent"):
        assert key_failure(check, ns) is None
    assert all(ns[name] is before[name] for name in key.FUNCTIONS)
    broken = notebook_namespace({"steepest_step": "def steepest_step(x, y, mu, sig, a):\n"
                                                  "    return a * np.ones(2)\n"})
    del broken["dfdsig"]
    f_before = broken["f"]
    assert key_failure("steepest_step", broken) is not None
    assert "dfdsig" not in broken, "a planted function stayed behind"
    assert broken["f"] is f_before


def test_public_tests_restore_the_notebook_functions():
    ns = notebook_namespace()
    before = {name: ns[name] for name in key.FUNCTIONS}
    for test_id in TESTS:
        assert run_test_cell(test_id, ns) is None
    assert all(ns[name] is before[name] for name in key.FUNCTIONS)


@pytest.mark.parametrize("name", ["dfdmu", "dfdsig"])
def test_key_derivatives_match_central_differences(name):
    wrt = name[3:]
    for x, mu, sig in key.derivative_cases():
        numeric = key.numeric_partial(key.gaussian, x, mu, sig, wrt)
        assert checking.relative_error(key.REFERENCE[name](x, mu, sig), numeric) < 1e-7


def test_key_jacobian_matches_central_differences_and_each_mistake_differs():
    notebook_namespace()  # the key checks against the notebook it has built
    seen = set()
    for x, y, mu, sig, aggression in key.step_cases():
        expected = key.step(x, y, mu, sig, aggression)
        numeric = -aggression * key.numeric_jacobian(x, y, mu, sig)
        assert checking.relative_error(expected, numeric) < 1e-7
        assert key.uphill(x, y, mu, sig, -expected) and not key.uphill(x, y, mu, sig, expected)
        values = key.steepest_step_mistakes(x, y, mu, sig, aggression)
        seen |= {message for message, _ in key.known(values, expected)}
    assert seen == {message for message, _ in values}


def test_every_mistake_of_the_derivatives_is_seen_on_some_case():
    for name, mistakes in key.MISTAKES.items():
        seen = set()
        for x, mu, sig in key.derivative_cases():
            expected = key.REFERENCE[name](x, mu, sig)
            seen |= {message for message, _ in key.known(mistakes(x, mu, sig), expected)}
        assert seen == {message for message, _ in mistakes(*key.derivative_cases()[0])}, name


def test_key_gaussian_agrees_with_the_notebook_and_the_fit_with_the_module():
    ns = notebook_namespace()
    x = np.linspace(120.0, 220.0, 101)
    assert np.allclose(ns["f"](x, 168.0, 9.5), key.gaussian(x, 168.0, 9.5), rtol=1e-13)
    data = ns["heights_data"]()
    assert np.allclose(key.fit(*data, key.START), ns["least_squares_fit"](*data), rtol=1e-9)


def test_descent_settings_are_the_notebooks():
    source = CELLS["descend"]
    assert f"mu, sig = {key.START[0]}, {key.START[1]}" in source
    assert f"range({key.STEPS})" in source and f"{key.AGGRESSION:g})" in source
    assert f"{key.AGGRESSION:g})" in CELLS["test_steepest_step_descent"]
    ns = notebook_namespace()
    x, y = ns["heights_data"]()
    assert np.array_equal(x, key.heights_data()[0]) and np.array_equal(y, key.heights_data()[1])
    best = key.fit(x, y, key.START)
    end = key.descend(lambda *args: key.step(*args), x, y, key.START)[-1]
    assert np.allclose(end, best, rtol=1e-7, atol=0), (end, best)


def test_callees_are_the_kernels_stand_ins_only_when_right():
    ns = notebook_namespace()
    fast = key.callees(ns, exact=False)
    assert all(fast[name] is not key.REFERENCE[name] for name in key.REFERENCE)
    exact = key.callees(ns, exact=True)
    assert exact["f"] is not key.gaussian
    assert exact["dfdmu"] is key.gaussian_dmu and exact["dfdsig"] is key.gaussian_dsig
    real = ns["heights_data"].stand_ins

    def tampered():
        found = real()
        found["dfdsig"] = found["dfdmu"]
        return found
    ns["heights_data"] = lambda: None
    ns["heights_data"].stand_ins = tampered
    chosen = key.callees(ns, exact=False)
    assert chosen["dfdsig"] is key.gaussian_dsig and chosen["dfdmu"] is not key.gaussian_dmu
    ns["heights_data"].stand_ins = lambda: 1 / 0
    assert key.callees(ns, exact=False) == key.REFERENCE
    del ns["heights_data"]
    assert key.callees(ns, exact=False) == key.REFERENCE


def test_a_single_step_is_judged_on_the_keys_values_alone():
    """The single steps of steepest_step get the key's own callees and are compared with a step
    built from the key's values: stand-ins that the kernel was made to compute wrongly (right
    only where the key tries them) change nothing."""
    ns = notebook_namespace()
    real = ns["heights_data"].stand_ins

    def tampered():
        found = real()
        slope = found["dfdsig"]
        found["dfdsig"] = lambda x, mu, sig: slope(x, mu, sig) * (1 if sig == 9.0 else 1.001)
        return found
    ns["heights_data"] = lambda: None
    ns["heights_data"].stand_ins = tampered
    assert key_failure("steepest_step", ns) is None
    uphill = notebook_namespace(next(c["cells"] for c in CASES if c["name"] == "step_plus_j"))
    uphill["heights_data"] = ns["heights_data"]
    assert "steps uphill" in key_failure("steepest_step", uphill)


def test_a_changed_argument_is_seen_by_the_grader_whatever_the_kernel_rebinds():
    """The key reads the arguments back itself (keys.call_watching); no helper in the kernel is
    asked, so a notebook that replaces heights_data still loses for changing y."""
    case = next(c for c in CASES if c["name"] == "step_overwrites_y")
    ns = notebook_namespace(case["cells"])
    assert "changed its argument y" in key_failure("steepest_step", ns)
    real = ns["heights_data"]
    ns["heights_data"] = lambda *args, **kwargs: real(*args, **kwargs)
    ns["heights_data"].stand_ins = real.stand_ins
    assert "changed its argument y" in key_failure("steepest_step", ns)


def test_the_descent_gives_each_step_copies_as_the_grader_does():
    """In the grader every call's arrays reach the kernel as copies; in process the descent
    passes copies too, so a step that changes y is judged alike in both: named by the check of
    steepest_step, and not also by the descent (where its steps are right)."""
    case = next(c for c in CASES if c["name"] == "step_overwrites_y")
    ns = notebook_namespace(case["cells"])
    assert key_failure("descent", ns) is None
    assert "changed its argument y" in key_failure("steepest_step", ns)
