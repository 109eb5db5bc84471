"""The read-only module of 03-backprop: training data and the training loop (in process)."""
import json
import sys
import time
import types
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "source" / "03-backprop"
if str(ASSIGNMENT) not in sys.path:
    sys.path.insert(0, str(ASSIGNMENT))

from readonly import backprop_module as bm  # noqa: E402

NOTEBOOK_CELLS = {cell["id"]: "".join(cell["source"])
                  for cell in json.loads((ASSIGNMENT / "backprop.ipynb").read_text())["cells"]}
DEFINITIONS = ("setup", "circuit", "network", "J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1",
               "all_jacobians")


def trained_namespace(ns=None):
    """Run the notebook's definitions (reference solutions included) in ns; return it."""
    ns = {"__name__": "__main__"} if ns is None else ns
    for cell_id in DEFINITIONS:
        exec(NOTEBOOK_CELLS[cell_id], ns)
    ns["reset_network"](random=np.random.RandomState(0))
    return ns


@pytest.fixture(autouse=True)
def quiet_figures():
    """Close every figure after a test; Agg cannot show, and says so with a warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        yield
    plt.close("all")


@pytest.mark.parametrize("n", [50, 7, 2])
def test_training_data_shapes_and_range(n):
    x, y = bm.training_data(n)
    assert x.shape == (1, n) and y.shape == (2, n)
    assert np.allclose(x[0], np.linspace(0, 1, n))
    assert y.min() > 0.1 and y.max() < 0.9


def test_training_data_default_is_deterministic_closed_and_centred():
    (x1, y1), (x2, y2) = bm.training_data(), bm.training_data()
    assert x1.shape == (1, 50)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.allclose(y1[:, 0], y1[:, -1]), "the heart is a closed curve"
    assert np.allclose((y1.min(axis=1) + y1.max(axis=1)) / 2, 0.5)
    assert np.isclose((y1.max(axis=1) - y1.min(axis=1)).max(), 2 * bm.HALF_WIDTH)


def test_default_training_lowers_the_cost_a_lot_in_seconds():
    ns = trained_namespace()
    x, y = bm.training_data()
    before = ns["cost"](x, y)
    start = time.perf_counter()
    bm.plot_training(x, y, namespace=ns)
    elapsed = time.perf_counter() - start
    after = ns["cost"](x, y)
    assert after < before / 20 and after < 0.005, (before, after)
    assert elapsed < 15, f"the default training took {elapsed:.1f} s"
    drawing, history = plt.gcf().axes
    assert len(drawing.lines) == bm.SNAPSHOTS + 2  # snapshots, final curve, data
    assert history.get_yscale() == "log"
    labels = [text.get_text() for text in drawing.get_legend().get_texts()]
    steps = range(0, 8000, 8000 // bm.SNAPSHOTS)
    assert labels == [f"iteration {step}" for step in steps] + ["after 8000 iterations",
                                                                "training data"]


def test_training_continues_and_repeats_exactly():
    x, y = bm.training_data()
    first, second = trained_namespace(), trained_namespace()
    bm.plot_training(x, y, iterations=300, namespace=first)
    bm.plot_training(x, y, iterations=300, namespace=second)
    assert all(np.array_equal(first[p], second[p]) for p in bm.PARAMETERS)
    cost = first["cost"](x, y)
    bm.plot_training(x, y, iterations=300, namespace=first)
    assert first["cost"](x, y) < cost


def test_autograde_runs_only_a_handful_of_iterations(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ns = trained_namespace()
    calls = []
    original = ns["J_W1"]
    ns["J_W1"] = lambda x, y: calls.append(1) or original(x, y)
    x, y = bm.training_data()
    bm.plot_training(x, y, iterations=100000, namespace=ns)
    assert len(calls) == bm.AUTOGRADE_ITERATIONS
    assert len(plt.get_fignums()) == 1, "the plot is still drawn"


def test_uses_the_notebook_globals_by_default(monkeypatch):
    notebook = types.ModuleType("__main__")
    trained_namespace(vars(notebook))
    monkeypatch.setitem(sys.modules, "__main__", notebook)
    x, y = bm.training_data()
    W1 = notebook.W1
    bm.plot_training(x, y, iterations=5)
    assert notebook.W1 is not W1 and notebook.W1.shape == W1.shape


def test_missing_or_misshapen_jacobians_are_reported():
    x, y = bm.training_data()
    ns = trained_namespace()
    del ns["J_b2"]
    with pytest.raises(NameError, match="J_b2"):
        bm.plot_training(x, y, iterations=5, namespace=ns)
    ns = trained_namespace()
    ns["J_b3"] = lambda x, y: np.zeros((2, x.size))
    with pytest.raises(ValueError, match=r"J_b3\(x, y\) has shape \(2, 50\)"):
        bm.plot_training(x, y, iterations=5, namespace=ns)


def test_gate_example_has_ties_and_keeps_other_inputs_apart():
    x, y, dout = bm.gate_example()
    assert x.shape == y.shape == dout.shape == (2, 3)
    assert (x == y).sum() == 2
    assert np.all(np.abs(x - y)[x != y] >= 0.5) and np.all(dout != 0)


def test_circuit_example_is_not_the_worked_one():
    w, x = bm.circuit_example()
    assert w.shape == (3,) and x.shape == (2,)
    z = w[:2] @ x + w[2]
    assert 0.1 < abs(z) < 2, "sigma'(z) must differ from sigma(z) and 1 - sigma(z)"


def test_as_pair_checks_count_and_shapes():
    from readonly.checking import CheckFailure
    first, second = bm.as_pair("f()", (np.zeros(3), np.ones(2)), ((3,), (2,)))
    assert first.shape == (3,) and second.shape == (2,)
    with pytest.raises(CheckFailure, match="must return two arrays"):
        bm.as_pair("f()", np.zeros((2, 3)), ((3,), (3,)))
    with pytest.raises(CheckFailure, match=r"part 2 of 2 has shape \(3,\); expected \(2,\)"):
        bm.as_pair("f()", (np.zeros(3), np.zeros(3)), ((3,), (2,)))


def test_time_backward_reports_the_sweep_faster(capsys):
    ns = trained_namespace()
    x, y = bm.training_data()
    sweep, separate = bm.time_backward(x, y, number=20, namespace=ns)
    assert 0 < sweep < separate
    assert "times faster" in capsys.readouterr().out
