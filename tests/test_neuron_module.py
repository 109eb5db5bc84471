"""The read-only module of 02-neuron: data, stand-ins, descents and plots (in process)."""
import importlib.util
import json
import time
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "source" / "02-neuron"
# Loaded by path under its own name: every assignment has a `readonly` folder.
_spec = importlib.util.spec_from_file_location("neuron_module",
                                               ASSIGNMENT / "readonly" / "neuron_module.py")
nm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nm)

CELLS = {cell["id"]: "".join(cell["source"])
         for cell in json.loads((ASSIGNMENT / "neuron.ipynb").read_text())["cells"]}


def worked_examples():
    """The notebook's worked examples nn, loss, logistic and nn_logistic, as functions."""
    ns = {"np": np}
    for name in ("nn", "loss", "logistic", "nn_logistic"):
        exec(CELLS[name], ns)
    return ns


def relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


@pytest.fixture(autouse=True)
def quiet_figures(monkeypatch):
    """Close every figure after a test; Agg cannot show, and says so with a warning."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        yield
    plt.close("all")


def grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")


def test_line_data_is_repeatable_and_follows_the_slope():
    x, t = nm.line_data()
    assert x.shape == t.shape == (20,) and np.all((0 <= x) & (x <= 1))
    assert np.array_equal(x, nm.line_data()[0]) and not np.array_equal(t, nm.line_data(seed=4)[1])
    big_x, big_t = nm.line_data(n=20000, seed=1)
    assert abs(nm.best_weight(big_x, big_t) - nm.SLOPE) < 0.01
    assert abs(np.std(big_t - nm.SLOPE * big_x) - nm.LINE_NOISE) < 0.01


def test_helpers_are_the_worked_examples_and_their_derivative():
    ns = worked_examples()
    x, t = nm.line_data()
    for w in (0.1, 2.0, -1.5):
        assert np.allclose(nm.linear_neuron(x, w), ns["nn"](x, w), rtol=1e-15)
        assert np.isclose(nm.mean_squared_error(ns["nn"](x, w), t), ns["loss"](x * w, t))
        exact = 2 * np.mean(x * (x * w - t))
        assert relative(nm.numeric_gradient(w, x, t), exact) < 1e-9
    z = np.linspace(-30, 30, 61)
    assert np.allclose(nm.sigmoid(z), ns["logistic"](z), rtol=1e-12, atol=1e-15)
    points, _ = nm.two_class_data()
    w = np.array([[0.7], [-1.3]])
    assert np.allclose(nm.logistic_neuron(points, w), ns["nn_logistic"](points, w), rtol=1e-13)


def test_best_weight_minimises_the_loss():
    x, t = nm.line_data()
    best = nm.best_weight(x, t)
    assert abs(nm.numeric_gradient(best, x, t)) < 1e-9
    assert abs(best - np.sum(x * t) / np.sum(x * x)) < 1e-12


def test_quadratic_data_and_the_descent_on_raw_and_standardised_features():
    x, t = nm.quadratic_data()
    assert x.shape == t.shape == (40,) and np.all(np.diff(x) >= 0) and 0 <= x[0] and x[-1] <= 100
    X = np.column_stack([x ** 2, x])
    for rate in (1e-2, 1e-6):
        w, b, losses = nm.descend_linear(X, t, rate, 1000)
        assert not np.isfinite(losses[-1]) and len(losses) < 1001, "the raw descent must blow up"
    w, b, losses = nm.descend_linear(X, t, 1e-8, 1000)
    best = np.mean((np.polyval(np.polyfit(x, t, 2), x) - t) ** 2)
    assert np.all(np.isfinite(losses)) and losses[-1] > 10 * best, "1e-8 is stable but crawls"
    mean, std = X.mean(axis=0), X.std(axis=0)
    start = time.perf_counter()
    w, b, losses = nm.descend_linear((X - mean) / std, t, 0.4, 1000)
    assert time.perf_counter() - start < 2
    assert losses.shape == (1001,) and np.all(np.diff(losses) <= 1e-12)
    a, b_lin, c = np.polyfit(x, t, 2)
    assert np.allclose(w / std, [a, b_lin], rtol=1e-6)
    assert np.isclose(b - np.sum(w * mean / std), c, rtol=1e-6)


def test_compare_learning_rates_reports_overflow_and_shrinks_while_grading(monkeypatch, capsys):
    x, t = nm.quadratic_data()
    X = np.column_stack([x ** 2, x])
    nm.compare_learning_rates(X, t, [1e-2, 1e-8], steps=200)
    out = capsys.readouterr().out
    assert "learning rate 0.01" in out and "overflow" in out and "after 200 steps" in out
    whole, zoomed = plt.gcf().axes
    assert len(whole.lines) == 3  # two runs and the least-squares loss
    # The zoomed panel keeps the stable run in view: its scale stops at OFF_SCALE times the
    # starting loss, and the diverging run is cut there.
    low, high = zoomed.get_ylim()
    assert zoomed.get_yscale() == "log" and np.isclose(high, nm.OFF_SCALE * np.mean(t ** 2))
    assert low < nm.least_squares_loss(X, t)
    diverging, cross, stable = zoomed.lines[:3]
    assert np.max(diverging.get_data()[1]) <= high and len(stable.get_data()[0]) == 201
    labels = [text.get_text() for text in zoomed.get_legend().get_texts()]
    assert any("0.01: diverges" in label for label in labels)
    assert any("1e-08: stable" in label for label in labels)
    grading(monkeypatch)
    nm.compare_learning_rates(X, t, [1e-8], steps=1000)
    assert f"after {nm.AUTOGRADE_STEPS} steps" in capsys.readouterr().out


def test_two_class_data_has_both_classes_near_a_line_through_the_origin():
    x, t = nm.two_class_data()
    assert x.shape == (40, 2) and t.shape == (40, 1)
    assert np.array_equal(t[:20], np.ones((20, 1))) and np.array_equal(t[20:], np.zeros((20, 1)))
    assert np.array_equal(x, nm.two_class_data()[0])
    w = np.array([[2.5], [3.3]])
    assert np.mean((nm.logistic_neuron(x, w) > 0.5) == t) > 0.85


def test_cross_entropy_of_weights_is_the_mean_cross_entropy():
    x, t = nm.two_class_data()
    for w in (np.array([[-3.0], [-2.5]]), np.array([[2.4], [3.1]])):
        y = nm.logistic_neuron(x, w)
        direct = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
        assert np.isclose(nm.cross_entropy_of_weights(w, x, t), direct, rtol=1e-12)
    far = np.array([[300.0], [-300.0]])
    assert np.isfinite(nm.cross_entropy_of_weights(far, x, t))


def test_the_slope_stand_in_is_close_but_no_exact_formula():
    s = nm.sigmoid(np.linspace(-8, 8, 33))
    error = relative(nm.sigmoid_slope_stand_in(s), s * (1 - s))
    assert 1e-10 < error < 1e-6
    assert np.allclose(nm.sigmoid_slope_stand_in(np.array([0.0, 1.0])), 0.0)
    assert nm.sigmoid_slope_stand_in(s.reshape(3, 11)).shape == (3, 11)
    with pytest.raises(ValueError, match="outputs y = logistic"):
        nm.sigmoid_slope_stand_in(np.array([0.5, -0.2]))


def test_or_gate_and_its_error():
    X, Y = nm.or_gate()
    assert np.array_equal(Y[:, 0], np.any(X > 0, axis=1).astype(float))
    W = np.zeros((2, 1))
    assert nm.half_sum_squared_error(W, X, Y) == pytest.approx(0.5 * (0.25 + 3 * 0.25))


def test_error_curve_calls_train_with_growing_epochs_and_shrinks_while_grading(monkeypatch):
    X, Y = nm.or_gate()
    calls = []

    def train(X_, Y_, epochs, learning_rate, seed):
        calls.append((epochs, learning_rate, seed))
        return np.full((2, 1), float(epochs))
    counts, errors = nm.error_curve(train, X, Y, 100, 2.0, 7, points=11)
    assert list(counts) == list(range(0, 101, 10)) and [c[0] for c in calls] == list(counts)
    assert all(c[1:] == (2.0, 7) for c in calls)
    assert errors[0] == pytest.approx(0.5) and np.all(np.diff(errors) <= 0)
    grading(monkeypatch)
    counts, _ = nm.error_curve(train, X, Y, 100, 2.0, 7, points=11)
    assert len(counts) == nm.AUTOGRADE_POINTS and counts[-1] == 100


def test_the_tempting_rule_lowers_every_weight_and_raises_the_error(capsys):
    X, Y = nm.or_gate()
    X = np.hstack([X, np.ones((4, 1))])
    W, errors, history = nm.tempting_rule(X, Y, 300, 2.0, 0)
    assert np.array_equal(history[0], np.random.default_rng(0).normal(size=3))
    assert history.shape == (301, 3) and errors.shape == (301,)
    assert np.all(np.diff(history, axis=0) <= 0), "every step lowers every weight"
    assert errors[-1] > 3 * errors[0]
    nm.show_tempting_rule(X, Y, epochs=50)
    assert "error:" in capsys.readouterr().out and len(plt.gcf().axes) == 2


@pytest.mark.parametrize("autograde", [False, True])
def test_plots_draw_their_paths_and_shrink_while_grading(monkeypatch, autograde):
    if autograde:
        grading(monkeypatch)
    figures = []
    real_show = nm.show

    def recording_show(figure):
        figures.append(figure)
        real_show(figure)
    monkeypatch.setattr(nm, "show", recording_show)
    x, t = nm.line_data()
    start = time.perf_counter()
    nm.plot_loss_curve(x, t, [0.1, 1.0, 1.8, 2.0])
    curve, _, path = figures[-1].axes[0].lines[:3]
    assert len(curve.get_data()[0]) == (nm.AUTOGRADE_CURVE_POINTS if autograde else nm.CURVE_POINTS)
    assert list(path.get_data()[0]) == [0.1, 1.0, 1.8, 2.0]
    nm.plot_loss_curve(x, t, [0.1, np.inf])  # a descent that blew up still draws
    points, classes = nm.two_class_data()
    path = np.array([[[-3.0], [-2.5]], [[0.0], [0.5]], [[2.4], [3.1]]])
    nm.plot_loss_surface(points, classes, path)
    assert np.array_equal(figures[-1].axes[0].lines[0].get_data()[0], path[:, 0, 0])
    shapes = []

    def predict(p, w):
        shapes.append(p.shape)
        return (p @ w > 0).astype(float)
    nm.plot_decision_boundary(predict, points, classes, np.array([[2.4], [3.1]]))
    n = nm.AUTOGRADE_REGION_POINTS if autograde else nm.REGION_POINTS
    assert shapes[0] == (n * n, 2) and "of the points right" in figures[-1].axes[0].get_title()
    xq, tq = nm.quadratic_data()
    nm.plot_fits(xq, tq, {"exact": tuple(np.polyfit(xq, tq, 2))})
    nm.plot_error_curves({"a": (np.array([0, 10]), np.array([0.4, 0.1]))})
    assert figures[-1].axes[0].get_yscale() == "log"
    assert len(figures) == 6 and time.perf_counter() - start < 10
    # While grading nobody looks: every figure is closed without being drawn.
    assert (plt.get_fignums() == []) == autograde
