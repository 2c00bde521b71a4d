"""Chapter 5's pictures (learntorch/course/data_plots.py): each fits JupyterLab's 850 px output
area (a wider one is cut off or shrunk) and is the same on every run."""
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("IPython")
from learntorch.course import data_plots  # noqa: E402

_RECORDS = [(w % 2, 0.1 * k, 0.1 * k + 0.15, 0.1 * k + 0.2) for k, w in enumerate(range(16))]

PICTURES = {
    "batches": lambda: data_plots.batches({"a long sampler name": [list(range(4))] * 8,
                                           "short": [[0, 1], [2]]}),
    "timeline": lambda: data_plots.timeline({"num_workers=0": [(-1, 0.1 * k, 0.1 * k + 0.1, 0.1 * k + 0.1)
                                                               for k in range(16)],
                                             "num_workers=2": _RECORDS}),
    "image_grid": lambda: data_plots.image_grid(np.linspace(0, 1, 3 * 40 * 300).reshape(3, 40, 300),
                                                "a wide grid"),
    "class_counts": lambda: data_plots.class_counts({"a": np.arange(10), "b": np.zeros(10)}),
}


def _width_px(picture):
    if hasattr(picture, "width") and picture.width:       # a retina PNG: shown at this width
        return picture.width
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"', picture.data)
    return float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1)


@pytest.mark.parametrize("name", PICTURES)
def test_picture_fits_the_output_area_and_is_deterministic(name):
    first, second = PICTURES[name](), PICTURES[name]()
    assert _width_px(first) <= 850    # JupyterLab's output area in a 1,280 px window
    assert first.data == second.data
