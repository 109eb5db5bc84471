"""Grader side: hidden tests that a submission cannot tamper with, run in the grader, not the kernel.

Inside the kernel a student's code can rebind anything: numpy, builtins, the checking library,
IPython itself. So when grading, the hidden region of a test cell is not sent to the kernel.
The grader executes it in its own clean process, where `globals()` stands for the notebook:
reading a name fetches its value from the kernel, assigning one sets it there, and calling a
notebook function runs it in the kernel on the given arguments and brings the result back
(course/wire.py). The comparison with the reference, and every check, happens here, out of the
student's reach; the kernel only ever computes what the student's functions return.

Each access is one request to wire_server's `serve` (course/inside/wire_server.py), which the grader installs in the kernel once
(and again after a restart) together with a Jupyter comm target. A request is a `comm_msg` on
the shell channel; the answer comes back on IOPub as a `comm_msg` whose parent is the request.
A comm message skips IPython's run_cell machinery (transforming and compiling a cell, its
hooks, user_expressions), which made up most of a request's cost when each one ran as a silent
cell: a round trip now takes less than half the time, and a third of the kernel's CPU.

A reference function that a hidden test plants in the notebook (so that, say, a training loop
calls the reference forward pass) stays in the grader too: the kernel gets a stub that asks the
grader to run it, through the kernel's stdin channel, while the request waits.
Whatever the student's code rebinds in the kernel, every wait has the cell's time limit, and a
kernel that dies is noticed: the grader never hangs.

What a hidden test plants lives as long as the test: when it ends, the names it set in the
notebook are put back, and the grader forgets the functions it lent the kernel, so a stub the
kernel kept answers nothing but an error. What the kernel sends is capped: a message past
wire.MAX_MESSAGE_BYTES drops the connection (zmq's own limit, before any byte is decoded),
which a socket monitor reports at once (ConnectionDropped: the kernel is restarted, since its
channel stays silent afterwards), an answer past wire's limits is an error, and the hidden test and every callback it serves
run under a memory budget (GRADER_MEMORY), so a reference fed arrays that make it allocate
gigabytes fails that test with a MemoryError instead of taking the grader down.
"""
import builtins
import contextlib
import functools
import itertools
import json
import re
import resource
import time
import uuid
from collections.abc import MutableMapping
from pathlib import Path

import zmq
import zmq.asyncio
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync

from . import wire
from .inside import wire_server

DROPPED = (f"the kernel sent a message of more than {wire.MAX_MESSAGE_BYTES // 2 ** 20} MiB, which "
           "the grader does not read")
