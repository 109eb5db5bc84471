"""The grader-kernel wire format and the hidden-test split, in-process (no kernel needed)."""
import json

import numpy as np
import pytest

from course import judge, wire


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
    serve = wire.serve(namespace)

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

        def encode(self, value):
            return value
    link = FakeLink()
    judge.run_hidden("import math\ny = x + math.floor(0.5)\nglobals()['z'] = y * 2\n", link, "t")
    assert link.values["z"] == 6
    with pytest.raises(NameError):
        judge.run_hidden("undefined_name\n", link, "t")
