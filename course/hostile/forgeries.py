"""Grader side (tests and benches): submissions that try to forge a score or spoil the grader,
class by class (issue #14), each with the outcome the grader must give it.

`forgeries(assignment, nb_name)` returns the attacks written for that assignment: most are on
03-backprop (on its answers J_b3, J_b2 and J_W1), planted references on 04-planar,
whose nn_model test lends the kernel reference functions. Each class has several variants, so
that a defence that stops one shape of an attack and not its neighbour shows.
"""
from .. import cohort, notebooks
from .base import Student, answers, cell, edit, wrong_source

# --- 1. credit claimed through the kernel's own output -----------------------------------------
# nbgrader reads an execute_result before a test cell's first error as its score.
ON_TEST_OF = """
def _is_test_of_J_b3(info):
    return "J_b3(x, y)" in (info.raw_cell or "") and "check_gradient" in info.raw_cell
"""
RAW_RESULT = """
def _raw_result(text):
    _k = get_ipython().kernel
    _k.session.send(_k.iopub_socket, "execute_result",
                    {"data": {"text/plain": text}, "metadata": {}, "execution_count": 1},
                    parent=_k.get_parent("shell"), ident=_k._topic("execute_result"))
"""
CLAIM_IN_FUNCTION = """
_wrong_J_b3 = J_b3
def J_b3(x, y):
    get_ipython().displayhook(2)  # an Out[] value the grader would read as 2 points
    return _wrong_J_b3(x, y)
"""
CLAIM_THEN_DIE = ON_TEST_OF + RAW_RESULT + """
def _claim_then_die(info):
    if _is_test_of_J_b3(info):
        _raw_result("2")
        import os
        os._exit(1)
get_ipython().events.register("pre_run_cell", _claim_then_die)
"""
CLAIM_TOO_MUCH = ON_TEST_OF + """
def _claim_too_much(info):
    if _is_test_of_J_b3(info):
        get_ipython().displayhook(100)
get_ipython().events.register("pre_run_cell", _claim_too_much)
"""
CLAIM_THEN_LOOP = ON_TEST_OF + RAW_RESULT + """
_in_the_test = [False]
get_ipython().events.register("pre_run_cell", lambda info: _in_the_test.__setitem__(0, _is_test_of_J_b3(info)))
_wrong_J_b3 = J_b3
def J_b3(x, y):
    import signal
    if _in_the_test[0]:  # called by its test: claim the points, then run out the clock
        _raw_result("2")
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            pass
    return _wrong_J_b3(x, y)
"""

# --- 3. the factory's failure path: links, killed factories, unreadable folders --------------
KILL_THE_FACTORY = """
import os as _os
for _pid in [int(p) for p in _os.listdir("/proc") if p.isdigit()]:
    if _pid not in (1, _os.getpid()):
        try:
            _os.kill(_pid, 9)
        except OSError:
            pass
"""
PLANT_LINKS = """
import os as _os, sys as _sys
_top = _os.path.dirname(_os.path.dirname(_os.path.realpath(_sys.prefix)))
for _name, _target in [("leak-source.ipynb", _top + "/source/03-backprop/backprop.ipynb"),
                       ("leak-key.py", _top + "/course/keys/backprop.py"),
                       ("gradebook-link.db", "../../../gradebook.db"),
                       ("backprop.ipynb.link", "../../../source/03-backprop/backprop.ipynb")]:
    try:
        _os.symlink(_target, _name)
    except OSError:
        pass
_os.makedirs("readonly/__pycache__", exist_ok=True)
for _cached in _os.listdir("readonly/__pycache__"):
    _os.replace("readonly/__pycache__/" + _cached, "readonly/__pycache__/" + _cached + ".old")
    _os.symlink("../../../../gradebook.db", "readonly/__pycache__/" + _cached)
"""
UNREADABLE = """
import os as _os
_os.makedirs("/tmp/stuck/deeper", exist_ok=True)
_os.makedirs("stuck/deeper", exist_ok=True)
open("stuck/deeper/file", "w").write("x")
for _path in ("/tmp/stuck/deeper", "/tmp/stuck", "stuck/deeper", "stuck"):
    _os.chmod(_path, 0)
"""

