"""pytest plugin for `make test`: run notebook cells under nbval the way Jupyter does.

nbval 0.11 sends each cell to the kernel with ``store_history=False``. IPython then
does not see the cell in its history, so a trailing ``;`` no longer hides the cell's
value (``torch.manual_seed(0);`` shows ``<learntorch.random.Generator at 0x…>``), and
``_``/``Out`` do not advance: the run would differ from the outputs Jupyter stored.
JupyterLab and ``jupyter nbconvert --execute`` use ``store_history=True``; so do we.

Loaded with ``-p tests.notebooks.nbval_store_history`` (see the Makefile's NBVAL_ARGS).
"""
from nbval.kernel import RunningKernel


def _execute_cell_input(self, cell_input, allow_stdin=None):
    return self.kc.execute(
        cell_input,
        store_history=True,
        allow_stdin=allow_stdin,
        stop_on_error=False,
    )


_execute_cell_input.__doc__ = RunningKernel.execute_cell_input.__doc__
RunningKernel.execute_cell_input = _execute_cell_input
