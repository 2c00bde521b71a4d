"""Write learntorch/vision/data/weights_meta.json: what torchvision says about each published
checkpoint of the classification models — its preset transforms (``weights.transforms``) and
its ``meta`` (ImageNet category names, parameter count, accuracy, recipe …).

These are facts about torchvision's files, not code, so learntorch ships them as data: a model
built here describes its checkpoints exactly as torchvision does, and ``weights.transforms()``
prepares an image the way the checkpoint was trained.  Run once, as a maintainer, with the
torchvision test oracle installed (needed here at build time only; learntorch never imports it):

    .venv/bin/python tools/vision_weights_meta.py

The category lists are stored once and referred to by name (all 1000-class checkpoints share
ImageNet's).  The script checks the file it wrote reads back into the same transforms and meta.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "learntorch" / "vision" / "data" / "weights_meta.json"
sys.path.insert(0, str(ROOT))


def _entry(weights, category_lists):
    """One checkpoint: the preset's keyword arguments and its meta, categories by name."""
    preset = weights.transforms
    keywords = {key: getattr(value, "value", value) for key, value in preset.keywords.items()}
    meta = dict(weights.meta)
    categories = meta.get("categories")
    if categories is not None:
        name = f"{len(categories)}"
        known = category_lists.setdefault(name, list(categories))
        assert known == list(categories), f"two different {name}-category lists"
        meta["categories"] = name
    return {"transforms": {preset.func.__name__: keywords}, "meta": meta}


def main():
    from tests.parity.torchvision_oracle import import_torchvision

    import learntorch.vision.models as ours
    theirs = import_torchvision().models
    category_lists, checkpoints = {}, {}
    for enum_name in sorted(n for n in dir(ours) if n.endswith("_Weights")):
        for member, weights in getattr(theirs, enum_name).__members__.items():
            if member != "DEFAULT":
                checkpoints[f"{enum_name}.{member}"] = _entry(weights, category_lists)
    OUT.write_text(json.dumps({"categories": category_lists, "checkpoints": checkpoints},
                              indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(checkpoints)} checkpoints, "
          f"{OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
