"""Kernel side: the kernel factory, inside the sandbox; it imports what every kernel needs once,
then forks a kernel for each notebook (course/sandbox.py drives it from the grader).

Starting a Python kernel costs about 0.7 s of CPU, nearly all of it imports (ipykernel, numpy,
matplotlib), and each notebook needs a fresh kernel. A fork of this process starts with all of
it imported, for a few milliseconds. Isolation between notebooks holds because one kernel at a
time lives here: before forking the next, every other process in the sandbox's own process
tree is killed, every place a kernel can write (/tmp, /dev/shm, System V IPC objects) is
emptied, and then proven empty: a factory that cannot prove it answers with an error, and the
grader throws it away. This process cannot be traced or written by the kernels (it is not
dumpable), and it never runs a student's code itself.

This file is sent to the sandbox as source text (`python -c`): standard library only, besides
the modules it pre-imports. It reads one JSON request a line on stdin and answers on stdout:
{"op": "clear"} -> {} (or {"error": ...} when a trace is left); {"op": "spawn", "argv": [...], "cwd": path} -> {"pid": n}; {"op": "poll", "pid": n} ->
{"code": exit code or null}; {"op": "signal", "pid": n, "signum": s} -> {}.
"""
import ctypes
import gc
import importlib
import json
import os
import resource
import shutil
import signal
import sys
import time

PR_SET_DUMPABLE = 4


def prepare():
    """Import what kernels import, as a kernel would (same matplotlib backend)."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import ipykernel.debugger  # noqa: F401 (and debugpy: a third of a kernel's own start)
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401
    import pdb  # noqa: F401
    import sqlite3  # noqa: F401
    import tornado.queues  # noqa: F401
    # Objects that exist now are never collected: a kernel's garbage collector then leaves
    # them, and the memory pages it shares with this process, untouched.
    gc.freeze()
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


# The places a kernel can write that outlive it: sized tmpfs mounts of the sandbox. (The root and
# /dev are remounted read-only; the kernel's own folder is emptied by the grader.)
WRITABLE = ("/tmp", "/dev/shm")
SYSV_IPC = {"shm": 0, "sem": 0, "msg": 0}  # /proc/sysvipc table -> IPC_RMID of its *ctl call
IPC_RMID = 0


def clear():
    """Kill every process of the sandbox but this one (and its init), empty every place a
    kernel can write, and check that nothing is left; raise if anything is."""
    if os.getpid() > 3:  # not in a process tree of our own: kill(-1) would reach outside
        raise RuntimeError("the kernel factory must run in its own PID namespace")
    for _ in range(100):  # until nothing is left; a process may fork while it is killed
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        time.sleep(0.002)
        reap()  # a killed child stays until reaped, and may still be signalled
    mounts = mount_points()
    for folder in WRITABLE:
        empty(folder, mounts)
    remove_ipc_objects()
    left = traces(mounts)
    if left:
        raise RuntimeError(f"a kernel left traces that cannot be removed: {', '.join(left[:5])}")


def mount_points():
    with open("/proc/self/mountinfo") as table:
        return {line.split()[4] for line in table}


def empty(folder, mounts):
    """Remove what is in `folder`, except the folders mounted into it (this sandbox's own).
    Folders a kernel made read-only or unreadable are opened up first (it ran as this user)."""
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if path in mounts:
            continue
        if any(m.startswith(path + "/") for m in mounts):
            empty(path, mounts)
        elif os.path.isdir(path) and not os.path.islink(path):
            open_up(path)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


def open_up(folder):
    """Give this user full rights on `folder` and every folder below it (a kernel may have made
    some unreadable; the grader uses this too, for the factory's folder)."""
    os.chmod(folder, 0o700)
    for top, folders, _ in os.walk(folder):
        for name in folders:
            path = os.path.join(top, name)
            if not os.path.islink(path):
                os.chmod(path, 0o700)


def remove_ipc_objects():
    """Remove the System V shared memory, semaphores and message queues a kernel left: they
    live in the sandbox's IPC namespace, which every kernel of this factory shares."""
    libc = ctypes.CDLL(None, use_errno=True)
    for table in SYSV_IPC:
        for ident in ipc_objects(table):
            getattr(libc, f"{table}ctl")(*((ident, IPC_RMID, None) if table != "sem"
                                           else (ident, 0, IPC_RMID)))


def ipc_objects(table):
    """The ids of the System V IPC objects in /proc/sysvipc/<table>."""
    try:
        with open(f"/proc/sysvipc/{table}") as listing:
            rows = listing.read().splitlines()[1:]
    except OSError:
        return []
    return [int(row.split()[1]) for row in rows if row.strip()]


def traces(mounts):
    """What a kernel could have left for the next one: processes, files, IPC objects."""
    left = [f"process {pid}" for pid in os.listdir("/proc")
            if pid.isdigit() and int(pid) not in (1, os.getpid())]
    for folder in WRITABLE:
        for top, folders, files in os.walk(folder):
            left += [os.path.join(top, n) for n in files]
            left += [os.path.join(top, n) for n in folders
                     if not any(m == os.path.join(top, n) or m.startswith(os.path.join(top, n) + "/")
                                for m in mounts)]
            folders[:] = [n for n in folders if os.path.join(top, n) not in mounts]
    left += [f"System V {table} {ident}" for table in SYSV_IPC for ident in ipc_objects(table)]
    return left


EXITED = {}


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        EXITED[pid] = os.waitstatus_to_exitcode(status)


def spawn(argv, cwd):
    """Fork a kernel running `ipykernel_launcher argv` in `cwd`; return its pid."""
    clear()
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        os.chdir(cwd)
        importlib.invalidate_caches()  # the folder's files are new to this process
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp
        app = kernelapp.IPKernelApp.instance()
        app.initialize(argv)
        # matplotlib's inline backend hooks itself into the shell when it is imported, and it
        # was imported here before any shell existed: hook it now, as `%matplotlib inline`
        # does, so that figures are sent as images.
        app.shell.enable_matplotlib("inline")
        app.start()
    except SystemExit as stop:
        os._exit(stop.code if isinstance(stop.code, int) else 1)
    except BaseException:
        os._exit(1)
    os._exit(0)


def serve():
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "clear":
                clear()
                answer = {}
            elif request["op"] == "spawn":
                answer = {"pid": spawn(request["argv"], request["cwd"])}
            elif request["op"] == "poll":
                answer = {"code": exit_code(request["pid"])}
            elif request["op"] == "signal":
                try:
                    os.kill(request["pid"], request["signum"])
                except ProcessLookupError:
                    pass
                answer = {}
            else:
                raise ValueError(f"unknown request {request['op']!r}")
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def exit_code(pid):
    """The exit code of kernel `pid`, or None while it runs."""
    reap()
    if pid in EXITED:
        return EXITED[pid]
    try:
        os.kill(pid, 0)
        return None
    except ProcessLookupError:
        return -signal.SIGKILL  # gone without a trace: killed with the sandbox's leftovers


if __name__ == "__main__":
    prepare()
    sys.stdout.write(json.dumps({"ready": os.getpid()}) + "\n")
    sys.stdout.flush()
    serve()
