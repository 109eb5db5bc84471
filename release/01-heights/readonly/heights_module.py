"""Data, plots and test helpers of the heights assignment (01-heights).

The notebook owns the model: the Gaussian `f(x, mu, sig)`, its derivatives `dfdmu` and
`dfdsig`, and `steepest_step`. This module supplies what the student is not asked to write:
the histogram of heights to fit, two plots (the histogram against the model, and chi squared
over the (mu, sig) plane with the path of the descent), a least-squares fit by scipy to
compare with, and the stand-ins the public tests use so that each test judges one function.

Convention, as in the notebook: one entry per histogram bin. The bin centres `x` and the
heights of the histogram `y` are 1-D arrays of the same length; mu and sig are numbers in cm.
"""
import contextlib
import os

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap, LogNorm
from scipy.optimize import least_squares

# The population behind the data: equal numbers of adult women and men, each group normally
# distributed with a (mean, standard deviation) in cm of the size that national health
# surveys report for adults (rounded; the model is ours, not a survey's data set).
WOMEN = (161.5, 7.0)
MEN = (175.5, 7.5)
PEOPLE = 4000
SEED = 1
# 2 cm bins from 130 to 210 cm: 40 bins, wide enough that few of them are empty.
BIN_EDGES = np.arange(130.0, 210.0 + 1, 2.0)

# The chi squared map of `contour` is computed on GRID x GRID points, and on AUTOGRADE_GRID x
# AUTOGRADE_GRID while nbgrader grades (environment variable NBGRADER_EXECUTION=autograde),
# where nobody looks at the picture and grading a class must stay quick.
GRID = 160
AUTOGRADE_GRID = 30
# The stand-ins' finite-difference step, as a fraction of sig: accurate to about 1e-7, plenty
# for the public tests and deliberately no substitute for the exact derivatives.
STAND_IN_STEP = 1e-3
# The contour lines' colours: viridis from dark purple to green, without its pale yellow end,
# which vanishes on a white background; levels are coloured on a log scale, like their spacing.
CONTOUR_COLOURS = ListedColormap(plt.get_cmap("viridis")(np.linspace(0.0, 0.8, 256)),
                                 name="viridis_without_yellow")


def heights_data(people=PEOPLE, seed=SEED):
    """Return (x, y): the centres of 40 bins of 2 cm from 130 to 210 cm, and the histogram.

    `people` heights are drawn, half from WOMEN and half from MEN, with
    np.random.default_rng(seed); y is the fraction of them in each bin divided by the bin
    width, a density in 1/cm, so that the area of each bar is the share of the people whose
    heights fall in that bin. Both arrays have shape (40,). The same arguments give the same data.
    """
    rng = np.random.default_rng(seed)
    women = people // 2
    heights = np.concatenate([rng.normal(*WOMEN, women), rng.normal(*MEN, people - women)])
    counts, _ = np.histogram(heights, BIN_EDGES)
    width = np.diff(BIN_EDGES)
    x = BIN_EDGES[:-1] + width / 2
    return x, counts / (people * width)


def gaussian(x, mu, sig):
    """Return the normal density with mean mu and standard deviation sig at x (any shape).

    The same function as the notebook's worked example f: the tests use this one, so that a
    mistake in f does not also cost the points of the functions that call f.
    """
    return np.exp(-(x - mu) ** 2 / (2 * sig ** 2)) / (np.sqrt(2 * np.pi) * sig)


def numeric_partial(function, x, mu, sig, wrt, h=1e-5):
    """Return d function(x, mu, sig) / d wrt by central differences, entry by entry.

    wrt is "mu" or "sig"; the step is h * sig.
    """
    step = h * sig
    if wrt == "mu":
        up, down = function(x, mu + step, sig), function(x, mu - step, sig)
    elif wrt == "sig":
        up, down = function(x, mu, sig + step), function(x, mu, sig - step)
    else:
        raise ValueError(f"wrt must be 'mu' or 'sig', not {wrt!r}")
    return (np.asarray(up) - np.asarray(down)) / (2 * step)


def stand_ins():
    """Return {"f", "dfdmu", "dfdsig"}: stand-ins that the public tests plant in the notebook.

    f is `gaussian`; the derivatives are its central differences with the coarse step
    STAND_IN_STEP, good to about one part in 10^7. With them in place, a test of
    steepest_step judges steepest_step alone.
    """
    return {
        "f": gaussian,
        "dfdmu": lambda x, mu, sig: numeric_partial(gaussian, x, mu, sig, "mu", STAND_IN_STEP),
        "dfdsig": lambda x, mu, sig: numeric_partial(gaussian, x, mu, sig, "sig", STAND_IN_STEP),
    }


# The hidden tests run in the grader and reach the notebook's kernel from outside; they find the
# stand-ins there through heights_data, which the notebook's locked setup cell imports.
heights_data.stand_ins = stand_ins


