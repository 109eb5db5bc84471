"""Grader side: notebook execution that survives the submissions which stop stock nbgrader,
and test-cell scores that only the grader decides.

Stock nbgrader drops a whole notebook when a cell kills its kernel (`os._exit`, a crash) or
keeps running after the timeout's interrupt (a loop that ignores SIGINT). `RobustExecute`
takes nbgrader's place in the autograde pipeline. A cell past its time limit is interrupted
and gets an error that says so. When it ignores the interrupt for another time limit, or its
kernel dies, the kernel is restarted, the cells that ran before are replayed silently to
rebuild the state, and execution goes on with the next cell.
Cells graded before the failure keep their points; only the cells that need the broken code
lose theirs. The hidden part of each test cell runs in the grader, not in the kernel
(course/judge.py); where bubblewrap works, kernels run in a sandbox, forked from a kernel
factory that has numpy and matplotlib imported (course/sandbox.py). A cell's output is capped,
and a warning on stderr does not fail a test.

nbgrader scores a test cell from its outputs: the first error scores 0, and an `execute_result`
before it is read as partial credit. The kernel writes those outputs, so before nbgrader reads
a test cell, its outputs are settled here (`_settle`): no `execute_result` is left (what it
showed is kept as text), so the only thing that decides the cell is whether it holds an
error, and the grader's own checks add theirs. The kernel can cost its student points, never
earn them: a cell passes only when the hidden checks, run in the grader, pass.
"""
import json
import os
import shutil
import subprocess
import time
from queue import Empty

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_hook, run_sync
from nbformat import NotebookNode
from traitlets import Bool, Integer, Unicode

from nbgrader.preprocessors import Execute

from . import judge, notebooks, sandbox

# The `ename` of the error output that marks a cell the grader had to abandon.
TIMEOUT = "CellTimeoutError"
KERNEL_DIED = "DeadKernelError"
# The start of the note that replaces a cell's output past the cap.
OUTPUT_CUT = "[the grader dropped the rest of this cell's output"
# Attempts at forking a kernel: a factory may die between its check and the fork.
FORK_ATTEMPTS = 2


