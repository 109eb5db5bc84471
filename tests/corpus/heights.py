"""Student answers for 01-heights, right and wrong, in the format of grade-cases.py.

Each case replaces the cells that define the functions in `cells` with the complete source
given here. A case with expect="loses" holds one typical mistake and must lose the points of
its target's test cells (test_<target> and test_<target>_<what>) and of no other; a case with
expect="full" is a correct answer written in another style and must keep full marks.

dfdmu and dfdsig may call f (and dfdsig may call dfdmu); steepest_step calls f, dfdmu and
dfdsig. Every test of a caller, public and hidden, runs it with stand-ins or reference versions
of its callees planted in the notebook, so a mistake in a callee costs only the callee's
points: DEPENDS is empty.

Besides the slips in the formulas, the wrong answers include arguments changed in place
(which the visible tests name too, comparing the arrays they passed with copies) and the
kinds that are right on the visible examples and wrong elsewhere, which only the hidden
tests can catch (tests/test_key_heights.py lists them): code that works for vectors but not
for an array of two dimensions, or for 40 bins only, a fixed aggression, the notebook's own
data read instead of the arguments, and a constant negligible only at the scale of heights.
"""

FUNCTIONS = ["f", "dfdmu", "dfdsig", "steepest_step"]
DEPENDS = {}


def define(name, *body, args="x, mu, sig"):
    """Return the source of a cell defining `name`, from its body lines (without indent)."""
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body)


def step_cell(j_sig, *, step="step = -aggression * J"):
    """Return a steepest_step cell with the given J_sig line (and step line)."""
    return define("steepest_step",
                  "J_mu = -2 * (y - f(x, mu, sig)) @ dfdmu(x, mu, sig)",
                  j_sig,
                  "J = np.array([J_mu, J_sig])",
                  step,
                  "return step",
                  args="x, y, mu, sig, aggression")


RIGHT_SIG = "J_sig = -2 * (y - f(x, mu, sig)) @ dfdsig(x, mu, sig)"


def wrong(name, target, source):
    """Return a case whose `target` holds a mistake and must lose that function's points."""
    return dict(name=name, expect="loses", target=target, cells={target: source})


def right(name, cells):
    """Return a case of correct answers in other styles, which must keep full marks."""
    return dict(name=name, expect="full", cells=cells)


