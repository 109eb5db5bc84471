"""The read-only module of 04-planar: data, plots, demonstrations and stand-ins (in process)."""
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
ASSIGNMENT = ROOT / "source" / "04-planar"
for folder in (ROOT, ASSIGNMENT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from readonly import planar_module as pm  # noqa: E402
from readonly.checking import CheckFailure  # noqa: E402

NOTEBOOK_CELLS = {cell["id"]: "".join(cell["source"])
                  for cell in json.loads((ASSIGNMENT / "planar.ipynb").read_text())["cells"]}
FUNCTIONS = ("layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
             "backward_propagation", "update_parameters", "nn_model", "predict")


def solved_namespace():
    """Run the notebook's setup and reference solutions in a fresh namespace; return it."""
    ns = {"__name__": "__main__"}
    for cell_id in ("setup",) + FUNCTIONS:
        exec(NOTEBOOK_CELLS[cell_id], ns)
    return ns


@pytest.fixture(autouse=True)
def quiet_figures(monkeypatch):
    """Grade-free by default; close every figure after a test (Agg cannot show)."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        yield
    plt.close("all")


def test_flower_shapes_balance_and_repeatability():
    X, Y = pm.flower_data()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert set(np.unique(Y)) == {0, 1} and Y.sum() == 200
    assert np.issubdtype(Y.dtype, np.integer)
    X2, Y2 = pm.flower_data()
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert not np.array_equal(X, pm.flower_data(seed=102)[0])
    assert np.abs(X).max() < 5


@pytest.mark.parametrize("petals", [2, 4, 6, 8])
def test_flower_petals_alternate(petals):
    X, Y = pm.flower_data(m=800, petals=petals, noise=0.0)
    angle = np.mod(np.arctan2(X[1], X[0]), 2 * np.pi)
    petal = np.floor(angle / (2 * np.pi / petals)).astype(int)
    assert np.array_equal(Y[0], petal % 2)


def test_flower_rejects_an_odd_number_of_petals():
    with pytest.raises(ValueError, match="even"):
        pm.flower_data(petals=5)


def test_logistic_regression_is_near_chance_on_the_flower():
    X, Y = pm.flower_data()
    classifier = pm.logistic_regression(X, Y)
    assert 0.45 <= classifier.score(X.T, Y.ravel()) <= 0.55


def test_logistic_regression_is_skipped_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    X, Y = pm.flower_data()
    classifier = pm.logistic_regression(X, Y)
    assert classifier.predict(X.T).shape == (400,)
    assert classifier.score(X.T, Y.ravel()) == 0.5


@pytest.mark.parametrize("name", pm.EXTRA_DATA_SETS)
def test_extra_data_sets(name):
    X, Y = pm.extra_data(name)
    assert X.shape == (2, 200) and Y.shape == (1, 200)
    assert set(np.unique(Y)) == {0, 1}
    assert np.array_equal(X, pm.extra_data(name)[0])
    with pytest.raises(ValueError, match="unknown data set"):
        pm.extra_data("spirals")


def test_sigmoid_is_the_logistic_function_without_overflow():
    z = np.array([[-800.0, -3.0, 0.0, 2.5, 800.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = pm.sigmoid(z)
    assert s.shape == z.shape
    assert np.allclose(s[0, 1:4], 1 / (1 + np.exp(-z[0, 1:4])), rtol=1e-14)
    assert s[0, 0] == 0.0 and s[0, -1] == 1.0


def test_demo_iterations(monkeypatch):
    assert pm.demo_iterations(10000) == 10000
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert pm.demo_iterations(10000) == pm.AUTOGRADE_ITERATIONS
    assert pm.demo_iterations(3) == 3


def test_decision_boundary_plot_asks_for_columns():
    X, Y = pm.flower_data()
    shapes = []

    def predict_columns(P):
        shapes.append(P.shape)
        return (P[0] * P[1] < 0).reshape(1, -1)

    ax = pm.plot_decision_boundary(predict_columns, X, Y, title="xor")
    assert shapes == [(2, pm.GRID_POINTS ** 2)]
    assert ax.get_title() == "xor" and len(ax.collections) >= 2


def test_four_hidden_neurons_reach_88_percent_in_seconds():
    ns = solved_namespace()
    X, Y = pm.flower_data()
    np.random.seed(3)
    start = time.perf_counter()
    parameters = ns["nn_model"](X, Y, 4, num_iterations=10000)
    elapsed = time.perf_counter() - start
    assert pm.accuracy(ns["predict"](parameters, X), Y) >= 0.88
    assert elapsed < 20, f"10000 iterations took {elapsed:.1f} s"


def test_sweep_reports_and_draws_every_size(capsys):
    ns = solved_namespace()
    X, Y = pm.flower_data(m=80)
    results = pm.sweep_hidden_sizes(ns["nn_model"], ns["predict"], X, Y, sizes=(1, 3, 5),
                                    num_iterations=300, X_test=X, Y_test=Y)
    assert list(results) == [1, 3, 5]
    assert all(train == test for train, test in results.values())
    assert capsys.readouterr().out.count("training accuracy") == 3
    axes = plt.gcf().axes
    assert len(axes) == 4 and not axes[3].axison


def test_sweep_shrinks_while_grading(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ns = solved_namespace()
    calls = []
    original = ns["update_parameters"]
    ns["update_parameters"] = lambda *args, **kw: calls.append(1) or original(*args, **kw)
    X, Y = pm.flower_data()
    results = pm.sweep_hidden_sizes(ns["nn_model"], ns["predict"], X, Y)
    assert list(results) == [1, 2][:pm.AUTOGRADE_SIZES]
    assert len(calls) == pm.AUTOGRADE_SIZES * pm.AUTOGRADE_ITERATIONS
    assert results[1][1] is None
    assert len(plt.get_fignums()) == 1, "the plot is still drawn"


def test_planted_restores_and_removes_names():
    ns = {"a": 1}
    with pytest.raises(RuntimeError):
        with pm.planted(ns, a=2, b=3):
            assert ns["a"] == 2 and ns["b"] == 3
            raise RuntimeError
    assert ns == {"a": 1}


def test_entries_and_pair_fail_clearly():
    assert pm.entries("f()", {"x": 1, "y": 2}, ["y", "x"]) == [2, 1]
    with pytest.raises(CheckFailure, match="returned None"):
        pm.entries("f()", None, ["x"])
    with pytest.raises(CheckFailure, match="without y"):
        pm.entries("f()", {"x": 1}, ["x", "y"])
    with pytest.raises(CheckFailure, match="returned a list"):
        pm.entries("f()", [1], ["x"])
    assert pm.pair("g()", (1, 2)) == (1, 2)
    with pytest.raises(CheckFailure, match="expected a pair"):
        pm.pair("g()", np.zeros((1, 3)))


def test_rehearsal_accepts_the_reference_and_restores_the_callees():
    ns = solved_namespace()
    before = {name: ns[name] for name in FUNCTIONS}
    pm.rehearse_nn_model(ns["nn_model"], ns)
    pm.rehearse_nn_model(ns["nn_model"], ns, n_h=4, num_iterations=1)
    assert all(ns[name] is before[name] for name in FUNCTIONS)


# What the visible test of nn_model names, by the rehearsal's summary of a run (the answer key
# computes these for readonly/mistakes.json).
MODEL_MISTAKES = __import__("course.keys.planar", fromlist=["x"]).visible_model_mistakes()[0]

LOOP = """
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
    return parameters
"""


@pytest.mark.parametrize("old, new, message", [
    ("initialize_parameters(X.shape[0], n_h, Y.shape[0])",
     "initialize_parameters(X.shape[0], 4, Y.shape[0])",
     r"\(1\.0, 4\.0, 4\.0, 1\.2, 4\.0\) disagrees.*not the 4 of layer_sizes"),
    ("parameters = update_parameters(parameters, grads)", "update_parameters(parameters, grads)",
     r"\(1\.0, 3\.0, 4\.0, 1\.2, 0\.0\) disagrees.*parameters never change"),
    ("update_parameters(parameters, grads)", "update_parameters(parameters, grads, 0.5)",
     r"\(1\.0, 3\.0, 4\.0, 0\.5, 4\.0\) disagrees.*default learning rate, 1\.2"),
    ("range(num_iterations)", "range(num_iterations + 1)",
     r"\(1\.0, 3\.0, 5\.0, 1\.2, 5\.0\) disagrees.*exactly num_iterations"),
    ("range(num_iterations)", "range(num_iterations - 1)",
     r"\(1\.0, 3\.0, 3\.0, 1\.2, 3\.0\) disagrees.*exactly num_iterations"),
    ("range(num_iterations)", "range(10000)", r"disagrees.*exactly num_iterations"),
    ("range(num_iterations)", "iter(int, 1)", r"made more than 20000 updates"),
    ("    return parameters", "    return grads", r"expected W1, b1, W2 and b2"),
    ("    return parameters", "    return None", r"returned None"),
    ("backward_propagation(parameters, cache, X, Y)",
     "backward_propagation(parameters, cache, X, 1 - Y)",
     r"passed backward_propagation something other than Y"),
    ("A2, cache = forward_propagation(X, parameters)",
     "A2, cache = forward_propagation(X, parameters) if i == 0 else (A2, cache)",
     r"cache from another iteration"),
])
def test_rehearsal_names_wiring_mistakes(old, new, message):
    assert old in LOOP
    ns = solved_namespace()
    exec(LOOP.replace(old, new), ns)
    with pytest.raises(CheckFailure, match=message):
        pm.rehearse_nn_model(ns["nn_model"], ns, mistakes=MODEL_MISTAKES)


def test_rehearsal_catches_initialising_in_the_loop_and_a_stub():
    ns = solved_namespace()
    again = "        parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])\n"
    source = LOOP.replace("        A2, cache", again + "        A2, cache")
    exec(source, ns)
    with pytest.raises(CheckFailure, match=r"\(5\.0, 3\.0, 4\.0, 1\.2, 1\.0\).*initialised again"):
        pm.rehearse_nn_model(ns["nn_model"], ns, mistakes=MODEL_MISTAKES)
    exec("def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):\n"
         "    raise NotImplementedError()\n", ns)
    with pytest.raises(CheckFailure, match="not implemented yet"):
        pm.rehearse_nn_model(ns["nn_model"], ns)


def test_backward_example_is_a_consistent_forward_pass():
    parameters, cache, X, Y = pm.backward_example()
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    for name, value in (("Z1", Z1), ("A1", A1), ("Z2", Z2), ("A2", pm.sigmoid(Z2))):
        assert np.allclose(cache[name], value, rtol=1e-9, atol=0), name
    assert Y.shape == (1, 3) and X.shape == (2, 3)


def test_the_argument_checks_name_what_a_call_changed():
    given = {"parameters": {"W1": np.ones((2, 2))}, "X": np.zeros(3)}
    assert pm.changed_argument(given, ({"W1": np.ones((2, 2))}, np.zeros(3))) is None
    assert pm.changed_argument(given, ({"W1": np.zeros((2, 2))}, np.zeros(3))) == "parameters['W1']"
    assert pm.changed_argument(given, ({"W1": np.ones((2, 2)), "dZ2": 1}, np.zeros(3))) == \
        "parameters['dZ2']"
    assert pm.changed_argument(given, ({}, np.zeros(3))) == "parameters['W1']"
    assert pm.changed_argument(given, ({"W1": np.ones((2, 2))}, np.ones(3))) == "X"
    result, arguments = pm.after_call(lambda d: d.pop("W1"), {"W1": 1})
    assert result == 1 and arguments == ({},)
    with pytest.raises(CheckFailure, match=r"^f\(\): it changes X, which it was given"):
        pm.check_unchanged("backward_propagation", "f()", given,
                           ({"W1": np.ones((2, 2))}, np.ones(3)))


def test_sweep_records_costs_and_parameters_through_the_namespace(capsys):
    ns = solved_namespace()
    X, Y = pm.flower_data(m=80)
    runs = {}
    cost = ns["compute_cost"]
    results = pm.sweep_hidden_sizes(ns["nn_model"], ns["predict"], X, Y, sizes=(1, 4),
                                    num_iterations=50, namespace=ns, runs=runs)
    assert ns["compute_cost"] is cost, "the recording compute_cost was not removed"
    assert list(runs) == [1, 4] and all(len(run["costs"]) == 50 for run in runs.values())
    assert runs[4]["costs"][-1] < runs[4]["costs"][0]
    assert runs[4]["parameters"]["W1"].shape == (4, 2)
    left, right = pm.plot_sweep(runs, results)
    assert len(left.get_lines()) == 2 and len(right.get_lines()) == 1  # no test data given


def test_band_data_has_three_bands():
    X, Y = pm.band_data()
    assert X.shape == (1, 150) and Y.shape == (1, 150)
    middle = np.abs(X) < 1
    assert np.array_equal(middle, Y == 1)
    assert np.all((np.abs(X) < 1) | ((np.abs(X) > 1.3) & (np.abs(X) < 3)))
    assert 0.2 < Y.mean() < 0.45
    assert np.array_equal(X, pm.band_data()[0])


def test_identity_hidden_layer_is_no_better_than_a_line():
    X, Y = pm.flower_data()
    parameters = pm.train_hidden_layer(X, Y, 4, lambda z: z, np.ones_like, num_iterations=500,
                                       learning_rate=0.5)
    _, A2 = pm.hidden_layer_outputs(parameters, X, lambda z: z)
    assert abs(np.mean((A2 > 0.5) == Y) - 0.5) < 0.05


def test_rbf_layer_separates_the_bands_and_its_hidden_space_is_drawn():
    X, Y = pm.band_data()
    parameters = pm.train_hidden_layer(X, Y, 2, pm.rbf_stand_in,
                                       lambda z: -2 * z * pm.rbf_stand_in(z),
                                       num_iterations=3000, learning_rate=2.0, weight_scale=0.5)
    A1, A2 = pm.hidden_layer_outputs(parameters, X, pm.rbf_stand_in)
    assert A1.shape == (2, 150) and np.mean((A2 > 0.5) == Y) > 0.97
    pm.plot_bands(X, Y, lambda P: pm.hidden_layer_outputs(parameters, P, pm.rbf_stand_in)[1] > 0.5)
    figure = pm.plot_hidden_space(A1, Y, parameters["W2"], parameters["b2"])
    assert len(figure.axes) == 1 and figure.axes[0].get_xlabel() == "$a_1$"
    figure = pm.plot_hidden_space(np.tanh(np.vstack([A1, A1[:1]])), Y, np.ones((1, 3)),
                                  np.zeros((1, 1)))
    assert len(figure.axes) == 4
    with pytest.raises(ValueError):
        pm.plot_hidden_space(A1[:1], Y)


def test_train_hidden_layer_shrinks_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    calls = []
    X, Y = pm.band_data()
    pm.train_hidden_layer(X, Y, 2, np.tanh, lambda z: calls.append(1) or 1 - np.tanh(z) ** 2,
                          num_iterations=5000)
    assert len(calls) == pm.AUTOGRADE_ITERATIONS


def test_call_without_overflow_names_the_overflow():
    z = np.array([[-1000.0, 0.5, 30.0]])
    assert np.allclose(pm.call_without_overflow("rbf", pm.rbf_stand_in, "rbf(z)", z),
                       [[0.0, np.exp(-0.25), 0.0]])
    with pytest.raises(CheckFailure, match="rbf\\(z\\): it overflows for large"):
        pm.call_without_overflow("rbf", lambda z: 1 / np.exp(z ** 2), "rbf(z)", z)
    with pytest.raises(CheckFailure, match="not implemented yet"):
        pm.call_without_overflow("rbf", lambda z: (_ for _ in ()).throw(NotImplementedError()),
                                 "rbf(z)", z)
    assert np.geterr()["over"] != "raise", "the error state was not restored"