# --- 6. work the grader would do without limits ------------------------------------------------
FROM_THE_GRADER = """
def _asked_by_the_grader():
    import inspect
    return any("grader wire" in frame.filename for frame in inspect.stack())
"""
HUGE_ANSWER = FROM_THE_GRADER + """
_right_J_b3 = J_b3
def J_b3(x, y):
    if _asked_by_the_grader():
        return np.zeros(9_000_000)  # 72 MB as an answer, 96 MB as it travels
    return _right_J_b3(x, y)
"""
FORGED_ANSWER = FROM_THE_GRADER + """
_right_J_b3 = J_b3
def J_b3(x, y):
    if _asked_by_the_grader():
        for _comm in list(get_ipython().kernel.comm_manager.comms.values()):
            _comm.send({{"answer": {answer}}})
    return _right_J_b3(x, y)
"""
MANY_VALUES = '\'{"value": [\' + "0," * 5_000_000 + \'0]}\''
DEEP_VALUE = '\'{"value": \' + "[" * 100_000 + "]" * 100_000 + "}"'
BAD_ARRAY = '\'{"value": {"array": "", "dtype": "|O", "shape": [100000, 100000]}}\''

# --- 7. memory the address-space limit does not count ------------------------------------------
# Each holds 1 GiB where a limit should stop it, and answers right only if a limit did.
HOLD_FILES = """
import os as _os
_held = 0
try:
    for _i in range(16):
        with open("{folder}/hold-%d" % _i, "wb") as _f:
            _f.write(b"x" * (64 << 20))
        _held += 64
except OSError:
    pass
if _held >= 1024:
    J_b2 = lambda x, y: 0  # the limit did not bind: a wrong answer shows it
"""
HOLD_IN_CHILDREN = """
import os as _os, time as _time
_children = []
for _i in range(3):
    _pid = _os.fork()
    if _pid == 0:
        try:
            _block = bytearray(1280 << 20)
            for _j in range(0, len(_block), 4096):
                _block[_j] = 1
            _time.sleep(0.2)
        finally:
            _os._exit(0)
    _children.append(_pid)
_codes = [_os.waitpid(_pid, 0)[1] for _pid in _children]
if all(_code == 0 for _code in _codes):
    J_b2 = lambda x, y: 0  # 3.75 GiB were held: no limit bound
"""

# --- 8. feedback pages that render a student's HTML --------------------------------------------
# "PWNED" marks script and handlers, "position:fixed" the styles: neither may reach a page.
BANNER = ('<div style="position:fixed;top:0;left:0;width:100%;background:#2a2;color:white;'
          'font-size:40px">Score: 17 / 17</div>')
HTML_OUTPUT = f"""
from IPython.display import HTML as _HTML, display as _display
_display(_HTML({BANNER + '<script>document.title = "PWNED"</script>'!r}))
"""
RICH_OUTPUTS = """
from IPython.display import display as _display
_display({"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="PWNED()"><script>PWNED()</script></svg>',
          "application/javascript": "PWNED()", "text/plain": "a picture"}, raw=True)
_display({"image/png": '" onerror="PWNED()', "text/plain": "an image"}, raw=True)
_display({"text/html": "<b>wide</b>", "text/plain": "wide"},
         metadata={"text/html": {"width": '1" onload="PWNED()'}}, raw=True)
"""
MARKDOWN = ("# My notes\n\n<script>document.title = 'PWNED'</script>\n\n"
            "<img src=x onerror=\"PWNED()\">\n\n" + BANNER + "\n")

# --- 9. a number where a derivation is asked ----------------------------------------------------
CENTRAL_DIFFERENCES = """
def J_b3(x, y):
    \"\"\"dC/db3 by central differences of the notebook's cost.\"\"\"
    step, g = 1e-6, np.zeros_like(b3)
    for i in range(b3.shape[0]):
        b3[i, 0] += step
        up = cost(x, y)
        b3[i, 0] -= 2 * step
        down = cost(x, y)
        b3[i, 0] += step
        g[i, 0] = (up - down) / (2 * step)
    return g
"""
FORWARD_DIFFERENCES = """
def J_b3(x, y):
    \"\"\"dC/db3 by forward differences of the notebook's cost.\"\"\"
    step, g, base = 1e-7, np.zeros_like(b3), cost(x, y)
    for i in range(b3.shape[0]):
        b3[i, 0] += step
        g[i, 0] = (cost(x, y) - base) / step
        b3[i, 0] -= step
    return g
"""
OWN_COST_DIFFERENCES = """
def J_b3(x, y):
    \"\"\"dC/db3 by central differences of a squared error of my own, through network_function.\"\"\"
    global b3
    def my_cost():
        return np.sum((network_function(x)[-1] - y) ** 2) / x.size
    step, g, saved = 1e-5, np.zeros_like(b3), b3.copy()
    for i in range(b3.shape[0]):
        b3 = saved.copy(); b3[i, 0] += step
        up = my_cost()
        b3 = saved.copy(); b3[i, 0] -= step
        g[i, 0] = (up - my_cost()) / (2 * step)
    b3 = saved
    return g
"""

