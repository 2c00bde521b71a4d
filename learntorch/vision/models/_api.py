"""torchvision's model-builder plumbing: weight enums and the legacy ``pretrained=`` interface.

A ``Weights`` entry records where torchvision publishes a checkpoint; ``get_state_dict``
fetches it with ``learntorch.hub.load_state_dict_from_url`` (cached, so an offline machine
works once the file sits in ``hub.get_dir()/checkpoints``).
"""
import enum
import functools
import inspect
import warnings
from dataclasses import dataclass, field

from ... import hub


@dataclass
class Weights:
    url: str
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
    def meta(self):
        return self.value.meta


def weights_enum(name, checkpoints, default):
    """A ``WeightsEnum`` subclass from ``{member: (url, number of categories or None)}``."""
    members = {key: Weights(url, {"num_classes": classes})
               for key, (url, classes) in checkpoints.items()}
    members["DEFAULT"] = members[default]
    return WeightsEnum(name, members, module=__name__.rsplit(".", 1)[0])


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
    if weights is not None and weights.meta["num_classes"] is not None:
        _ovewrite_named_param(kwargs, "num_classes", weights.meta["num_classes"])
    model = model_cls(*args, **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def named(builder, name, enum):
    """Give a builder made in a loop its public name and docstring."""
    builder.__name__ = builder.__qualname__ = name
    builder.__doc__ = (f"{name} from torchvision; ``weights`` (a ``{enum.__name__}``) loads "
                       "its checkpoint.")
    return builder
