"""The read-only module of 01-heights: data, test helpers and plots (in process)."""
import importlib.util
import time
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "source" / "01-heights" / "readonly" / "heights_module.py"
# Loaded by path under its own name: every assignment has a `readonly` folder.
_spec = importlib.util.spec_from_file_location("heights_module", MODULE)
hm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hm)


def exact_dmu(x, mu, sig):
    return hm.gaussian(x, mu, sig) * (x - mu) / sig ** 2


def exact_dsig(x, mu, sig):
    return hm.gaussian(x, mu, sig) * ((x - mu) ** 2 / sig ** 3 - 1 / sig)


def relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


@pytest.fixture(autouse=True)
def quiet_figures():
    """Close every figure after a test; Agg cannot show, and says so with a warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")
        yield
    plt.close("all")


def test_heights_data_is_a_density_on_40_bins_and_repeatable():
    x, y = hm.heights_data()
    assert x.shape == y.shape == (40,)
    assert np.allclose(x, np.arange(131.0, 210.0, 2.0))
    assert np.all(y >= 0) and np.isclose(np.sum(y) * 2.0, 1.0, atol=1e-3)
    x2, y2 = hm.heights_data()
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert not np.array_equal(y, hm.heights_data(seed=2)[1])
    counts = hm.heights_data(people=200)[1] * 200 * 2.0
    assert np.allclose(counts, np.round(counts)) and np.isclose(counts.sum(), 200, atol=1)


def test_heights_data_follows_the_documented_population():
    x, y = hm.heights_data(people=200000, seed=5)
    mean = np.sum(x * y) * 2.0
    spread = np.sqrt(np.sum((x - mean) ** 2 * y) * 2.0)
    women, men = hm.WOMEN, hm.MEN
    expected_mean = (women[0] + men[0]) / 2
    expected_spread = np.sqrt((women[1] ** 2 + men[1] ** 2) / 2 + ((men[0] - women[0]) / 2) ** 2)
    assert abs(mean - expected_mean) < 0.1
    assert abs(spread - expected_spread) < 0.1


def test_gaussian_is_the_normal_density():
    x = np.linspace(100.0, 240.0, 14001)
    values = hm.gaussian(x, 170.0, 9.0)
    assert np.isclose(np.sum(values) * (x[1] - x[0]), 1.0, rtol=1e-9)
    assert np.isclose(hm.gaussian(170.0, 170.0, 9.0), 1 / (9 * np.sqrt(2 * np.pi)))
    assert np.allclose(values, values[::-1])


@pytest.mark.parametrize("wrt, exact", [("mu", exact_dmu), ("sig", exact_dsig)])
def test_numeric_partial_and_stand_ins(wrt, exact):
    x = np.linspace(140.0, 200.0, 31)
    assert relative(hm.numeric_partial(hm.gaussian, x, 168.0, 9.0, wrt), exact(x, 168.0, 9.0)) < 1e-8
    stand_in = hm.stand_ins()["dfd" + wrt](x, 168.0, 9.0)
    error = relative(stand_in, exact(x, 168.0, 9.0))
    assert 1e-9 < error < 1e-6, "good enough for the public tests, no stand-in for an answer"
    assert hm.stand_ins()["f"] is hm.gaussian
    with pytest.raises(ValueError, match="wrt"):
        hm.numeric_partial(hm.gaussian, x, 168.0, 9.0, "x")


def test_planted_puts_back_what_was_there_even_after_an_error():
    ns = {"f": "mine"}
    with pytest.raises(RuntimeError):
        with hm.planted(ns, f="planted", dfdmu="planted"):
            assert ns == {"f": "planted", "dfdmu": "planted"}
            raise RuntimeError
    assert ns == {"f": "mine"}


def test_chi_squared_and_its_jacobian():
    x, y = hm.heights_data()
    assert np.isclose(hm.chi_squared(hm.gaussian, x, y, 160.0, 8.0),
                      np.sum((y - hm.gaussian(x, 160.0, 8.0)) ** 2))
    residual = y - hm.gaussian(x, 160.0, 8.0)
    exact = np.array([-2 * residual @ exact_dmu(x, 160.0, 8.0),
                      -2 * residual @ exact_dsig(x, 160.0, 8.0)])
    assert relative(hm.chi_squared_jacobian(x, y, 160.0, 8.0), exact) < 1e-8


def test_least_squares_fit_is_the_minimum_of_chi_squared():
    x, y = hm.heights_data()
    mu, sig = hm.least_squares_fit(x, y)
    assert 166 < mu < 170 and 9 < sig < 12
    assert np.linalg.norm(hm.chi_squared_jacobian(x, y, mu, sig)) < 1e-12
    best = hm.chi_squared(hm.gaussian, x, y, mu, sig)
    for d_mu, d_sig in ((0.1, 0), (-0.1, 0), (0, 0.1), (0, -0.1)):
        assert hm.chi_squared(hm.gaussian, x, y, mu + d_mu, sig + d_sig) > best


def test_histogram_draws_data_model_and_overlap_with_chi_squared():
    x, y = hm.heights_data()
    hm.histogram(hm.gaussian, [155, 6])
    axes = plt.gcf().axes[0]
    data, model, overlap = axes.patches
    assert np.array_equal(data.get_data().values, y)
    assert np.allclose(model.get_data().values, hm.gaussian(x, 155, 6))
    assert np.allclose(overlap.get_data().values, np.minimum(y, hm.gaussian(x, 155, 6)))
    assert np.allclose(data.get_data().edges, np.arange(130.0, 211.0, 2.0))
    chi2 = hm.chi_squared(hm.gaussian, x, y, 155, 6)
    assert f"{chi2:.3g}" in axes.get_title()
    hm.histogram(lambda x, mu, sig: 0.01, [0, 1], data=(x[:5], y[:5]))  # a constant model
    assert len(plt.gcf().axes[0].patches[1].get_data().values) == 5


def test_contour_draws_the_path_to_scale_and_survives_a_diverged_one():
    p = np.array([[155.0, 6.0], [160.0, 17.0], [168.2, 10.9]])
    start = time.perf_counter()
    hm.contour(hm.gaussian, p)
    assert time.perf_counter() - start < 5
    axes = plt.gcf().axes[0]
    assert axes.get_aspect() == 1.0
    xs, ys = axes.lines[0].get_data()
    assert np.array_equal(xs, p[:, 0]) and np.array_equal(ys, p[:, 1])
    assert "2 steps" in axes.get_title()
    diverged = np.vstack([p, [[np.nan, np.inf]]])
    hm.contour(hm.gaussian, diverged)
    hm.contour(hm.gaussian, [[155.0, 6.0]])


@pytest.mark.parametrize("autograde, size", [(False, hm.GRID), (True, hm.AUTOGRADE_GRID)])
def test_contour_grid_is_small_while_grading(monkeypatch, autograde, size):
    if autograde:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    else:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    shapes = []

    def recording(x, mu, sig):
        shapes.append(np.broadcast(x, mu, sig).shape)
        return hm.gaussian(x, mu, sig)
    hm.contour(recording, [[155.0, 6.0], [168.0, 11.0]])
    assert shapes == [(size, size, 40)]


def test_the_stand_ins_can_be_found_through_heights_data():
    assert hm.heights_data.stand_ins is hm.stand_ins


def test_contour_has_a_colour_bar_and_colours_that_stand_out_on_white():
    hm.contour(hm.gaussian, [[155.0, 6.0], [168.0, 11.0]])
    axes = plt.gcf().axes[0]
    lines = [c for c in axes.collections if hasattr(c, "levels")][0]
    assert lines.colorbar is not None and "chi squared" in lines.colorbar.ax.get_ylabel()
    assert type(lines.norm).__name__ == "LogNorm"
    # No colour of the map is as pale as viridis' yellow end: each keeps some contrast on white.
    colours = lines.cmap(np.linspace(0.0, 1.0, 64))[:, :3]
    assert np.max(colours @ [0.299, 0.587, 0.114]) < 0.75
