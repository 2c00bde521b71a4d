"""``backends.mps``: Apple's Metal backend is not part of learntorch."""


def is_available():
    return False


def is_built():
    return False


def is_macos_or_newer(major, minor):
    return False


def is_macos13_or_newer(minor=0):
    return False


def _no_mps(name):
    return AttributeError(f"backends.mps.{name}: learntorch has no MPS backend")


def get_core_count():
    raise _no_mps("get_core_count")


def get_name():
    raise _no_mps("get_name")
