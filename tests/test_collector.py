"""The collector pause of merge and agreement never leaves the garbage collector off."""

from __future__ import annotations

import gc

import pytest

from annotator.collector import paused
from annotator.errors import AnnotatorError
from annotator.merge import merge_files
from annotator.store import Store


def test_paused_turns_it_off_and_back_on_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_paused_leaves_it_off_if_it_was_off():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failed_merge_leaves_the_collector_on(tmp_path):
    bad = tmp_path / "not-a-project.annotator.db"
    bad.write_bytes(b"hello, not sqlite")
    with Store(tmp_path / "lead.annotator.db") as store:
        with pytest.raises(AnnotatorError):
            merge_files(store, [bad])
    assert gc.isenabled()