@contextlib.contextmanager
def planted(namespace, **functions):
    """Within the `with` block, namespace[name] is functions[name]; restored afterwards.

    namespace is the notebook's globals(): the notebook's functions look up f, dfdmu and
    dfdsig there each time they are called.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in functions}
    namespace.update(functions)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def chi_squared(f, x, y, mu, sig):
    """Return chi squared, the sum over the bins of (y - f(x, mu, sig))**2."""
    return float(np.sum((y - f(x, mu, sig)) ** 2))


def chi_squared_jacobian(x, y, mu, sig, h=1e-6):
    """Return [d chi2/d mu, d chi2/d sig] of the `gaussian` model by central differences."""
    step = h * sig
    return np.array([
        (chi_squared(gaussian, x, y, mu + step, sig)
         - chi_squared(gaussian, x, y, mu - step, sig)) / (2 * step),
        (chi_squared(gaussian, x, y, mu, sig + step)
         - chi_squared(gaussian, x, y, mu, sig - step)) / (2 * step),
    ])


def least_squares_fit(x, y):
    """Return np.array([mu, sig]): the Gaussian that minimises chi squared, found by scipy.

    scipy.optimize.least_squares starts from the mean and spread of the histogram itself.
    """
    weights = y / np.sum(y)
    mean = np.sum(weights * x)
    spread = np.sqrt(np.sum(weights * (x - mean) ** 2))
    fit = least_squares(lambda p: y - gaussian(x, p[0], p[1]), [mean, spread],
                        xtol=1e-14, ftol=1e-14, gtol=1e-14)
    return fit.x


def histogram(f, params, data=None):
    """Plot the histogram of heights against the model f(x, mu, sig) with params = [mu, sig].

    Each bin shows the data (orange) and the model (purple) as bars; where the two overlap
    the bar is green. The title gives mu, sig and chi squared, the sum of the squares of the
    differences between data and model over the bins. data is (x, y), by default
    heights_data(). Returns None.
    """
    x, y = heights_data() if data is None else data
    mu, sig = (float(p) for p in params)
    model = np.asarray(f(x, mu, sig), dtype=float) * np.ones_like(x)
    width = x[1] - x[0]
    edges = np.append(x - width / 2, x[-1] + width / 2)
    figure, axes = plt.subplots(figsize=(8, 4))
    # Three filled outlines (one artist each, quicker to draw than 120 bars), the later on top.
    axes.stairs(y, edges, fill=True, color="tab:orange", label="data only")
    axes.stairs(model, edges, fill=True, color="tab:purple", label="model only")
    axes.stairs(np.minimum(y, model), edges, fill=True, color="tab:green", label="data and model")
    axes.set(xlabel="height (cm)", ylabel="density (1/cm)",
             title=f"mu = {mu:.2f} cm, sig = {sig:.2f} cm:  chi squared = "
                   f"{np.sum((y - model) ** 2):.3g}")
    axes.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    plt.show()


def contour(f, p, data=None):
    """Plot chi squared over the (mu, sig) plane, and the path p of a descent on it.

    p: the points visited, shape (k, 2), one row [mu, sig] per step, starting point first.
    The contour lines are levels of chi squared spaced by equal factors, coloured from dark
    (low) to light green (high) on a log scale, with a colour bar; the path is drawn
    with a dot per step, a square at its start and a star at its end. Both axes are in cm and
    drawn to the same scale, so that a right angle on the plane looks like one. data is
    (x, y), by default heights_data(). Returns None.
    """
    x, y = heights_data() if data is None else data
    p = np.asarray(p, dtype=float).reshape(-1, 2)
    n = AUTOGRADE_GRID if os.environ.get("NBGRADER_EXECUTION") == "autograde" else GRID
    finite = p[np.all(np.isfinite(p), axis=1)]
    low = np.minimum(finite.min(axis=0), [150.0, 4.0]) - 2 if finite.size else [148.0, 2.0]
    high = np.maximum(finite.max(axis=0), [185.0, 18.0]) + 2 if finite.size else [187.0, 20.0]
    mus = np.linspace(low[0], high[0], n)
    sigs = np.linspace(max(low[1], 0.5), high[1], n)
    MU, SIG = np.meshgrid(mus, sigs)
    model = np.asarray(f(x[None, None, :], MU[..., None], SIG[..., None]), dtype=float)
    chi2 = np.sum((y - model) ** 2, axis=-1)
    levels = np.geomspace(chi2.min() * 1.05, chi2.max(), 18)
    figure, axes = plt.subplots(figsize=(8.5, 4.5))
    lines = axes.contour(MU, SIG, chi2, levels=levels, cmap=CONTOUR_COLOURS,
                         norm=LogNorm(levels[0], levels[-1]), linewidths=1.4)
    axes.clabel(lines, lines.levels[::4], fmt="%.2g", fontsize="x-small")
    # The colour bar sits in an inset beside the axes, so that it has their height.
    bar = figure.colorbar(lines, cax=axes.inset_axes([1.03, 0.0, 0.03, 1.0]),
                          ticks=lines.levels[::4], format="%.2g")
    bar.minorticks_off()
    bar.set_label("chi squared (log scale)")
    axes.plot(p[:, 0], p[:, 1], ".-", color="crimson", markersize=4, label="descent")
    axes.plot(p[0, 0], p[0, 1], "s", color="crimson", label="start")
    axes.plot(p[-1, 0], p[-1, 1], "*", color="gold", markeredgecolor="black", markersize=14,
              label="end")
    axes.set(xlabel="mu (cm)", ylabel="sig (cm)", aspect="equal",
             xlim=(mus[0], mus[-1]), ylim=(sigs[0], sigs[-1]),
             title=f"chi squared over (mu, sig): {len(p) - 1} steps")
    axes.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    plt.show()
