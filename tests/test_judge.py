"""The grader-kernel wire format and the hidden-test split, in-process (no kernel needed), and
the link's comm with one real kernel."""
import json
import time

import numpy as np
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync

from course import judge, wire
from course.inside import wire_server


def roundtrip(value):
    kept = {}

    def keep(obj):
        kept[id(obj)] = obj
        return {"ref": id(obj), "type": type(obj).__name__}
    form = json.loads(json.dumps(wire.encode(value, keep)))
    return wire.decode(form, lambda number, form: kept[number])


def test_data_travels_as_data():
    value = {"W": np.arange(6.0).reshape(2, 3), "n": np.int64(3), "ok": True, "name": "x",
             "pair": (1.5, [2, None]), "inf": float("inf"), "mask": np.array([True, False])}
    back = roundtrip(value)
    assert np.array_equal(back["W"], value["W"]) and back["W"].dtype == np.float64
    assert back["W"].flags.writeable
    assert back["n"] == 3 and type(back["n"]) is int
    assert back["pair"] == (1.5, [2, None]) and back["inf"] == float("inf")
    assert back["mask"].dtype == bool and back["ok"] is True and back["name"] == "x"


def test_other_objects_travel_as_references():
    function = lambda: 1  # noqa: E731
    assert roundtrip([function])[0] is function
    assert roundtrip(np.array(["a"], dtype=object)) is not None  # an object array is a reference


def test_error_types_keep_builtin_names():
    assert wire.error_type("NotImplementedError") is NotImplementedError
    custom = wire.error_type("CheckFailure")
    assert custom.__name__ == "CheckFailure" and issubclass(custom, Exception)
    assert wire.error_type("print").__name__ == "print"  # a builtin that is not an exception


def test_serve_answers_every_request_and_never_raises():
    namespace = {"double": lambda x: 2 * x, "W": np.ones(2)}
    serve = wire_server.serve(namespace)

    def ask(**request):
        return json.loads(serve(json.dumps(request)))
    assert ask(op="get", name="W")["value"]["shape"] == [2]
    assert ask(op="set", name="b", value=5)["value"] == 5 and namespace["b"] == 5
    double = ask(op="get", name="double")["value"]
    assert ask(op="call", target=double, args=[21], kwargs={"dict": []})["value"] == 42
    assert ask(op="get", name="missing")["error"][0] == "KeyError"
    assert ask(op="call", target=double, args=[], kwargs={"dict": []})["error"][0] == "TypeError"
    assert "b" in ask(op="names")["value"] and ask(op="del", name="b")["value"] == 5
    assert ask(op="nonsense")["error"][0] == "ValueError"


def test_split_hidden_separates_the_regions():
    source = ('"""Doc."""\ncheck(1)\n### BEGIN HIDDEN TESTS\nsecret(2)\n### END HIDDEN TESTS\n'
              'after(3)\n')
    public, hidden = judge.split_hidden(source)
    assert "secret" not in public and "check(1)" in public and "after(3)" in public
    assert "secret(2)" in hidden and "check" not in hidden and "HIDDEN" not in hidden
    assert judge.split_hidden("plain()\n") == ("plain()\n", "")


def test_hidden_code_sees_the_notebook_through_globals():
    class FakeLink:
        def __init__(self):
            self.values = {"x": 3}

        def request(self, payload):
            if payload["op"] == "get":
                if payload["name"] not in self.values:
                    raise KeyError(payload["name"])
                return self.values[payload["name"]]
            if payload["op"] == "set":
                self.values[payload["name"]] = payload["value"]
                return payload["value"]
            raise AssertionError(payload)

        def end_of_test(self):
            self.ended = True

        def encode(self, value):
            return value
    link = FakeLink()
    judge.run_hidden("import math\ny = x + math.floor(0.5)\nglobals()['z'] = y * 2\n", link, "t")
    assert link.values["z"] == 6
    with pytest.raises(NameError):
        judge.run_hidden("undefined_name\n", link, "t")



