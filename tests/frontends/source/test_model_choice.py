"""Which model a file shows when one is bound to two names (`model = net`): the name the user gives, or `model`,
finds it under either name; the count is the framework's count of that object."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise

pytest.importorskip("torch")
pytest.importorskip("keras")
import keras_oracle  # noqa: E402
import torch_oracle  # noqa: E402

TORCH = "import torch.nn as nn\nnet = nn.Linear(3, 4)\nother = nn.Linear(5, 5)\nmodel = net\n"
KERAS = ("import keras\nnet = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])\n"
         "other = keras.Sequential([keras.Input((5,)), keras.layers.Dense(5)])\nmodel = net\n")


@pytest.mark.parametrize("chosen", [None, "model", "net", "other"])
def test_torch_model_bound_to_two_names(tmp_path: Path, chosen: str | None) -> None:
    path = tmp_path / "alias_torch.py"
    path.write_text(TORCH)
    namespace = torch_oracle.build(path)
    want = namespace[chosen or "model"]
    assert paramwise.read(str(path), model=chosen).total == sum(p.numel() for p in want.parameters())


@pytest.mark.parametrize("chosen", [None, "model", "net", "other"])
def test_keras_model_bound_to_two_names(tmp_path: Path, chosen: str | None) -> None:
    path = tmp_path / "alias_keras.py"
    path.write_text(KERAS)
    want = keras_oracle.build(path, chosen or "model")
    assert paramwise.read(str(path), model=chosen).total == want.count_params()


def test_model_names_a_class_the_file_defines_but_never_builds(tmp_path: Path) -> None:
    """`--model A` in a file that defines classes A and B and builds neither builds A (as `FILE:A` does)."""
    path = tmp_path / "two_classes.py"
    path.write_text("import torch.nn as nn\n"
                    "class A(nn.Module):\n    def __init__(self, width=2):\n        super().__init__()\n"
                    "        self.l = nn.Linear(width, width)\n"
                    "class B(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Linear(3, 3)\n")
    namespace = torch_oracle.build(path)
    for name in ("A", "B"):
        want = namespace[name]()
        assert paramwise.read(str(path), model=name).total == sum(p.numel() for p in want.parameters())
