"""torchvision's model-builder plumbing: weight enums, the model registry (``get_model``,
``list_models``) and the legacy ``pretrained=`` interface.

A ``Weights`` entry records where torchvision publishes a checkpoint, the preset transforms
it was trained with and torchvision's ``meta`` for it (both read from
``vision/data/weights_meta.json``, written by ``tools/vision_weights_meta.py``);
``get_state_dict`` fetches it with ``learntorch.hub.load_state_dict_from_url`` (cached, so an
offline machine works once the file sits in ``hub.get_dir()/checkpoints``).
"""
import enum
import fnmatch
import functools
import importlib
import inspect
import json
import pathlib
import typing
import warnings
from dataclasses import dataclass, field

from ... import hub
from ..transforms import _presets

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights",
           "get_weight", "list_models"]


@dataclass
class Weights:
    """Where a checkpoint lives, the transforms that prepare its input (a callable that builds
    the preset) and what it is (``meta``: categories, parameter count, accuracy …)."""
    url: str
    transforms: object = None
    meta: dict = field(default_factory=dict)


class WeightsEnum(enum.Enum):
    """One member per published checkpoint, plus ``DEFAULT`` (an alias of the recommended one)."""

    @classmethod
    def verify(cls, obj):
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} "
                                f"but received {obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        return hub.load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def weights_enum(name, checkpoints, default):
    """A ``WeightsEnum`` subclass from ``{member: url}``, each checkpoint described as
    torchvision describes it; ``default`` names the member ``DEFAULT`` stands for."""
    members = {key: _weights(f"{name}.{key}", url) for key, url in checkpoints.items()}
    members["DEFAULT"] = members[default]
    return WeightsEnum(name, members, module=__name__.rsplit(".", 1)[0])


@functools.cache
def _described():
    path = pathlib.Path(__file__).resolve().parent.parent / "data" / "weights_meta.json"
    return json.loads(path.read_text())


def _weights(key, url):
    """``key``'s (e.g. ``"ResNet18_Weights.IMAGENET1K_V1"``) entry of weights_meta.json."""
    described = _described()
    entry = described["checkpoints"][key]
    (preset, keywords), = entry["transforms"].items()
    keywords = {k: _presets.InterpolationMode(v) if k == "interpolation" else
                tuple(v) if type(v) is list else v for k, v in keywords.items()}
    meta = dict(entry["meta"])
    if meta.get("categories") is not None:
        meta["categories"] = described["categories"][meta["categories"]]
    if "min_size" in meta:
        meta["min_size"] = tuple(meta["min_size"])
    return Weights(url, functools.partial(getattr(_presets, preset), **keywords), meta)


def _sequence_to_str(seq, separate_last=""):
    if not seq:
        return ""
    if len(seq) == 1:
        return f"'{seq[0]}'"
    head = "'" + "', '".join(str(item) for item in seq[:-1]) + "'"
    tail = f"{'' if separate_last and len(seq) == 2 else ','} {separate_last}'{seq[-1]}'"
    return head + tail


def _kwonly_to_pos_or_kw(fn):
    """Accept keyword-only arguments positionally too, with torchvision's deprecation warning."""
    params = tuple(inspect.signature(fn).parameters.values())
    start = next(i for i, p in enumerate(params) if p.kind == p.KEYWORD_ONLY)
    names = tuple(p.name for p in params[start:])

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, extra = args[:start], args[start:]
        if extra:
            extra_kwargs = dict(zip(names, extra))
            warnings.warn(f"Using {_sequence_to_str(tuple(extra_kwargs), separate_last='and ')} as "
                          "positional parameter(s) is deprecated since 0.13 and may be removed in "
                          "the future. Please use keyword parameter(s) instead.")
            kwargs.update(extra_kwargs)
        return fn(*args, **kwargs)
    return wrapper


def handle_legacy_interface(default_weights):
    """Map the pre-0.13 ``pretrained=True/False`` onto ``weights=``, warning as torchvision does."""
    def outer(builder):
        @_kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            sentinel = object()
            weights_arg = kwargs.get("weights", sentinel)
            legacy = ("weights" in kwargs or "pretrained" in kwargs) and not (
                isinstance(weights_arg, WeightsEnum) or weights_arg is None
                or (isinstance(weights_arg, str) and weights_arg != "legacy"))
            if legacy:
                positional = weights_arg is not sentinel
                if positional:
                    kwargs["pretrained"] = pretrained = kwargs.pop("weights")
                else:
                    pretrained = kwargs["pretrained"]
                if pretrained and default_weights is None:
                    raise ValueError(f"No weights available for model {builder.__name__}")
                default = default_weights if pretrained else None
                if not positional:
                    warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be "
                                  "removed in the future, please use 'weights' instead.")
                msg = ("Arguments other than a weight enum or `None` for 'weights' are deprecated "
                       "since 0.13 and may be removed in the future. The current behavior is "
                       f"equivalent to passing `weights={default}`.")
                if pretrained:
                    msg += (f" You can also use `weights={type(default).__name__}.DEFAULT` to get "
                            "the most up-to-date weights.")
                warnings.warn(msg)
                del kwargs["pretrained"]
                kwargs["weights"] = default
            return builder(*args, **kwargs)
        return inner
    return outer


def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} "
                             f"but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def build(model_cls, weights, progress, *args, **kwargs):
    """``model_cls(*args, **kwargs)`` with ``weights`` loaded into it, as every builder does."""
    if weights is not None and weights.meta["categories"] is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = model_cls(*args, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def named(builder, name, enum):
    """Give a builder made in a loop its public name, docstring and weights type; register it."""
    fn = builder
    while fn is not None:  # every wrapper too, so that error messages name the model
        fn.__name__ = fn.__qualname__ = name
        fn = getattr(fn, "__wrapped__", None)
    builder.__doc__ = (f"{name} from torchvision; ``weights`` (a ``{enum.__name__}``) loads "
                       "its checkpoint.")
    inspect.unwrap(builder).__annotations__["weights"] = typing.Optional[enum]
    return register_model()(builder)


# -- the registry: every builder by name, as torchvision.models.get_model finds it -------------
BUILTIN_MODELS = {}


def register_model(name=None):
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered builders (of ``module`` only, if given), filtered by
    fnmatch patterns: the union of ``include``'s matches minus every ``exclude`` match."""
    all_models = {k for k, v in BUILTIN_MODELS.items()
                  if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        include = [include] if isinstance(include, str) else include
        models = set().union(*(fnmatch.filter(all_models, f) for f in include))
    else:
        models = all_models
    if exclude:
        for exclude_filter in [exclude] if isinstance(exclude, str) else exclude:
            models = models - set(fnmatch.filter(all_models, exclude_filter))
    return sorted(models)


def get_model_builder(name):
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """The model registered as ``name``, built with ``config`` (e.g. ``weights=``)."""
    return get_model_builder(name)(**config)


def get_model_weights(name):
    """The ``WeightsEnum`` of a builder (or of the builder registered as ``name``)."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    sig = inspect.signature(fn)
    if "weights" not in sig.parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = sig.parameters["weights"].annotation
    candidates = [ann] + list(typing.get_args(ann))
    for t in candidates:
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. "
                     "Make sure the typing info is correct.")


def get_weight(name):
    """The weight entry named like ``"ResNet50_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    models = importlib.import_module(__name__.rsplit(".", 1)[0])
    weights_enum = getattr(models, enum_name, None)
    if not (isinstance(weights_enum, type) and issubclass(weights_enum, WeightsEnum)):
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be "
                         "retrieved.")
    return weights_enum[value_name]