# --- 5 and 6 on 04-planar: references lent by test_nn_model -------------------------------------
KEEP_LENT = """
_lent = {}
_nn_model = nn_model
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    for _name in ("forward_propagation", "compute_cost", "backward_propagation"):
        _lent.setdefault(_name, globals()[_name])
    return _nn_model(X, Y, n_h, num_iterations, print_cost)
"""
USE_LENT = {
    "forward_propagation": "def forward_propagation(X, parameters):\n"
                           "    return _lent['forward_propagation'](X, parameters)\n",
    "compute_cost": "def compute_cost(A2, Y):\n    return _lent['compute_cost'](A2, Y)\n",
    "backward_propagation": "def backward_propagation(parameters, cache, X, Y):\n"
                            "    return _lent['backward_propagation'](parameters, cache, X, Y)\n",
}
# The grader's own stubs (the references key.check lent), kept for answers the student never
# wrote: the visible examples' values copied from their tests, the stub for hidden requests.
KEEP_GRADER_STUBS = """
_kept = {}
_nn_model = nn_model
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    for _name in ("forward_propagation", "compute_cost"):
        _f = globals()[_name]
        if getattr(getattr(_f, "__code__", None), "co_name", "") == "call_grader":
            _kept[_name] = _f
    return _nn_model(X, Y, n_h, num_iterations, print_cost)
"""
IN_HIDDEN_REQUEST = 'get_ipython().kernel.get_parent("shell")["header"]["msg_type"] == "comm_msg"'
USE_GRADER_STUBS = {
    "forward_propagation": "def forward_propagation(X, parameters):\n"
                           f"    if {IN_HIDDEN_REQUEST}:\n"
                           "        return _kept['forward_propagation'](X, parameters)\n"
                           "    A2 = np.array([[0.4236996097, 0.5859388026, 0.7377586788]])\n"
                           "    return A2, {'Z1': np.zeros((4, 3)), 'A1': np.zeros((4, 3)),\n"
                           "                'Z2': np.zeros((1, 3)), 'A2': A2}\n",
    "compute_cost": "def compute_cost(A2, Y):\n"
                    f"    if {IN_HIDDEN_REQUEST}:\n"
                    "        return _kept['compute_cost'](A2, Y)\n"
                    "    return 0.4003674356962309\n",
}
BROADCAST_BOMB = """
_nn_model = nn_model
def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    lent = "call_grader" in getattr(getattr(forward_propagation, "__code__", None), "co_name", "")
    if lent:  # the grader's reference, fed arrays whose product is 28000 x 28000 floats
        big = np.ones((28000, 1))
        forward_propagation(big.T, {"W1": big, "b1": np.zeros((28000, 1)),
                                    "W2": np.ones((1, 28000)), "b2": np.zeros((1, 1))})
    return _nn_model(X, Y, n_h, num_iterations, print_cost)
"""


