"""The read-only module of 05-gradcheck: data, stand-ins, demonstrations and plots (in process)."""
import json
import sys
import time
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "source" / "05-gradcheck"
for folder in (ROOT, ASSIGNMENT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from readonly import gradcheck_module as gm  # noqa: E402

NOTEBOOK = [cell for cell in json.loads((ASSIGNMENT / "gradcheck.ipynb").read_text())["cells"]]
CELLS = {cell["id"]: "".join(cell["source"]) for cell in NOTEBOOK}
DEFINITIONS = ("setup", "data", "network", "sigmoidPrime", "costFunction", "costFunctionPrime",
               "computeNumericalGradient", "trainer", "costFunctionWrapper")


def notebook_namespace():
    """Run the notebook's data and definitions (reference solutions included); return globals."""
    ns = {"__name__": "__main__"}
    for cell_id in DEFINITIONS:
        exec(CELLS[cell_id], ns)
    return ns


def trained(ns, Lambda, seed=8):
    """Return a trainer after training a network from np.random.seed(seed) (as the notebook)."""
    np.random.seed(seed)
    T = ns["trainer"](ns["Neural_Network"](Lambda=Lambda))
    T.train(ns["trainX"], ns["trainY"], ns["testX"], ns["testY"])
    return T


@pytest.fixture(autouse=True)
def quiet_figures(monkeypatch):
    """Not under the grader unless a test says so; close every figure after a test."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        yield
    plt.close("all")


def test_score_table_is_fixed_and_plausible():
    first, second = gm.score_table(), gm.score_table()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    hours, scores, test_hours, test_scores = first
    assert hours.shape == test_hours.shape == (4, 2) and scores.shape == test_scores.shape == (4, 1)
    both = np.vstack([hours, test_hours])
    assert both[:, 0].min() >= 4 and both[:, 0].max() <= 10  # hours of sleep
    assert both[:, 1].min() >= 0 and both[:, 1].max() <= 8  # hours of study
    every = np.vstack([scores, test_scores])
    assert np.all(every == np.round(every)) and every.min() >= 0 and every.max() <= 100
    # the test set reaches beyond the training range, as the notebook says
    assert test_hours[:, 1].max() > hours[:, 1].max()


def test_show_table_prints_every_row(capsys):
    gm.show_table(*gm.score_table())
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 + 8 and "training" in lines[1] and "test" in lines[5]


def test_notebook_data_is_scaled_by_the_training_maxima():
    ns = notebook_namespace()
    assert np.allclose(ns["trainX"].max(axis=0), 1.0)
    assert ns["trainY"].max() < 1 and ns["testY"].min() > 0.5
    hours, _, test_hours, _ = gm.score_table()
    assert np.allclose(ns["testX"], test_hours / hours.max(axis=0))


def test_example_network_is_fixed_and_uses_the_given_class():
    ns = notebook_namespace()
    N1, X1, y1 = gm.example_network(ns["Neural_Network"], Lambda=0.01)
    N2, X2, y2 = gm.example_network(ns["Neural_Network"], Lambda=0.01)
    assert isinstance(N1, ns["Neural_Network"]) and N1.Lambda == 0.01
    assert N1.W1.shape == (2, 3) and N1.W2.shape == (3, 1)
    assert X1.shape == (5, 2) and y1.shape == (5, 1)
    assert np.array_equal(N1.getParams(), N2.getParams())
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)


def test_numerical_derivative_is_accurate_entry_by_entry():
    z = np.linspace(-3, 3, 12).reshape(3, 4)
    assert np.allclose(gm.numerical_derivative(np.sin)(z), np.cos(z), rtol=1e-9, atol=1e-10)
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert np.isclose(gm.numerical_derivative(sigma)(0.0), 0.25, rtol=1e-9)


def test_bowl_has_the_gradient_and_minimum_it_claims():
    bowl = gm.Bowl()
    p = bowl.getParams()
    assert p.shape == (9,)
    numeric = np.array([(bowl.cost_at(p + 1e-6 * u) - bowl.cost_at(p - 1e-6 * u)) / 2e-6
                        for u in np.eye(9)])
    assert np.allclose(bowl.computeGradients(None, None), numeric, rtol=1e-7)
    dJdW1, dJdW2 = bowl.costFunctionPrime(None, None)
    assert dJdW1.shape == (2, 3) and dJdW2.shape == (3, 1)
    assert np.array_equal(np.concatenate([dJdW1.ravel(), dJdW2.ravel()]), bowl.gradient_at(p))
    assert np.allclose(bowl.gradient_at(bowl.bottom), 0) and bowl.cost_at(bowl.bottom) == 0
    new = p + 1
    bowl.setParams(new)
    new[0] = 100.0
    assert bowl.getParams()[0] != 100.0, "setParams keeps a copy"


@pytest.mark.parametrize("result,message", [
    (None, "returned None"), (3.0, "returned a float"), ((1, 2, 3), "tuple of length 3"),
])
def test_check_pair_names_what_came_back(result, message):
    with pytest.raises(AssertionError, match=message):
        gm.check_pair("f()", result)
    assert gm.check_pair("f()", [1, 2]) == (1, 2)


def test_check_cost_and_gradient_spots_the_usual_slips():
    with pytest.raises(AssertionError, match=r"returns \(grad, cost\)"):
        gm.check_cost_and_gradient("w()", (np.zeros(9), 1.0), size=9)
    with pytest.raises(AssertionError, match="tuple of 2 items"):
        gm.check_cost_and_gradient("w()", (1.0, (np.zeros((2, 3)), np.zeros((3, 1)))), size=9)
    cost, grad = gm.check_cost_and_gradient("w()", (1.0, np.ones(9)), size=9)
    assert cost == 1.0 and grad.shape == (9,)


def test_call_explaining_shapes_adds_a_hint_to_shape_errors_only():
    def misfit(a, b):
        return np.dot(a, b)

    with pytest.raises(AssertionError, match=r"raised ValueError.*missing or extra transpose"):
        gm.call_explaining_shapes("misfit()", misfit, np.ones((5, 3)), np.ones((5, 1)))
    with pytest.raises(AssertionError, match=r"not implemented yet"):
        gm.call_explaining_shapes("stub()", lambda: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError) as failure:
        gm.call_explaining_shapes("f()", lambda: 1 / 0)
    assert "transpose" not in str(failure.value)
    assert gm.call_explaining_shapes("dot()", misfit, np.ones((2, 3)), np.ones((3, 1))).shape == (2, 1)


def test_seeded_bugs_stand_out_and_leave_the_network_alone(capsys):
    ns = notebook_namespace()
    np.random.seed(0)
    N = ns["Neural_Network"](Lambda=1e-4)
    before = N.getParams()
    capsys.readouterr()  # the data cell printed the table
    errors = gm.seeded_bugs(N, ns["trainX"], ns["trainY"], ns["computeNumericalGradient"])
    assert "sigmoidPrime" not in vars(N) and np.array_equal(N.getParams(), before)
    (none,) = [error for bug, error in errors.items() if bug.startswith("none")]
    assert none < 1e-8
    assert all(error > 1e-4 for bug, error in errors.items() if not bug.startswith("none"))
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + len(errors)


def test_step_size_sweep_shows_both_kinds_of_error():
    ns = notebook_namespace()
    np.random.seed(0)
    N = ns["Neural_Network"](Lambda=1e-4)
    before = N.getParams()
    gm.step_size_sweep(N, ns["trainX"], ns["trainY"])
    assert np.array_equal(N.getParams(), before)
    (axes,) = plt.gcf().axes
    central, forward = (np.asarray(line.get_ydata()) for line in axes.lines[:2])
    steps = np.asarray(axes.lines[0].get_xdata())
    at = int(np.argmin(np.abs(steps - 1e-4)))
    assert central[at] < 1e-8 < 1e-6 < forward[at]  # the rule of thumb of the notebook
    assert central[0] > 1e-6 and central[-1] > 1e-2  # round-off on the left, truncation right
    assert central.min() < 1e-9


def test_overfitting_without_the_penalty_and_settling_with_it():
    """The story the notebook tells, with its own seed and data."""
    ns = notebook_namespace()
    plain, penalised = trained(ns, 0.0), trained(ns, 1e-3)
    assert plain.J[-1] < 1e-6  # the four training points are fitted almost exactly
    assert plain.trainError == plain.J  # without the penalty the cost is the data term
    test = np.asarray(plain.testError)
    assert test[-1] > 20 * test.min() and np.argmin(test) < len(test) - 5
    test = np.asarray(penalised.testError)
    assert test[-1] < 1.2 * test.min() and np.all(test[len(test) // 2:] < 1.2 * test.min())
    assert penalised.J[-1] < 1.05 * min(penalised.J)
    assert penalised.testError[-1] < plain.testError[-1] / 10
    # the penalised network pays for its weights on the training set: cost > error > plain's
    assert penalised.J[-1] > penalised.trainError[-1] > 100 * plain.trainError[-1]


def test_the_trainer_records_the_data_term_without_the_penalty():
    """T.testError is the test set's mean half squared error, whatever Lambda is."""
    ns = notebook_namespace()
    T = trained(ns, 1e-2)
    N = T.N
    for X, y, recorded in ((ns["trainX"], ns["trainY"], T.trainError),
                           (ns["testX"], ns["testY"], T.testError)):
        data = 0.5 * np.mean((y - N.forward(X)) ** 2)
        assert np.isclose(recorded[-1], data, rtol=1e-12)
        assert np.isclose(gm.data_term(N, X, y), data, rtol=1e-12)
    assert N.Lambda == 1e-2  # put back after each call
    penalty = 0.5 * N.Lambda * (np.sum(N.W1 ** 2) + np.sum(N.W2 ** 2))
    assert np.isclose(T.J[-1], T.trainError[-1] + penalty, rtol=1e-12)
    assert np.isclose(gm.points(0.5 * 0.04 ** 2), 4.0)  # 4 points off on every student


def test_data_term_puts_Lambda_back_when_the_cost_fails():
    class Failing:
        Lambda = 0.3

        def costFunction(self, X, y):
            assert self.Lambda == 0
            raise ValueError("broken")
    N = Failing()
    with pytest.raises(ValueError):
        gm.data_term(N, None, None)
    assert N.Lambda == 0.3


def test_lambda_sweep_judges_every_network_by_its_test_error(capsys):
    ns = notebook_namespace()
    np.random.seed(8)
    start = ns["Neural_Network"]().getParams()
    Lambdas = (1e-5, 3e-5, 1e-3, 3e-3, 1e-1)
    rows = gm.lambda_sweep(ns["Neural_Network"], ns["trainer"], start, ns["trainX"],
                           ns["trainY"], ns["testX"], ns["testY"], Lambdas=Lambdas)
    assert [row["Lambda"] for row in rows] == [0.0, *Lambdas]
    by = {row["Lambda"]: row for row in rows}
    assert np.isclose(by[0.0]["test"], trained(ns, 0.0).testError[-1], rtol=1e-10)
    assert by[0.0]["test_with_penalty"] == by[0.0]["test"]
    for row in rows[1:]:
        assert row["test_with_penalty"] > row["test"]  # the surcharge of the penalty
        assert np.isclose(row["points"], 100 * np.sqrt(2 * row["test"]))
    best = min(rows, key=lambda row: row["test"])
    assert best["Lambda"] == 3e-3 and best["points"] < 5 < 40 < by[0.0]["points"]
    # the cost with its penalty ranks 3e-5 ahead of 1e-3; the test error, the other way round
    assert by[3e-5]["test_with_penalty"] < by[1e-3]["test_with_penalty"]
    assert by[3e-5]["test"] > by[1e-3]["test"]
    assert by[1e-1]["train"] > by[3e-3]["train"] > by[0.0]["train"]  # underfitting on the right
    assert len(capsys.readouterr().out.strip().splitlines()) >= 1 + len(rows)
    (axes,) = plt.gcf().axes
    assert axes.get_xscale() == axes.get_yscale() == "log"
    labels = [line.get_label() for line in axes.lines]
    test = axes.lines[labels.index("test error (data term): the measure")]
    assert np.allclose(test.get_ydata(), [by[L]["test"] for L in Lambdas])


def test_plots_draw_the_costs_and_the_predictions():
    ns = notebook_namespace()
    T = trained(ns, 1e-3)
    gm.plot_costs(T, "title")
    (axes,) = plt.gcf().axes
    assert axes.get_yscale() == "log" and axes.get_title() == "title"
    assert np.array_equal(axes.lines[0].get_ydata(), T.trainError)
    assert np.array_equal(axes.lines[1].get_ydata(), T.testError)
    assert np.array_equal(axes.lines[2].get_ydata(), T.J)
    assert all(line.get_label() for line in axes.lines[:3]) and axes.get_legend()
    plt.close("all")
    gm.plot_predictions([T.N, T.N], ["a", "b"], *gm.score_table())
    assert [a.get_title() for a in plt.gcf().axes[:2]] == ["a", "b"]


def test_initialisation_demo_shows_the_stall_and_the_symmetry_trap():
    ns = notebook_namespace()
    rows = gm.initialisation_demo(ns["Neural_Network"], ns["trainer"], ns["trainX"],
                                  ns["trainY"])
    assert len(rows) == 6
    by = {(row["start"].split(":")[0], row["method"]): row for row in rows}
    for method in ("CG", "BFGS"):
        stalled = by["same sign, large", method]
        assert stalled["iterations"] == 0 and stalled["after"] == stalled["before"]
        assert stalled["slope"] < 1e-5  # below scipy's gtol: "converged" at the start
        equal, random = by["all equal", method], by["symmetric random", method]
        assert equal["spread"] < 1e-6 and equal["after"] < equal["before"]
        assert random["after"] < equal["after"] / 10 and random["spread"] > 0.1


@pytest.mark.parametrize("name,args", [
    ("seeded_bugs", (None, None, None, None)), ("step_size_sweep", (None, None, None)),
    ("plot_costs", (None,)), ("plot_predictions", (None, None, None, None, None, None)),
    ("lambda_sweep", (None,) * 7), ("plot_sigmoid", (None, None)), ("warm_up", (None, None, None)),
    ("initialisation_demo", (None, None, None, None)),
])
def test_demonstrations_return_at_once_while_grading(monkeypatch, capsys, name, args):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    result = getattr(gm, name)(*args)
    assert not result and not plt.get_fignums()
    assert "skipped while the notebook is being graded" in capsys.readouterr().out


def test_whole_notebook_is_quick_while_grading(monkeypatch):
    """Every code cell, hidden tests included, in well under the 3 s budget (kernel aside)."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ns = {"__name__": "__main__"}
    start = time.perf_counter()
    for cell in NOTEBOOK:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), ns)
    assert time.perf_counter() - start < 2.5
    assert not plt.get_fignums()


def test_the_networks_costFunction_takes_a_one_element_array_as_its_number():
    """The series' costFunction returns a one-element array (built-in sum of a column): the
    locked method makes it a number, so the rest of the notebook runs; any other array (the
    built-in sum of W1**2 makes three) stays as it is, for the tests to name."""
    ns = notebook_namespace()
    N = ns["Neural_Network"]()
    for returned, expected in ((np.array([0.25]), 0.25), (np.array([[0.5]]), 0.5), (0.75, 0.75)):
        ns["costFunction"] = lambda self, X, y, value=returned: value
        got = N.costFunction(None, None)
        assert got == expected and np.ndim(got) == 0
    three = np.array([1.0, 2.0, 3.0])
    ns["costFunction"] = lambda self, X, y: three
    assert N.costFunction(None, None) is three


def test_seeded_bugs_use_the_course_relative_error():
    """The wrong sign gives exactly 1, the largest value, not infinity (|a + b| = 0)."""
    ns = notebook_namespace()
    np.random.seed(0)
    N = ns["Neural_Network"](Lambda=1e-4)
    errors = gm.seeded_bugs(N, ns["trainX"], ns["trainY"], ns["computeNumericalGradient"])
    assert all(0 <= error <= 1 + 1e-12 for error in errors.values())
    (sign,) = [error for bug, error in errors.items() if bug.startswith("wrong sign")]
    assert abs(sign - 1) < 1e-8
    from readonly import checking
    assert gm.relative_error is checking.relative_error


def test_plot_sigmoid_draws_both_curves_and_the_peak_of_the_slope(capsys):
    ns = notebook_namespace()
    N = ns["Neural_Network"]()
    gm.plot_sigmoid(N.sigmoid, N.sigmoidPrime)
    (axes,) = plt.gcf().axes
    sigma, slope, peak = axes.lines[:3]
    z = np.asarray(sigma.get_xdata())
    assert np.allclose(sigma.get_ydata(), 1 / (1 + np.exp(-z)))
    assert np.allclose(slope.get_ydata(), np.exp(-z) / (1 + np.exp(-z)) ** 2)
    assert np.allclose(peak.get_xydata(), [[0.0, 0.25]])
    assert axes.get_xlabel() and axes.get_ylabel() and axes.get_legend()
    plt.close("all")

    def stub(z):
        raise NotImplementedError()
    gm.plot_sigmoid(N.sigmoid, stub)  # a stub: only the sigmoid, and a line that says so
    assert len(plt.gcf().axes[0].lines) == 2  # the sigmoid and the zero line
    assert "not written yet" in capsys.readouterr().out


def test_warm_up_shows_truncation_and_round_off(capsys):
    """x**3 at 1: the central difference is off by exactly e**2, the forward one by 3e + e**2."""
    found = gm.warm_up(lambda x: x ** 3, lambda x: 3 * x ** 2, 1.0)
    steps, central, forward = found["steps"], found["central"], found["forward"]
    large = steps > 1e-3
    assert np.allclose(central[large], steps[large] ** 2, rtol=1e-6)
    assert np.allclose(forward[large], 3 * steps[large] + steps[large] ** 2, rtol=1e-6)
    small = steps < 1e-11
    assert np.all(central[small] > 1e-7) and np.all(forward[small] > 1e-7)  # round-off
    assert central.min() < 1e-10 and central.min() < forward.min() / 10
    assert 1e-7 < steps[np.argmin(central)] < 1e-3  # the balance of the two errors
    out = capsys.readouterr().out
    assert "exact derivative at x = 1: 3" in out and len(out.strip().splitlines()) == 7
    (axes,) = plt.gcf().axes
    assert axes.get_xscale() == axes.get_yscale() == "log" and axes.get_legend()
