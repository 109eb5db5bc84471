"""Grader side: answer key for the hidden tests of 01-heights (f, dfdmu, dfdsig and steepest_step).

The hidden part of each test cell calls `check(name, globals())`, or `check_descent(globals())`
for the descent. Each check runs the student's function on several seeded cases (heights and
standard-normal scales, vectors of several lengths, a single number) and compares its result
with this module's own reference and, for derivatives, with central differences of this
module's own Gaussian. The key shares no code with the notebook; from the helper module it
takes only the data, `heights_data()`, loaded here from source/ (not from the submission), and
the least-squares fit it compares the descent with is its own call to scipy.

A function that calls other graded functions (dfdmu and dfdsig may call f, dfdsig may call
dfdmu, steepest_step calls all three) is checked with right versions of its callees planted in
the notebook's globals and restored afterwards, so that a mistake costs the points of its own
function only. When grading, hidden tests run in the grader and the notebook's functions in
the kernel (course/judge.py), and a planted grader-side function costs the kernel a round trip
to the grader at every call. The single steps of steepest_step get the key's own exact
functions (three calls a step), so that the step they are compared with is built from the key's
values alone, never from values the kernel computed. Where speed matters (the descent, fifty
steps, and the callees of dfdmu and dfdsig) the key plants the helper module's stand-ins as
they already live in the kernel (reached through `heights_data`, which the setup cell imports),
after checking their values against this module's reference; where they are missing or wrong,
it plants its own. Those stand-ins only feed the student's function: the descent is judged
against the key's own least-squares fit.

Every reference takes switches, or has siblings, that reproduce the typical mistakes (a sign
error, a missing chain-rule factor, the sigma^-1 term differentiated wrongly, +J instead of
-J, the mu component reused for sigma, ...), so a failing check can say which mistake the
student's answer matches. `visible_mistakes()` gives what they are where the notebook's
visible tests look, for readonly/mistakes.json, so that the student's own test names the
same mistake while they work; `hidden_mistakes(function)` lists what the checks here can name.

Beyond the values, the hidden checks hold every function to what the visible example cannot
show: its array arguments left as they were (keys.call_watching: the grader passes the
notebook's own objects and reads them back), x of any shape, histograms of
other numbers of bins (one among them) and other aggressions, and the whole legal range of
heights, means and widths; nothing is tied to the visible example's sizes or values.

Convention, as in the notebook: one entry per histogram bin; x and y are 1-D arrays, mu and
sig numbers, the Jacobian and the step arrays of shape (2,).
"""
import functools
import importlib.util

import numpy as np
from scipy.optimize import least_squares

from course import SOURCE, checking, keys

FUNCTIONS = ("f", "dfdmu", "dfdsig", "steepest_step")
# The notebook's descent: 50 steps of aggression 3000 from mu = 155 cm, sig = 6 cm.
START = (155.0, 6.0)
STEPS = 50
AGGRESSION = 3000.0
# Derivatives must agree with central differences to GRADIENT_TOL, and with the exact
# reference to REFERENCE_RTOL: an exact formula, however arranged, agrees to about 1e-14; a
# finite-difference estimate passed off as the derivative does not.
GRADIENT_TOL = 1e-6
# The step, built from stand-in derivatives good to about 1e-7, against central differences of
# the exact chi squared: sums over the bins can cancel and lose a digit or two.
STEP_GRADIENT_TOL = 1e-4
REFERENCE_RTOL = 1e-9
# How close (in cm, relative) the end of the descent must be to the least-squares fit.
DESCENT_RTOL = 1e-5
ROOT_TWO_PI = np.sqrt(2 * np.pi)


# --- the reference, written from the equations ---------------------------------------------

def gaussian(x, mu, sig):
    """Return the normal density N(x; mu, sig^2), written with the standardised t = (x-mu)/sig."""
    t = (np.asarray(x, dtype=float) - mu) / sig
    return np.exp(-0.5 * t * t) / (ROOT_TWO_PI * sig)