# Memory the hidden tests of one cell may take in the grader, on top of what it holds before.
GRADER_MEMORY = 2 * 1024 ** 3
HIDDEN = re.compile(r"^[ \t]*#+ *BEGIN HIDDEN TESTS.*?^[ \t]*#+ *END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
TARGET = "course.grader"  # the comm target that wire_server.listen registers in the kernel
# Run once per kernel: wire_server.py, in a namespace of its own so that the notebook's names stay
# the student's, listening on TARGET.
INSTALL = """\
def __grader_install(source, target):
    wire = {{"__name__": "grader_wire"}}
    exec(compile(source, "<grader wire>", "exec"), wire)
    wire["listen"](get_ipython().kernel, get_ipython().user_ns, target)
__grader_install({source!r}, {target!r})
del __grader_install
"""


def split_hidden(source):
    """Return (the test cell's code without its hidden regions, the hidden code)."""
    hidden = [re.sub(r"^.*HIDDEN TESTS.*$", "", block, flags=re.M) for block in HIDDEN.findall(source)]
    return HIDDEN.sub("", source), "\n".join(hidden)


class KernelLink:
    """Requests to the wire server in one kernel, answered synchronously, callbacks included.

    `installed` is False until the server listens in the current kernel; whoever restarts the
    kernel sets it back to False, and the next request installs the server again.
    """

    def __init__(self, client, timeout, interrupt=None):
        """client: returns the current kernel client; timeout: seconds a request may take;
        interrupt: an async function that interrupts the kernel, tried once at the time limit
        before giving up on a request."""
        self.client, self.timeout, self.interrupt = client, timeout, interrupt
        self.installed = False
        self._interrupted = False  # whether the last exchange needed the interrupt
        self.comm_id = None  # the comm of the current install; a new one for each
        self.local = {}  # number -> grader-side object the kernel holds a reference to
        # Numbers are never given twice (an id() may be: a stub kept from an earlier test
        # must not reach an object lent later at the same address).
        self._numbers, self._counter = {}, itertools.count(1)
        self._monitored = None  # (client, sockets that report its dropped connections)
        self._dropped = None  # the client whose connection zmq dropped: no request gets through

    def request(self, payload):
        if self._dropped is not None and self._dropped is self.client():
            raise ConnectionDropped(DROPPED)  # until the kernel is restarted, with a new client
        if not self.installed:
            self._install()
        content = {"comm_id": self.comm_id, "data": {"request": json.dumps(payload)}}
        reply = self._run(lambda kc: _send(kc, "comm_msg", content), "iopub", self._is_answer)
        answer = json.loads(reply["content"]["data"]["answer"])
        if "error" in answer:
            name, message = answer["error"]
            if self._interrupted:
                raise HiddenTestTimeout(f"timed out: a function the hidden tests called ran past the "
                                        f"{self.timeout} s time limit (an infinite loop?) and was "
                                        "interrupted")
            raise wire.error_type(name)(message)
        return wire.decode(answer["value"], self._resolve)

    def encode(self, value):
        return wire.encode(value, self._keep)

    def end_of_test(self):
        """Put back the notebook's names that the test changed, and forget every grader-side
        object lent to the kernel: a stub it kept now gets an error, never the reference."""
        self.local.clear()
        self._numbers.clear()
        if self.installed:
            try:
                self.request({"op": "restore"})
            except (CellTimeoutError, DeadKernelError):
                raise
            except Exception:  # a kernel that refuses: its stubs are dead all the same
                pass

    def _install(self):
        """Run wire_server.py in the kernel, listening on TARGET, and open a new comm to it."""
        code = INSTALL.format(source=Path(wire_server.__file__).read_text(), target=TARGET)
        reply = self._run(lambda kc: kc.execute(code, silent=True, store_history=False), "shell",
                          lambda msg: True)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"the grader could not reach the kernel: {reply['content'].get('ename')}: "
                               f"{reply['content'].get('evalue')}")
        comm_id = uuid.uuid4().hex
        content = {"comm_id": comm_id, "target_name": TARGET, "data": {}}
        # The kernel closes a comm whose target is missing (student code may have removed it)
        # and then goes idle: wait for either, to fail now rather than at the time limit.
        done = self._run(lambda kc: _send(kc, "comm_open", content), "iopub",
                         lambda msg: msg["msg_type"] == "comm_close"
                         or msg["content"].get("execution_state") == "idle")
        if done["msg_type"] == "comm_close":
            raise RuntimeError("the grader could not reach the kernel: its comm target is gone")
        self.comm_id, self.installed = comm_id, True

    def _is_answer(self, msg):
        content = msg["content"]
        return (msg["msg_type"] == "comm_msg" and content.get("comm_id") == self.comm_id
                and isinstance(content.get("data"), dict) and "answer" in content["data"])

    def _keep(self, obj):
        if isinstance(obj, Remote):
            return {"ref": obj._number}
        if isinstance(obj, InNotebook):
            return {"ref": 0, "global": obj.name}
        number = self._numbers.get(id(obj))
        if number is None or self.local.get(number) is not obj:
            number = self._numbers[id(obj)] = next(self._counter)
        self.local[number] = obj
        return {"ref": number, "remote": True, "name": getattr(obj, "__name__", "reference")}

    def _resolve(self, number, form):
        return self.local[number] if form.get("remote") else Remote(self, number, form.get("type"))

    def _run(self, send, channel, is_reply):
        return run_sync(self._exchange)(send, channel, is_reply)

    async def _exchange(self, send, channel, is_reply):
        """Send a message with `send(kc)` (which returns its msg_id) and return the first
        message in response to it on the kernel client's `channel` ("shell" or "iopub") for
        which `is_reply(msg)` holds, answering the kernel's callbacks meanwhile. Anything else
        there (busy and idle, what the student's code prints, what is left of earlier
        requests) is dropped."""
        kc = self.client()
        drops = await self._drops(kc)
        msg_id = send(kc)
        replies, stdin = getattr(kc, f"{channel}_channel"), kc.stdin_channel
        poller = zmq.asyncio.Poller()
        for socket in [replies.socket, stdin.socket, *drops]:
            poller.register(socket, zmq.POLLIN)
        deadline = time.monotonic() + self.timeout
        self._interrupted = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0 and self.interrupt and not self._interrupted:
                # As for a cell: interrupt first, so that the kernel keeps its state.
                self._interrupted = True
                await self.interrupt()
                deadline, left = time.monotonic() + self.timeout, self.timeout
            if left <= 0:
                raise CellTimeoutError(f"no answer from the kernel within {self.timeout} s")
            ready = dict(await poller.poll(timeout=min(left, 1.0) * 1000))
            if not ready and not await ensure_async(kc.is_alive()):
                raise DeadKernelError("Kernel died")
            if any(drop in ready for drop in drops):
                if not await ensure_async(kc.is_alive()):
                    raise DeadKernelError("Kernel died")
                # zmq dropped a connection to the kernel: it sent a message past MAXMSGSIZE.
                # That message is lost, and the channel stays silent: fail now, not at the time
                # limit, and have the kernel restarted.
                self.installed, self._dropped = False, kc
                raise ConnectionDropped(DROPPED)
            if stdin.socket in ready:
                ask = await ensure_async(stdin.get_msg(timeout=0))
                if ask["parent_header"].get("msg_id") == msg_id and ask["msg_type"] == "input_request":
                    kc.input(self._callback(ask["content"]["prompt"]))
            if replies.socket in ready:
                msg = await ensure_async(replies.get_msg(timeout=0))
                if msg["parent_header"].get("msg_id") == msg_id and is_reply(msg):
                    return msg

    async def _drops(self, kc):
        """Sockets that receive an event when zmq drops a connection of `kc`'s channels (a
        message past MAXMSGSIZE, or a dead kernel), emptied of earlier events. Made once per
        client; those of the previous client are closed."""
        if self._monitored is None or self._monitored[0] is not kc:
            self.close()
            self._monitored = (kc, [getattr(kc, f"{name}_channel").socket.get_monitor_socket(
                zmq.EVENT_DISCONNECTED) for name in ("iopub", "shell", "stdin")])
        drops = self._monitored[1]
        for drop in drops:
            while await drop.poll(0):
                await drop.recv_multipart()
        return drops

    def close(self):
        """Close the sockets that watch the current client's connections."""
        if self._monitored is not None:
            kc, drops = self._monitored
            for channel, drop in zip(("iopub", "shell", "stdin"), drops):
                socket = getattr(kc, f"{channel}_channel").socket
                if socket is not None and not socket.closed:
                    socket.disable_monitor()
                drop.close(linger=0)
            self._monitored = None

    def _callback(self, prompt):
        """Run a grader-side function that the kernel called; return the JSON answer."""
        try:
            if len(prompt) > wire.MAX_MESSAGE_BYTES:
                raise wire.AnswerTooLarge("the callback's arguments are too large")
            request = json.loads(prompt)
            if request.get("ref") not in self.local:
                raise LookupError("a function the hidden tests lent this notebook was called "
                                  "after its test ended")
            function = self.local[request["ref"]]
            args = wire.decode(request["args"], self._resolve)
            kwargs = wire.decode(request["kwargs"], self._resolve)
            return json.dumps({"value": self.encode(function(*args, **kwargs))})
        except Exception as error:
            return json.dumps({"error": [type(error).__name__, str(error)]})