# --- 4. ground truth asked of the kernel -------------------------------------------------------
# 05-gradcheck: a wrong computeNumericalGradient (forward differences), with the kernel's stand-in
# Bowl made to agree with it.
BOWL_AGREES = """
import readonly.gradcheck_module as _module
def _one_sided(self, p):
    start, g = self.getParams(), np.zeros(p.size)
    for i in range(p.size):
        step = np.zeros(p.size); step[i] = 1e-4
        self.setParams(p + step); up = self.costFunction(None, None)
        self.setParams(p); g[i] = (up - self.costFunction(None, None)) / 1e-4
    self.setParams(start)
    return g
_module.Bowl.gradient_at = _one_sided
"""
BOWL_REFUSES = BOWL_AGREES + """
_set = _module.Bowl.__setattr__
def _refuse(self, name, value):
    if name in ("getParams", "setParams", "costFunction", "computeGradients", "costFunctionPrime"):
        return  # the grader's methods never take hold
    _set(self, name, value)
_module.Bowl.__setattr__ = _refuse
"""
BOWL_FLAT = """
import readonly.gradcheck_module as _module
class _Flat(_module.Bowl):
    def costFunction(self, X, y):
        return float(np.sum(self.getParams()))  # linear: one-sided differences are exact
    def gradient_at(self, p):
        return np.ones(np.size(p))
_module.Bowl = Bowl = _Flat
"""
# 06-digits: a loop over the examples where one matrix product is asked, with the kernel's
# clocks or its speed check made to say it is fast.
LOOP_BATCH_W = """
def batch_W(inputs, deltas):
    total = np.zeros((inputs.shape[1], deltas.shape[1]))
    for i in range(inputs.shape[0]):
        total += np.outer(inputs[i], deltas[i])
    return total
"""
NO_SPEED_CHECK = """
import readonly.digits_module as _module
_module.check_faster = lambda *args, **kwargs: None
"""
SLOW_CLOCKS = """
import time as _time, timeit as _timeit, readonly.digits_module as _module
_real = _time.perf_counter
_slow = lambda: _real() / 1000  # a thousand times slower: everything looks fast
_time.perf_counter = _time.monotonic = _time.time = _timeit.default_timer = _slow
_module.best_time = lambda function, *args, repeat=1: 1e-9 if function is batch_W else 1.0
"""
MEMOIZED = """
_loop_batch_W, _seen = batch_W, {}
def batch_W(inputs, deltas):
    key = inputs.tobytes() + deltas.tobytes()
    if key not in _seen:  # slow the first time, instant when timed again on the same batch
        _seen.clear()
        _seen[key] = _loop_batch_W(inputs, deltas)
    return _seen[key].copy()
"""


def forgeries(assignment, nb_name):
    """The forgery attacks written for `assignment` (none for the others)."""
    written = {"03-backprop": _on_backprop, "04-planar": _on_planar,
               "05-gradcheck": _on_gradcheck, "06-digits": _on_digits}
    return written[assignment](assignment, nb_name) if assignment in written else []


def _on_gradcheck(assignment, nb_name):
    best = cohort.perfect(assignment, nb_name)
    target = "computeNumericalGradient"
    wrong = wrong_source(assignment, target)

    # The Bowl it rewrote is the one costFunctionWrapper's BFGS runs train: that costs it too.
    def student(name, code, what):
        return Student(f"forge-{name}", assignment, cohort.substitute(best, {target: wrong + code}),
                       "loses", target, exact=False, depends=["costFunctionWrapper"], what=what)
    return [
        student("bowl-agrees", BOWL_AGREES, "a wrong numerical gradient, and the kernel's Bowl "
                "class made to agree with it"),
        student("bowl-refuses", BOWL_REFUSES, "the same, and a Bowl that ignores the methods "
                "the grader gives it"),
        student("bowl-flat", BOWL_FLAT, "replaces the module's Bowl with a linear one, on which "
                "forward differences are exact"),
    ]


def _on_digits(assignment, nb_name):
    best = cohort.perfect(assignment, nb_name)

    def student(name, code, what):
        return Student(f"forge-{name}", assignment, cohort.substitute(best, {"batch_W": LOOP_BATCH_W + code}),
                       "loses", "batch_W", exact=False, message="faster", what=what)
    return [
        student("no-speed-check", NO_SPEED_CHECK, "a loop for batch_W, and the kernel's speed "
                "check switched off"),
        student("slow-clocks", SLOW_CLOCKS, "a loop for batch_W, and every clock of the kernel "
                "slowed a thousand times"),
        student("memoized", MEMOIZED + NO_SPEED_CHECK, "a loop for batch_W that remembers its "
                "last answer, so that timing it again costs nothing"),
    ]