def gaussian_dmu(x, mu, sig):
    """Return d gaussian / d mu = gaussian * t / sig."""
    t = (np.asarray(x, dtype=float) - mu) / sig
    return gaussian(x, mu, sig) * t / sig


def gaussian_dsig(x, mu, sig):
    """Return d gaussian / d sig = gaussian * (t^2 - 1) / sig."""
    t = (np.asarray(x, dtype=float) - mu) / sig
    return gaussian(x, mu, sig) * (t * t - 1) / sig


REFERENCE = {"f": gaussian, "dfdmu": gaussian_dmu, "dfdsig": gaussian_dsig}


def chi_squared(x, y, mu, sig):
    """Return the sum over the bins of (y - gaussian)^2."""
    return float(np.sum((y - gaussian(x, mu, sig)) ** 2))


def jacobian(x, y, mu, sig, *, sig_sign=1.0, sig_factor=2.0, sig_from_mu=False):
    """Return [d chi2/d mu, d chi2/d sig], optionally with a mistake in the sigma component.

    sig_sign=-1 flips the sigma component, sig_factor=1 forgets the 2 of the square (and
    2 / n averages over the n bins), sig_from_mu=True copies the mu component.
    """
    d_mu, d_sig = gaussian_dmu(x, mu, sig), gaussian_dsig(x, mu, sig)
    residual = y - gaussian(x, mu, sig)
    j_mu = -2 * np.sum(residual * d_mu)
    j_sig = -sig_factor * sig_sign * np.sum(residual * d_sig)
    return np.array([j_mu, j_mu if sig_from_mu else j_sig])


def step(x, y, mu, sig, aggression):
    """Return the steepest-descent step -aggression * J."""
    return -aggression * jacobian(x, y, mu, sig)


def numeric_partial(function, x, mu, sig, wrt):
    """Return d function / d wrt (wrt "mu" or "sig") by central differences, entry by entry."""
    h = 1e-6 * sig
    shift = np.array([h, 0.0]) if wrt == "mu" else np.array([0.0, h])
    up = function(x, mu + shift[0], sig + shift[1])
    down = function(x, mu - shift[0], sig - shift[1])
    return (up - down) / (2 * h)


def numeric_jacobian(x, y, mu, sig):
    """Return [d chi2/d mu, d chi2/d sig] by central differences of chi_squared."""
    h = 1e-6 * sig
    return np.array([
        (chi_squared(x, y, mu + h, sig) - chi_squared(x, y, mu - h, sig)) / (2 * h),
        (chi_squared(x, y, mu, sig + h) - chi_squared(x, y, mu, sig - h)) / (2 * h),
    ])