class ConnectionDropped(BaseException):
    """The kernel sent a message past wire.MAX_MESSAGE_BYTES and zmq dropped its connection,
    which does not come back: the grader restarts the kernel. Not an Exception, for the same
    reason as HiddenTestTimeout."""


class HiddenTestTimeout(BaseException):
    """A hidden test's request ran past the time limit and the interrupt ended it. Not an
    Exception, so that the checks' own `except Exception` cannot turn it into a wrong answer:
    the grader reports it as the cell's timeout."""


def _send(kc, msg_type, content):
    """Send a message of the comm protocol on the shell channel; return its msg_id."""
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


class Remote:
    """A function, class or other object that lives in the kernel, seen from the grader."""

    def __init__(self, link, number, type_name):
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_type", type_name)

    def _form(self):
        return {"ref": self._number}

    def __call__(self, *args, **kwargs):
        link = self._link
        return link.request({"op": "call", "target": self._form(),
                             "args": link.encode(list(args)), "kwargs": link.encode(kwargs)})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._link.request({"op": "getattr", "target": self._form(), "name": name})

    def __setattr__(self, name, value):
        self._link.request({"op": "setattr", "target": self._form(), "name": name,
                            "value": self._link.encode(value)})

    def __repr__(self):
        return f"<{self._type} in the student's kernel>"


