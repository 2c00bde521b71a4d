"""``TorchVersion``: a version string that compares with strings and tuples as a version
(``"0.10" > "0.9"``), as torch's does; only the release numbers count (``"2.1.0+cpu"`` is 2.1.0)."""
import re

from .version import __version__ as internal_version

__all__ = ["TorchVersion"]


def _release(version):
    """``(2, 1, 0)`` for ``"2.1.0+cpu"``, ``(2, 1)`` for ``(2, 1)``; trailing zeros dropped."""
    if isinstance(version, (tuple, list)):
        parts = [int(p) for p in version]
    else:
        match = re.match(r"\s*v?(\d+(?:\.\d+)*)", str(version))
        if match is None:
            raise ValueError(f"Invalid version: {version!r}")
        parts = [int(p) for p in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


class TorchVersion(str):
    """``learntorch.__version__ >= "0.1"`` and ``>= (0, 1)`` compare as versions, not as text."""

    def __gt__(self, other):
        return _release(self) > _release(other)

    def __ge__(self, other):
        return _release(self) >= _release(other)

    def __lt__(self, other):
        return _release(self) < _release(other)

    def __le__(self, other):
        return _release(self) <= _release(other)

    def __eq__(self, other):
        try:
            return _release(self) == _release(other)
        except (ValueError, TypeError):
            return str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


__version__ = TorchVersion(internal_version)
