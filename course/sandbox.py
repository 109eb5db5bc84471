"""Each student's kernel runs in a bubblewrap sandbox with resource limits.

Inside it the kernel sees the Python installation (read-only), its own submission folder
(read-write, its working folder) and an empty /tmp; not the course's source, not the
gradebook, not other students. It has no network (it talks to the grader over Unix sockets),
its own process tree, and limits on memory, processes and file size, so a memory bomb, a fork
bomb or a runaway file ends as that cell's error, never as the grader's problem. Memory and
file size are limited with rlimits (prlimit), processes with a cgroup where the machine
allows it (RLIMIT_NPROC as well, for machines where the sandbox's user is not root).
"""
import functools
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Unicode

MiB = 1024 * 1024
# cgroup (v1) pids controller: RLIMIT_NPROC does not bind here, because the sandbox's user
# maps to root outside it, and the kernel never limits root's processes.
PIDS = "/sys/fs/cgroup/pids"


def _process_limit(most):
    """A command prefix that starts the rest of the command in a new pids cgroup holding at
    most `most` processes and threads; none where cgroups cannot be written."""
    if not os.access(PIDS, os.W_OK):
        return []
    group = tempfile.mkdtemp(prefix="grader-kernel-", dir=PIDS)
    with open(os.path.join(group, "pids.max"), "w") as limit:
        limit.write(str(most))
    return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', group]


def remove_empty_groups():
    """Remove the pids cgroups of kernels that have ended (the kernel empties them on exit)."""
    for name in os.listdir(PIDS) if os.path.isdir(PIDS) else []:
        if name.startswith("grader-kernel-"):
            try:
                os.rmdir(os.path.join(PIDS, name))
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
    """A kernel manager whose kernels start inside `bwrap`, talking over Unix sockets."""

    memory_mb = Integer(3072, help="Address-space limit of a kernel, in MiB.").tag(config=True)
    max_processes = Integer(64, help="Processes and threads a kernel may run.").tag(config=True)
    max_file_mb = Integer(64, help="Largest file a kernel may write, in MiB.").tag(config=True)
    scratch = Unicode("", help="Folder for the kernels' sockets (default: the system's "
                      "temporary folder); the grader removes it when done.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._sockets = tempfile.mkdtemp(prefix="kernel-", dir=self.scratch or None)
        self.transport = "ipc"  # there is no network inside the sandbox
        self.ip = os.path.join(self._sockets, "ipc")
        self.connection_file = os.path.join(self._sockets, "connection.json")
        self._matplotlib = os.path.join(self._sockets, "matplotlib")
        _copy_font_cache(self._matplotlib)

    async def interrupt_kernel(self):
        """Interrupt the running cell. A SIGINT would reach bubblewrap, not the kernel, and end
        the whole sandbox: ask the kernel over its control channel to interrupt itself."""
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    async def _async_pre_start_kernel(self, **kw):
        command, kw = await super()._async_pre_start_kernel(**kw)
        cwd = os.path.abspath(kw.get("cwd") or os.getcwd())
        env = kw["env"]
        env.pop("PYTHONPATH", None)  # the course package stays outside
        env.pop("TMPDIR", None)  # the sandbox has its own, empty /tmp
        return _process_limit(self.max_processes) + self._sandbox(cwd) + command, kw

    def _sandbox(self, cwd):
        python = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
        readonly = [p for p in ("/usr", "/etc", "/bin", "/lib", "/lib64", "/sbin")
                    if os.path.exists(p)] + sorted(python | {sys.prefix})
        # The empty /tmp comes first: a later bind may lie below it (a venv or a submission
        # under /tmp), and a tmpfs mounted after it would hide it.
        args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all",
                "--uid", "1000", "--gid", "1000", "--tmpfs", "/tmp", "--dev", "/dev", "--proc", "/proc"]
        for path in readonly:
            args += ["--ro-bind", path, path]
        args += ["--bind", self._sockets, self._sockets, "--bind", cwd, cwd, "--chdir", cwd,
                 "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", self._matplotlib,
                 "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "OPENBLAS_NUM_THREADS", "1",
                 "--unsetenv", "PYTHONPATH",
                 # The grader's pid means nothing in the sandbox's own process tree: with it,
                 # ipykernel looks for its parent, finds none, and exits at once.
                 "--unsetenv", "JPY_PARENT_PID",
                 "prlimit", f"--as={self.memory_mb * MiB}", f"--nproc={self.max_processes}",
                 f"--fsize={self.max_file_mb * MiB}", "--"]
        return args
