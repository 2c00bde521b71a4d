"""learntorch.hub: fetch a checkpoint from a URL into a local cache and load it (torch.hub's
``load_state_dict_from_url`` and helpers; loading models from GitHub repositories is not here).

The cache is torch's own (``$TORCH_HOME/hub/checkpoints``, by default
``~/.cache/torch/hub/checkpoints``) and so is the file format, so a checkpoint torch has
downloaded is found and loaded here without a second download.
"""
import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.request
from urllib.parse import urlparse

from .serialization import load

# ``name-<sha256 prefix>.ext``: the hash torch checks when check_hash=True
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir = None


def get_dir():
    """The hub cache folder: set_dir's, else $TORCH_HOME/hub, else ~/.cache/torch/hub."""
    if _hub_dir is not None:
        return _hub_dir
    home = os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(
        os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")))
    return os.path.join(home, "hub")


def set_dir(d):
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to the file ``dst`` (through a temporary file, so a failed download
    leaves nothing half-written); with ``hash_prefix``, check the SHA-256 starts with it.
    ``progress`` is accepted; no progress bar is drawn."""
    dst = os.path.expanduser(dst)
    folder = os.path.dirname(os.path.abspath(dst))
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(delete=False, dir=folder) as tmp:
        try:
            with urllib.request.urlopen(url) as response:
                for block in iter(lambda: response.read(1 << 20), b""):
                    tmp.write(block)
                    digest.update(block)
            tmp.close()
            if hash_prefix is not None and not digest.hexdigest().startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got '
                                   f'"{digest.hexdigest()}")')
            shutil.move(tmp.name, dst)
        finally:
            if os.path.exists(tmp.name):
                os.remove(tmp.name)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=False):
    """Load the object saved at ``url``, downloading it into ``model_dir`` only once."""
    model_dir = os.path.join(get_dir(), "checkpoints") if model_dir is None else model_dir
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached_file, match.group(1) if match else None, progress)
    return load(cached_file, map_location=map_location, weights_only=weights_only)
