"""The names `from MODULE import *` gives (src/paramwise/frontends/source/exports.json) are what the pinned
frameworks export now: the committed file equals what scripts/exports.py writes from the installed keras and torch."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from paramwise.frontends.source import exports

pytest.importorskip("torch")
pytest.importorskip("keras")
SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "exports.py"


def test_the_committed_table_is_what_the_frameworks_export() -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    spec = importlib.util.spec_from_file_location("exports_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    committed = SCRIPT.parent.parent / "src" / "paramwise" / "frontends" / "source" / "exports.json"
    assert script.render(script.exports()) == committed.read_text(), "run python scripts/exports.py"


def test_star_names_resolve_only_where_the_module_exports_them() -> None:
    assert exports.star_source(["keras.models", "keras.layers"], "concatenate") == "keras.layers.concatenate"
    assert exports.star_source(["keras.models", "keras.layers"], "Model") == "keras.models.Model"
    assert exports.star_source(["keras.layers"], "Model") is None
    assert exports.star_source(["tensorflow.keras.layers"], "Dense") == "tensorflow.keras.layers.Dense"
    assert exports.star_source(["somewhere.else"], "Dense") is None
