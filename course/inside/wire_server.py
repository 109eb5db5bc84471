"""Kernel side: the data format between the grader and a student's kernel, and the kernel's end.

Hidden tests run in the grader's own process (see course/judge.py); they reach the notebook
only through requests that this module's `serve` answers inside the kernel. Values cross as
JSON: numbers, strings, lists, tuples, dicts and numpy arrays (as base64 bytes with dtype and
shape) travel as data; anything else (functions, classes, instances) stays where it lives and
travels as a numbered reference. Nothing is ever unpickled or evaluated on the grader's side,
so a submission can change what its functions return, never how they are judged.

This file is sent to the kernel as source text, so it imports only the standard library and
numpy, and defines nothing at import time but functions; `listen` then connects `serve` to the
grader through a Jupyter comm. It runs where the student's code can rebind it, so it decides
nothing: the grader decodes every answer with limits of its own (course/wire.py) and never
trusts it to have done what it was asked (a "restore" it skipped, say, leaves only stubs that
the grader no longer answers).
"""
import base64
import builtins
import json

import numpy as np


def encode(value, keep):
    """Return a JSON-ready form of `value`; `keep(obj)` returns the form of an object that
    does not travel as data: {"ref": number, ...}."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if np.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        data = np.require(value, requirements="C")  # keeps 0-d arrays 0-d
        return {"array": base64.b64encode(data.tobytes()).decode(), "dtype": data.dtype.str,
                "shape": list(data.shape)}
    if isinstance(value, (list, tuple)):
        items = [encode(item, keep) for item in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, encode(v, keep)] for k, v in value.items()]}
    return keep(value)


def decode(form, resolve):
    """Return the value `form` stands for; `resolve(number, form)` turns a reference into one."""
    if isinstance(form, list):
        return [decode(item, resolve) for item in form]
    if not isinstance(form, dict):
        return form
    if "array" in form:
        data = base64.b64decode(form["array"])
        return np.frombuffer(data, dtype=np.dtype(form["dtype"])).reshape(form["shape"]).copy()
    if "float" in form:
        return float(form["float"])
    if "tuple" in form:
        return tuple(decode(item, resolve) for item in form["tuple"])
    if "dict" in form:
        return {k: decode(v, resolve) for k, v in form["dict"]}
    return resolve(form["ref"], form)


def error_type(name):
    """The builtin exception class called `name`, or a new one with that name. Never one that
    is not an Exception (SystemExit, KeyboardInterrupt): a submission that raises those must
    fail its test, not stop the grader."""
    found = getattr(builtins, str(name), None)
    if isinstance(found, type) and issubclass(found, Exception):
        return found
    return type(str(name), (Exception,), {})


def serve(namespace, ask=input):
    """Return the kernel-side request handler over the notebook's `namespace`.

    A request is JSON: {"op": "get"|"set"|"update"|"del"|"names"|"call"|"lend"|"getattr"|
    "setattr"|"restore", ...}; "lend" is a call that also answers with its arguments at the
    positions "lent" as they are after the call (the grader compares); "restore" puts back every name that set, update and del changed since the
    last restore (a hidden test leaves the notebook as it found it). The answer is JSON:
    {"value": form} or {"error": [name, message]}. A request may name grader-side callables
    (references with "remote": true); calling one sends the grader a JSON callback request
    through `ask(text)`, which returns the grader's JSON answer (in the kernel: `listen`'s).
    """
    objects = {}
    saved = {}  # name -> its value before the first change since the last restore (or `absent`)
    absent = object()

    def change(name):
        if name not in saved:
            saved[name] = namespace.get(name, absent)

    def keep(obj):
        objects[id(obj)] = obj
        return {"ref": id(obj), "type": type(obj).__name__}

    def grader_function(number, form):
        def call_grader(*args, **kwargs):
            request = {"op": "callback", "ref": number,
                       "args": encode(list(args), keep), "kwargs": encode(kwargs, keep)}
            answer = json.loads(ask(json.dumps(request)))
            if "error" in answer:
                raise error_type(answer["error"][0])(answer["error"][1])
            return decode(answer["value"], resolve)
        call_grader.__name__ = form.get("name", "reference")
        return call_grader

    def resolve(number, form):
        if "global" in form:  # the notebook's own object, not a copy (judge.InNotebook)
            return namespace[form["global"]]
        return grader_function(number, form) if form.get("remote") else objects[number]

    def target(request):
        return decode(request["target"], resolve) if "target" in request else None

    def handle(text):
        try:
            request = json.loads(text)
            op = request["op"]
            if op == "get":
                value = namespace[request["name"]]
            elif op == "set":
                change(request["name"])
                namespace[request["name"]] = value = decode(request["value"], resolve)
            elif op == "update":
                values = decode(request["values"], resolve)
                for name in values:
                    change(name)
                namespace.update(values)
                value = None
            elif op == "del":
                change(request["name"])
                value = namespace.pop(request["name"])
            elif op == "restore":
                for name, old in saved.items():
                    if old is absent:
                        namespace.pop(name, None)
                    else:
                        namespace[name] = old
                saved.clear()
                objects.clear()
                value = None
            elif op == "names":
                value = [name for name in namespace if not name.startswith("_")]
            elif op == "call":
                function = target(request)
                value = function(*decode(request["args"], resolve), **decode(request["kwargs"], resolve))
            elif op == "lend":
                function, args = target(request), decode(request["args"], resolve)
                result = function(*args, **decode(request["kwargs"], resolve))
                value = [result, [args[i] for i in request["lent"]]]
            elif op == "getattr":
                value = getattr(target(request), request["name"])
            elif op == "setattr":
                value = decode(request["value"], resolve)
                setattr(target(request), request["name"], value)
            else:
                raise ValueError(f"unknown request {op!r}")
            return json.dumps({"value": encode(value, keep)})
        except BaseException as error:  # the grader reports it; the kernel must keep serving
            return json.dumps({"error": [type(error).__name__, str(error)]})

    return handle


def listen(kernel, namespace, target_name):
    """Register the comm target `target_name` in the ipykernel `kernel`: each message on a comm
    opened to it, {"request": JSON text}, is answered by `serve` with {"answer": JSON text}.

    A comm message skips IPython's cell machinery, most of what an execute_request costs.
    Outside an execute_request ipykernel's `input()` does not reach the grader, so callbacks
    go through the kernel's own stdin request, tagged with the comm message as their parent.
    A stub called from anywhere else (a cell, after its test) fails at once: nobody would
    answer it, and the cell would wait for its whole time limit.
    """
    def ask(prompt):
        parent = kernel.get_parent("shell")
        if parent.get("header", {}).get("msg_type") != "comm_msg":
            # A stub kept past its test, called from a cell: no grader waits for this request.
            return json.dumps({"error": ["LookupError", "a function the hidden tests lent this "
                                         "notebook was called after its test ended"]})
        return kernel._input_request(prompt, kernel._parent_ident["shell"], parent)
    handle = serve(namespace, ask)

    def opened(comm, _):
        def answer(msg):
            try:
                text = handle(msg["content"]["data"]["request"])
            except BaseException:  # an error whose own message fails: still answer at once
                text = json.dumps({"error": ["RuntimeError", "the request failed in the kernel"]})
            comm.send({"answer": text})
        comm.on_msg(answer)
    kernel.comm_manager.register_target(target_name, opened)
