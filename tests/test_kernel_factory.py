"""Kernels forked by the sandboxed kernel factory (course/zygote.py, course/sandbox.py): they
start with numpy imported, and one notebook's kernel finds nothing that the previous one left."""
import asyncio
import json

import pytest

from course import sandbox


def _run(code, kc):
    """Execute `code` in the kernel; return what it printed."""
    async def run():
        msg_id = kc.execute(code)
        printed = []
        while True:
            msg = await kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(printed)
    return run()


async def _kernel(code, until=None):
    """Fork a kernel, run `code` in it, shut it down; return what it printed, or with
    `until`, whether until(factory) came true within ten seconds of sending the code."""
    km = sandbox.SandboxedKernelManager(kernel_name="python3")
    zygote = sandbox.zygote_for(km)
    zygote.fresh()
    km.fork_from(zygote)
    folder = zygote.folder("notebook-")
    (folder / "helper.py").write_text("VALUE = 42\n")
    await km.start_kernel(cwd=str(folder))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        if until:
            kc.execute(code)
            for _ in range(100):
                if until(zygote):
                    return True
                await asyncio.sleep(0.1)
            return False
        return await _run(code, kc)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def factory():
    assert sandbox.available(), "bubblewrap must work here (.ci/run installs it)"
    yield
    sandbox.close_zygotes()


LEAVE_TRACES = """
import os, subprocess, sys, json
before = 'numpy' in sys.modules and 'matplotlib.pyplot' in sys.modules
import helper
sleeper = subprocess.Popen(['sleep', '300'], start_new_session=True)
open('/tmp/left-in-tmp', 'w').write('x')
open('../left-in-factory', 'w').write('x')
print(json.dumps({"preloaded": before, "helper": helper.VALUE, "sleeper": sleeper.pid}))
"""

LOOK_FOR_TRACES = """
import os, json
processes = [open(f'/proc/{p}/cmdline').read().replace('\\0', ' ') for p in os.listdir('/proc') if p.isdigit()]
print(json.dumps({"sleeping": [p for p in processes if p.startswith('sleep')],
                  "tmp": os.path.exists('/tmp/left-in-tmp'),
                  "factory": os.path.exists('../left-in-factory'),
                  "folders": os.listdir('..')}))
"""


def test_a_forked_kernel_starts_warm_and_the_next_finds_no_trace_of_it(factory):
    first = json.loads(asyncio.run(_kernel(LEAVE_TRACES)))
    assert first["preloaded"] and first["helper"] == 42
    second = json.loads(asyncio.run(_kernel(LOOK_FOR_TRACES)))
    assert second["sleeping"] == []
    assert not second["tmp"] and not second["factory"]
    assert sum(name.startswith("notebook-") for name in second["folders"]) == 1


def test_a_kernel_that_kills_the_factory_costs_only_its_own_run(factory):
    stopped = asyncio.run(_kernel("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
                                  until=lambda zygote: not zygote.alive()))
    assert stopped
    assert asyncio.run(_kernel("print(6 * 7)\n")).strip() == "42"
