"""Chapter 4's pictures (learntorch/course/optim_plots.py): each fits the notebook's output area
and is the same on every run."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("IPython")
from learntorch.course import optim_plots  # noqa: E402


def _bowl(x, y):
    return 0.5 * x ** 2 + 5 * y ** 2


def _path(steps=6):
    t = np.arange(steps + 1)[:, None]
    return np.hstack([-4.0 * 0.8 ** t, 1.5 * (-0.5) ** t])


PICTURES = {
    "paths": lambda: optim_plots.paths(_bowl, {"a": _path(), "b": _path(3)}, (-4.5, 4.5), (-2, 2),
                                       minimum=(0, 0)),
    "paths in one row": lambda: optim_plots.paths(_bowl, {f"lr {i}": _path() for i in range(3)},
                                                  (-4.5, 4.5), (-2, 2), columns=4),
    "lines": lambda: optim_plots.lines(np.arange(5), {"a": np.ones(5), "b": np.arange(5.0) + 1},
                                       xlabel="step", log=True, title="t"),
    "schedules": lambda: optim_plots.schedules({"step": [0.1, 0.1, 0.05],
                                                "cosine": [0.1, 0.05, 0.0]}),
}


@pytest.mark.parametrize("name", PICTURES)
def test_picture_fits_the_column_and_is_deterministic(name):
    first, second = PICTURES[name](), PICTURES[name]()
    assert first.width <= 850    # shown at this width; JupyterLab's output area is about 850 px
    assert first.data == second.data


def test_paths_draws_one_panel_per_path_and_the_loss_panel():
    import matplotlib.pyplot as plt

    created = []
    original = plt.subplots

    def spy(*args, **kwargs):
        fig, axes = original(*args, **kwargs)
        created.append(axes)
        return fig, axes

    plt.subplots, saved = spy, plt.subplots
    try:
        optim_plots.paths(_bowl, {"a": _path(), "b": _path()}, (-4.5, 4.5), (-2, 2), columns=3)
    finally:
        plt.subplots = saved
    axes = list(np.ravel(created[0]))
    assert [ax.get_title() for ax in axes] == ["a", "b", "f along each path"]
    assert axes[2].get_yscale() == "log"
    assert len(axes[2].get_lines()) == 2