class LiveKernel:
    """A real kernel and its current client, restarted as course/execute.py restarts one."""

    def __init__(self):
        self.km = AsyncKernelManager(kernel_name="python3")
        run_sync(self.km.start_kernel)()
        run_sync(self._connect)()

    async def _connect(self):
        self.kc = self.km.client(context=judge.capped_context())  # as in grading
        self.kc.start_channels()
        self.kc.allow_stdin = False  # as in grading: a student's cell gets no stdin
        await self.kc.wait_for_ready(timeout=60)

    def restart(self):
        run_sync(self.km.restart_kernel)(now=True)
        self.kc.stop_channels()
        run_sync(self._connect)()

    def run_cell(self, code):
        """Execute `code` as a student's cell; return the reply's status."""
        async def run():
            msg_id = self.kc.execute(code)
            while True:
                reply = await self.kc.get_shell_msg(timeout=30)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply["content"]["status"]
        return run_sync(run)()


@pytest.fixture
def kernel():
    kernel = LiveKernel()
    yield kernel
    kernel.kc.stop_channels()
    run_sync(kernel.km.shutdown_kernel)(now=True)


def test_requests_over_the_comm_of_a_real_kernel(kernel):
    """A notebook function that prints while it calls back a grader-side reference; then, after
    a restart, a student who broke comm targets costs one quick error, not the time limit."""
    assert kernel.run_cell("def train(x):\n    print('epoch', x)\n    return step(x) + 1\n") == "ok"
    link = judge.KernelLink(lambda: kernel.kc, timeout=20)
    notebook = judge.Notebook(link)
    notebook["step"] = lambda x: 2 * x
    assert notebook["train"](3.0) == 7.0
    assert not {"serve", "encode", "json"} & set(notebook), "the wire left names in the notebook"

    kernel.restart()
    link.installed = False
    kernel.run_cell("get_ipython().kernel.comm_manager.register_target = lambda *args: None")
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="comm target"):
        notebook["train"]
    assert time.monotonic() - start < 5 and not link.installed


def test_a_request_past_the_time_limit_is_interrupted_and_the_kernel_keeps_its_state(kernel):
    """A student's function that loops when a hidden test calls it: the request is interrupted
    at the time limit, reported as a timeout (which no check can mistake for a wrong answer),
    and the notebook's state survives for the tests after it."""
    assert kernel.run_cell("kept = 41\ndef spin(x):\n    while True:\n        pass\n") == "ok"
    link = judge.KernelLink(lambda: kernel.kc, timeout=1,
                            interrupt=lambda: kernel.km.interrupt_kernel())
    notebook = judge.Notebook(link)
    start = time.monotonic()
    with pytest.raises(judge.HiddenTestTimeout, match="time limit"):
        try:
            notebook["spin"](1)
        except Exception:  # what a check's own error handling would catch
            pytest.fail("the timeout came through as an Exception")
    assert time.monotonic() - start < 3
    assert notebook["kept"] == 41


def test_a_lent_function_dies_with_its_test_even_when_lent_again(kernel):
    """A student's function keeps the stub of a reference that a hidden test lent it. Once the
    test ends, the stub reaches nothing: called by a later test, it is an error, also when a
    later test lends the very same reference again (numbers are never given twice); called
    from a student's own cell, it fails at once instead of waiting for an answer that cannot
    come (the cell's time limit)."""
    assert kernel.run_cell("kept = []\n"
                           "def stash():\n    kept.append(step)\n    return kept[-1](1)\n"
                           "def replay(x):\n    return kept[0](x)\n") == "ok"
    link = judge.KernelLink(lambda: kernel.kc, timeout=20)
    reference = lambda x: 2 * x  # noqa: E731  (one object, lent by two tests)
    notebook = judge.Notebook(link)
    notebook["step"] = reference
    assert notebook["stash"]() == 2
    link.end_of_test()
    assert "step" not in notebook, "the lent name outlived its test"
    with pytest.raises(LookupError, match="after its test ended"):
        notebook["replay"](3)

    notebook["step"] = reference  # the next test lends the same reference again
    with pytest.raises(LookupError, match="after its test ended"):
        notebook["replay"](3)
    link.end_of_test()

    start = time.monotonic()
    assert kernel.run_cell("try:\n    replay(3)\nexcept Exception as error:\n"
                           "    assert 'after its test ended' in str(error), error\n") == "ok"
    assert time.monotonic() - start < 5