class RobustExecute(Execute):
    """nbgrader's Execute preprocessor, which restarts the kernel instead of giving up."""

    # A cell past its time limit is interrupted, as stock nbgrader does; one that ignores the
    # interrupt gets a second time limit, then the kernel is restarted (_async_handle_timeout).
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

    @property
    def sandboxed(self):
        return self.kernel_manager_class is sandbox.SandboxedKernelManager

    def create_kernel_manager(self):
        """nbclient's, with a context that does not wait for unsent messages (see
        sandbox.without_linger); the sandbox's kernel managers make theirs so themselves."""
        km = super().create_kernel_manager()
        sandbox.without_linger(km.context)
        return km

    async def async_start_new_kernel(self, **kwargs):
        # The kernel process's own output is start-up chatter, not the student's output (that
        # comes over the kernel protocol), so it is kept out of the grader's log.
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        self._start_kwargs = kwargs
        if self.sandboxed:
            return await self._async_fork_kernel(kwargs)
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def _async_fork_kernel(self, kwargs):
        """Fork the notebook's kernel from this thread's kernel factory (course/sandbox.py),
        in a fresh copy of the notebook's folder inside the factory's sandbox. The kernel
        never sees the folder the grader works in. Without a factory that could be cleared
        there is no kernel: RuntimeError, never a kernel started another way."""
        folder = kwargs.get("cwd") or self.resources.get("metadata", {}).get("path") or os.getcwd()
        arguments = list(self.extra_arguments)
        if self.ipython_hist_file and not any(a.startswith("--HistoryManager.hist_file") for a in arguments):
            arguments.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        for attempt in range(FORK_ATTEMPTS):
            km = self.kernel_manager_class(kernel_name=self.kernel_name, config=self.config)
            zygote = sandbox.zygote_for(km, km.scratch or None)
            km.fork_from(zygote)
            slot = zygote.folder("notebook-")
            shutil.copytree(folder, slot, dirs_exist_ok=True, symlinks=True)
            try:
                await ensure_async(km.start_kernel(extra_arguments=arguments, **dict(kwargs, cwd=str(slot))))
                break
            except RuntimeError:
                if attempt + 1 == FORK_ATTEMPTS:
                    raise
                self.log.warning("The kernel factory failed; starting a new one")
        self.km, self._slot = km, slot

    async def async_start_new_kernel_client(self):
        """nbclient's, with a shorter wait for the kernel's broadcast channel to connect.

        jupyter_client waits up to 0.2 s for a message on IOPub after each kernel_info reply;
        the first usually goes missing (ZeroMQ's subscriber connects late), so every kernel
        cost a quarter of a second. Here the same handshake polls in 20 ms steps."""
        self.kc = self.km.client(context=judge.capped_context())
        await ensure_async(self.kc.start_channels())
        try:
            await self._async_wait_until_connected()
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _async_wait_until_connected(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            msg_id = self.kc.kernel_info()
            try:
                reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply and reply["parent_header"].get("msg_id") == msg_id:
                try:
                    await ensure_async(self.kc.iopub_channel.get_msg(timeout=0.02))
                    return
                except Empty:
                    continue
            if not await ensure_async(self.km.is_alive()):
                raise DeadKernelError("the kernel died before it was ready")
        raise RuntimeError(f"the kernel was not ready within {self.startup_timeout} s")

    async def _async_cleanup_kernel(self):
        link = getattr(self, "_link", None)
        if link is not None:
            link.close()
        try:
            await super()._async_cleanup_kernel()
        finally:
            slot = getattr(self, "_slot", None)
            if slot is not None:
                shutil.rmtree(slot, ignore_errors=True)
                self._slot = None

    _cleanup_kernel = run_sync(_async_cleanup_kernel)

    def preprocess(self, nb, resources=None, km=None):
        self._ran_ok = []  # the code of the cells whose state a restarted kernel must rebuild
        self._link = judge.KernelLink(lambda: self.kc, self.timeout,
                                      interrupt=lambda: ensure_async(self.km.interrupt_kernel()))
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        test = notebooks.is_test(cell)
        source, hidden = cell.source, ""
        if self.judge_hidden_tests and test:
            source, hidden = judge.split_hidden(cell.source)
        try:
            self._run(cell, index, source, hidden, test)
        finally:
            if test:
                _settle(cell)
        return cell, resources

    def _run(self, cell, index, source, hidden, test):
        """Run the cell's code in the kernel and, for a test cell that raised nothing there,
        its hidden checks in the grader; restart the kernel where it cannot go on."""
        self._interrupted = False
        try:
            self._execute(cell, index, source)
            if self._interrupted:
                self._mark_interrupted(cell)
                return
            if test:
                _warnings_are_not_failures(cell)
            if hidden.strip() and not _failed(cell):
                self._judge(cell, hidden)
        except CellTimeoutError:
            self._abandon(cell, TIMEOUT, f"timed out: the cell ran past the {self.timeout} s time "
                          "limit (an infinite loop?) and was stopped; the kernel was restarted")
        except judge.ConnectionDropped as error:
            self._abandon(cell, "AnswerTooLarge", f"{error}; the kernel was restarted")
        except DeadKernelError:
            self._abandon(cell, KERNEL_DIED, "the kernel died while running this cell "
                          "(os._exit, a crash, or out of memory); the kernel was restarted")
        else:
            if _raised(cell, "MemoryError"):
                # A kernel that ran out of memory may stay bloated and fail the cells after it.
                self._restart_and_replay()
            else:
                self._ran_ok.append(source)

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        self._output_bytes += size
        if self._output_bytes <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if self._output_bytes - size <= self.max_output_bytes:  # the first output dropped
            note = NotebookNode(output_type="stream", name="stdout",
                                text=f"\n{OUTPUT_CUT}: more than {self.max_output_bytes // 1000} kB]\n")
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

    async def _async_handle_timeout(self, timeout, cell=None):
        """At the time limit, interrupt the cell (KeyboardInterrupt ends an ordinary loop and
        the kernel keeps its state); if it is still running one time limit later, give up on
        it: CellTimeoutError, and preprocess_cell restarts the kernel."""
        if not self._interrupted:
            self._interrupted = True
            await ensure_async(self.km.interrupt_kernel())
            return None
        raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell)

    def _mark_interrupted(self, cell):
        """Replace the KeyboardInterrupt the interrupt caused with the grader's timeout error."""
        evalue = (f"timed out: the cell ran past the {self.timeout} s time limit (an infinite "
                  "loop?) and was interrupted")
        self.log.warning("Cell %s: %s", cell.get("id"), evalue)
        cell.outputs = [o for o in cell.get("outputs", []) if o.get("ename") != "KeyboardInterrupt"]
        cell.outputs.append(NotebookNode(output_type="error", ename=TIMEOUT, evalue=evalue,
                                         traceback=[f"{TIMEOUT}: {evalue}"]))

    def _judge(self, cell, hidden):
        """Run a test cell's hidden checks in this process; a failure becomes the cell's error."""
        try:
            judge.run_hidden(hidden, self._link, notebooks.label(cell))
        except (CellTimeoutError, DeadKernelError, judge.ConnectionDropped):
            raise
        except (Exception, judge.HiddenTestTimeout) as error:
            ename, evalue = type(error).__name__, str(error)
            if isinstance(error, judge.HiddenTestTimeout):
                ename = TIMEOUT
                self.log.warning("Cell %s: %s", cell.get("id"), evalue)
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
        if self.sandboxed:  # a new fork, in a new copy of the folder (the factory may be new)
            try:
                await ensure_async(self.km.shutdown_kernel(now=True))
            except RuntimeError:  # its factory is gone, and the kernel with it
                pass
            await self._async_cleanup_kernel()
            await self._async_fork_kernel(self._start_kwargs)
        else:
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


def _settle(cell):
    """Leave in a test cell only outputs that cannot earn it points: every `execute_result`
    (which nbgrader would read as a score) becomes the text it showed. Whether the cell passes
    then rests on one thing: whether an error is among its outputs. The kernel's errors can
    only cost its student; the grader's (hidden checks, time limits, a dead kernel) decide."""
    settled = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "execute_result":
            text = output.get("data", {}).get("text/plain", "")
            if not isinstance(text, str):
                text = "".join(map(str, text))
            output = NotebookNode(output_type="stream", name="stdout", text=text[:10_000] + "\n")
        settled.append(output)
    cell.outputs = settled


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
