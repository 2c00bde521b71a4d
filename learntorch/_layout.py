"""``layout`` and ``memory_format`` values: names torch code passes around (``torch.strided``,
``torch.channels_last``).

learntorch's tensors are all ``strided``; the sparse and mkldnn layouts exist only as values,
so code that compares ``x.layout == torch.strided`` or passes ``layout=`` keeps working.
"""


class _Named:
    """A singleton value that prints as ``torch.<name>`` and pickles back to itself."""

    __slots__ = ("_name",)
    _instances = None

    def __new__(cls, *args, **kwargs):
        raise TypeError(f"cannot create 'torch.{cls.__name__}' instances")

    @classmethod
    def _make(cls, name):
        obj = object.__new__(cls)
        obj._name = name
        return obj

    def __repr__(self):
        return f"torch.{self._name}"

    def __reduce__(self):
        return self._name  # pickle finds the singleton by its module-level name

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class layout(_Named):
    """How a tensor's elements are stored; learntorch has only ``strided``."""

    __slots__ = ()
    __module__ = "learntorch._layout"


class memory_format(_Named):
    """The order of a dense tensor's dimensions in memory."""

    __slots__ = ()
    __module__ = "learntorch._layout"


strided = layout._make("strided")
sparse_coo = layout._make("sparse_coo")
sparse_csr = layout._make("sparse_csr")
sparse_csc = layout._make("sparse_csc")
sparse_bsr = layout._make("sparse_bsr")
sparse_bsc = layout._make("sparse_bsc")
jagged = layout._make("jagged")
_mkldnn = layout._make("_mkldnn")

contiguous_format = memory_format._make("contiguous_format")
channels_last = memory_format._make("channels_last")
channels_last_3d = memory_format._make("channels_last_3d")
preserve_format = memory_format._make("preserve_format")
legacy_contiguous_format = contiguous_format  # torch: the same object under an old name

__all__ = ["layout", "memory_format", "strided", "sparse_coo", "sparse_csr", "sparse_csc",
           "sparse_bsr", "sparse_bsc", "jagged", "contiguous_format", "channels_last",
           "channels_last_3d", "preserve_format", "legacy_contiguous_format"]