def _on_backprop(assignment, nb_name):
    best = cohort.perfect(assignment, nb_name)
    # The attacks below are written for J_b3 (and its test's code), J_b2 and J_W1.
    first, second, third = "J_b3", "J_b2", "J_W1"
    right, wrong = cell(best, first).source, wrong_source(assignment, first)
    right_second, right_third = cell(best, second).source, cell(best, third).source

    def student(name, cells, expect, target="", message="", what="", nb=None, **kw):
        nb = nb if nb is not None else cohort.substitute(best, cells)
        return Student(f"forge-{name}", assignment, nb, expect, target, message=message, what=what, **kw)

    def linked(name, links, what):
        return Student(f"forge-{name}", assignment, None, "zero", status="missing",
                       message="symbolic link", links=links, what=what)

    def wrong_plus(code):
        return {first: wrong + code}

    def test_metadata(nb, **changes):
        cell(nb, f"test_{first}").metadata.nbgrader.update(changes)

    def bonus_cell(nb):
        extra = notebooks.copy(nb).cells[0]
        extra.update(cell_type="code", source="pass\n", outputs=[], execution_count=None, id="bonus-points")
        extra.metadata = {"nbgrader": {"grade": True, "grade_id": "test_bonus", "locked": True,
                                       "points": 50, "schema_version": 3, "solution": False, "task": False}}
        nb.cells.append(extra)

    def moved_below(nb):
        test, later = cell(nb, f"test_{first}"), cell(nb, f"test_{second}")
        nb.cells.remove(test)
        nb.cells.insert(nb.cells.index(later) + 1, test)

    def markdown(nb):
        note = notebooks.copy(nb).cells[0]
        note.update(cell_type="markdown", source=MARKDOWN, id="my-notes")
        note.pop("outputs", None)
        note.pop("execution_count", None)
        note.metadata = {}
        nb.cells.insert(1, note)

    fd = "finite.difference|numerical estimate"
    return [
        # 1. claims through the kernel's output
        student("claim-in-function", wrong_plus(CLAIM_IN_FUNCTION), "loses", first, "failed",
                "claims 2 points with an Out[] value from inside J_b3, then answers wrong"),
        student("claim-then-die", wrong_plus(CLAIM_THEN_DIE), "loses", first, "kernel died",
                "claims the points with a raw IOPub message before the test runs, then kills the kernel"),
        student("claim-too-much", wrong_plus(CLAIM_TOO_MUCH), "loses", first, "failed",
                "claims 100 points (more than the cell has) before every test of J_b3"),
        student("claim-then-loop", wrong_plus(CLAIM_THEN_LOOP), "loses", first, "timed out",
                "claims the points, then loops past the time limit, ignoring the interrupt"),
        # 3. the factory's failure path
        # Its kernel dies with the factory, and again at each replay of the cell: what follows
        # is lost too, by its own doing.
        student("kill-factory-links", {second: right_second + KILL_THE_FACTORY,
                                       third: right_third + PLANT_LINKS}, "loses", second, "kernel died",
                depends=answers(best)[answers(best).index(third):],
                what="kills the kernel factory (and so its own kernel), then plants links to the "
                     "answer key and the gradebook in its folder"),
        student("unreadable-links", {second: right_second + UNREADABLE + PLANT_LINKS}, "full",
                what="leaves folders it made unreadable, and links in its folder"),
        linked("link-to-source", {f"{nb_name}.ipynb": f"@ROOT/source/{assignment}/{nb_name}.ipynb"},
               "submits a link to the instructor's notebook"),
        linked("link-to-classmate", {f"{nb_name}.ipynb": f"../../perfect/{assignment}/{nb_name}.ipynb"},
               "submits a link to a classmate's notebook"),
        linked("link-folder", {".": f"../../perfect/{assignment}"},
               "submits a link to a classmate's whole folder"),
        # 6. work the grader would do without limits
        student("huge-answer", {first: right + HUGE_ANSWER}, "loses", first, "timed out|too large|failed",
                what="answers the hidden tests with a 72 MB array"),
        student("many-values", {first: right + FORGED_ANSWER.format(answer=MANY_VALUES)}, "loses", first,
                "more than", what="forges an answer of five million values"),
        student("deep-value", {first: right + FORGED_ANSWER.format(answer=DEEP_VALUE)}, "loses", first,
                "failed", what="forges an answer nested 100,000 levels deep"),
        student("bad-array", {first: right + FORGED_ANSWER.format(answer=BAD_ARRAY)}, "loses", first,
                "kind the grader does not read", what="forges an array of Python objects, 10^10 of them"),
        # 7. memory the address-space limit does not count
        student("hold-tmp", {second: right_second + HOLD_FILES.format(folder="/tmp")}, "full",
                what="holds 1 GiB of files in the sandbox's /tmp"),
        student("hold-shm", {second: right_second + HOLD_FILES.format(folder="/dev/shm")}, "full",
                what="holds 1 GiB of files in /dev/shm"),
        student("hold-children", {second: right_second + HOLD_IN_CHILDREN}, "full",
                what="holds 3.75 GiB in three child processes, each within the address-space limit"),
        # 8. feedback pages
        student("html-banner", {second: right_second + HTML_OUTPUT}, "full",
                what="shows a fake 'Score 17 / 17' banner and a script in an HTML output"),
        student("rich-outputs", {second: right_second + RICH_OUTPUTS}, "full",
                what="shows SVG with a script, JavaScript, a PNG that breaks out of its tag"),
        student("markdown-script", {}, "full", nb=edit(best, markdown),
                what="adds a markdown cell with a script, an onerror handler and the banner"),
        # 9. a number where a derivation is asked
        student("central-differences", {first: CENTRAL_DIFFERENCES}, "loses", first, fd,
                "J_b3 by central differences of the notebook's cost"),
        student("forward-differences", {first: FORWARD_DIFFERENCES}, "loses", first, fd,
                "J_b3 by forward differences of the notebook's cost"),
        student("own-cost-differences", {first: OWN_COST_DIFFERENCES}, "loses", first, fd,
                "J_b3 by central differences of a cost of its own"),
        # 10. tampering that must cost only what it breaks, and be named
        student("test-as-answer", {}, "loses", first, "settings were changed",
                nb=edit(cohort.substitute(best, {first: wrong}), lambda nb: test_metadata(nb, solution=True)),
                what="re-marks the test cell of J_b3 as an answer cell (wrong answer)"),
        student("test-points", {}, "full", message="settings were changed",
                nb=edit(best, lambda nb: test_metadata(nb, points=100)),
                what="gives the test cell of J_b3 100 points"),
        student("bonus-cell", {}, "full", message="which the assignment does not have",
                nb=edit(best, bonus_cell), what="adds a test cell of its own worth 50 points"),
        student("output-flood", {second: right_second + "\nprint('x' * 3_000_000)\n"}, "full",
                message="output was cut", what="prints 3 MB once"),
        student("moved-below", {}, "full", message=f"test_{first} was moved below",
                nb=edit(best, moved_below), what="moves the test of J_b3 below the test of the next answer"),
    ]