def fit(x, y, start):
    """Return the least-squares Gaussian [mu, sig] for the histogram (x, y), by scipy."""
    result = least_squares(lambda p: gaussian(x, p[0], p[1]) - y, np.asarray(start, dtype=float),
                           method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    return result.x


# --- the typical mistakes -------------------------------------------------------------------

def _t(x, mu, sig):
    return (np.asarray(x, dtype=float) - mu) / sig


def _exponential(x, mu, sig):
    return np.exp(-0.5 * _t(x, mu, sig) ** 2)


def f_mistakes(x, mu, sig):
    """Return [(message, value)] for the usual slips in writing the Gaussian."""
    d, e = np.asarray(x, dtype=float) - mu, _exponential(x, mu, sig)
    return [
        ("the factor 1/sig in front is missing: the density is "
         "exp(-(x - mu)**2 / (2 * sig**2)) / (sqrt(2 pi) * sig).", e / ROOT_TWO_PI),
        ("the factor 1/sqrt(2 pi) in front is missing.", e / sig),
        ("it divides by 2 pi instead of sqrt(2 pi).", e / (2 * np.pi * sig)),
        ("the exponent divides by sig**2 instead of 2 * sig**2.",
         np.exp(-d ** 2 / sig ** 2) / (ROOT_TWO_PI * sig)),
        ("the exponent divides by 2 * sig instead of 2 * sig**2.",
         np.exp(-d ** 2 / (2 * sig)) / (ROOT_TWO_PI * sig)),
        ("the exponent multiplies by sig**2 instead of dividing: `/ 2*sig**2` means "
         "`/ 2 * sig**2`; write `/ (2 * sig**2)`.",
         np.exp(-d ** 2 / 2 * sig ** 2) / (ROOT_TWO_PI * sig)),
        ("the minus sign in the exponent is missing.",
         np.exp(d ** 2 / (2 * sig ** 2)) / (ROOT_TWO_PI * sig)),
        ("the prefactor is 1/sqrt(2 pi sig): the root is of 2 pi alone (or of 2 pi sig**2), "
         "1 / (sqrt(2 pi) * sig).", e / np.sqrt(2 * np.pi * sig)),
        ("the prefactor divides by sig**2, the variance: it is 1 / (sqrt(2 pi) * sig), the "
         "standard deviation.", e / (ROOT_TWO_PI * sig ** 2)),
        ("the exponent lacks the square of (x - mu): it is -(x - mu)**2 / (2 * sig**2).",
         np.exp(-d / (2 * sig ** 2)) / (ROOT_TWO_PI * sig)),
    ]


def dfdmu_mistakes(x, mu, sig):
    """Return [(message, value)] for the usual mistakes in df/dmu."""
    d, g = np.asarray(x, dtype=float) - mu, gaussian(x, mu, sig)
    return [
        ("it has the wrong sign: differentiating -(x - mu)**2 with respect to mu gives "
         "+2 * (x - mu) (the inner derivative of x - mu is -1), so df/dmu = f * (x - mu) / sig**2.",
         -g * d / sig ** 2),
        ("the factor f is missing: by the chain rule the derivative of exp(u) is "
         "exp(u) * du/dmu, and the prefactor 1/(sqrt(2 pi) sig) stays.", d / sig ** 2),
        ("the chain-rule factor 1/sig**2 is missing: du/dmu = (x - mu) / sig**2.", g * d),
        ("it divides by sig instead of sig**2: du/dmu = (x - mu) / sig**2.", g * d / sig),
        ("it is half the right value: the derivative of (x - mu)**2 brings down a 2 that "
         "cancels the 2 in 2 * sig**2.", g * d / (2 * sig ** 2)),
        ("it is twice the right value: the 2 brought down by the square cancels the 2 in "
         "2 * sig**2.", 2 * g * d / sig ** 2),
        ("it is df/dsig, not df/dmu.", g * (d ** 2 / sig ** 3 - 1 / sig)),
    ]


def dfdsig_mistakes(x, mu, sig):
    """Return [(message, value)] for the usual mistakes in df/dsig."""
    d, g = np.asarray(x, dtype=float) - mu, gaussian(x, mu, sig)
    right = d ** 2 / sig ** 3
    return [
        ("the term from the prefactor 1/sig is missing: f depends on sig twice, through 1/sig "
         "and through the exponent, so the product rule gives two terms.", g * right),
        ("the sig^-1 term has the wrong sign: d(1/sig)/dsig = -1/sig**2, which gives "
         "f * (-1/sig).", g * (right + 1 / sig)),
        ("the sig^-1 term is -f/sig**2: d(1/sig)/dsig = -1/sig**2, but f already holds one "
         "1/sig, so the term is f * (-1/sig).", g * (right - 1 / sig ** 2)),
        ("the sig^-1 term is -1/sig without the factor f (or -1/sig**2 on its own): after the "
         "product rule, both terms are multiples of f.", g * right - 1 / sig),
        ("it has the wrong sign: df/dsig = f * ((x - mu)**2 / sig**3 - 1/sig).",
         -g * (right - 1 / sig)),
        ("the factor f is missing: by the chain rule the derivative of exp(u) is "
         "exp(u) * du/dsig.", right - 1 / sig),
        ("the exponent's derivative is half the right value: d/dsig of "
         "-(x - mu)**2 / (2 sig**2) is (x - mu)**2 / sig**3; the 2 from sig^-2 cancels the 2 "
         "below.", g * (right / 2 - 1 / sig)),
        ("the exponent's derivative has sig**2 where it needs sig**3: d/dsig of "
         "-(x - mu)**2 / (2 sig**2) is (x - mu)**2 / sig**3.", g * (d ** 2 / sig ** 2 - 1 / sig)),
        ("the exponent's derivative has the wrong sign: d/dsig of -(x - mu)**2 / (2 sig**2) "
         "is +(x - mu)**2 / sig**3.", g * (-right - 1 / sig)),
        ("it is df/dmu, not df/dsig.", g * d / sig ** 2),
    ]


def steepest_step_mistakes(x, y, mu, sig, aggression):
    """Return [(message, value)] for the usual mistakes in steepest_step."""
    J = jacobian(x, y, mu, sig)
    return [
        ("it steps uphill, along +J: steepest descent moves against the Jacobian, "
         "step = -aggression * J.", aggression * J),
        ("its sigma component repeats the mu component: dchi2/dsig needs dfdsig where "
         "dchi2/dmu has dfdmu.", -aggression * jacobian(x, y, mu, sig, sig_from_mu=True)),
        ("the sigma component has the wrong sign: dchi2/dsig = -2 (y - f) . df/dsig, the "
         "same form as the mu component.", -aggression * jacobian(x, y, mu, sig, sig_sign=-1.0)),
        ("the sigma component is half the right value: the derivative of (y - f)**2 brings "
         "down a factor 2.", -aggression * jacobian(x, y, mu, sig, sig_factor=1.0)),
        ("the sigma component is twice the right value.",
         -aggression * jacobian(x, y, mu, sig, sig_factor=4.0)),
        ("it returns -J without the aggression: step = -aggression * J.", -J),
        ("it divides by the aggression instead of multiplying: step = -aggression * J.",
         -J / aggression),
        ("the sigma component is the mean over the bins, not the sum: chi squared adds up the "
         "bins, so its derivative does too.",
         -aggression * jacobian(x, y, mu, sig, sig_factor=2.0 / np.size(x))),
        ("it returns the Jacobian J itself, not the step -aggression * J.", J),
        (f"it ignores its argument aggression and steps with {AGGRESSION:g}, the notebook's "
         "aggression: use the argument.", -AGGRESSION * J),
        ("it uses the notebook's histogram (heights_data(), or the global x and y), not its "
         "arguments x and y.", step(*heights_data(), mu, sig, aggression)),
    ]


MISTAKES = {"f": f_mistakes, "dfdmu": dfdmu_mistakes, "dfdsig": dfdsig_mistakes}


def known(mistakes, expected):
    """Keep the mistakes whose value has the expected shape and differs from it (and is below
    1e150, past which the norms that compare values overflow)."""
    return [(message, value) for message, value in mistakes
            if np.shape(value) == np.shape(expected)
            and np.all(np.abs(value) < 1e150)
            and checking.relative_error(value, expected) > 1e-6]


# --- the cases ------------------------------------------------------------------------------

def heights_grid():
    """The bin centres of the notebook's histogram: 131, 133, ..., 209 cm."""
    return np.arange(131.0, 210.0, 2.0)


def derivative_cases():
    """Return [(x, mu, sig)]: heights and other scales, vectors of several lengths (one entry
    among them), an array of two dimensions, single numbers, and the whole legal range: far
    from 0, a width of thousandths and one of hundreds, negative heights and means, and the
    far tails (|x - mu| / sig from 18 to 30, where f is below 1e-70 but still a normal float).
    """
    rng = np.random.default_rng(101)
    cases = [(heights_grid(), 168.2, 10.9), (heights_grid(), 155.0, 6.0),
             (np.linspace(-0.004, 0.006, 11), 0.0013, 0.0021),  # thousandths
             (np.linspace(-700.0, 900.0, 17), 95.0, 260.0),  # hundreds, negative heights
             (np.linspace(-3.0, 3.0, 13), 0.2, 1.3), (np.linspace(0.0, 2.0, 9), 1.1, 0.4)]
    for n in (1, 7, 25):
        mu, sig = rng.uniform(150, 185), rng.uniform(3, 15)
        cases.append((rng.uniform(mu - 3.5 * sig, mu + 3.5 * sig, n), mu, sig))
    cases.append((np.array([10004.3, 10001.1, 9999.8]), 10001.7, 0.7))  # far from 0
    cases += [(172.0, 166.0, 8.0), (150.5, 160.0, 3.5)]  # single numbers, |t| far from 1
    cases += [
        (heights_grid()[4:16].reshape(3, 4), 161.3, 7.2),  # two dimensions, entry by entry
        (np.array([-48.0, -40.5, -33.0]), -41.0, 2.5),  # a negative mean
        (170.0 + 8.0 * np.array([-30.0, -22.5, 18.0, 26.0]), 170.0, 8.0),  # the far tails
    ]
    return cases


def random_histogram(rng, n):
    """Return (x, y): n equally spaced bins and a noisy bell-shaped density on them."""
    centre, spread = rng.uniform(155, 180), rng.uniform(5, 12)
    x = np.linspace(centre - 3 * spread, centre + 3 * spread, n)
    y = gaussian(x, centre + rng.normal(0, 2), spread * rng.uniform(0.8, 1.2))
    return x, np.clip(y + rng.normal(0, 0.003, n), 0, None)


def step_cases():
    """Return [(x, y, mu, sig, aggression)] for steepest_step: few, as each costs round trips.

    The notebook's histogram, then others of 5, 17, 1 and 64 bins (fewer and more than its 40),
    with aggressions other than the notebook's 3000."""
    x, y = heights_data()
    rng = np.random.default_rng(202)
    cases = [(x, y, 155.0, 6.0, 3000.0), (x, y, 165.0, 14.0, 1.0)]
    for n, aggression in ((5, 0.5), (17, 2500.0), (1, 40.0), (64, 800.0)):
        hx, hy = random_histogram(rng, n)
        cases.append((hx, hy, rng.uniform(150, 185), rng.uniform(4, 15), aggression))
    return cases


@functools.lru_cache(maxsize=1)
def _data():
    path = SOURCE / "01-heights" / "readonly" / "heights_module.py"
    spec = importlib.util.spec_from_file_location("_heights_module_of_the_key", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, y = module.heights_data()
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def heights_data():
    """Return copies of the notebook's data (x, y), made by the helper module in source/."""
    x, y = _data()
    return x.copy(), y.copy()


# --- what the tests name (course/coverage.py, readonly/mistakes.json) -----------------------

def hidden_mistakes(function):
    """The messages of the mistakes the hidden tests of `function` can name."""
    if function == "steepest_step":
        found = [m for m, _ in steepest_step_mistakes(*step_cases()[0])]
        found += [UPHILL, OTHER_SIZE]
    else:
        found = [m for m, _ in MISTAKES[function](*derivative_cases()[0])]
        found += [NEAR_MISS[function], OTHER_SHAPE, OTHER_SCALE]
    return found + [CHANGED]


# Where the notebook's visible test cells try each function (tests/test_key_heights.py holds
# the cells to these): f at its peak and on a grid, whose symmetry and area they check; the
# derivatives on a vector of heights and at one number; steepest_step on the notebook's data.
VISIBLE_PEAK = (170.0, 170.0, 8.0)
VISIBLE_GRID = (np.linspace(100.0, 240.0, 1401), 170.0, 8.0)
VISIBLE_DERIVATIVE = {"array": (np.linspace(140.0, 200.0, 31), 168.0, 9.0),
                      "number": (172.0, 168.0, 9.0)}
VISIBLE_STEP = (160.0, 8.0, 3000.0)


def visible_mistakes():
    """{label: [(message, value)]}: what each typical mistake gives where the visible tests
    look, for readonly/mistakes.json (values only; written at release)."""
    found = {"f:peak": known(f_mistakes(*VISIBLE_PEAK), gaussian(*VISIBLE_PEAK))}
    grid = VISIBLE_GRID[0]
    on_grid = known(f_mistakes(*VISIBLE_GRID), gaussian(*VISIBLE_GRID))
    found["f:symmetry"] = [(m, v) for m, v in on_grid
                           if checking.relative_error(v, v[::-1]) > 1e-6]
    width = grid[1] - grid[0]
    found["f:area"] = known([(m, np.sum(v) * width) for m, v in on_grid],
                            np.sum(gaussian(*VISIBLE_GRID)) * width)
    heights, mu, _ = VISIBLE_DERIVATIVE["array"]
    for name in ("dfdmu", "dfdsig"):
        for part, case in VISIBLE_DERIVATIVE.items():
            found[f"{name}:{part}"] = known(MISTAKES[name](*case), REFERENCE[name](*case))
        # What the usual way of changing the argument, x -= mu, leaves in the test's array.
        found[f"{name}:x"] = [(CHANGED, heights - mu)]
    x, y = heights_data()
    found["steepest_step"] = known(steepest_step_mistakes(x, y, *VISIBLE_STEP),
                                   step(x, y, *VISIBLE_STEP))
    # And y -= f(x, mu, sig), which leaves the residual in the test's y.
    found["steepest_step:y"] = [(CHANGED, y - gaussian(x, *VISIBLE_STEP[:2]))]
    return found


# --- the checks -----------------------------------------------------------------------------

def callees(ns, exact):
    """Return {"f", "dfdmu", "dfdsig"} to plant: the kernel's stand-ins where they are right.

    The stand-ins are the helper module's, found in the kernel as `heights_data.stand_ins()`
    (the locked setup cell imports heights_data); each is used if it agrees with this module's
    reference at a test point to 1e-12 (f, which must be exact) or 1e-5 (the derivatives, only
    when `exact` is False), else the reference is used.
    """
    chosen = dict(REFERENCE)
    try:
        found = ns["heights_data"].stand_ins()
    except Exception:  # the setup cell did not run, or the helper was tampered with
        return chosen
    x = np.linspace(150.0, 190.0, 9)
    for name, reference in REFERENCE.items():
        if exact and name != "f":
            continue  # the stand-in derivatives are finite differences, never exact
        tol = 1e-12 if name == "f" else 1e-5
        try:
            value = found[name](x, 168.0, 9.0)
            if checking.relative_error(value, reference(x, 168.0, 9.0)) <= tol:
                chosen[name] = found[name]
        except Exception:
            pass
    return chosen


def describe(x):
    """A short description of an x argument for messages."""
    x = np.asarray(x)
    if x.ndim > 1:
        return f"an array of heights of shape {x.shape}"
    return f"a vector of {x.size} heights" if x.ndim else f"x = {float(x):g}"


CHANGED = ("it changes an argument in place, so the caller's array is no longer what it passed: "
           "compute into new arrays (`d = x - mu`, not `x -= mu`) and leave the arguments as "
           "they were given.")


# Added to the message of a call that crashed on an input unlike the visible example's.
OTHER_SHAPE = ("Its x may be an array of any shape: work entry by entry, with numpy operations "
               "on the whole array, not with a loop that fills a vector.")
# Added to the advice for a wrong derivative where sig is far from the few cm of heights.
OTHER_SCALE = ("does the code hold a constant that is negligible only next to heights, such "
               "as a small epsilon added against division by zero?")
OTHER_SIZE = "does the code assume 40 somewhere? Work with whole arrays, or with len(x)."


def watched_call(ns, what, names, function, *args, advice=""):
    """Return (function(*args), the names of the arguments it changed), the call made as
    checking.call makes it, through keys.call_watching (`names` are the parameters' names).
    `advice` is added to the message of a call that crashed."""
    try:
        got, changed = keys.call_watching(what, ns, function, *args)
    except checking.CheckFailure as failure:
        if advice and " raised " in str(failure):
            raise checking.CheckFailure(f"{str(failure).rstrip('.')}. {advice}") from None
        raise
    return got, [names[i] for i in changed]


def check_unchanged(what, changed):
    """Fail with CHANGED if `changed` (names of arguments) is not empty."""
    if changed:
        raise checking.CheckFailure(f"{what} changed its argument {' and '.join(changed)}: {CHANGED}")


def check_function(ns, name, function, x, mu, sig):
    """Check f, dfdmu or dfdsig at one (x, mu, sig): its value, then that x is unchanged.
    Where sig is far from the scale of heights, a wrong value that no known mistake explains
    gets OTHER_SCALE added to its message."""
    what = f"{name}(x, mu={mu:g}, sig={sig:g}) for {describe(x)}"
    expected = REFERENCE[name](x, mu, sig)
    mistakes = known(MISTAKES[name](x, mu, sig), expected)
    got, changed = watched_call(ns, what, ("x", "mu", "sig"), function,
                                x if np.isscalar(x) else np.copy(x), mu, sig,
                                advice=OTHER_SHAPE if np.ndim(x) > 1 else "")
    try:
        check_value(name, what, got, x, mu, sig, mistakes)
    except checking.CheckFailure as failure:
        if 1 <= sig <= 100 or any(m in str(failure) for m, _ in mistakes):
            raise
        raise checking.CheckFailure(f"{failure} Here sig = {sig:g}, far from the few cm of "
                                    f"heights: {OTHER_SCALE}") from None
    check_unchanged(what, changed)


def check_value(name, what, got, x, mu, sig, mistakes):
    """Check the value `got` of f, dfdmu or dfdsig at (x, mu, sig) against the reference (and
    for a derivative against central differences of the key's Gaussian)."""
    expected = REFERENCE[name](x, mu, sig)
    shape = f"{name} works entry by entry: its result has the shape of x."
    keys.near_miss(what, got, expected, REFERENCE_RTOL, near=1e-5, advice=NEAR_MISS[name])
    if name != "f":
        wrt = "mu" if name == "dfdmu" else "sig"
        numeric = numeric_partial(gaussian, x, mu, sig, wrt)
        # check_close, not check_gradient: the latter speaks of "the cost", and f is no cost.
        checking.check_close(what, got, numeric, rtol=GRADIENT_TOL, mistakes=mistakes, hint=shape,
                             advice=f"It should agree with central differences of f in {wrt}.")
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=mistakes, hint=shape)


NEAR_MISS = {
    "f": "are its constants rounded? Use np.pi and np.sqrt; an exact formula agrees to "
         "about 1e-14.",
    "dfdmu": keys.FINITE_DIFFERENCE,
}
NEAR_MISS["dfdsig"] = NEAR_MISS["dfdmu"]


UPHILL = ("a small move along it raises chi squared. Steepest descent moves against the "
          "Jacobian: step = -aggression * J.")


def check_step(ns, function, x, y, mu, sig, aggression):
    """Check steepest_step at one case, with the key's exact callees planted: value, direction,
    agreement with chi squared, then that x and y are unchanged."""
    what = f"steepest_step(x, y, mu={mu:g}, sig={sig:g}, aggression={aggression:g}) " \
           f"with {x.size} bin{'s' if x.size > 1 else ''}"
    expected = step(x, y, mu, sig, aggression)
    mistakes = known(steepest_step_mistakes(x, y, mu, sig, aggression), expected)
    other = x.size != heights_grid().size
    got, changed = watched_call(ns, what, ("x", "y", "mu", "sig", "aggression"), function,
                                x.copy(), y.copy(), mu, sig, aggression,
                                advice=f"The notebook's histogram has 40 bins and this one "
                                       f"{x.size}: {OTHER_SIZE}" if other else "")
    got = checking.check_shape(what, got, (2,), hint="return one array [step in mu, step in sig].")
    checking.check_finite(what, got)
    wrong = checking.relative_error(got, expected) > REFERENCE_RTOL
    if wrong and checking.diagnose(got, expected, mistakes) is None and uphill(x, y, mu, sig, got):
        raise checking.CheckFailure(f"{what} goes uphill: {UPHILL}")
    checking.check_gradient(what, got, -aggression * numeric_jacobian(x, y, mu, sig),
                            tol=STEP_GRADIENT_TOL, mistakes=mistakes)
    checking.check_close(what, got, expected, rtol=REFERENCE_RTOL, mistakes=mistakes)
    check_unchanged(what, changed)


def uphill(x, y, mu, sig, got):
    """True if a small move along `got` raises chi squared (or leaves it unchanged)."""
    size = np.linalg.norm(got)
    if size == 0:
        return True
    move = got / size * 1e-4 * sig
    return chi_squared(x, y, mu + move[0], sig + move[1]) >= chi_squared(x, y, mu, sig)


def _first_named(failures, messages):
    named = [f for f in failures if any(m in str(f) for m in messages)]
    return (named or failures)[0]


def check(name, ns):
    """Check the notebook's function `name` on all its cases; raise checking.CheckFailure.

    ns is the notebook's globals(). For dfdmu, dfdsig and steepest_step right versions of
    the other functions (the key's own for steepest_step, see `callees` for the others) are
    planted in ns during the check and the notebook's own restored afterwards. When several
    cases fail, the failure raised is the first that names a known mistake, else the first.
    Every call goes through keys.call_watching, so that a function which changes its array
    arguments is caught.
    """
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; expected one of {FUNCTIONS}")
    function = ns.get(name)
    if not callable(function):
        raise checking.CheckFailure(f"{name} is not defined: run the cell that defines it.")
    failures, messages = [], [CHANGED]
    if name == "steepest_step":
        with checking.planted(ns, **REFERENCE):
            for case in step_cases():
                messages += [m for m, _ in steepest_step_mistakes(*case)]
                try:
                    check_step(ns, function, *case)
                except checking.CheckFailure as failure:
                    failures.append(failure)
    else:
        plants = {} if name == "f" else {n: c for n, c in callees(ns, exact=True).items()
                                         if n != name}
        with checking.planted(ns, **plants):
            for x, mu, sig in derivative_cases():
                messages += [m for m, _ in MISTAKES[name](x, mu, sig)]
                try:
                    check_function(ns, name, function, x, mu, sig)
                except checking.CheckFailure as failure:
                    failures.append(failure)
    if failures:
        raise _first_named(failures, messages)


def descend(function, x, y, start):
    """Return the path, shape (STEPS + 1, 2), of the notebook's descent with `function`.

    Each step gets copies of x and y, as it does in the grader, where arguments reach the
    kernel as copies: a function that changes them is caught by `check`, not here."""
    mu, sig = start
    path = [(mu, sig)]
    for _ in range(STEPS):
        d_mu, d_sig = np.asarray(function(x.copy(), y.copy(), mu, sig, AGGRESSION), dtype=float)
        mu, sig = mu + d_mu, sig + d_sig
        path.append((mu, sig))
    return np.array(path)


def check_descent(ns):
    """Check that STEPS steps of the student's steepest_step from START, with right f, dfdmu
    and dfdsig planted, end at the least-squares fit."""
    function = ns.get("steepest_step")
    if not callable(function):
        raise checking.CheckFailure("steepest_step is not defined: run the cell that defines it.")
    x, y = heights_data()
    best = fit(x, y, START)
    what = f"the end of {STEPS} steps of aggression {AGGRESSION:g} from (mu, sig) = {START}"
    with checking.planted(ns, **callees(ns, exact=False)):
        path = checking.call(what, descend, function, x, y, START)
    end = checking.check_finite(what, path[-1])
    checking.check_close(
        what, end, best, rtol=DESCENT_RTOL,
        advice=f"It ends at ({end[0]:.3f}, {end[1]:.3f}) cm, but the least-squares fit "
             f"is ({best[0]:.3f}, {best[1]:.3f}) cm: check the test of steepest_step.")
