"""Notebook execution that survives the submissions which stop stock nbgrader.

Stock nbgrader drops a whole notebook when a cell kills its kernel (`os._exit`, a crash) or
keeps running after the timeout's interrupt (a loop that ignores SIGINT). `RobustExecute`
takes nbgrader's place in the autograde pipeline: when a cell times out or its kernel dies,
the cell gets an error output that says so, the kernel is restarted, the cells that ran
before are replayed silently to rebuild the state, and execution goes on with the next cell.
Cells graded before the failure keep their points; only the cells that need the broken code
lose theirs.
"""
import subprocess
import time
from queue import Empty

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from traitlets import Bool, Integer

from nbgrader.preprocessors import Execute

# The `ename` of the error output that marks a cell the grader had to abandon.
TIMEOUT = "CellTimeoutError"
KERNEL_DIED = "DeadKernelError"


class RobustExecute(Execute):
    """nbgrader's Execute preprocessor, which restarts the kernel instead of giving up."""

    # The interrupt alone cannot stop a loop that ignores SIGINT: restart the kernel instead.
    interrupt_on_timeout = Bool(False).tag(config=True)
    replay_timeout = Integer(60, help="Seconds allowed for replaying one earlier cell.").tag(config=True)

    async def async_start_new_kernel(self, **kwargs):
        # The kernel's own stderr holds start-up chatter, not the student's output (that comes
        # over the kernel protocol), so it is kept out of the grader's log.
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def preprocess(self, nb, resources=None, km=None):
        self._ran_ok = []  # indices of the cells whose state a restarted kernel must rebuild
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        try:
            cell = self.execute_cell(cell, index, store_history=True)
        except CellTimeoutError:
            self._abandon(cell, TIMEOUT, f"timed out: the cell ran past the {self.timeout} s time "
                          "limit (an infinite loop?) and was stopped; the kernel was restarted")
        except DeadKernelError:
            self._abandon(cell, KERNEL_DIED, "the kernel died while running this cell "
                          "(os._exit, a crash, or out of memory); the kernel was restarted")
        else:
            self._ran_ok.append(index)
        return cell, resources

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
        for index in list(self._ran_ok):
            msg_id = self.kc.execute(self.nb.cells[index].source, silent=True, store_history=False)
            if not await self._async_wait_quietly(msg_id):
                # A cell that hangs on replay is left out, and the state rebuilt without it.
                self.log.warning("Replaying cell %s failed; rebuilding without it", index)
                self._ran_ok.remove(index)
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
