"""Data, stand-in networks, plots and training runs of the handwritten digits (06-digits).

The notebook owns the network: the class TwoLayerNet and the student's functions (forward,
softmax, cost, dscores, batch_W, the four backward_* functions, train and predict). This module
supplies what the student is not asked to write:

* the data: the 8 x 8 handwritten digits that ship with scikit-learn, split into training,
  validation and test sets (`digits_data`);
* the toy network and toy batch of the original two-layer-net assignment (`toy_params`,
  `toy_data`) and the values a correct answer gives on them (`TOY`, with the softmax Jacobian
  of its first row of scores, and `TOY_SPREAD` for softmax on rows of widely spread scores),
  for the public tests;
* stand-in networks for the tests of `train` and `predict` (`StandInNet`, `ScoresNet`), so
  that those tests do not depend on the student's other functions;
* a call that notices an argument changed in place (`keeping_arguments`, `call_keeping`);
* the two-class softmax against the logistic sigmoid (`plot_two_class_softmax`), and plain
  gradient descent against momentum on an elongated quadratic (`quadratic_paths`,
  `plot_quadratic_paths`);
* timing, plotting and the hyper-parameter search of the closing experiments.

Convention, as in the notebook: one row per example. N inputs are an array of shape (N, 64),
their labels an integer array of shape (N,).

Grading: while nbgrader grades a submission (environment variable
NBGRADER_EXECUTION=autograde) the demonstrations shrink, so that a whole notebook is graded in
a few seconds: `budget` caps training at AUTOGRADE_ITERATIONS iterations, `search` tries only
its first combination, and the plotting functions draw nothing. Nothing that a test cell uses
changes.
"""
import gzip
import importlib.util
import inspect
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checking import CheckFailure, call

AUTOGRADE_ITERATIONS = 10
# Sizes of the validation and test splits; the other 1197 of the 1797 digits are for training.
VALIDATION_SIZE = 240
TEST_SIZE = 360


