"""The checking library, in-process: each check passes right answers and names wrong ones."""
import numpy as np
import pytest

from course import checking
from course.checking import CheckFailure


def test_call_turns_a_stub_into_a_teaching_failure():
    def stub():
        raise NotImplementedError("Write your answer here")
    with pytest.raises(CheckFailure, match="not implemented yet"):
        checking.call("f()", stub)


def test_call_names_the_exception_a_function_raised():
    with pytest.raises(CheckFailure, match=r"f\(\) raised ZeroDivisionError"):
        checking.call("f()", lambda: 1 / 0)
    assert checking.call("g(2)", lambda x: x + 1, 2) == 3


def test_none_and_strings_are_not_arrays():
    with pytest.raises(CheckFailure, match="forget the `return`"):
        checking.as_array("J", None)
    with pytest.raises(CheckFailure, match="not an array of numbers"):
        checking.as_array("J", "abc")


def test_check_shape_names_a_transpose_and_adds_the_hint():
    with pytest.raises(CheckFailure, match=r"shape \(3, 2\); expected \(2, 3\)\. It looks transposed\. sum"):
        checking.check_shape("J", np.zeros((3, 2)), (2, 3), hint="sum over axis 1")
    assert checking.check_shape("J", [[1.0, 2.0]], (1, 2)).shape == (1, 2)


def test_check_finite_catches_nan_and_inf():
    with pytest.raises(CheckFailure, match="NaN or infinite"):
        checking.check_finite("J", np.array([1.0, np.inf]))


def test_relative_error_is_zero_for_equal_and_one_for_opposite():
    a = np.array([1.0, -2.0, 3.0])
    assert checking.relative_error(a, a) == 0
    assert checking.relative_error(a, -a) == pytest.approx(1.0)
    assert checking.relative_error(np.zeros(3), np.zeros(3)) == 0


def test_central_difference_matches_a_known_gradient_and_restores_its_input():
    w = np.array([[0.3, -1.2], [2.0, 0.5]])
    before = w.copy()
    numeric = checking.central_difference(lambda: np.sum(np.sin(w) * w ** 2), w)
    exact = np.cos(w) * w ** 2 + 2 * w * np.sin(w)
    assert checking.relative_error(numeric, exact) < 1e-9
    assert np.array_equal(w, before)


def test_diagnose_prefers_a_named_mistake_then_sign_then_factor():
    right = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert checking.diagnose(right * 7, right, [("not averaged", right * 7)]) == "not averaged"
    assert "wrong sign" in checking.diagnose(-right, right)
    assert "0.5 times" in checking.diagnose(right / 2, right)
    assert checking.diagnose(right + np.eye(2), right) is None
    assert checking.diagnose(right * (1 + 1e-8), right) is None  # a near miss is no factor


def test_diagnose_guesses_no_factor_between_two_single_numbers():
    """Any number is some multiple of another: for one number only a flipped sign is named."""
    assert checking.diagnose(np.float64(0.7746), 1.0) is None
    assert checking.diagnose(np.array([[3.0]]), np.array([[1.5]])) is None
    assert "wrong sign" in checking.diagnose(-2.5, 2.5)
    assert checking.diagnose(0.7746, 1.0, [("forgot the mean", 0.7746)]) == "forgot the mean"


def test_check_close_passes_equal_values_and_explains_a_wrong_one():
    expected = np.linspace(1, 2, 6).reshape(2, 3)
    checking.check_close("J", expected * (1 + 1e-9), expected)
    with pytest.raises(CheckFailure, match="J disagrees with the expected value.*missing σ′"):
        checking.check_close("J", expected ** 2, expected, mistakes=[("missing σ′", expected ** 2)])
    with pytest.raises(CheckFailure, match=r"relative error .*\. Look at layer 2"):
        checking.check_close("J", expected + 1, expected, advice="Look at layer 2")


def test_a_hint_comes_only_with_the_failure_it_explains():
    """A shape hint with a wrong shape, advice with an unexplained wrong value; neither with a
    named mistake, nor the shape hint with a wrong value."""
    expected = np.linspace(1, 2, 6).reshape(2, 3)
    ask = dict(hint="Keep a column.", advice="Look at layer 2.", mistakes=[("missing σ′", expected ** 2)])
    with pytest.raises(CheckFailure, match=r"shape \(3, 2\).*Keep a column") as shape:
        checking.check_close("J", expected.T, expected, **ask)
    assert "layer 2" not in str(shape.value)
    with pytest.raises(CheckFailure, match="Look at layer 2") as value:
        checking.check_close("J", expected + 1, expected, **ask)
    assert "column" not in str(value.value)
    with pytest.raises(CheckFailure, match="missing σ′") as named:
        checking.check_close("J", expected ** 2, expected, **ask)
    assert "column" not in str(named.value) and "layer 2" not in str(named.value)


def test_a_one_element_array_is_named_or_taken_as_its_number():
    with pytest.raises(CheckFailure, match=r"shape \(1,\); expected a single number: this array holds one"):
        checking.check_scalar("cost", np.array([3.0]), 3.0)
    assert checking.check_scalar("cost", np.array([[3.0]]), 3.0, one_element=True) is None
    with pytest.raises(CheckFailure, match="sum \\(or squeeze\\)"):
        checking.check_scalar("cost", np.array([3.0, 0.0]), 3.0, one_element=True)


def test_check_gradient_compares_with_finite_differences():
    w = np.array([1.0, -2.0])
    numeric = checking.central_difference(lambda: np.sum(w ** 3), w)
    checking.check_gradient("dJ/dw", 3 * w ** 2, numeric)
    with pytest.raises(CheckFailure, match="central finite differences.*constant factor"):
        checking.check_gradient("dJ/dw", 6 * w ** 2, numeric)


def test_check_scalar_rejects_arrays():
    with pytest.raises(CheckFailure, match="expected a single number"):
        checking.check_scalar("cost", np.array([1.0, 2.0]), 3.0)
    assert checking.check_scalar("cost", np.float64(3.0), 3.0) is None
    assert checking.check_close("x", np.ones(2), np.ones(2)) is None


def test_the_release_copies_of_the_library_are_current():
    from course import release
    assert release.stale_shared_modules(release.assignments()) == []


def test_planted_restores_the_namespace_even_when_the_block_fails():
    ns = {"f": "mine"}
    with pytest.raises(ZeroDivisionError):
        with checking.planted(ns, f="reference", g="reference"):
            assert ns == {"f": "reference", "g": "reference"}
            1 / 0
    assert ns == {"f": "mine"}


def test_call_unchanged_sees_an_argument_changed_in_place_in_process():
    from course import keys
    ns = {}

    def scale_in_place(X, factor):
        X *= factor
        return X
    X = np.ones((2, 2))
    with pytest.raises(CheckFailure, match="changed its argument X in place"):
        keys.call_unchanged("scale(X, 2)", ns, scale_in_place, X, 2, names=["X", "factor"])
    assert np.array_equal(X, np.ones((2, 2))) and ns == {}
    params = {"W": np.ones(2), "b": np.zeros(1)}

    def update_in_place(params):
        params["W"] -= 1
        return params
    with pytest.raises(CheckFailure, match="changed its argument parameters"):
        keys.call_unchanged("update(parameters)", ns, update_in_place, params, names=["parameters"])
    assert keys.call_unchanged("f", ns, lambda p: dict(p, W=p["W"] - 1), params)["W"].tolist() == [0, 0]
