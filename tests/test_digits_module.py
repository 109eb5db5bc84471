"""The read-only module of 06-digits: data, stored toy values, stand-ins, timing, search, plots."""
import json
import sys
import types
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "source" / "06-digits"
for folder in (ROOT, ASSIGNMENT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from readonly.checking import CheckFailure  # noqa: E402 (the copy the module raises)
from course.keys import digits as key  # noqa: E402
from readonly import digits_module as dm  # noqa: E402

CELLS = {cell["id"]: "".join(cell["source"])
         for cell in json.loads((ASSIGNMENT / "digits.ipynb").read_text())["cells"]}
DEFINITIONS = ("setup", "network", "loop_W", "forward", "softmax", "cost", "dscores", "batch_W",
               "backward_W2", "backward_b2", "backward_W1", "backward_b1", "train", "predict")


def notebook_namespace():
    """Run the notebook's definitions (reference solutions included); return its globals."""
    ns = {"__name__": "__main__"}
    for cell_id in DEFINITIONS:
        exec(CELLS[cell_id], ns)
    return ns


@pytest.fixture(autouse=True)
def quiet_figures():
    """Close every figure after a test; Agg cannot show, and says so with a warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    return dm.digits_data()


def test_digits_are_scikit_learns(monkeypatch):
    from sklearn.datasets import load_digits
    digits = load_digits()
    X, y = dm.load_digit_pixels()
    assert np.array_equal(X, digits.data) and np.array_equal(y, digits.target)
    monkeypatch.setattr(dm.importlib.util, "find_spec", lambda name: None)
    X, y = dm.load_digit_pixels()  # the fallback through load_digits
    assert np.array_equal(X, digits.data) and np.array_equal(y, digits.target)


def test_split_sizes_disjoint_and_centred(data):
    assert data.X_train.shape == (1197, 64) and data.y_train.shape == (1197,)
    assert data.X_val.shape == (dm.VALIDATION_SIZE, 64) and data.X_test.shape == (dm.TEST_SIZE, 64)
    assert np.allclose(data.X_train.mean(axis=0), 0)
    rows = [{r.tobytes() for r in X} for X in (data.X_train, data.X_val, data.X_test)]
    # Some digits occur twice in the data set, so the splits may share a few identical images.
    assert len(rows[0] & rows[1]) + len(rows[0] & rows[2]) < 10
    for y in (data.y_train, data.y_val, data.y_test):
        assert set(np.unique(y)) == set(range(10))
    images = data.images(data.X_test[:5])
    assert images.shape == (5, 8, 8)
    assert np.allclose(images, np.round(images)) and images.min() >= 0 and images.max() <= 16


def test_split_is_deterministic_and_seeded(data):
    again, other = dm.digits_data(), dm.digits_data(seed=1)
    assert np.array_equal(data.X_train, again.X_train) and np.array_equal(data.y_test, again.y_test)
    assert not np.array_equal(data.y_train, other.y_train)


def test_toy_problem_is_the_original_and_leaves_the_global_random_state_alone():
    ns = notebook_namespace()
    np.random.seed(0)
    net = ns["TwoLayerNet"](4, 10, 3, std=1e-1)
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    params = dm.toy_params()
    X, y = dm.toy_data()
    assert np.random.rand() == expected
    assert all(np.array_equal(net.params[p], params[p]) for p in key.PARAMETERS)
    np.random.seed(1)
    assert np.array_equal(X, 10 * np.random.randn(5, 4)) and list(y) == [0, 1, 2, 2, 1]


def test_stored_toy_values_agree_with_the_key():
    params, (X, y) = dm.toy_params(), dm.toy_data()
    scores, hidden, _ = key.forward(params, X)
    dS = key.grad_scores(scores, y)
    grads = key.backward(params, X, hidden, dS, dm.TOY_REG)
    expected = {"scores": scores, "hidden": hidden, "probs": key.probabilities(scores),
                "dscores": dS, "loss": key.loss(params, X, y, dm.TOY_REG),
                **{p: grads[f"backward_{p}"] for p in key.PARAMETERS}}
    first = key.probabilities(scores[:1])[0]
    expected["jacobian"] = np.diag(first) - np.outer(first, first)
    assert set(dm.TOY) == set(expected)
    for name, value in expected.items():
        assert dm.TOY[name].shape == np.shape(value), name
        assert np.allclose(dm.TOY[name], value, rtol=1e-9, atol=1e-10), name
    assert np.sum(hidden == 0) > 10, "the toy hidden layer has silent units to test the ReLU"


def test_stored_training_runs_agree_with_the_reference_train():
    ns = notebook_namespace()
    for run, decay, momentum in (("plain", 0.5, 0.0), ("momentum", 1.0, 0.9)):
        net = dm.StandInNet()
        ns["train"](net, *dm.train_problem(), learning_rate=0.5, learning_rate_decay=decay,
                    num_iters=5, batch_size=4, momentum=momentum)
        for p in key.PARAMETERS:
            assert np.allclose(net.params[p], dm.TRAIN_EXPECTED[run][p], rtol=1e-10), (run, p)
    assert not np.allclose(dm.TRAIN_EXPECTED["plain"]["W1"], dm.TRAIN_EXPECTED["momentum"]["W1"])


def test_stand_in_net_checks_batches():
    X, y, X_val, y_val = dm.train_problem()
    good = dm.StandInNet()
    for indices in ([0, 1, 2, 3], [5, 5, 9, 11]):
        good.loss(X[indices], y[indices])
    good.check_batches(X, y, batch_size=4, num_iters=2)
    with pytest.raises(CheckFailure, match="2 mini-batches in 3 iterations"):
        good.check_batches(X, y, batch_size=4, num_iters=3)
    for X_batch, y_batch, message in ((X_val, y_val, "not examples of the training set"),
                                      (X[:4], y[4:8], "do not belong"),
                                      (X[:3], y[:3], r"expected \(4, 3\)")):
        net = dm.StandInNet()
        net.loss(X_batch, y_batch)
        with pytest.raises(CheckFailure, match=message):
            net.check_batches(X, y, batch_size=4, num_iters=1)


def test_stand_ins_return_scores():
    assert dm.StandInNet().loss(np.zeros((3, 3))).shape == (3, 2)
    net = dm.ScoresNet(dm.toy_params(), dm.TOY["scores"])
    assert np.array_equal(net.loss(np.zeros((5, 4))), dm.TOY["scores"])
    with pytest.raises(ValueError):
        net.loss(np.zeros((2, 4)))


def test_pair_accepts_pairs_only():
    assert dm.pair("f", (1, 2)) == (1, 2)
    for bad in (np.zeros((2, 3)), None, (1, 2, 3)):
        with pytest.raises(CheckFailure, match="return scores, hidden"):
            dm.pair("f", bad)


def test_keeping_arguments_names_what_was_written_into():
    """An array argument, or an array in a dict argument, changed in place is named; copies,
    new arrays and other arguments are not."""
    def scribble(probs, y, params, reg):
        probs[0, 0] += 1
        params["W2"] *= 2
        return probs.sum() + reg

    def clean(probs, y, params, reg):
        return (probs - 1).sum() + len(y) + params["W1"].sum() * reg

    args = (np.ones((2, 3)), np.array([0, 1]), {"W1": np.ones(2), "W2": np.ones(2)}, 0.5)
    assert dm.keeping_arguments(clean, *args) == (clean(*args), [])
    result, changed = dm.keeping_arguments(scribble, *args)
    assert result == 7.5 and changed == ["probs", "params['W2']"]
    with pytest.raises(CheckFailure, match=r"f\(\.\.\.\) changed its argument probs in place"):
        dm.call_keeping("f(...)", scribble, *args)
    with pytest.raises(CheckFailure, match="not implemented yet"):
        dm.call_keeping("f(...)", lambda probs: (_ for _ in ()).throw(NotImplementedError()), 1)
    assert dm.call_keeping("f(...)", clean, *args) == clean(*args)


def test_check_faster_tells_a_product_from_a_loop():
    ns = notebook_namespace()
    inputs, deltas = dm.speed_batch()
    dm.check_faster(ns["batch_W"], ns["loop_W"], inputs, deltas)
    with pytest.raises(CheckFailure, match="at least 4 times faster"):
        dm.check_faster(ns["loop_W"], ns["loop_W"], inputs, deltas)
    slow, fast = dm.compare_speed(ns["loop_W"], ns["batch_W"], inputs, deltas)
    assert slow > 4 * fast


def test_budget_and_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not dm.grading() and dm.budget(1000) == 1000
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert dm.grading() and dm.budget(1000) == dm.AUTOGRADE_ITERATIONS and dm.budget(3) == 3


def test_search_picks_the_best_validation_accuracy_and_reaches_95_percent(data, capsys):
    ns = notebook_namespace()
    best, results = dm.search(ns["TwoLayerNet"], data, [32], [0.05, 0.2], [1e-3], num_iters=600)
    assert len(results) == 2 and results[0]["val_acc"] >= results[1]["val_acc"]
    assert dm.accuracy(best, data.X_val, data.y_val) == results[0]["val_acc"]
    assert dm.accuracy(best, data.X_test, data.y_test) >= 0.95
    table = capsys.readouterr().out
    assert "val acc" in table and len(table.strip().splitlines()) == 3


def test_search_shrinks_while_grading(data, monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ns = notebook_namespace()
    calls = []
    original = ns["TwoLayerNet"].train

    def counting(self, *args, **kwargs):
        calls.append(kwargs["num_iters"])
        return original(self, *args, **kwargs)
    ns["TwoLayerNet"].train = counting
    best, results = dm.search(ns["TwoLayerNet"], data, [32, 64], [0.1, 0.2], [1e-3, 1e-4])
    assert calls == [dm.AUTOGRADE_ITERATIONS] and len(results) == 1


def test_the_notebooks_training_runs_reach_their_targets(data):
    """The settings of the notebook's first run and momentum comparison do what its prose says."""
    ns = notebook_namespace()
    accuracies = {}
    for mu in (0.0, 0.9):
        np.random.seed(0)
        net = ns["TwoLayerNet"](64, 64, 10, std=0.1)
        net.train(data.X_train, data.y_train, data.X_val, data.y_val, learning_rate=0.1,
                  learning_rate_decay=0.98, reg=1e-3, num_iters=600, batch_size=100, momentum=mu)
        accuracies[mu] = dm.accuracy(net, data.X_val, data.y_val)
    assert accuracies[0.9] > accuracies[0.0] + 0.02 and accuracies[0.9] > 0.95


def test_plots_draw_normally_and_nothing_while_grading(data, monkeypatch):
    stats = {"loss_history": list(np.linspace(2.3, 0.1, 50)),
             "train_acc_history": [0.1, 0.5, 0.9], "val_acc_history": [0.1, 0.4, 0.8]}
    net = types.SimpleNamespace(predict=lambda X: np.zeros(len(X), dtype=int))
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    dm.plot_history(stats)
    dm.plot_losses({"a": stats})
    dm.show_weights(np.ones((64, 8)))
    dm.show_misclassified(data, net)
    dm.plot_two_class_softmax(lambda s: s)
    dm.plot_quadratic_paths(dm.quadratic_paths())
    assert plt.get_fignums() == []
    monkeypatch.delenv("NBGRADER_EXECUTION")
    dm.plot_history(stats)
    assert len(plt.gcf().axes) == 2
    dm.plot_losses({"a": stats, "b": stats})
    assert len(plt.gcf().axes[0].lines) == 2
    # One colour scale per unit: a unit of tiny weights fills its range as a large one does.
    weights = np.random.default_rng(3).normal(size=(64, 20)) * np.logspace(-3, 0, 20)
    dm.show_weights(weights, columns=10)
    axes = plt.gcf().axes
    assert len(axes) == 21 and axes[-1].get_ylabel().startswith("weight / the unit's")
    for axis in axes[:20]:
        image = axis.get_images()[0]
        assert image.get_clim() == (-1, 1) and np.isclose(np.abs(image.get_array()).max(), 1)
    dm.show_misclassified(data, net, limit=12)
    assert len(plt.gcf().axes) == 20 and len(plt.get_fignums()) == 4


def test_the_accuracy_legend_stands_beside_the_axes():
    """A run that does not learn keeps its accuracies near 0.1: the key must not cover them."""
    stats = {"loss_history": [2.3] * 20, "train_acc_history": [0.1] * 5,
             "val_acc_history": [0.1] * 5}
    dm.plot_history(stats)
    legend = plt.gcf().axes[1].get_legend()
    plt.gcf().canvas.draw()
    box = legend.get_window_extent()
    assert box.x0 >= plt.gcf().axes[1].get_window_extent().x1


def test_the_two_class_softmax_is_the_sigmoid_of_the_difference():
    dm.plot_two_class_softmax(lambda s: np.exp(s - s.max(axis=1, keepdims=True))
                              / np.exp(s - s.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))
    axis = plt.gcf().axes[0]
    curve, *marks = axis.lines
    assert len(marks) == 2 and axis.get_xlabel() == "$s_1 - s_2$" and axis.get_legend()
    for line in marks:
        d, p1 = line.get_xdata(), line.get_ydata()
        assert np.allclose(p1, 1 / (1 + np.exp(-d)), atol=1e-12)


def test_momentum_beats_plain_descent_on_the_elongated_quadratic():
    """Same step size: plain descent zigzags across the valley (y changes sign every step) and
    crawls along it; momentum ends far closer to the minimum. Both follow train's rule."""
    paths = dm.quadratic_paths(start=(-9.0, 1.5), learning_rate=0.07, momentum=0.6, steps=40)
    plain, heavy = paths["plain gradient descent"], paths["momentum 0.6"]
    assert plain.shape == heavy.shape == (41, 2)
    assert np.all(np.sign(plain[1:11, 1]) != np.sign(plain[:10, 1]))
    assert np.allclose(plain[1], plain[0] - 0.07 * plain[0] * [1, 25])
    assert np.linalg.norm(heavy[-1]) < 0.01 * np.linalg.norm(plain[-1])
    dm.plot_quadratic_paths(paths)
    axis = plt.gcf().axes[0]
    assert axis.get_xlabel().startswith("$x$") and axis.get_legend() and len(plt.gcf().axes) == 2
