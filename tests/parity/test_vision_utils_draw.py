"""learntorch.vision.utils' drawing helpers against torchvision 0.28's, pixel for pixel:
boxes (plain, filled, labelled, rotated; uint8, float and grey images), segmentation masks,
keypoints with connections and visibility, optical flow colours, and their errors."""
import numpy as np
import pytest
import torch

import learntorch as lt
import learntorch.vision.utils as lt_utils
from torchvision_oracle import import_torchvision

tv = import_torchvision()
import torchvision.utils as tv_utils  # noqa: E402

RNG = np.random.default_rng(11)


class Both(tuple):
    """An argument given to learntorch as its first item and to torchvision as its second."""


def pair(array):
    return Both((lt.from_numpy(array.copy()), torch.from_numpy(array.copy())))


def same(ours, theirs):
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


IMAGE = RNG.integers(0, 256, (3, 40, 50), dtype=np.uint8)
BOXES = np.array([[2, 3, 20, 30], [10, 5, 45, 38.7], [0, 0, 49, 39]], dtype=np.float32)


@pytest.mark.parametrize("kwargs", [
    {}, {"colors": "red", "width": 3}, {"colors": ["#00ff00", (1, 2, 3), "blue"], "fill": True},
    {"labels": ["cat", "dog", "a longer label"]},
    {"labels": ["cat", "dog", "x"], "fill_labels": True, "label_background_colors": "white"},
    {"labels": ["cat", "dog", "x"], "label_colors": ["yellow", "red", "green"]},
])
@pytest.mark.parametrize("kind", ["uint8", "float", "grey"])
def test_bounding_boxes_match_torchvision(kwargs, kind):
    image = {"uint8": IMAGE, "float": IMAGE.astype(np.float32) / 255, "grey": IMAGE[:1]}[kind]
    (a, b), (boxes_a, boxes_b) = pair(image), pair(BOXES)
    same(lt_utils.draw_bounding_boxes(a, boxes_a, **kwargs),
         tv_utils.draw_bounding_boxes(b, boxes_b, **kwargs))


def test_rotated_boxes_match_torchvision():
    corners = np.array([[5, 5, 30, 10, 25, 35, 2, 30], [40, 2, 48, 20, 30, 38, 20, 10]],
                       dtype=np.float32)
    (a, b), (boxes_a, boxes_b) = pair(IMAGE), pair(corners)
    for fill in (False, True):
        same(lt_utils.draw_bounding_boxes(a, boxes_a, fill=fill, width=2),
             tv_utils.draw_bounding_boxes(b, boxes_b, fill=fill, width=2))


def errors(fn_ours, fn_theirs, *cases):
    for args in cases:
        with pytest.raises(Exception) as theirs:
            fn_theirs(*[x[1] if isinstance(x, Both) else x for x in args])
        with pytest.raises(type(theirs.value)) as ours:
            fn_ours(*[x[0] if isinstance(x, Both) else x for x in args])
        assert str(ours.value) == str(theirs.value)


def test_bounding_box_errors_and_the_empty_warning():
    bad_order = pair(np.array([[20, 3, 2, 30]], np.float32))
    errors(lt_utils.draw_bounding_boxes, tv_utils.draw_bounding_boxes,
           (pair(IMAGE.astype(np.int32)), pair(BOXES)),
           (pair(IMAGE[None]), pair(BOXES)), (pair(IMAGE[:2]), pair(BOXES)),
           (pair(IMAGE), bad_order), (pair(IMAGE), pair(BOXES), ["one"]),
           (pair(IMAGE), pair(BOXES), None, ["red"]), (pair(IMAGE), pair(BOXES), None, (1, 2)),
           (pair(IMAGE), pair(BOXES), None, 7))
    with pytest.warns(UserWarning, match="No box was drawn"):
        out = lt_utils.draw_bounding_boxes(pair(IMAGE)[0], lt.zeros(0, 4))
    assert np.array_equal(out.numpy(), IMAGE)


@pytest.mark.parametrize("kind", ["uint8", "float"])
@pytest.mark.parametrize("colors", [None, "red", ["blue", (10, 200, 30)]])
def test_segmentation_masks_match_torchvision(kind, colors):
    image = IMAGE if kind == "uint8" else IMAGE.astype(np.float32) / 255
    masks = RNG.random((2, 40, 50)) > 0.6
    (a, b), (m_a, m_b) = pair(image), pair(masks)
    same(lt_utils.draw_segmentation_masks(a, m_a, alpha=0.6, colors=colors),
         tv_utils.draw_segmentation_masks(b, m_b, alpha=0.6, colors=colors))
    same(lt_utils.draw_segmentation_masks(a, m_a[0]), tv_utils.draw_segmentation_masks(b, m_b[0]))


def test_segmentation_mask_errors():
    masks = pair(RNG.random((2, 40, 50)) > 0.5)
    errors(lt_utils.draw_segmentation_masks, tv_utils.draw_segmentation_masks,
           (pair(IMAGE[:1]), masks), (pair(IMAGE), pair(np.zeros((2, 40, 50), np.uint8))),
           (pair(IMAGE), pair(np.zeros((2, 4, 5), bool))),
           (pair(IMAGE), pair(np.zeros((1, 2, 40, 50), bool))))


@pytest.mark.parametrize("kind", ["uint8", "float"])
def test_keypoints_match_torchvision(kind):
    image = IMAGE if kind == "uint8" else IMAGE.astype(np.float32) / 255
    points = RNG.uniform(0, 40, (2, 4, 2)).astype(np.float32)
    visible = np.array([[1, 1, 0, 1], [1, 1, 1, 1]], bool)
    (a, b), (p_a, p_b), (v_a, v_b) = pair(image), pair(points), pair(visible)
    links = [(0, 1), (1, 2), (2, 3)]
    same(lt_utils.draw_keypoints(a, p_a, connectivity=links, colors="red", radius=3),
         tv_utils.draw_keypoints(b, p_b, connectivity=links, colors="red", radius=3))
    same(lt_utils.draw_keypoints(a, p_a, links, visibility=v_a[..., None]),
         tv_utils.draw_keypoints(b, p_b, links, visibility=v_b[..., None]))


@pytest.mark.parametrize("shape", [(2, 7, 9), (3, 2, 5, 4)])
def test_flow_to_image_matches_torchvision(shape):
    flow = RNG.normal(0, 3, shape).astype(np.float32)
    a, b = pair(flow)
    same(lt_utils.flow_to_image(a), tv_utils.flow_to_image(b))
    errors(lt_utils.flow_to_image, tv_utils.flow_to_image, (pair(flow.astype(np.float64)),),
           (pair(np.zeros((3, 4, 4), np.float32)),))
