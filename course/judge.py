"""Hidden tests that a submission cannot tamper with: they run in the grader, not the kernel.

Inside the kernel a student's code can rebind anything: numpy, builtins, the checking library,
IPython itself. So when grading, the hidden region of a test cell is not sent to the kernel.
The grader executes it in its own clean process, where `globals()` stands for the notebook:
reading a name fetches its value from the kernel, assigning one sets it there, and calling a
notebook function runs it in the kernel on the given arguments and brings the result back
(course/wire.py). The comparison with the reference, and every check, happens here, out of the
student's reach; the kernel only ever computes what the student's functions return.

A reference function that a hidden test plants in the notebook (so that, say, a training loop
calls the reference forward pass) stays in the grader too: the kernel gets a stub that asks the
grader to run it, through the kernel's input channel.
"""
import ast
import builtins
import json
import re
import time
from collections.abc import MutableMapping
from pathlib import Path

import zmq
import zmq.asyncio
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync

from . import wire

HIDDEN = re.compile(r"^[ \t]*#+ *BEGIN HIDDEN TESTS.*?^[ \t]*#+ *END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
SERVER = "__grader_serve"
ANSWER = "__grader_answer"


def split_hidden(source):
    """Return (the test cell's code without its hidden regions, the hidden code)."""
    hidden = [re.sub(r"^.*HIDDEN TESTS.*$", "", block, flags=re.M) for block in HIDDEN.findall(source)]
    return HIDDEN.sub("", source), "\n".join(hidden)


class KernelLink:
    """Requests to the wire server in one kernel, answered synchronously, callbacks included."""

    def __init__(self, client, timeout):
        self.client, self.timeout = client, timeout
        self.installed = False
        self.local = {}  # grader-side objects the kernel holds references to

    def request(self, payload):
        if not self.installed:
            self._run(Path(wire.__file__).read_text()
                      + f"\n{SERVER} = serve(get_ipython().user_ns)\n", answer=False)
            self.installed = True
        answer = self._run(f"{ANSWER} = {SERVER}({json.dumps(payload)!r})")
        if "error" in answer:
            name, message = answer["error"]
            raise wire.error_type(name)(message)
        return wire.decode(answer["value"], self._resolve)

    def encode(self, value):
        return wire.encode(value, self._keep)

    def _keep(self, obj):
        if isinstance(obj, Remote):
            return {"ref": obj._number}
        self.local[id(obj)] = obj
        return {"ref": id(obj), "remote": True, "name": getattr(obj, "__name__", "reference")}

    def _resolve(self, number, form):
        return self.local[number] if form.get("remote") else Remote(self, number, form.get("type"))

    def _run(self, code, answer=True):
        return run_sync(self._exchange)(code, answer)

    async def _exchange(self, code, answer):
        kc = self.client()
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=True,
                            user_expressions={"answer": ANSWER} if answer else {})
        poller = zmq.asyncio.Poller()
        poller.register(kc.shell_channel.socket, zmq.POLLIN)
        poller.register(kc.stdin_channel.socket, zmq.POLLIN)
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CellTimeoutError(f"no answer from the kernel within {self.timeout} s")
            ready = dict(await poller.poll(timeout=min(left, 1.0) * 1000))
            if not ready and not await ensure_async(kc.is_alive()):
                raise DeadKernelError("Kernel died")
            if kc.stdin_channel.socket in ready:
                ask = await ensure_async(kc.stdin_channel.get_msg(timeout=0))
                if ask["parent_header"].get("msg_id") == msg_id and ask["msg_type"] == "input_request":
                    kc.input(self._callback(ask["content"]["prompt"]))
            if kc.shell_channel.socket in ready:
                reply = await ensure_async(kc.shell_channel.get_msg(timeout=0))
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"the grader's request failed in the kernel: {content.get('ename')}: "
                               f"{content.get('evalue')}")
        if not answer:
            return None
        text = content["user_expressions"]["answer"]["data"]["text/plain"]
        return json.loads(ast.literal_eval(text))

    def _callback(self, prompt):
        """Run a grader-side function that the kernel called; return the JSON answer."""
        try:
            request = json.loads(prompt)
            function = self.local[request["ref"]]
            args = wire.decode(request["args"], self._resolve)
            kwargs = wire.decode(request["kwargs"], self._resolve)
            return json.dumps({"value": self.encode(function(*args, **kwargs))})
        except Exception as error:
            return json.dumps({"error": [type(error).__name__, str(error)]})


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


class Notebook(MutableMapping):
    """The notebook's global namespace, as the hidden tests see it through `globals()`."""

    def __init__(self, link):
        self._link = link

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
    """Execute a test cell's hidden code in this process against the kernel behind `link`.

    Raises whatever the checks raise (CheckFailure with its teaching message), and
    CellTimeoutError or DeadKernelError when the student's code does not answer.
    """
    notebook = Notebook(link)
    scope_builtins = dict(vars(builtins), globals=lambda: notebook)
    own = {"__builtins__": scope_builtins, "__name__": "__hidden_tests__"}
    exec(compile(code, f"<hidden tests of {label}>", "exec"), own, _HiddenScope(notebook, own))
