"""Notebook execution that survives the submissions which stop stock nbgrader.

Stock nbgrader drops a whole notebook when a cell kills its kernel (`os._exit`, a crash) or
keeps running after the timeout's interrupt (a loop that ignores SIGINT). `RobustExecute`
takes nbgrader's place in the autograde pipeline: when a cell times out or its kernel dies,
the cell gets an error output that says so, the kernel is restarted, the cells that ran
before are replayed silently to rebuild the state, and execution goes on with the next cell.
Cells graded before the failure keep their points; only the cells that need the broken code
lose theirs. The hidden part of each test cell runs in the grader, not in the kernel
(course/judge.py); kernels start in a sandbox where bubblewrap works (course/sandbox.py); a
cell's output is capped, and a warning on stderr does not fail a test.
"""
import json
import subprocess
import time
from queue import Empty

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from traitlets import Bool, Integer, Unicode

from nbgrader.preprocessors import Execute

from . import judge, notebooks, sandbox

# The `ename` of the error output that marks a cell the grader had to abandon.
TIMEOUT = "CellTimeoutError"
KERNEL_DIED = "DeadKernelError"


class RobustExecute(Execute):
    """nbgrader's Execute preprocessor, which restarts the kernel instead of giving up."""

    # The interrupt alone cannot stop a loop that ignores SIGINT: restart the kernel instead.
    interrupt_on_timeout = Bool(False).tag(config=True)
    replay_timeout = Integer(60, help="Seconds allowed for replaying one earlier cell.").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="Output kept from one cell; the rest is dropped, "
                               "so that printing a gigabyte costs no memory.").tag(config=True)
    sandbox = Unicode("auto", help="Run kernels in a bubblewrap sandbox: 'on', 'off', or "
                      "'auto' (on where bubblewrap works).").tag(config=True)
    judge_hidden_tests = Bool(True, help="Run hidden tests in the grader, out of the kernel's "
                              "reach (course/judge.py), instead of in the kernel.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.sandbox == "on" or (self.sandbox == "auto" and sandbox.available()):
            if not sandbox.available():
                raise RuntimeError("sandbox 'on', but bubblewrap (bwrap) does not work here")
            self.kernel_manager_class = sandbox.SandboxedKernelManager

    async def async_start_new_kernel(self, **kwargs):
        # The kernel process's own output is start-up chatter, not the student's output (that
        # comes over the kernel protocol), so it is kept out of the grader's log.
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def preprocess(self, nb, resources=None, km=None):
        self._ran_ok = []  # the code of the cells whose state a restarted kernel must rebuild
        self._link = judge.KernelLink(lambda: self.kc, self.timeout)
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        source, hidden = cell.source, ""
        if self.judge_hidden_tests and notebooks.is_test(cell):
            source, hidden = judge.split_hidden(cell.source)
        try:
            self._execute(cell, index, source)
            if notebooks.is_test(cell):
                _warnings_are_not_failures(cell)
            if hidden.strip() and not _failed(cell):
                self._judge(cell, hidden)
        except CellTimeoutError:
            self._abandon(cell, TIMEOUT, f"timed out: the cell ran past the {self.timeout} s time "
                          "limit (an infinite loop?) and was stopped; the kernel was restarted")
        except DeadKernelError:
            self._abandon(cell, KERNEL_DIED, "the kernel died while running this cell "
                          "(os._exit, a crash, or out of memory); the kernel was restarted")
        else:
            if _raised(cell, "MemoryError"):
                # A kernel that ran out of memory may stay bloated and fail the cells after it.
                self._restart_and_replay()
            else:
                self._ran_ok.append(source)
        return cell, resources

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        self._output_bytes += size
        if self._output_bytes <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if self._output_bytes - size <= self.max_output_bytes:  # the first output dropped
            note = NotebookNode(output_type="stream", name="stdout",
                                text=f"\n[the grader dropped the rest of this cell's output: "
                                     f"more than {self.max_output_bytes // 1000} kB]\n")
            outs.append(note)
        return None

    def _execute(self, cell, index, source):
        """Run `source` in the kernel as cell `index`; the cell keeps its own source."""
        self._output_bytes = 0
        original, cell.source = cell.source, source
        try:
            self.execute_cell(cell, index, store_history=True)
        finally:
            cell.source = original

    def _judge(self, cell, hidden):
        """Run a test cell's hidden checks in this process; a failure becomes the cell's error."""
        try:
            judge.run_hidden(hidden, self._link, notebooks.label(cell))
        except (CellTimeoutError, DeadKernelError):
            raise
        except Exception as error:
            ename, evalue = type(error).__name__, str(error)
            # First, so that nbgrader scores the cell 0 whatever the public part displayed.
            cell.outputs.insert(0, NotebookNode(output_type="error", ename=ename, evalue=evalue,
                                                traceback=[f"{ename}: {evalue}"]))

    def _abandon(self, cell, ename, evalue):
        self.log.warning("Cell %s: %s", cell.get("id"), evalue)
        cell.outputs = getattr(cell, "outputs", [])
        cell.outputs.append(NotebookNode(output_type="error", ename=ename, evalue=evalue,
                                         traceback=[f"{ename}: {evalue}"]))
        cell.execution_count = None
        self._restart_and_replay()

    def _restart_and_replay(self):
        run_sync(self._async_restart_and_replay)()

    async def _async_restart_and_replay(self):
        """Start a fresh kernel and re-run, without recording outputs, the cells that ran."""
        await ensure_async(self.km.restart_kernel(now=True))
        await ensure_async(self.kc.stop_channels())
        await self.async_start_new_kernel_client()
        self._link.installed = False
        for source in list(self._ran_ok):
            msg_id = self.kc.execute(source, silent=True, store_history=False)
            if not await self._async_wait_quietly(msg_id):
                # A cell that hangs on replay is left out, and the state rebuilt without it.
                self.log.warning("Replaying a cell failed; rebuilding without it")
                self._ran_ok.remove(source)
                return await self._async_restart_and_replay()

    async def _async_wait_quietly(self, msg_id):
        """Wait for the reply to `msg_id`; False if it does not come within replay_timeout."""
        deadline = time.monotonic() + self.replay_timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                reply = await ensure_async(self.kc.get_shell_msg(timeout=left))
            except Empty:
                return False
            if reply["parent_header"].get("msg_id") == msg_id:
                return True
        return False


def _failed(cell):
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def _warnings_are_not_failures(cell):
    """nbgrader scores a test cell 0 when it wrote anything to stderr; here only an exception
    fails a test, so a harmless warning (numpy's overflow in exp, say) costs nothing."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            output["name"] = "stdout"


def _raised(cell, ename):
    return any(output.get("output_type") == "error" and output.get("ename") == ename
               for output in cell.get("outputs", []))
