"""Grader side: the bubblewrap sandbox that every student's kernel runs in, with its limits.

Inside it the kernel sees the Python installation (read-only), a copy of its own submission
folder (read-write, its working folder) and an empty /tmp; not the course's source, not the
gradebook, not other students, not the grader's own folders. It has no network (it talks to
the grader over Unix sockets), its own process tree, and limits on memory, processes and file
size, so a memory bomb, a fork bomb or a runaway file ends as that cell's error, never as the
grader's problem. Address space and file size are limited with rlimits (prlimit); processes
and memory with cgroups where the machine allows it (RLIMIT_NPROC as well, for machines where
the sandbox's user is not root). The memory cgroup counts what rlimits do not: files in the
sandbox's tmpfs mounts (/tmp and /dev/shm, each also of a fixed size). The root and /dev are
read-only, so the only places a kernel can write are those mounts and its own folder.

Kernels are forked, not started: each grading thread keeps one sandbox whose process, the
kernel factory (course/inside/kernel_factory.py), has imported ipykernel, numpy and
matplotlib, and forks one kernel at a time from it. A kernel then costs a fork instead of
0.7 s of CPU. Before each fork the factory kills every process left in the sandbox, empties
every place a kernel can write and proves it empty, and the grader empties the factory's
folder and checks it; a factory that fails either is thrown away and a new one started, so a
notebook's kernel finds nothing of the one before it. There is no other way to start a
sandboxed kernel: the grader never falls back to a kernel outside the sandbox.
"""
import atexit
import functools
import glob
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import zmq.asyncio
from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Unicode, default

from .inside.kernel_factory import open_up  # the same opening-up, on the grader's side

MiB = 1024 * 1024


CGROUPS = "/sys/fs/cgroup"
GROUP_PREFIX = "grader-kernel-"


def _own_group(controller):
    """This process's cgroup (v1) folder for `controller`, or None where it cannot be written."""
    try:
        with open("/proc/self/cgroup") as table:
            rows = [line.rstrip("\n").split(":", 2) for line in table]
    except OSError:
        return None
    path = next((p for _, names, p in rows if controller in names.split(",")), None)
    folder = os.path.join(CGROUPS, controller, (path or "/").lstrip("/"))
    return folder if path is not None and os.access(folder, os.W_OK) else None


def _cgroup_limits(processes, memory_bytes):
    """A command prefix that starts the rest of the command in new cgroups holding at most
    `processes` processes and threads and `memory_bytes` of memory (page cache and tmpfs
    files included); none for a controller whose cgroups cannot be written here."""
    groups = []
    for controller, limits in (("pids", {"pids.max": processes}),
                               ("memory", {"memory.limit_in_bytes": memory_bytes})):
        parent = _own_group(controller)
        if parent is None:
            continue
        group = tempfile.mkdtemp(prefix=GROUP_PREFIX, dir=parent)
        for name, value in limits.items():
            with open(os.path.join(group, name), "w") as limit:
                limit.write(str(value))
        groups.append(group)
    if not groups:
        return []
    return ["sh", "-c", 'for g in $0; do echo $$ > "$g/cgroup.procs"; done && exec "$@"',
            " ".join(groups)]


def remove_empty_groups():
    """Remove the cgroups of kernels that have ended (the kernel empties them on exit)."""
    for controller in ("pids", "memory"):
        parent = _own_group(controller)
        for name in os.listdir(parent) if parent else []:
            if name.startswith(GROUP_PREFIX):
                try:
                    os.rmdir(os.path.join(parent, name))
                except OSError:
                    pass  # still in use by a running kernel


def _copy_font_cache(folder):
    """Give a kernel a copy of matplotlib's font list, which it would otherwise rebuild at every
    start (a fifth of a second each time) in its empty home."""
    os.makedirs(folder, exist_ok=True)
    for path in _font_caches():
        shutil.copy(path, folder)


@functools.lru_cache(maxsize=None)
def _font_caches():
    try:
        import matplotlib
        import matplotlib.font_manager  # noqa: F401 (builds the cache if there is none yet)
    except ImportError:
        return []
    return glob.glob(os.path.join(matplotlib.get_cachedir(), "fontlist-*.json"))