def test_a_message_past_the_cap_ends_the_request_at_once_and_every_later_one(kernel):
    """An answer past wire.MAX_MESSAGE_BYTES makes zmq drop the kernel's broadcast channel,
    which then stays silent: the request fails as soon as the connection drops, not at the
    time limit, and so does every later request to that kernel (a key's cleanup, say) until
    the kernel is restarted."""
    assert kernel.run_cell("import numpy as np\ndef huge():\n    return np.zeros(9_000_000)\n"
                           "def small():\n    return 5\n") == "ok"
    link = judge.KernelLink(lambda: kernel.kc, timeout=10)
    notebook = judge.Notebook(link)
    start = time.monotonic()
    with pytest.raises(judge.ConnectionDropped, match="more than 64 MiB"):
        notebook["huge"]()
    with pytest.raises(judge.ConnectionDropped):
        notebook["small"]()
    assert time.monotonic() - start < 5

    kernel.restart()
    link.installed = False
    assert kernel.run_cell("def small():\n    return 5\n") == "ok"
    assert notebook["small"]() == 5
    link.close()


def test_an_answer_that_changes_its_argument_in_place_is_seen_through_the_wire(kernel):
    """Values read from the kernel are copies, so a function that overwrites its argument
    would go unseen; keys.call_unchanged passes the notebook's own object and reads it back."""
    from course import checking, keys
    assert kernel.run_cell("import numpy as np\n"
                           "def centre_in_place(X):\n    X -= X.mean(axis=0)\n    return X\n"
                           "def centre(X):\n    return X - X.mean(axis=0)\n") == "ok"
    link = judge.KernelLink(lambda: kernel.kc, timeout=20)
    notebook = judge.Notebook(link)
    X = np.arange(6.0).reshape(3, 2)
    got = keys.call_unchanged("centre(X)", notebook, notebook["centre"], X, names=["X"])
    assert np.allclose(got, X - X.mean(axis=0)) and np.array_equal(X, np.arange(6.0).reshape(3, 2))
    with pytest.raises(checking.CheckFailure, match="changed its argument X in place"):
        keys.call_unchanged("centre_in_place(X)", notebook, notebook["centre_in_place"], X, names=["X"])
    assert not [n for n in notebook if n.startswith("_key")] and "_key_argument_0" not in notebook
    link.close()


def test_a_kernel_managers_context_ends_at_once_with_a_message_unsent(tmp_path):
    """jupyter_client destroys a kernel manager's context when the manager goes (its __del__,
    run by the garbage collector). With an interrupt request to a dead kernel still unsent,
    zmq's default linger made that wait forever and hung a worker: the course's contexts,
    the kernel managers' and the clients' (judge.capped_context), drop such messages."""
    import threading
    import zmq
    from course import sandbox
    assert judge.capped_context().getsockopt(zmq.LINGER) == 0
    context = sandbox.SandboxedKernelManager(kernel_name="python3").context
    socket = context.socket(zmq.DEALER)
    socket.connect(f"ipc://{tmp_path}/a-kernel-that-died")
    socket.send(b"interrupt_request")
    socket.close()
    ending = threading.Thread(target=context.destroy, daemon=True)
    ending.start()
    ending.join(10)
    assert not ending.is_alive() and context.closed
