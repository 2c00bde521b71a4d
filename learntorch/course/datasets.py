"""Datasets the course's chapters load with worker processes.

A Dataset class defined in a notebook cell lives in ``__main__``: forked workers (Linux) inherit
it, but spawned ones (macOS, Windows, Python ≥ 3.14) re-import it by name and cannot.  A class in
this module imports everywhere, so chapter 5's ``num_workers=2`` runs on every system.
"""
import time

from ..utils.data import Dataset, get_worker_info


class SlowDataset(Dataset):
    """``dataset``, each item ``seconds`` slower, as if read from a slow disk or decoded.

    Item ``i`` is a dict: the wrapped item's ``x`` and ``y``, the ``index``, the ``worker`` that
    made it (-1: the main process) and when it started and ended (``time.perf_counter()``, a
    clock that all processes of one machine share), so a picture can show who did what when.
    """

    def __init__(self, dataset, seconds=0.002):
        self.dataset, self.seconds = dataset, seconds

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        start = time.perf_counter()
        time.sleep(self.seconds)
        x, y = self.dataset[index]
        info = get_worker_info()
        return {"x": x, "y": y, "index": index, "worker": -1 if info is None else info.id,
                "start": start, "end": time.perf_counter()}