CASES = [
    # f, the worked example: a student may still break it.
    wrong("f_no_one_over_sig", "f", define(
        "f", "return np.exp(-(x - mu)**2 / (2 * sig**2)) / np.sqrt(2 * np.pi)")),
    wrong("f_precedence_in_exponent", "f", define(
        "f", "return np.exp(-(x - mu)**2 / 2*sig**2) / (np.sqrt(2 * np.pi) * sig)")),
    wrong("f_two_pi_without_root", "f", define(
        "f", "return np.exp(-(x - mu)**2 / (2 * sig**2)) / (2 * np.pi * sig)")),
    wrong("f_exponent_without_two", "f", define(
        "f", "return np.exp(-(x - mu)**2 / sig**2) / (np.sqrt(2 * np.pi) * sig)")),
    wrong("f_root_of_two_pi_sig", "f", define(
        "f", "return np.exp(-(x - mu)**2 / (2 * sig**2)) / np.sqrt(2 * np.pi * sig)")),

    # dfdmu
    wrong("dfdmu_wrong_sign", "dfdmu", define(
        "dfdmu", "return f(x, mu, sig) * (mu - x) / sig**2")),
    wrong("dfdmu_missing_f", "dfdmu", define(
        "dfdmu", "return (x - mu) / sig**2")),
    wrong("dfdmu_missing_sig_squared", "dfdmu", define(
        "dfdmu", "return f(x, mu, sig) * (x - mu)")),
    wrong("dfdmu_half", "dfdmu", define(
        "dfdmu", "return f(x, mu, sig) * (x - mu) / (2 * sig**2)")),
    # Right at the scale of heights, where 1e-8 is nothing next to sig**2, but not for a sig
    # of thousandths.
    wrong("dfdmu_epsilon_against_division_by_zero", "dfdmu", define(
        "dfdmu", "return f(x, mu, sig) * (x - mu) / (sig**2 + 1e-8)")),
    # Right values, but `d = x` is no copy: `d -= mu` changes the caller's array.
    wrong("dfdmu_centres_x_in_place", "dfdmu", define(
        "dfdmu", "value = f(x, mu, sig)", "d = x", "d -= mu", "return value * d / sig**2")),

    # dfdsig
    wrong("dfdsig_drops_prefactor_term", "dfdsig", define(
        "dfdsig", "return f(x, mu, sig) * (x - mu)**2 / sig**3")),
    wrong("dfdsig_prefactor_term_sign", "dfdsig", define(
        "dfdsig", "return f(x, mu, sig) * ((x - mu)**2 / sig**3 + 1 / sig)")),
    wrong("dfdsig_prefactor_over_sig_squared", "dfdsig", define(
        "dfdsig", "return f(x, mu, sig) * ((x - mu)**2 / sig**3 - 1 / sig**2)")),
    wrong("dfdsig_exponent_half", "dfdsig", define(
        "dfdsig", "return f(x, mu, sig) * ((x - mu)**2 / (2 * sig**3) - 1 / sig)")),
    wrong("dfdsig_returns_dfdmu", "dfdsig", define(
        "dfdsig", "return dfdmu(x, mu, sig)")),
    # Right for a number and for a vector, the visible test's inputs, but not entry by entry
    # for an array of two dimensions.
    wrong("dfdsig_only_vectors", "dfdsig", define(
        "dfdsig",
        "out = np.zeros(np.size(x))",
        "for i, xi in enumerate(np.atleast_1d(x)):",
        "    out[i] = f(xi, mu, sig) * ((xi - mu)**2 / sig**3 - 1 / sig)",
        "return out if np.ndim(x) else out[0]")),

    # steepest_step
    wrong("step_plus_j", "steepest_step", step_cell(RIGHT_SIG, step="step = aggression * J")),
    wrong("step_sig_reuses_mu", "steepest_step", step_cell(
        "J_sig = -2 * (y - f(x, mu, sig)) @ dfdmu(x, mu, sig)")),
    wrong("step_sig_wrong_sign", "steepest_step", step_cell(
        "J_sig = 2 * (y - f(x, mu, sig)) @ dfdsig(x, mu, sig)")),
    wrong("step_sig_missing_two", "steepest_step", step_cell(
        "J_sig = -(y - f(x, mu, sig)) @ dfdsig(x, mu, sig)")),
    wrong("step_sig_not_summed", "steepest_step", step_cell(
        "J_sig = -2 * (y - f(x, mu, sig)) * dfdsig(x, mu, sig)")),
    wrong("step_sig_mean_over_bins", "steepest_step", step_cell(
        "J_sig = -2 * np.mean((y - f(x, mu, sig)) * dfdsig(x, mu, sig))")),
    # Right on the visible example, which the hidden tests do not stop at: another aggression,
    # other histograms, other numbers of bins, and arguments that must stay as they were.
    wrong("step_fixed_aggression", "steepest_step", step_cell(RIGHT_SIG, step="step = -3000 * J")),
    wrong("step_reads_the_notebooks_data", "steepest_step", define(
        "steepest_step",
        "x, y = heights_data()",
        "J_mu = -2 * (y - f(x, mu, sig)) @ dfdmu(x, mu, sig)",
        RIGHT_SIG,
        "return -aggression * np.array([J_mu, J_sig])",
        args="x, y, mu, sig, aggression")),
    wrong("step_only_forty_bins", "steepest_step", step_cell(
        "J_sig = sum(-2 * (y[i] - f(x[i], mu, sig)) * dfdsig(x[i], mu, sig) for i in range(40))")),
    wrong("step_overwrites_y", "steepest_step", define(
        "steepest_step",
        "y -= f(x, mu, sig)  # y now holds the residual, and so does the caller's array",
        "J = np.array([-2 * y @ dfdmu(x, mu, sig), -2 * y @ dfdsig(x, mu, sig)])",
        "return -aggression * J",
        args="x, y, mu, sig, aggression")),

    # Correct answers in other styles keep full marks.
    right("scipy_norm_and_standardised", {
        "f": "from scipy.stats import norm\n\n\n" + define(
            "f", "return norm.pdf(x, loc=mu, scale=sig)"),
        "dfdmu": define("dfdmu", "t = (x - mu) / sig", "return f(x, mu, sig) * t / sig"),
        "dfdsig": define("dfdsig", "t = (x - mu) / sig",
                         "return f(x, mu, sig) * (t**2 - 1) / sig"),
    }),
    right("expanded_without_f", {
        "f": define("f", "return 1 / (sig * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - mu) / sig)**2)"),
        "dfdmu": define("dfdmu",
                        "gauss = np.exp(-(x - mu)**2 / (2 * sig**2))",
                        "return gauss * (x - mu) / (np.sqrt(2 * np.pi) * sig**3)"),
        "dfdsig": define("dfdsig",
                         "gauss = np.exp(-(x - mu)**2 / (2 * sig**2))",
                         "return gauss * ((x - mu)**2 - sig**2) / (np.sqrt(2 * np.pi) * sig**4)"),
    }),
    right("dfdsig_through_dfdmu", {
        "dfdsig": define("dfdsig",
                         "return dfdmu(x, mu, sig) * (x - mu) / sig - f(x, mu, sig) / sig"),
    }),
    right("product_rule_spelled_out", {
        "dfdmu": define("dfdmu",
                        "du_dmu = -2 * (x - mu) * (-1) / (2 * sig**2)",
                        "return f(x, mu, sig) * du_dmu"),
        "dfdsig": define("dfdsig",
                         "A = 1 / (np.sqrt(2 * np.pi) * sig)",
                         "dA_dsig = -1 / (np.sqrt(2 * np.pi) * sig**2)",
                         "u = -(x - mu)**2 / (2 * sig**2)",
                         "du_dsig = (x - mu)**2 / sig**3",
                         "return dA_dsig * np.exp(u) + A * np.exp(u) * du_dsig"),
    }),
    right("step_with_sums_and_a_list", {
        "steepest_step": define(
            "steepest_step",
            "residual = y - f(x, mu, sig)",
            "J_mu = np.sum(-2 * residual * dfdmu(x, mu, sig))",
            "J_sig = np.sum(-2 * residual * dfdsig(x, mu, sig))",
            "return [-aggression * J_mu, -aggression * J_sig]",
            args="x, y, mu, sig, aggression"),
    }),
    right("step_loop_over_bins", {
        "steepest_step": define(
            "steepest_step",
            "J = np.zeros(2)",
            "for xi, yi in zip(x, y):",
            "    r = yi - f(xi, mu, sig)",
            "    J[0] += -2 * r * dfdmu(xi, mu, sig)",
            "    J[1] += -2 * r * dfdsig(xi, mu, sig)",
            "return -aggression * J",
            args="x, y, mu, sig, aggression"),
    }),
    right("terms_reordered_and_j_built_in_one_array", {
        "dfdmu": define("dfdmu", "return f(x, mu, sig) / sig**2 * (x - mu)"),
        "dfdsig": define("dfdsig", "return f(x, mu, sig) * (-1 / sig + (x - mu)**2 / sig**3)"),
        "steepest_step": define(
            "steepest_step",
            "J = np.array([-2 * (y - f(x, mu, sig)) @ dfdmu(x, mu, sig),",
            "              -2 * (y - f(x, mu, sig)) @ dfdsig(x, mu, sig)])",
            "step = -J * aggression",
            "return step",
            args="x, y, mu, sig, aggression"),
    }),
    right("step_dot_of_model_minus_data", {
        "steepest_step": step_cell("J_sig = 2 * np.dot(f(x, mu, sig) - y, dfdsig(x, mu, sig))",
                                   step="step = -1 * aggression * J"),
    }),
]