def grading():
    """True while nbgrader grades a submission."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def budget(num_iters):
    """Return num_iters, or AUTOGRADE_ITERATIONS if fewer, while a submission is graded."""
    return min(num_iters, AUTOGRADE_ITERATIONS) if grading() else num_iters


# ---------------------------------------------------------------------------------------------
# The data.

@dataclass
class Digits:
    """The digits, split three ways. X_* hold one centred image per row (N, 64), y_* labels (N,).

    Each pixel (0 to 16 in the original) is divided by 16 and the mean image of the training
    split is subtracted; `images` undoes both for plotting.
    """
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray

    def images(self, X):
        """Return the rows of X as 8 x 8 images with pixel values 0 to 16, shape (N, 8, 8)."""
        return ((np.asarray(X) + self.mean) * 16).reshape(-1, 8, 8)


def digits_data(seed=0):
    """Return the 1797 handwritten digits of scikit-learn as a Digits split, shuffled by `seed`.

    1197 training, VALIDATION_SIZE validation and TEST_SIZE test examples. The same seed
    gives the same split.
    """
    X, y = load_digit_pixels()
    order = np.random.default_rng(seed).permutation(len(y))
    X, y = X[order] / 16.0, y[order]
    test, val = TEST_SIZE, TEST_SIZE + VALIDATION_SIZE
    mean = X[val:].mean(axis=0)
    return Digits(X[val:] - mean, y[val:], X[test:val] - mean, y[test:val], X[:test] - mean,
                  y[:test], mean)


def load_digit_pixels():
    """Return the pixels (1797, 64), 0 to 16, and labels (1797,) of scikit-learn's digits.

    The digits are what sklearn.datasets.load_digits() returns. They are read straight from
    the file that scikit-learn ships (sklearn/datasets/data/digits.csv.gz: one image per line,
    64 pixels and the label), because importing sklearn.datasets takes over a second, most of
    the time a graded notebook may use. If that file is not where it was, load_digits is used.
    """
    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz" if spec else None
    if path is not None and path.is_file():
        with gzip.open(path, "rt") as lines:
            table = np.loadtxt(lines, delimiter=",")
        return table[:, :-1], table[:, -1].astype(int)
    from sklearn.datasets import load_digits
    digits = load_digits()
    return digits.data, digits.target


# ---------------------------------------------------------------------------------------------
# The toy problem of the original assignment, and what correct answers give on it.

def toy_params():
    """Return the toy network's parameters: 4 inputs, 10 hidden units, 3 classes.

    They are what TwoLayerNet(4, 10, 3, std=1e-1) draws after np.random.seed(0) (the global
    random state is left alone).
    """
    random = np.random.RandomState(0)
    return {"W1": 1e-1 * random.randn(4, 10), "b1": np.zeros(10),
            "W2": 1e-1 * random.randn(10, 3), "b2": np.zeros(3)}


def toy_data():
    """Return the toy batch: X = 10 * randn(5, 4) after np.random.seed(1); y = [0, 1, 2, 2, 1]."""
    return 10 * np.random.RandomState(1).randn(5, 4), np.array([0, 1, 2, 2, 1])


# The regularisation strength of the toy check, and what correct answers return on the toy
# network and batch: forward's scores and hidden layer, softmax's probabilities, the loss at
# TOY_REG, dscores, and the four gradients at TOY_REG.
TOY_REG = 0.05
TOY = {
    "scores": [[-0.8123374131, -1.2765462406, -0.7033599478],
               [-0.1712967701, -1.1880331064, -0.4731044415],
               [-0.5159047524, -1.013543141, -0.8504214959],
               [-0.1541929119, -0.4862963842, -0.5290195239],
               [-0.0061873252, -0.1243526097, -0.1522694932]],
    "hidden": [[3.9594740496, 0, 1.6202342659, 6.0828720634, 1.9365015258, 0, 0, 0, 0,
                0.7377398889],
               [0, 0, 1.2795166311, 1.8721039945, 4.8197582254, 0, 0, 0, 2.1593832395,
                5.1149388785],
               [0, 0, 3.2153380059, 3.6801844706, 4.520511905, 0, 0, 0, 2.92803574,
                3.115130473],
               [0, 0, 1.3486973215, 0.5679843767, 2.1834435362, 0, 0, 0, 2.0768801386,
                2.1940493956],
               [0, 0, 0, 0, 0, 0, 0, 0.8990616979, 0, 0.5648168675]],
    "probs": [[0.3644621041, 0.229112638, 0.4064252579],
              [0.4759062926, 0.1721703915, 0.3519233159],
              [0.4303576704, 0.2616422901, 0.3080000395],
              [0.4158312714, 0.298322796, 0.2858459326],
              [0.3632881517, 0.3227993882, 0.3139124601]],
    "loss": 1.30378789133,
    "dscores": [[-0.1271075792, 0.0458225276, 0.0812850516],
                [0.0951812585, -0.1655659217, 0.0703846632],
                [0.0860715341, 0.052328458, -0.1383999921],
                [0.0831662543, 0.0596645592, -0.1428308135],
                [0.0726576303, -0.1354401224, 0.062782492]],
    "W1": [[-9.6849904251e-02, 4.0015720837e-03, -2.0551782794e-01, 1.8798635186e-01,
            1.6053164507e-01, -9.7727787988e-03, 9.5008841753e-03, 2.6888434454e-03,
            -3.0102281097e-02, -5.6780280127e-03],
           [4.4559500795e-02, 1.4542735070e-02, 6.9551550217e-01, -2.8861632707e-01,
            -2.6698698879e-01, 3.3367432737e-03, 1.4940790732e-02, 1.9343558561e-02,
            -6.5470099706e-02, -5.3292865070e-01],
           [1.1697782096e-02, 6.5361859544e-03, -2.3162355049e-01, -6.2639035550e-02,
            -1.4163897121e-03, -1.4543656746e-02, 4.5758517301e-04, -2.9006707733e-03,
            5.3566802898e-01, 3.6973199821e-01],
           [7.7176640264e-02, 3.7816251960e-03, -3.1377832269e-01, 2.2686856785e-01,
            2.0667870908e-01, 1.5634896910e-03, 1.2302906807e-02, -2.1805578591e-03,
            -6.7894304006e-01, 9.8557301499e-02]],
    "b1": [-0.0070484043, 0, 0.0031049353, -0.0072398986, -0.0057337739, 0, 0,
           -0.0024371972, 0.0412160456, 0.0223617638],
    "W2": [[-5.1376469092e-01, 1.6723292958e-01, 3.0478335041e-01],
           [1.9507753952e-02, -5.0965218175e-03, -4.3807430161e-03],
           [2.9222917359e-01, 1.1889689360e-01, -4.3201809571e-01],
           [-2.3312107475e-01, 1.8628820012e-01, 3.9619831193e-02],
           [7.7817479617e-01, -3.5423302664e-01, -4.4113796504e-01],
           [4.2833187053e-03, 6.6517222383e-04, 3.0247189774e-03],
           [-6.3432209368e-03, -3.6274116599e-03, -6.7246044778e-03],
           [6.1728160876e-02, -1.2990048919e-01, 3.9182507855e-02],
           [6.3205394554e-01, -8.4402352461e-02, -5.6619712449e-01],
           [8.8933499478e-01, -6.0470934854e-01, -2.8855135337e-01]],
    "b2": [0.2099690981, -0.1431904992, -0.0667785988],
    # softmax_jacobian of the first row of the scores (and of that row moved by 1000).
    "jacobian": [[0.2316294788, -0.0835028741, -0.1481266046],
                 [-0.0835028741, 0.1766200371, -0.093117163],
                 [-0.1481266046, -0.093117163, 0.2412437676]],
}
TOY = {name: np.array(value, dtype=float) for name, value in TOY.items()}
# Rows of scores that spread over more than 2000 (two near +1200, the others near -1200),
# and their probabilities: a shift by each row's mean would leave exponents above 709.
TOY_SPREAD = {
    "scores": [[1032.0486783047, -1367.651299833, -1367.7581115465, 1032.7090842125],
               [1047.7715909014, 1046.3428518977, -1356.6244049536, -1350.0756820336],
               [-1205.7838185405, 1189.2981932381, -1213.0032967608, 1190.4006808215]],
    "probs": [[0.3406484359, 0.0, 0.0, 0.6593515641], [0.8067047619, 0.1932952381, 0.0, 0.0],
              [0.0, 0.2492740864, 0.0, 0.7507259136]],
}
TOY_SPREAD = {name: np.array(value, dtype=float) for name, value in TOY_SPREAD.items()}


def pair(what, result):
    """Return the two arrays of a result that should be a pair, failing clearly otherwise."""
    if isinstance(result, np.ndarray) or not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure(f"{what} returned {type(result).__name__}; it must return two "
                           "arrays: `return scores, hidden`.")
    return result


def check_no_overflow(what, got, why):
    """Fail with `why` if `got` (softmax's answer) holds NaN or infinite values."""
    try:
        finite = np.all(np.isfinite(np.asarray(got, dtype=float)))
    except (TypeError, ValueError):
        return  # not numbers: the check that follows says so
    if not finite:
        raise CheckFailure(f"{what} contains NaN or infinite values: {why}")


# ---------------------------------------------------------------------------------------------
# Arguments left as they were: the notebook's functions do not write into what they are given
# (the caller may use it again), and the tests check it.

def keeping_arguments(function, *args):
    """Return (function(*args), the names of the arguments it changed in place).

    Every array argument, and every array in a dict argument (params), is compared with a copy
    taken before the call; a name is the parameter's (`probs`, or `params["W1"]`)."""
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    names += [f"argument {i + 1}" for i in range(len(names), len(args))]
    kept = [_arrays(name, arg) for name, arg in zip(names, args)]
    result = function(*args)
    changed = [name for pairs in kept for name, array, before in pairs
               if array.shape != before.shape or not np.array_equal(array, before, equal_nan=True)]
    return result, changed


def _arrays(name, arg):
    """[(name, array, copy)] of the arrays in an argument: itself, or a dict's values."""
    if isinstance(arg, np.ndarray):
        return [(name, arg, arg.copy())]
    if isinstance(arg, dict):
        return [(f"{name}[{key!r}]", value, value.copy()) for key, value in arg.items()
                if isinstance(value, np.ndarray)]
    return []


ARGUMENTS_KEPT = ("the notebook's functions leave their arguments as they were, since the "
                  "caller may use them again: work on a copy (grad = probs.copy()), or write "
                  "x = x - m instead of x -= m.")


def call_keeping(what, function, *args):
    """Return function(*args), failing like checking.call, and if it changed an argument."""
    result, changed = call(what, keeping_arguments, function, *args)
    if changed:
        raise CheckFailure(f"{what} changed its argument {changed[0]} in place: "
                           + ARGUMENTS_KEPT)
    return result


# ---------------------------------------------------------------------------------------------
# Stand-in networks for the public tests of train and predict.

class StandInNet:
    """A stand-in for TwoLayerNet in the tests of train: a simple quadratic loss, recorded.

    By default its parameters W1 (3, 2), b1 (2,), W2 (2, 2), b2 (2,) are pulled towards fixed
    targets: the gradient of each is (parameter - target), whatever the mini-batch, so a run of
    train ends at parameters that depend only on the step sizes and the momentum. Every call of
    `loss` with labels is recorded in `batches` as (X_batch, y_batch); `predict` says class 0.

    The hidden tests watch a run from outside instead: given `params` (a dict of arrays),
    `loss` and `predict` (functions), the stand-in starts from those parameters, and its
    methods hand their work on: net.loss(X, y, reg) returns loss(net.params, X, y, reg), and
    net.predict(X) returns predict(X).
    """

    def __init__(self, params=None, loss=None, predict=None):
        random = np.random.RandomState(6)
        shapes = {"W1": (3, 2), "b1": (2,), "W2": (2, 2), "b2": (2,)}
        self.params = {name: random.randn(*shape) for name, shape in shapes.items()}
        self.targets = {name: random.randn(*shape) for name, shape in shapes.items()}
        if params is not None:
            self.params = {name: np.array(value, dtype=float) for name, value in params.items()}
        self._loss, self._predict = loss, predict
        self.batches = []

    def loss(self, X, y=None, reg=0.0):
        if self._loss is not None:
            return self._loss(self.params, X, y, reg)
        if y is None:
            return np.zeros((len(X), 2))
        self.batches.append((np.array(X, dtype=float), np.array(y)))
        grads = {name: value - self.targets[name] for name, value in self.params.items()}
        return sum(0.5 * float(np.sum(g ** 2)) for g in grads.values()), grads

    def predict(self, X):
        if self._predict is not None:
            return self._predict(X)
        return np.zeros(len(X), dtype=int)

    def check_batches(self, X, y, batch_size, num_iters):
        """Fail unless train drew num_iters mini-batches of batch_size examples of (X, y)."""
        if len(self.batches) != num_iters:
            raise CheckFailure(f"train computed the loss of {len(self.batches)} mini-batches "
                               f"in {num_iters} iterations; expected one per iteration.")
        rows = {row.tobytes(): i for i, row in enumerate(np.asarray(X, dtype=float))}
        for X_batch, y_batch in self.batches:
            if X_batch.shape != (batch_size, X.shape[1]) or y_batch.shape != (batch_size,):
                raise CheckFailure(f"a mini-batch has X_batch {X_batch.shape} and y_batch "
                                   f"{y_batch.shape}; expected ({batch_size}, {X.shape[1]}) "
                                   f"and ({batch_size},).")
            found = [rows.get(row.tobytes()) for row in X_batch]
            if None in found:
                raise CheckFailure("X_batch holds rows that are not examples of the training "
                                   "set X.")
            if not np.array_equal(y_batch, y[found]):
                raise CheckFailure("the labels y_batch do not belong to the examples X_batch: "
                                   "take both with the same indices.")


# Where a default StandInNet's parameters end after train(net, *train_problem(), ...) (12
# examples, batch_size=4, so 3 iterations per epoch, the learning rate decaying at the end of
# each) with num_iters=5, learning_rate=0.5 and
#   "plain": learning_rate_decay=0.5, momentum=0.0;
#   "momentum": learning_rate_decay=1.0, momentum=0.9.
TRAIN_EXPECTED = {
    "plain": {"W1": [[0.081392178, 0.171328389164], [0.086090413643, -0.207438101855],
                     [0.414779609159, 0.817868821085]],
              "b1": [0.409107796886, 1.578682877232],
              "W2": [[-1.145835945021, -0.461259737251], [0.951682285375, -1.051398015]],
              "b2": [1.430869804343, 0.749621459678]},
    "momentum": {"W1": [[0.331803565013, -0.183851878281], [0.002192113051, 0.233072067744],
                        [2.262766271252, 0.757120140433]],
                 "b1": [-0.048154111078, 3.548453786255],
                 "W2": [[-2.919666966028, -0.481236643645], [-0.118043974001, -2.104324276926]],
                 "b2": [2.55610339063, 0.438743006269]},
}
TRAIN_EXPECTED = {run: {name: np.array(value) for name, value in params.items()}
                  for run, params in TRAIN_EXPECTED.items()}


def train_problem():
    """Return X (12, 3), y (12,), X_val (4, 3), y_val (4,) for the public tests of train."""
    random = np.random.RandomState(7)
    return (random.randn(12, 3), random.randint(0, 10, 12), random.randn(4, 3),
            random.randint(0, 10, 4))


class ScoresNet:
    """A stand-in for TwoLayerNet in the test of predict: `loss(X)` returns the given scores."""

    def __init__(self, params, scores):
        self.params = params
        self.scores = np.asarray(scores, dtype=float)

    def loss(self, X, y=None, reg=0.0):
        if len(X) != len(self.scores):
            raise ValueError(f"this stand-in knows the scores of {len(self.scores)} examples only")
        return self.scores.copy()


# ---------------------------------------------------------------------------------------------
# Timing.

def best_time(function, *args, repeat=5):
    """Return the shortest of `repeat` wall-clock timings of function(*args), in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def speed_batch(N=4000, p=6, q=5, seed=0):
    """Return random inputs (N, p) and deltas (N, q): a long batch of narrow layers."""
    random = np.random.default_rng(seed)
    return random.normal(size=(N, p)), random.normal(size=(N, q))


def check_faster(batched, loop, inputs, deltas, factor=4):
    """Fail unless batched(inputs, deltas) runs at least `factor` times faster than loop(...)."""
    slow, fast = best_time(loop, inputs, deltas, repeat=3), best_time(batched, inputs, deltas)
    if fast * factor > slow:
        raise CheckFailure(f"batch_W took {fast * 1e3:.2g} ms and the loop {slow * 1e3:.2g} ms; "
                           f"batch_W should be at least {factor} times faster: replace the loop "
                           "over the examples by one matrix product.")


def compare_speed(loop, batched, inputs, deltas):
    """Time loop(inputs, deltas) against batched(inputs, deltas) and print the speed-up."""
    slow, fast = best_time(loop, inputs, deltas, repeat=3), best_time(batched, inputs, deltas)
    N, p = inputs.shape
    print(f"{N} examples, a ({p}, {deltas.shape[1]}) gradient: loop {slow * 1e3:.3g} ms, "
          f"one matrix product {fast * 1e3:.3g} ms, {slow / fast:.0f} times faster")
    return slow, fast


# ---------------------------------------------------------------------------------------------
# Training runs and the hyper-parameter search.

def accuracy(net, X, y):
    """Return the fraction of the examples X whose label net.predict gets right."""
    return float(np.mean(net.predict(X) == y))


def search(network, data, hidden_sizes, learning_rates, regs, *, num_iters=1000,
           batch_size=100, learning_rate_decay=0.98, momentum=0.9, std=0.1, seed=0):
    """Train one network per combination of the hyper-parameters; return (best net, results).

    network: the class to train (TwoLayerNet); data: a Digits split. Every combination starts
    from np.random.seed(seed), trains network(64, hidden_size, 10, std) with train() for
    num_iters iterations and is judged by its accuracy on the validation split, never on the
    test split. results is a list of dicts (hidden_size, learning_rate, reg, train_acc,
    val_acc, seconds), best first; a table of them is printed.

    While a submission is graded only the first combination runs, for budget(num_iters)
    iterations.
    """
    combinations = list(itertools.product(hidden_sizes, learning_rates, regs))
    if grading():
        combinations = combinations[:1]
    results, best, best_acc = [], None, -1.0
    for hidden_size, learning_rate, reg in combinations:
        np.random.seed(seed)
        net = network(data.X_train.shape[1], hidden_size, 10, std=std)
        start = time.perf_counter()
        net.train(data.X_train, data.y_train, data.X_val, data.y_val,
                  learning_rate=learning_rate, learning_rate_decay=learning_rate_decay,
                  reg=reg, num_iters=budget(num_iters), batch_size=batch_size,
                  momentum=momentum)
        seconds = time.perf_counter() - start
        val_acc = accuracy(net, data.X_val, data.y_val)
        results.append(dict(hidden_size=hidden_size, learning_rate=learning_rate, reg=reg,
                            train_acc=accuracy(net, data.X_train, data.y_train),
                            val_acc=val_acc, seconds=seconds))
        if val_acc > best_acc:
            best, best_acc = net, val_acc
    results.sort(key=lambda r: -r["val_acc"])
    print(f"{'hidden':>6} {'rate':>6} {'reg':>8} {'train acc':>9} {'val acc':>8} {'seconds':>7}")
    for r in results:
        print(f"{r['hidden_size']:>6} {r['learning_rate']:>6g} {r['reg']:>8g} "
              f"{r['train_acc']:>9.3f} {r['val_acc']:>8.3f} {r['seconds']:>7.2f}")
    return best, results


# ---------------------------------------------------------------------------------------------
# Plots. None is drawn while a submission is graded (and matplotlib, slow to import, is then
# not even imported).

def show_digits(images, labels, predicted=None, columns=10, title=None):
    """Draw 8 x 8 images in a grid, each titled by its label (and prediction, if given)."""
    if grading() or len(images) == 0:
        return
    import matplotlib.pyplot as plt
    rows = -(-len(images) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(1.1 * columns, 1.3 * rows),
                                squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index >= len(images):
            continue
        axis.imshow(images[index], cmap="gray_r", vmin=0, vmax=16)
        if predicted is None:
            axis.set_title(str(labels[index]), fontsize=9)
        else:
            axis.set_title(f"{labels[index]} as {predicted[index]}", fontsize=9, color="crimson")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    plt.show()


def show_misclassified(data, net, limit=30):
    """Draw the test digits that net gets wrong (at most `limit`): 'true as predicted'."""
    predicted = net.predict(data.X_test)
    wrong = np.flatnonzero(predicted != data.y_test)[:limit]
    print(f"{np.sum(predicted != data.y_test)} of {len(data.y_test)} test digits misclassified")
    show_digits(data.images(data.X_test[wrong]), data.y_test[wrong], predicted[wrong],
                title="Misclassified test digits: true label as predicted label")


def plot_history(stats, title="Training"):
    """Plot the loss of every iteration and the accuracies of every epoch returned by train."""
    if grading():
        return
    import matplotlib.pyplot as plt
    figure, (losses, accuracies) = plt.subplots(1, 2, figsize=(11, 3.8))
    losses.plot(stats["loss_history"], color="crimson", linewidth=0.8)
    losses.set(xlabel="iteration", ylabel="loss on the mini-batch", yscale="log",
               title=f"{title}: loss")
    accuracies.plot(stats["train_acc_history"], label="training (mini-batch)", color="steelblue")
    accuracies.plot(stats["val_acc_history"], label="validation", color="darkorange")
    accuracies.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02), title=f"{title}: accuracy")
    # Beside the axes, not on them: a run that does not learn keeps its curves near the bottom.
    accuracies.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    for axis in (losses, accuracies):
        axis.grid(True, alpha=0.3)
    figure.tight_layout()
    plt.show()


def plot_losses(runs, title="Loss per iteration"):
    """Plot the loss histories of several runs, {label: stats returned by train}, on one axis."""
    if grading():
        return
    import matplotlib.pyplot as plt
    figure, axis = plt.subplots(figsize=(7, 3.8))
    for label, stats in runs.items():
        axis.plot(stats["loss_history"], label=label, linewidth=0.8)
    axis.set(xlabel="iteration", ylabel="loss on the mini-batch", yscale="log", title=title)
    axis.grid(True, alpha=0.3)
    axis.legend()
    figure.tight_layout()
    plt.show()


def show_weights(W1, columns=16, title="What the hidden units look for"):
    """Draw each hidden unit's incoming weights, a column of W1 (64, H), as an 8 x 8 image.

    Each image has a colour scale of its own, symmetric about 0 (red: positive, blue:
    negative, white: 0), from minus to plus that unit's largest |weight|: units whose weights
    are small overall would look blank on one scale shared by all.
    """
    if grading():
        return
    import matplotlib.pyplot as plt
    H = W1.shape[1]
    rows = -(-H // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(0.8 * columns + 1.2, 0.85 * rows + 0.5),
                                squeeze=False)
    # A fixed layout, with the colour bar in a strip of its own on the right.
    figure.subplots_adjust(left=0.01, right=0.88, bottom=0.02, top=0.85, wspace=0.1, hspace=0.1)
    image = None
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index < H:
            weights = W1[:, index]
            limit = float(np.abs(weights).max()) or 1.0
            image = axis.imshow(weights.reshape(8, 8) / limit, cmap="RdBu_r", vmin=-1, vmax=1)
    if image is not None:
        bar = figure.colorbar(image, cax=figure.add_axes([0.9, 0.1, 0.01, 0.7]))
        bar.set_label("weight / the unit's largest |weight|")
    figure.suptitle(title)
    plt.show()


def plot_two_class_softmax(softmax, reach=8.0):
    """Plot p_1 of softmax([s_1, s_2]) (the notebook's function, on rows of two scores)
    against s_1 - s_2, over the logistic sigmoid of s_1 - s_2, for two positions of the pair."""
    if grading():
        return
    import matplotlib.pyplot as plt
    difference = np.linspace(-reach, reach, 401)
    figure, axis = plt.subplots(figsize=(7, 3.8))
    axis.plot(difference, 1 / (1 + np.exp(-difference)), color="black", linewidth=2.5,
              alpha=0.35, label=r"logistic sigmoid $1 / (1 + e^{-(s_1 - s_2)})$")
    marks = difference[::20]
    for centre, marker, colour in ((0.0, "o", "crimson"), (300.0, "x", "steelblue")):
        pairs = np.column_stack([centre + marks / 2, centre - marks / 2])
        p1 = np.asarray(softmax(pairs), dtype=float)[:, 0]
        axis.plot(marks, p1, marker, color=colour, linestyle="none",
                  label=rf"$p_1$ of softmax, $s_1 + s_2 = {2 * centre:g}$")
    axis.set(xlabel=r"$s_1 - s_2$", ylabel=r"$p_1$",
             title="Two classes: the softmax is the sigmoid of the difference")
    axis.grid(True, alpha=0.3)
    axis.legend(loc="upper left")
    figure.tight_layout()
    plt.show()


# The elongated quadratic f(x, y) = (x^2 + STEEPNESS y^2) / 2 of the momentum demonstration:
# curvature 1 along x, the valley's floor, and STEEPNESS across it, along y.
STEEPNESS = 25.0


def quadratic_paths(start=(-9.0, 1.5), learning_rate=0.07, momentum=0.6, steps=40):
    """Return {label: path (steps + 1, 2)}: plain gradient descent and momentum (the update
    rule of train: v = momentum v - learning_rate grad, then point = point + v) from `start`
    on f(x, y) = (x^2 + STEEPNESS y^2) / 2, with the same learning rate."""
    paths = {}
    for label, mu in (("plain gradient descent", 0.0), (f"momentum {momentum:g}", momentum)):
        point, velocity = np.array(start, dtype=float), np.zeros(2)
        path = [point]
        for _ in range(steps):
            gradient = point * np.array([1.0, STEEPNESS])
            velocity = mu * velocity - learning_rate * gradient
            point = point + velocity
            path.append(point)
        paths[label] = np.array(path)
    return paths


def plot_quadratic_paths(paths, learning_rate=0.07):
    """Draw the contours of the elongated quadratic and the paths of quadratic_paths."""
    if grading():
        return
    import matplotlib.pyplot as plt
    ends = np.concatenate(list(paths.values()))
    reach_x = 1.1 * max(np.abs(ends[:, 0]).max(), 1.0)
    reach_y = 1.2 * max(np.abs(ends[:, 1]).max(), 0.5)
    x, y = np.meshgrid(np.linspace(-reach_x, reach_x, 120), np.linspace(-reach_y, reach_y, 80))
    figure, axis = plt.subplots(figsize=(9, 4.2))
    contours = axis.contour(x, y, (x ** 2 + STEEPNESS * y ** 2) / 2, levels=12, cmap="Greys",
                            linewidths=0.8)
    figure.colorbar(contours, ax=axis, label=r"$f(x, y) = (x^2 + 25 y^2) / 2$")
    for (label, path), colour in zip(paths.items(), ("crimson", "steelblue")):
        axis.plot(path[:, 0], path[:, 1], "o-", color=colour, markersize=3, linewidth=1,
                  label=f"{label} ({len(path) - 1} steps, learning rate {learning_rate:g})")
    axis.plot(0, 0, "k*", markersize=10, label="minimum")
    axis.set(xlabel="$x$ (along the valley)", ylabel="$y$ (across the valley)",
             title="The same step size, with and without momentum")
    axis.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    plt.show()
