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
DEFINITIONS = ("setup", "network", "J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1")


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
