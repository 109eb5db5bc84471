"""Kernels forked by the sandboxed kernel factory (course/inside/kernel_factory.py, course/sandbox.py): they
start with numpy imported, and one notebook's kernel finds nothing that the previous one left."""
import asyncio
import json

import pytest

from course import sandbox


def _run(code, kc):
    """Execute `code` in the kernel; return what it printed (and, for each output it
    displayed, a line `display: <mime types>`)."""
    async def run():
        msg_id = kc.execute(code)
        printed = []
        while True:
            msg = await kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            if msg["msg_type"] in ("display_data", "execute_result"):
                printed.append("display: " + " ".join(sorted(msg["content"]["data"])) + "\n")
            if msg["msg_type"] == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(printed)
    return run()


async def _kernel(code, until=None, scratch=None):
    """Fork a kernel, run `code` in it, shut it down; return what it printed, or with
    `until`, whether until(factory) came true within ten seconds of sending the code."""
    km = sandbox.SandboxedKernelManager(kernel_name="python3")
    zygote = sandbox.zygote_for(km, scratch)
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


def test_a_forked_kernel_shows_figures_as_images(factory):
    """matplotlib was imported in the factory before any kernel existed: each kernel must still
    hook the inline backend into its shell, or a figure reaches the notebook (and the feedback
    page) only as the text <Figure size ...>."""
    shown = asyncio.run(_kernel("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nprint('drawn')\n"))
    displays = [line for line in shown.splitlines() if line.startswith("display: ")]
    assert any("image/png" in line for line in displays), shown


def test_a_kernel_that_kills_the_factory_costs_only_its_own_run(factory):
    stopped = asyncio.run(_kernel("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
                                  until=lambda zygote: not zygote.alive()))
    assert stopped
    assert asyncio.run(_kernel("print(6 * 7)\n")).strip() == "42"


LEAVE_HIDDEN_TRACES = """
import ctypes, os, json
made = {}
for path in ('/tmp/locked/deeper/file', '/dev/shm/left', '/left-in-root', '/dev/left-in-dev',
             os.environ['MPLCONFIGDIR'] + '/left', os.path.dirname(os.getcwd()) + '/locked/file'):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, 'w').write('x')
        made[path] = True
    except OSError:
        made[path] = False
for folder in ('/tmp/locked/deeper', '/tmp/locked', os.path.dirname(os.getcwd()) + '/locked'):
    os.chmod(folder, 0)
libc = ctypes.CDLL(None)
made['sysv'] = libc.shmget(0x7357, 4096, 0o1000 | 0o666) >= 0
print(json.dumps(made))
"""

LOOK_FOR_HIDDEN_TRACES = """
import ctypes, os, json
print(json.dumps({"tmp": os.listdir('/tmp'), "shm": os.listdir('/dev/shm'),
                  "sysv": ctypes.CDLL(None).shmget(0x7357, 0, 0) >= 0,
                  "factory": sorted(os.listdir('..'))}))
"""


def test_traces_in_every_writable_place_are_gone_for_the_next_kernel(factory):
    """A read-only folder in /tmp and in the factory's folder, a file in /dev/shm, a System V
    segment: all gone. The root, /dev and matplotlib's folder cannot be written at all."""
    clean = json.loads(asyncio.run(_kernel(LOOK_FOR_HIDDEN_TRACES)))
    made = json.loads(asyncio.run(_kernel(LEAVE_HIDDEN_TRACES)))
    assert made["/tmp/locked/deeper/file"] and made["/dev/shm/left"] and made["sysv"]
    assert not made["/left-in-root"] and not made["/dev/left-in-dev"]
    assert not [p for p in made if p.endswith("/.matplotlib/left") and made[p]]
    seen = json.loads(asyncio.run(_kernel(LOOK_FOR_HIDDEN_TRACES)))
    assert seen["tmp"] == clean["tmp"] and seen["shm"] == [] and not seen["sysv"]
    assert [n for n in seen["factory"] if not n.startswith(("notebook-", "kernel-"))] == [".matplotlib"]


def test_the_factory_opens_up_and_proves_empty_what_a_kernel_locked(tmp_path, monkeypatch):
    """In process, on a folder of our own: the clearing code that runs in the sandbox."""
    from course.inside import kernel_factory
    locked = tmp_path / "tmp" / "a" / "b"
    locked.mkdir(parents=True)
    (locked / "file").write_text("x")
    for folder in (locked, locked.parent):
        folder.chmod(0)
    monkeypatch.setattr(kernel_factory, "WRITABLE", (str(tmp_path / "tmp"),))
    kernel_factory.empty(str(tmp_path / "tmp"), set())
    assert [t for t in kernel_factory.traces(set()) if t.startswith(str(tmp_path))] == []
    assert list((tmp_path / "tmp").iterdir()) == []
    (tmp_path / "tmp" / "new").write_text("x")
    assert kernel_factory.traces(set()) and str(tmp_path / "tmp" / "new") in kernel_factory.traces(set())


def test_a_factory_that_cannot_be_cleared_is_thrown_away(factory, monkeypatch):
    km = sandbox.SandboxedKernelManager(kernel_name="python3")
    first = sandbox.zygote_for(km)

    def refuse(self):
        raise RuntimeError("a trace is left")
    monkeypatch.setattr(sandbox.Zygote, "fresh", refuse)
    with pytest.raises(RuntimeError):
        sandbox.zygote_for(km)  # the new one cannot be cleared either: no factory at all
    assert not first.alive()
    monkeypatch.undo()
    second = sandbox.zygote_for(km)
    assert second is not first and second.alive()


def test_a_sandboxed_kernel_is_only_ever_forked_by_a_factory():
    km = sandbox.SandboxedKernelManager(kernel_name="python3")
    with pytest.raises(RuntimeError, match="kernel factory"):
        asyncio.run(km.start_kernel())


def test_a_factory_under_a_long_temporary_folder_still_starts_kernels(factory, tmp_path):
    """A kernel's sockets live in its factory's folder, and a Unix socket path has room for
    107 bytes: under a long TMPDIR the factory takes a short private folder instead."""
    deep = tmp_path / ("a-rather-long-folder-name-" * 3)
    deep.mkdir()
    assert asyncio.run(_kernel("print(6 * 7)\n", scratch=str(deep))).strip() == "42"
    homes = [z.home for z in sandbox._ZYGOTES.values()]
    assert homes and all(len(str(h)) <= sandbox.SOCKET_PATH_ROOM for h in homes)
    assert all(h.stat().st_mode & 0o077 == 0 for h in homes)  # private, wherever it is
