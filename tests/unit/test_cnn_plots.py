"""Chapter 6's pictures (learntorch/course/cnn_plots.py): each fits JupyterLab's 850 px output area
and is the same on every run, so nbval can compare it."""
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("IPython")
from learntorch.course import cnn_plots  # noqa: E402

_MASK = np.zeros((28, 28))
_MASK[3:9, 4:10] = 1

PICTURES = {
    "correlation": lambda: cnn_plots.correlation(np.arange(25.0).reshape(5, 5), np.eye(3), 1, 2),
    "geometry": lambda: cnn_plots.geometry([dict(size=5, kernel=3),
                                            dict(size=5, kernel=3, padding=1),
                                            dict(size=7, kernel=3, stride=2),
                                            dict(size=7, kernel=3, dilation=2)]),
    "groups": lambda: cnn_plots.groups(4, [1, 2, 4]),
    "speed": lambda: cnn_plots.speed({"loops": 1.0, "im2col": 0.01, "learntorch": 0.002}),
    "receptive_fields": lambda: cnn_plots.receptive_fields(np.ones((28, 28)), {"conv1": _MASK}),
    "filters": lambda: cnn_plots.filters(np.arange(150.0).reshape(6, 1, 5, 5) - 75),
    "maps": lambda: cnn_plots.maps(np.ones((28, 28)), np.ones((6, 28, 28)), "conv1"),
    "confusion": lambda: cnn_plots.confusion(np.eye(10) * 30 + 1),
    "history": lambda: cnn_plots.history({"plain": ([1.0, 0.5], [0.8, 0.9])}),
}


def _width_px(picture):
    if hasattr(picture, "width") and picture.width:       # a retina PNG: shown at this width
        return picture.width
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)(pt|px)?"', picture.data)
    return float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1)


@pytest.mark.parametrize("name", PICTURES)
def test_picture_fits_the_column_and_is_deterministic(name):
    first, second = PICTURES[name](), PICTURES[name]()
    assert _width_px(first) <= 850    # JupyterLab's output area in a 1,280 px window
    assert first.data == second.data


def test_output_size_is_the_formula_of_the_chapter():
    assert cnn_plots.output_size(28, 5) == 24
    assert cnn_plots.output_size(28, 5, padding=2) == 28
    assert cnn_plots.output_size(7, 3, stride=2) == 3
    assert cnn_plots.output_size(12, 3, dilation=2) == 8