@functools.lru_cache(maxsize=None)
def available():
    """True when bubblewrap can build a sandbox on this machine."""
    if not shutil.which("bwrap") or not shutil.which("prlimit"):
        return False
    probe = subprocess.run(["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                            "--uid", "1000", "true"], capture_output=True)
    return probe.returncode == 0


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels are forked by a kernel factory (a Zygote) inside `bwrap`,
    talking over Unix sockets. It starts no kernel any other way: one without a factory is an
    error, never a kernel outside the sandbox or in a folder the grader uses."""

    memory_mb = Integer(3072, help="Address-space limit of a kernel, in MiB; the sandbox's "
                        "memory cgroup allows this plus the factory's own.").tag(config=True)
    max_processes = Integer(64, help="Processes and threads a kernel may run.").tag(config=True)
    max_file_mb = Integer(64, help="Largest file a kernel may write, in MiB.").tag(config=True)
    tmp_mb = Integer(256, help="Size of the sandbox's /tmp, in MiB.").tag(config=True)
    shm_mb = Integer(64, help="Size of the sandbox's /dev/shm, in MiB.").tag(config=True)
    scratch = Unicode("", help="Folder for the kernel factories' folders (default: the "
                      "system's temporary folder); the grader removes it when done.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.zygote = None
        self.transport = "ipc"  # there is no network inside the sandbox

    @default("context")
    def _context_default(self):
        self._created_context = True  # jupyter_client's: it destroys the context when done
        return without_linger(zmq.asyncio.Context())

    def fork_from(self, zygote):
        """Have the kernel forked by `zygote` (a kernel factory), its sockets in a new folder of
        the factory's."""
        self.zygote = zygote
        folder = str(zygote.folder("kernel-"))
        self.ip = os.path.join(folder, "ipc")
        self.connection_file = os.path.join(folder, "connection.json")

    async def interrupt_kernel(self):
        """Interrupt the running cell. A SIGINT would reach bubblewrap, not the kernel, and end
        the whole sandbox: ask the kernel over its control channel to interrupt itself."""
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    async def _async_pre_start_kernel(self, **kw):
        if self.zygote is None:
            raise RuntimeError("a sandboxed kernel must be forked by a kernel factory")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        argv = kernel_cmd[kernel_cmd.index("ipykernel_launcher") + 1:]
        kernel = ZygoteKernel(self.zygote, self.zygote.spawn(argv, kw.get("cwd") or os.getcwd()))
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid = kernel, kernel.pid, None
        provisioner.cwd = kw.get("cwd")
        self._reconcile_connection_info(provisioner.connection_info)


# A kernel's sockets are files in its factory's folder: <home>/kernel-XXXXXXXX/ipc-NNNNN, and
# a Unix socket's path has room for 107 bytes.
SOCKET_PATH_ROOM = 107 - len("/kernel-12345678/ipc-65535")


def _short_folder(prefix, scratch=None):
    """A new private folder in `scratch` (or the temporary folder), or, where its path would
    leave too little room for the kernels' socket paths (a long TMPDIR), in /tmp."""
    for parent in (scratch or None, tempfile.gettempdir(), "/tmp"):
        if len(os.path.join(os.path.abspath(parent or tempfile.gettempdir()), prefix + "12345678")) <= SOCKET_PATH_ROOM:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    raise RuntimeError("no temporary folder with a path short enough for a kernel's sockets")


def without_linger(context):
    """Make every socket `context` makes drop its unsent messages when it closes. zmq's
    default is to wait for them forever, and a kernel manager's context is ended by the
    garbage collector (jupyter_client's __del__ destroys it): one whose kernel died with a
    message unsent, an interrupt request say, hung a worker there for good."""
    context.setsockopt(zmq.LINGER, 0)
    return context


def _outside_only(env):
    env.pop("PYTHONPATH", None)  # the course package stays outside
    env.pop("TMPDIR", None)  # the sandbox has its own, empty /tmp


def sandbox_command(limits, cwd, writable, readonly_inside=()):
    """The bwrap and prlimit prefix that runs a command in a sandbox: `cwd` its working
    folder, `writable` the only folders it may write besides its own /tmp and /dev/shm,
    `readonly_inside` folders below those that it may only read; `limits` has memory_mb,
    max_processes, max_file_mb, tmp_mb and shm_mb."""
    python = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    readonly = [p for p in ("/usr", "/etc", "/bin", "/lib", "/lib64", "/sbin")
                if os.path.exists(p)] + sorted(python | {sys.prefix})
    # The empty /tmp comes first: a later bind may lie below it (a venv or a submission
    # under /tmp), and a tmpfs mounted after it would hide it.
    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all",
            "--uid", "1000", "--gid", "1000", "--size", str(limits.tmp_mb * MiB), "--tmpfs", "/tmp",
            "--dev", "/dev", "--size", str(limits.shm_mb * MiB), "--tmpfs", "/dev/shm",
            "--proc", "/proc"]
    for path in readonly:
        args += ["--ro-bind", path, path]
    for path in dict.fromkeys(writable):
        args += ["--bind", path, path]
    for path in readonly_inside:
        args += ["--ro-bind", path, path]
    # The folders bwrap made for its mount points, in its root and in /dev, would otherwise be
    # writable, unsized and shared by every kernel of a factory.
    args += ["--remount-ro", "/", "--remount-ro", "/dev"]
    args += ["--chdir", cwd,
             "--setenv", "HOME", "/tmp", "--setenv", "IPYTHONDIR", "/tmp/ipython",
             "--setenv", "OPENBLAS_NUM_THREADS", "1", "--unsetenv", "PYTHONPATH",
             # The grader's pid means nothing in the sandbox's own process tree: with it,
             # ipykernel looks for its parent, finds none, and exits at once.
             "--unsetenv", "JPY_PARENT_PID",
             "prlimit", f"--as={limits.memory_mb * MiB}", f"--nproc={limits.max_processes}",
             f"--fsize={limits.max_file_mb * MiB}", "--"]
    return args


# Threads of the kernel factory and of the kernel's own machinery (ZeroMQ, IOPub, heartbeat,
# control), counted in the pids cgroup on top of what the student's code may start.
FACTORY_THREADS = 16
# Memory of the factory itself (its imports, shared with the kernel it forks), counted in the
# memory cgroup on top of the kernel's limit.
FACTORY_MEMORY_MB = 512


class Zygote:
    """A sandbox whose one process (course/inside/kernel_factory.py) has imported what kernels
    import and forks a kernel per notebook, one at a time. Kernel start costs a fork instead of
    0.7 s of CPU; before each fork, every process the previous kernel left is killed, every
    place in the sandbox a kernel can write is emptied, and so is this folder (`home`, where
    kernels keep sockets and files). Any of these that fails raises RuntimeError: the factory
    is then not to be used again."""

    def __init__(self, limits, scratch=None):
        self.home = _short_folder("kernel-factory-", scratch)
        matplotlib_dir = self.home / ".matplotlib"
        _copy_font_cache(matplotlib_dir)
        env = dict(os.environ, MPLCONFIGDIR=str(matplotlib_dir))
        _outside_only(env)
        source = (Path(__file__).parent / "inside" / "kernel_factory.py").read_text()
        memory = (limits.memory_mb + FACTORY_MEMORY_MB) * MiB
        command = (_cgroup_limits(limits.max_processes + FACTORY_THREADS, memory)
                   + sandbox_command(limits, str(self.home), [str(self.home)], [str(matplotlib_dir)])
                   + [sys.executable, "-c", source])
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, text=True)
        self._answer(timeout=60)  # ready: everything imported

    def alive(self):
        return self.process.poll() is None

    def fresh(self):
        """Kill what earlier kernels left and empty every place they could write; raise
        RuntimeError if a trace is left, so that the factory is thrown away instead."""
        self.ask(op="clear")
        for path in self.home.iterdir():
            if path.name == ".matplotlib":
                continue
            if path.is_dir() and not path.is_symlink():
                open_up(path)
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        left = [p.name for p in self.home.iterdir() if p.name != ".matplotlib"]
        if left:
            raise RuntimeError(f"the kernel factory's folder could not be emptied: {left[:5]}")

    def folder(self, prefix):
        """A new folder that the next kernel can see and write."""
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.home))

    def spawn(self, argv, cwd):
        return self.ask(op="spawn", argv=list(argv), cwd=str(cwd))["pid"]

    def ask(self, **request):
        if not self.alive():
            raise RuntimeError("the kernel factory has stopped")
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except OSError:  # it stopped just now
            self.close()
            raise RuntimeError("the kernel factory has stopped") from None
        answer = self._answer(timeout=30)
        if "error" in answer:
            raise RuntimeError(f"the kernel factory failed: {answer['error']}")
        return answer

    def _answer(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise RuntimeError("the kernel factory did not answer")
        return json.loads(line)

    def close(self):
        if self.alive():
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.home.is_dir():
            open_up(self.home)
        shutil.rmtree(self.home, ignore_errors=True)


class ZygoteKernel:
    """A kernel forked by a Zygote, seen as the subprocess.Popen that jupyter_client expects."""
    stdin = stdout = stderr = None

    def __init__(self, zygote, pid):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self):
        if self.returncode is None:
            try:
                self.returncode = self.zygote.ask(op="poll", pid=self.pid)["code"]
            except RuntimeError:
                self.returncode = -signal.SIGKILL  # the factory, and so the kernel, is gone
        return self.returncode

    def wait(self, timeout=None):
        while self.poll() is None:
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            self.zygote.ask(op="signal", pid=self.pid, signum=int(signum))

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


def _limits_key(limits):
    return (limits.memory_mb, limits.max_processes, limits.max_file_mb, limits.tmp_mb, limits.shm_mb)


_ZYGOTES = {}


def zygote_for(limits, scratch=None):
    """This thread's kernel factory for these limits, made fresh for a new kernel: started
    (again) if need be, and replaced by a new one when it cannot be cleared. (One per thread:
    a factory serves one kernel at a time.)"""
    key = (_limits_key(limits), scratch, threading.get_ident())
    zygote = _ZYGOTES.get(key)
    if zygote is not None:
        try:
            zygote.fresh()
            return zygote
        except RuntimeError:
            zygote.close()
            del _ZYGOTES[key]
    zygote = _ZYGOTES[key] = Zygote(limits, scratch)
    zygote.fresh()  # a new factory that cannot be cleared either: the error stands
    return zygote


@atexit.register
def close_zygotes():
    """Stop this process's kernel factories and remove their folders."""
    while _ZYGOTES:
        _ZYGOTES.popitem()[1].close()
