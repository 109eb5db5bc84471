"""Kernel side: the only code of the grader that runs inside the sandbox, next to the student's.

Nothing here is imported by a kernel: each module is sent into the sandbox as source text and
runs there, where student code can read and rebind it. So nothing here decides a point or holds
a secret. `kernel_factory` forks one kernel per notebook; `wire_server` answers the grader's
requests inside a kernel. Everything outside this package runs in the grader.
"""
