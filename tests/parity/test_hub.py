"""hub.load_state_dict_from_url / utils.model_zoo.load_url, checked against torch's with
file:// URLs (no network): the same cache rules, hash check and loaded objects."""
import hashlib
import os

import numpy as np
import pytest
import torch
import torch.utils.model_zoo

import learntorch as lt


@pytest.fixture
def checkpoint(tmp_path):
    """A state dict saved by torch, named the way torch's hash check expects."""
    path = tmp_path / "weights.pth"
    torch.save({"w": torch.arange(6.0).reshape(2, 3), "b": torch.ones(2)}, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    named = tmp_path / f"weights-{digest[:8]}.pth"
    path.rename(named)
    return named


def test_load_url_downloads_once_and_loads_like_torch(checkpoint, tmp_path):
    url = checkpoint.as_uri()
    ours = lt.utils.model_zoo.load_url(url, model_dir=str(tmp_path / "ours"), check_hash=True)
    theirs = torch.utils.model_zoo.load_url(url, model_dir=str(tmp_path / "theirs"), check_hash=True)
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        assert np.array_equal(ours[key].numpy(), theirs[key].numpy())
    assert os.listdir(tmp_path / "ours") == os.listdir(tmp_path / "theirs")
    # the cached copy is used: the URL is not read again
    checkpoint.unlink()
    again = lt.hub.load_state_dict_from_url(url, model_dir=str(tmp_path / "ours"))
    assert np.array_equal(again["w"].numpy(), theirs["w"].numpy())


def test_a_wrong_hash_is_refused_and_nothing_is_cached(checkpoint, tmp_path):
    bad = checkpoint.with_name("weights-deadbeef.pth")
    checkpoint.rename(bad)
    with pytest.raises(RuntimeError, match="invalid hash value") as theirs:
        torch.hub.load_state_dict_from_url(bad.as_uri(), model_dir=str(tmp_path / "t"), check_hash=True)
    with pytest.raises(RuntimeError, match="invalid hash value") as ours:
        lt.hub.load_state_dict_from_url(bad.as_uri(), model_dir=str(tmp_path / "o"), check_hash=True)
    assert str(ours.value) == str(theirs.value)
    assert os.listdir(tmp_path / "o") == []


def test_the_cache_folder_follows_torch_home(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert lt.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "hub")
