"""What the file-reading datasets share: argument checks with torchvision's messages, and the
one error every dataset raises when its files are not there (learntorch never downloads)."""
import hashlib
import os
from pathlib import Path

__all__ = ["verify_str_arg", "check_integrity", "calculate_md5", "check_md5", "list_dir",
           "list_files", "iterable_to_str"]


def iterable_to_str(iterable):
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is one of ``valid_values``, else torchvision's ValueError."""
    if not isinstance(value, str):
        msg = "Expected type str" if arg is None else "Expected type str for argument {arg}"
        raise ValueError(f"{msg.format(arg=arg)}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    raise ValueError(f"Unknown value '{value}' for argument {arg}. "
                     f"Valid values are {{{iterable_to_str(valid_values)}}}.")


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """The file exists (and, given ``md5``, has that checksum)."""
    if not os.path.isfile(fpath):
        return False
    return True if md5 is None else check_md5(fpath, md5)


def list_dir(root, prefix=False):
    root = os.path.expanduser(root)
    names = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    return [os.path.join(root, d) for d in names] if prefix else names


def list_files(root, suffix, prefix=False):
    root = os.path.expanduser(root)
    names = [p for p in os.listdir(root)
             if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    return [os.path.join(root, d) for d in names] if prefix else names


def dataset_not_found(what):
    """The error a dataset raises when its files are not there: ``what`` says where to put
    which files."""
    return RuntimeError(f"Dataset not found: {what}. learntorch never downloads.")


def require_files(folder, names, how):
    """``folder``'s path; a RuntimeError naming what is missing and ``how`` to get it, if any
    of ``names`` is not in it."""
    folder = Path(folder)
    missing = [n for n in names if not (folder / n).exists()]
    if missing:
        raise dataset_not_found(f"put {', '.join(missing)} in {folder} ({how})")
    return folder