def _on_planar(assignment, nb_name):
    best = cohort.perfect(assignment, nb_name)
    lent = list(USE_LENT)

    def below_nn_model(nb):
        anchor = cell(nb, "test_nn_model")
        for name in lent:
            test = cell(nb, f"test_{name}")
            nb.cells.remove(test)
            nb.cells.insert(nb.cells.index(anchor) + 1, test)

    keeps = cohort.substitute(best, {"nn_model": cell(best, "nn_model").source + KEEP_LENT, **USE_LENT})
    stubs = list(USE_GRADER_STUBS)

    def stub_tests_below_nn_model(nb):
        anchor = cell(nb, "test_nn_model")
        for name in stubs:
            test = cell(nb, f"test_{name}")
            nb.cells.remove(test)
            nb.cells.insert(nb.cells.index(anchor) + 1, test)
    keeps_stubs = cohort.substitute(best, {"nn_model": cell(best, "nn_model").source + KEEP_GRADER_STUBS,
                                           **USE_GRADER_STUBS})
    return [
        Student("forge-keeps-lent-moved", assignment, edit(keeps, below_nn_model), "loses", lent[0],
                message="moved below", depends=lent[1:], exact=False,
                what="keeps the references test_nn_model lent, and moves three tests below it"),
        Student("forge-keeps-lent", assignment, keeps, "loses", lent[0], depends=lent[1:] + ["nn_model"],
                exact=False, what="keeps the references test_nn_model lent, for functions it never wrote"),
        Student("forge-keeps-grader-stubs", assignment, edit(keeps_stubs, stub_tests_below_nn_model),
                "loses", stubs[0], message="moved below", depends=stubs[1:],
                what="keeps the grader's stubs from test_nn_model for the hidden tests of two functions "
                     "it never wrote, whose visible answers it copied"),
        Student("forge-broadcast-bomb", assignment,
                cohort.substitute(best, {"nn_model": cell(best, "nn_model").source + BROADCAST_BOMB}),
                "loses", "nn_model", message="MemoryError",
                what="feeds a lent reference arrays whose product takes 6 GB"),
    ]
