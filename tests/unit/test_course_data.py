"""Chapter 5's course helpers: the pictures of learntorch/course/data_plots.py fit JupyterLab's
850 px output area (and the SVGs are the same on every run), and course.datasets.SlowDataset records who
made each sample, in the main process and in worker processes."""
import re

import pytest

import learntorch as torch
from learntorch.course.datasets import SlowDataset
from learntorch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

pytest.importorskip("matplotlib")
pytest.importorskip("IPython")
from learntorch.course import data_plots  # noqa: E402


def _batches():
    return {"sequential": [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]],
            "random": list(BatchSampler(RandomSampler(range(10), generator=torch.Generator()
                                                      .manual_seed(0)), 4, drop_last=True))}


PICTURES = {
    "batches": lambda: data_plots.batches(_batches()),
    "class_counts": lambda: data_plots.class_counts({"a": torch.tensor([0, 1, 1, 2]),
                                                     "b": torch.tensor([2, 2, 2, 0])}),
    "timeline": lambda: data_plots.timeline({
        "num_workers=0": [(-1, 0.0, 0.1, 0.1), (-1, 0.1, 0.2, 0.2)],
        "num_workers=2": [(0, 0.05, 0.15, 0.16), (1, 0.05, 0.14, 0.17)]}),
    "image_grid": lambda: data_plots.image_grid(torch.rand(3, 30, 60), "a grid"),
}


def _width_px(picture):
    if hasattr(picture, "width") and picture.width:       # a retina PNG: shown at this width
        return picture.width
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"', picture.data)
    return float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1)


@pytest.mark.parametrize("name", PICTURES)
def test_picture_fits_the_output_area(name):
    assert 0 < _width_px(PICTURES[name]()) <= 850    # in a 1,280 px JupyterLab window


@pytest.mark.parametrize("name", ["batches", "class_counts"])
def test_svg_pictures_are_deterministic(name):
    assert PICTURES[name]().data == PICTURES[name]().data


def test_batches_shows_where_one_batch_ends_and_the_next_begins():
    one_then_two = data_plots.batches({"a": [[0], [1, 2]]}).data
    assert data_plots.batches({"a": [[0, 1], [2]]}).data != one_then_two


def _slow():
    return SlowDataset(TensorDataset(torch.arange(8.0).reshape(4, 2), torch.tensor([0, 1, 0, 1])),
                       seconds=0.001)


def test_slow_dataset_item_is_the_wrapped_item_and_when_it_was_made():
    item = _slow()[2]
    assert torch.equal(item["x"], torch.tensor([4.0, 5.0])) and item["y"].item() == 0
    assert item["index"] == 2 and item["worker"] == -1
    assert item["end"] - item["start"] >= 0.001


def test_slow_dataset_in_workers_records_which_worker_made_each_batch():
    batches = list(DataLoader(_slow(), batch_size=1, num_workers=2))
    assert [b["worker"].item() for b in batches] == [0, 1, 0, 1]
    assert [b["index"].item() for b in batches] == [0, 1, 2, 3]