class InNotebook:
    """An argument that is the notebook's own object `name`, not a copy: passed to a notebook
    function, it lets the hidden tests see afterwards (by reading `name`) whether the function
    changed its argument in place. Made by Notebook.own(name)."""

    def __init__(self, name):
        self.name = name


class Notebook(MutableMapping):
    """The notebook's global namespace, as the hidden tests see it through `globals()`."""

    def __init__(self, link):
        self._link = link

    def own(self, name):
        """The notebook's object `name` itself, as an argument of a call into the notebook
        (values read through `self[name]` are copies)."""
        return InNotebook(name)

    def lending(self, function, positions):
        """A stand-in for the kernel's `function` (a Remote) that passes its arguments at
        `positions` as the kernel's own objects and brings them back as they are after the
        call, in the same round trip: its `after` holds them (keys.call_and_read_back)."""
        return _Lending(self._link, function, positions)

    def __getitem__(self, name):
        try:
            return self._link.request({"op": "get", "name": name})
        except KeyError:
            raise KeyError(name) from None

    def __setitem__(self, name, value):
        self._link.request({"op": "set", "name": name, "value": self._link.encode(value)})

    def update(self, values=(), **more):
        """Set many names in one round trip (planting a set of reference functions)."""
        values = dict(values, **more)
        if values:
            self._link.request({"op": "update", "values": self._link.encode(values)})

    def __delitem__(self, name):
        try:
            self._link.request({"op": "del", "name": name})
        except KeyError:
            raise KeyError(name) from None

    def __iter__(self):
        return iter(self._link.request({"op": "names"}))

    def __len__(self):
        return len(self._link.request({"op": "names"}))


class _Lending:
    """See Notebook.lending."""

    def __init__(self, link, function, positions):
        self._link, self._function, self._positions = link, function, list(positions)
        self.after = None

    def __call__(self, *args, **kwargs):
        link = self._link
        value, self.after = link.request({"op": "lend", "target": self._function._form(),
                                          "args": link.encode(list(args)),
                                          "kwargs": link.encode(kwargs), "lent": self._positions})
        return value


class _HiddenScope(dict):
    """Local names of the hidden code; a name it did not define is looked up in the notebook."""

    def __init__(self, notebook, own_globals):
        super().__init__()
        self.notebook, self.own_globals = notebook, own_globals

    def __missing__(self, name):
        if name in self.own_globals or hasattr(builtins, name):
            raise KeyError(name)
        return self.notebook[name]


def run_hidden(code, link, label):
    """Execute a test cell's hidden code in this process against the kernel behind `link`,
    within GRADER_MEMORY; afterwards the notebook's names are as the test found them.

    Raises whatever the checks raise (CheckFailure with its teaching message), MemoryError
    past the budget, and CellTimeoutError or DeadKernelError when the student's code does not
    answer.
    """
    notebook = Notebook(link)
    scope_builtins = dict(vars(builtins), globals=lambda: notebook)
    own = {"__builtins__": scope_builtins, "__name__": "__hidden_tests__"}
    try:
        with memory_budget(GRADER_MEMORY):
            exec(compile(code, f"<hidden tests of {label}>", "exec"), own, _HiddenScope(notebook, own))
    finally:
        link.end_of_test()


@contextlib.contextmanager
def memory_budget(extra):
    """Let this process grow by at most `extra` bytes of address space meanwhile (RLIMIT_AS;
    an allocation past it raises MemoryError). Nothing else grades in this process then: a
    worker grades one submission at a time."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


@functools.lru_cache(maxsize=None)
def capped_context():
    """The zmq context of this process's kernel clients: every socket it makes disconnects a
    peer that sends a message past wire.MAX_MESSAGE_BYTES, before the grader reads a byte."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, wire.MAX_MESSAGE_BYTES)
    # And its sockets drop what they could not send when they close (sandbox.without_linger).
    context.setsockopt(zmq.LINGER, 0)
    return context
