"""Fixtures the unit tests share."""
import gc

import pytest


@pytest.fixture
def no_gc():
    """Only reference counting may free anything inside the test."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()
