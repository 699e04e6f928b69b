"""The Python that real model code uses, read by the source interpreter and checked against the frameworks:
functools.partial, copies, dataclasses, named tuples, typing.cast, collections.abc, argparse, attribute-dict
configs, getattr/hasattr/delattr, stdlib constants, try/with/while/match, `raise`, the `__main__` block, and
sizes computed from values paramwise does not read. Whatever the reader cannot follow is reported as
incomplete, never silently wrong."""

from __future__ import annotations

import json
import runpy
import warnings
from pathlib import Path
from typing import Any

import pytest

import paramwise
from helpers import check_invariants
from paramwise.cli import main
from paramwise.errors import INCOMPLETE, InputError

torch = pytest.importorskip("torch")
from torch_oracle import build, compare  # noqa: E402

HEAD = "import torch\nimport torch.nn as nn\n"


def write(tmp_path: Path, body: str, name: str = "m.py") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body)
    return path


def agree(tmp_path: Path, body: str, **options: Any) -> paramwise.Report:
    """Read the file and build it with torch: totals and per-module rows agree, and the reading is complete."""
    path = write(tmp_path, body)
    namespace = build(path)
    report = paramwise.read(str(path), **options)
    check_invariants(report)
    assert compare(report, namespace["model"]) == []
    assert [w.message for w in report.warnings if w.code in INCOMPLETE] == []
    return report


def exact_or_incomplete(tmp_path: Path, body: str) -> None:
    """Never silently wrong: the count equals torch's, or the report says it is incomplete."""
    path = write(tmp_path, body)
    model = build(path)["model"]
    report = paramwise.read(str(path))
    if report.total != sum(p.numel() for p in model.parameters()):
        assert [w for w in report.warnings if w.code in INCOMPLETE], report.total


# -- functools.partial ---------------------------------------------------------------------------------------


def test_partial_factories_keywords_and_defaults(tmp_path: Path) -> None:
    agree(tmp_path, """
from functools import partial
import functools
norm = partial(nn.LayerNorm, eps=1e-6)
def block(c, norm_layer=partial(nn.BatchNorm2d, momentum=0.01), act=functools.partial(nn.ReLU, inplace=True)):
    return nn.Sequential(nn.Conv2d(c, c, 3, bias=False), norm_layer(c), act())
conv = partial(partial(nn.Conv2d, 3), kernel_size=3)
model = nn.Sequential(block(4), nn.Flatten(), nn.Linear(4, 8), norm(8), conv(16))
""")


def test_partial_is_recognised_by_type_and_isinstance(tmp_path: Path) -> None:
    agree(tmp_path, """
import functools
from functools import partial
def make(n, bias):
    return nn.Linear(n, 2, bias=bias)
p = partial(make, bias=False)
checks = [type(p) == functools.partial, isinstance(p, partial), type(p) is partial, p.func == make,
          p.args == (), p.keywords == {"bias": False}, isinstance(make, partial)]
model = nn.Linear(4, 1 + sum(1 for c in checks if c))
""")


# -- copy ------------------------------------------------------------------------------------------------------


def test_deepcopy_of_plain_data_and_of_config_objects(tmp_path: Path) -> None:
    agree(tmp_path, """
import copy
class Cfg:
    def __init__(self):
        self.dims = [4, 8]
base = Cfg()
other = copy.deepcopy(base)
other.dims.append(16)
shallow = copy.copy(base)
shallow.dims.append(2)
layers = copy.deepcopy({"a": [1, 2]})
layers["a"].append(3)
model = nn.Sequential(nn.Linear(base.dims[-1], len(other.dims)), nn.Linear(len(other.dims), len(layers["a"])))
""")


@pytest.mark.parametrize("copy_call", ["copy.deepcopy(nn.Linear(8, 8))", "copy.deepcopy(block)", "copy.copy(block)"])
def test_a_copied_module_is_counted_or_the_reading_is_incomplete(tmp_path: Path, copy_call: str) -> None:
    exact_or_incomplete(tmp_path, f"""
import copy
block = nn.Sequential(nn.Linear(8, 8), nn.ReLU())
model = nn.ModuleList([{copy_call} for _ in range(3)])
""")


# -- dataclasses and named tuples -------------------------------------------------------------------------------


def test_dataclasses_fields_post_init_inheritance_and_frozen(tmp_path: Path) -> None:
    agree(tmp_path, """
from dataclasses import dataclass, field
import dataclasses
@dataclass
class Base:
    dim: int
    hidden: list = field(default_factory=lambda: [8, 8])
    depth: int = field(default=2)
    def __post_init__(self):
        self.inner = self.dim * 2
@dataclass
class Wide(Base):
    extra: int = 3
class Named(Wide):
    pass
@dataclass(frozen=True)
class Frozen:
    width: int = 5
cfg = Named(4, extra=5)
cfg.hidden.append(6)
f = Frozen()
try:
    f.width = 7
except dataclasses.FrozenInstanceError:
    pass
g = dataclasses.replace(f, width=9)
d = dataclasses.asdict(cfg)
model = nn.Sequential(nn.Linear(cfg.dim, cfg.inner), nn.Linear(cfg.inner, sum(cfg.hidden) + cfg.extra + cfg.depth),
                      nn.Linear(f.width, g.width), nn.Linear(d["extra"], len(d)))
""")


def test_dataclass_init_called_from_a_subclass(tmp_path: Path) -> None:
    agree(tmp_path, """
from dataclasses import dataclass
@dataclass
class _Config:
    channels: int
    groups: int = 1
class Config(_Config):
    def __init__(self, channels, width_mult=2.0):
        super().__init__(int(channels * width_mult), groups=2)
class Other(_Config):
    def __init__(self, c):
        _Config.__init__(self, c)
c = Config(8)
model = nn.Sequential(nn.Conv2d(c.channels, c.channels, 3, groups=c.groups), nn.Linear(Other(3).channels, 2))
""")


def test_named_tuples_with_defaults_keywords_unpacking(tmp_path: Path) -> None:
    agree(tmp_path, """
from typing import NamedTuple
from collections import namedtuple
class Config(NamedTuple):
    vocab_size: int = None
    dim: int = 8
    heads: int = 2
cfg = Config(vocab_size=100)
vocab, dim, heads = cfg
wider = cfg._replace(dim=16)
Pair = namedtuple("Pair", "inp out", defaults=(3,))
p = Pair(4)
model = nn.Sequential(nn.Embedding(cfg.vocab_size, cfg[1]), nn.Linear(dim, wider.dim * heads),
                      nn.Linear(p.inp, p.out + len(cfg) + isinstance(cfg, tuple)))
""")


def test_typing_cast_and_collections_abc(tmp_path: Path) -> None:
    agree(tmp_path, """
from typing import cast, Optional, Sequence as TSeq
from collections.abc import Sequence, Mapping, Iterable, Callable
import collections
def width(cfg):
    if isinstance(cfg, Mapping):
        return cfg["w"]
    if isinstance(cfg, (int, float)):
        return int(cfg)
    if isinstance(cfg, Sequence) and not isinstance(cfg, str):
        return sum(cfg)
    return 1
v = cast(int, 16)
flags = [isinstance([1], Iterable), isinstance(len, Callable), isinstance(width, collections.abc.Callable),
         isinstance("ab", TSeq), isinstance((1,), (str, (dict, tuple))), isinstance(3, Sequence)]
model = nn.Sequential(nn.Linear(width({"w": 4}), width([2, 3])), nn.Linear(width(5.0), v + sum(flags)))
""")


def test_an_abc_check_that_fails_raises_as_in_python(tmp_path: Path) -> None:
    path = write(tmp_path, """
from collections.abc import Sequence
class M(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if not isinstance(cfg, Sequence):
            raise TypeError("cfg must be a list")
        self.fc = nn.Linear(cfg[0], cfg[1])
model = M({"a": 1})
""")
    with pytest.raises(InputError, match="TypeError: cfg must be a list") as e:
        paramwise.read(str(path))
    assert e.value.location is not None and e.value.location.line == 9
    with pytest.raises(TypeError):
        build(path)


# -- argparse and attribute configs -------------------------------------------------------------------------------


def test_argparse_defaults(tmp_path: Path) -> None:
    body = """
import argparse
parser = argparse.ArgumentParser(description="train")
parser.add_argument('--emsize', type=int, default=60)
parser.add_argument('--n-hidden', type=int, default='12')
parser.add_argument('--no-bias', action='store_true')
parser.add_argument('--scale', type=float, default=0.5)
group = parser.add_argument_group("model")
group.add_argument('--layers', default=2, type=int)
parser.set_defaults(extra=3)
args = parser.parse_args()
known, rest = parser.parse_known_args()
empty = parser.parse_args([])
model = nn.Sequential(nn.Embedding(100, args.emsize), nn.Linear(args.emsize, args.n_hidden, bias=not args.no_bias),
                      nn.Linear(known.n_hidden, int(empty.layers / args.scale) + vars(args)["extra"]))
"""
    path = write(tmp_path, body)
    import sys

    saved = sys.argv
    sys.argv = ["m.py"]  # the oracle runs the script with no command-line arguments
    try:
        model = build(path)["model"]
    finally:
        sys.argv = saved
    report = paramwise.read(str(path))
    assert compare(report, model) == []


def test_a_required_integer_argument_is_a_named_unknown_size(tmp_path: Path) -> None:
    path = write(tmp_path, """
import argparse
p = argparse.ArgumentParser()
p.add_argument('--classes', type=int, required=True)
args = p.parse_args()
model = nn.Linear(4, args.classes)
""")
    report = paramwise.read(str(path), bindings={"classes": 3})
    assert compare(report, torch.nn.Linear(4, 3)) == []
    assert str(paramwise.read(str(path)).total) == "5*classes"


def test_attribute_dict_configs(tmp_path: Path) -> None:
    agree(tmp_path, """
import types
class CfgNode:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self
class DotDict(dict):
    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__
class Lookup:
    def __init__(self, values):
        self._values = values
    def __getattr__(self, name):
        return self._values[name]
C = CfgNode(n_embd=8)
h = AttrDict({"channels": 4}, depth=2)
h.width = 6
d = DotDict(a=3)
d.b = 5
ns = types.SimpleNamespace(k=2)
ns.j = 7
look = Lookup({"n": 9})
model = nn.Sequential(nn.Linear(C.n_embd, h.channels + h["width"] + len(h)), nn.Linear(d.a + d["b"], ns.k * ns.j),
                      nn.Linear(look.n, 1 + ("channels" in h) + hasattr(C, "missing")))
""")


def test_getattr_setattr_hasattr_delattr_and_del(tmp_path: Path) -> None:
    agree(tmp_path, """
class Cfg:
    width = 4
    def __init__(self):
        self.depth = 2
c = Cfg()
setattr(c, "extra", 3)
found = [hasattr(c, "extra"), hasattr(c, "nothing"), getattr(c, "nothing", 5) == 5]
del c.extra
delattr(c, "depth")
try:
    getattr(c, "depth")
    seen = 10
except AttributeError:
    seen = 1
class M(nn.Module):
    def __init__(self):
        super().__init__()
        for i in range(2):
            self.__setattr__('level_%d' % i, nn.Linear(4, 4))
        object.__setattr__(self, "plain", 3)
        setattr(self, "head", nn.Linear(c.width + sum(found) + seen + hasattr(c, "extra"), 2))
model = M()
""")


# -- the standard library, statements -------------------------------------------------------------------------------


def test_string_and_math_constants(tmp_path: Path) -> None:
    agree(tmp_path, """
import math
import string
from math import ceil, pi
n_letters = len(string.ascii_letters + " .,;'")
model = nn.Sequential(nn.Linear(n_letters, len(string.digits)), nn.Linear(10, ceil(10 / 3) + math.floor(pi)),
                      nn.Linear(7, int(math.sqrt(16)) * math.gcd(12, 8) + math.prod([2, 3]) + int(math.log2(8))))
""")


def test_try_with_while_for_else_and_match(tmp_path: Path) -> None:
    agree(tmp_path, """
class Ctx:
    def __enter__(self):
        return 3
    def __exit__(self, *exc):
        return False
widths = []
try:
    widths.append(1)
    {}["missing"]
except KeyError as e:
    widths.append(2)
else:
    widths.append(100)
finally:
    widths.append(3)
try:
    widths.append(4)
except ValueError:
    widths.append(100)
else:
    widths.append(5)
with Ctx() as w:
    widths.append(w)
with torch.no_grad():
    widths.append(6)
i = 0
while i < 3:
    i += 1
else:
    widths.append(7)
for j in range(3):
    if j == 1:
        break
else:
    widths.append(100)
def size(spec):
    match spec:
        case {"kind": "wide", "n": n}:
            return n * 2
        case [a, b, *rest]:
            return a + b + len(rest)
        case int(n) if n > 10:
            return n
        case "tiny" | "small":
            return 1
        case _:
            return 2
sizes = [size({"kind": "wide", "n": 3}), size([1, 2, 3, 4]), size(12), size("tiny"), size(None)]
model = nn.Sequential(nn.Linear(sum(widths), sum(sizes)))
""")


def test_a_raise_caught_by_its_caller(tmp_path: Path) -> None:
    agree(tmp_path, """
class Block(nn.Module):
    def __init__(self, n):
        super().__init__()
        if n > 4:
            raise ValueError(f"too wide: {n}")
        self.fc = nn.Linear(n, n)
class MyError(Exception):
    pass
def make(n):
    try:
        return Block(n)
    except ValueError as e:
        return nn.Linear(n, 1)
def fail():
    raise MyError("no")
try:
    fail()
except MyError:
    ok = 2
model = nn.Sequential(make(3), make(8), nn.Linear(1, ok))
""")


def test_a_raise_the_model_code_reaches_is_the_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, """
class M(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, 2)
        if n > 1:
            raise ValueError("torch cannot build this")
model = M(4)
""")
    with pytest.raises(ValueError):
        build(path)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "m.py:9:13: error: the code raises ValueError: torch cannot build this" in err


def test_a_raise_behind_a_condition_paramwise_cannot_evaluate_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, """
import os
if not os.path.exists("weights.pt"):
    raise FileNotFoundError("weights.pt")
model = nn.Linear(2, 2)
""")
    report = paramwise.read(str(path))
    assert report.total == sum(p.numel() for p in torch.nn.Linear(2, 2).parameters())
    assert [w.location.line for w in report.warnings if w.code in INCOMPLETE and w.location] == [6]


def test_the_main_block_runs_and_its_failures_are_warnings(tmp_path: Path) -> None:
    body = """
import sys
class Feat(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 8, 1)
    def forward(self, x):
        return self.conv(x), None, None
model = Feat()
if __name__ == '__main__':
    out, _, _ = Feat()(torch.rand(2, 3, 100))
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 2))
    data = torch.load(sys.argv[1])
    for epoch in range(int(data["epochs"])):
        pass
"""
    path = write(tmp_path, body)
    import sys

    saved = sys.argv
    sys.argv = [str(path)]  # run as a script given no arguments: it fails at sys.argv[1], after the model
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(IndexError):
                runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = saved
    report = paramwise.read(str(path))  # the model is the Sequential the block builds before it fails
    assert [w.code for w in report.warnings if "__main__" in w.message] == ["not_run"]
    assert compare(report, torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2))) == []


# -- sizes from values paramwise does not read --------------------------------------------------------------------


@pytest.mark.parametrize("line", ["n = len(df.columns) - 1", "n = df.shape[1]", "rows, n = df.shape", "n = int(df.n)"])
def test_a_size_from_data_is_a_named_unknown_size(tmp_path: Path, line: str) -> None:
    path = write(tmp_path, f"import pandas as pd\ndf = pd.read_csv('train.csv')\n{line}\nmodel = nn.Linear(n, 2)\n")
    report = paramwise.read(str(path))
    assert str(report.total) == "2*n + 2"
    assert [w.code for w in report.warnings if "'n'" in w.message] == ["unknown_size"]
    bound = write(tmp_path, "n = 5\nmodel = nn.Linear(n, 2)\n", name="bound.py")
    assert compare(paramwise.read(str(path), bindings={"n": 5}), build(bound)["model"]) == []


def test_a_size_from_data_used_directly_is_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, "import numpy as np\nclasses = np.load('c.npy')\nmodel = nn.Linear(4, len(classes))\n")
    with pytest.raises(InputError, match=r"len\(\) of classes, which paramwise does not read") as e:
        paramwise.read(str(path))
    assert e.value.location is not None and e.value.location.line == 5


# -- the same Python around Keras ----------------------------------------------------------------------------------


def keras_agree(tmp_path: Path, body: str) -> paramwise.Report:
    keras_oracle = pytest.importorskip("keras_oracle")
    path = tmp_path / "k.py"
    path.write_text("import keras\nfrom keras import layers\n" + body)
    model = keras_oracle.build(path)
    report = paramwise.read(str(path))
    check_invariants(report)
    assert keras_oracle.compare(report, model) == []
    assert [w.message for w in report.warnings if w.code in INCOMPLETE] == []
    return report


def test_keras_layer_factories_from_partial_and_a_dataclass_config(tmp_path: Path) -> None:
    keras_agree(tmp_path, """
from functools import partial
from dataclasses import dataclass, field
import argparse
@dataclass
class Config:
    filters: list = field(default_factory=lambda: [8, 16])
    classes: int = 3
    def __post_init__(self):
        self.last = self.filters[-1]
p = argparse.ArgumentParser()
p.add_argument("--dropout", type=float, default="0.5")
args = p.parse_args([])
cfg = Config()
Conv = partial(layers.Conv2D, kernel_size=3, padding="same", activation="relu")
model = keras.Sequential([keras.Input((28, 28, 1))] + [Conv(filters=f) for f in cfg.filters] +
                         [layers.GlobalAveragePooling2D(), layers.Dropout(args.dropout), layers.Dense(cfg.classes)])
""")


def test_keras_model_with_a_main_block_that_trains(tmp_path: Path) -> None:
    keras_agree(tmp_path, """
import numpy as np
def build(n):
    inputs = keras.Input((n,))
    return keras.Model(inputs, layers.Dense(2)(layers.Dense(8)(inputs)))
model = build(4)
if __name__ == "__main__":
    x = np.load("x.npy")
    model.compile("adam", "mse")
    model.fit(x, x[:, :2], epochs=int(x.shape[0]))
""")


def test_what_a_value_paramwise_does_not_read_decides_is_reported(tmp_path: Path) -> None:
    """A loop over data paramwise does not read, or a branch it decides, that would build layers: the count is
    short, so the reading says it is incomplete (it cannot equal torch's, which needs the data)."""
    path = write(tmp_path, """
import json
cfg = json.load(open("cfg.json"))
layers = []
for width in cfg["widths"]:
    layers.append(nn.Linear(width, width))
if cfg["big"]:
    layers.append(nn.Linear(4, 4))
device = "cuda" if torch.cuda.is_available() else "cpu"
if torch.cuda.is_available():
    device = "cuda:0"
model = nn.Sequential(*layers, nn.Linear(2, 2)).to(device)
""")
    report = paramwise.read(str(path))
    assert [w.location.line for w in report.warnings if w.code in INCOMPLETE and w.location] == [7, 9]


def test_dataclass_classmethods_properties_and_named_tuple_methods(tmp_path: Path) -> None:
    agree(tmp_path, """
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, List
@dataclass
class A:
    n: int = 4
    tags: List[str] = field(default_factory=list)
    m: int = field(init=False)
    def __post_init__(self):
        self.m = self.n * 2
    @classmethod
    def from_dict(cls, d):
        return cls(**d)
    @property
    def total(self):
        return self.n + self.m
@dataclass
class B(A):
    n: int = 6
    k: Optional[int] = None
    def __post_init__(self):
        super().__post_init__()
        self.k = self.k or 3
class P(NamedTuple):
    a: int
    b: int = 2
    @property
    def s(self):
        return self.a + self.b
    def twice(self):
        return 2 * self.a
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__ = self
a = A.from_dict({"n": 5})
b = B()
p = P(1)
q = P(*[3, 4])
x, *rest = q
h = AttrDict(u=1, v=2)
d = dict(**h)
e = {**h, "w": 3}
model = nn.Sequential(nn.Linear(a.total, b.total),
                      nn.Linear(b.k + p.s + q.twice() + x + len(rest), len(d) + len(e) + sum(h.values())))
""")


def test_membership_and_a_while_true_loop(tmp_path: Path) -> None:
    agree(tmp_path, """
class Cfg:
    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)
    def __contains__(self, k):
        return hasattr(self, k)
class MyLinear(nn.Linear):
    def __init__(self, a, b):
        nn.Linear.__init__(self, a, b, bias=False)
c = Cfg(n=4)
i = 0
while True:
    i += 1
    if i > 3:
        break
model = nn.Sequential(MyLinear(c.n, 2 + i), nn.Linear(3 if "n" in c else 1, 5 if "m" not in c else 1))
""")


def test_a_failing_assert_is_the_error_and_one_on_an_unknown_size_is_passed_over(tmp_path: Path) -> None:
    body = """
class Attn(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        assert d % h == 0, f"d={d} is not divisible by h={h}"
        assert d != 1
        self.q = nn.Linear(d, d)
model = Attn(DIM, 3)
"""
    failing = write(tmp_path, "DIM = 10\n" + body, name="failing.py")
    with pytest.raises(AssertionError):
        build(failing)
    with pytest.raises(InputError, match="AssertionError: d=10 is not divisible by h=3"):
        paramwise.read(str(failing))
    agree(tmp_path, "DIM = 12\n" + body)
    unknown = write(tmp_path, body, name="unknown.py")
    assert str(paramwise.read(str(unknown)).total) == "DIM**2 + DIM"


def test_locals_collects_a_functions_arguments(tmp_path: Path) -> None:
    """`kwargs = dict(locals())` then picking keys by prefix (vit-pytorch's CvT and Twins-SVT)."""
    agree(tmp_path, """
def by_prefix(prefix, d):
    return {k[len(prefix):]: v for k, v in d.items() if k.startswith(prefix)}

class M(nn.Module):
    def __init__(self, *, s1_dim=4, s1_out=3, s2_dim=3, s2_out=5):
        super().__init__()
        kwargs = dict(locals())
        self.layers = nn.ModuleList()
        for prefix in ("s1_", "s2_"):
            config = by_prefix(prefix, kwargs)
            self.layers.append(nn.Linear(config["dim"], config["out"]))
model = M()
""")


def test_copying_a_function_or_a_class_gives_it_back(tmp_path: Path) -> None:
    """copy.deepcopy(F.relu) and copy.copy(nn.Linear) are the objects themselves, as in Python (DETR copies its
    activation): nothing is left uncounted, so the reading stays complete."""
    report = agree(tmp_path, """
import copy
import torch.nn.functional as F
class Layer(nn.Module):
    def __init__(self, act=F.relu):
        super().__init__()
        self.act = copy.deepcopy(act)
        self.cls = copy.copy(nn.Linear)
        self.fc = self.cls(3, 4)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([copy.deepcopy(Layer()) for _ in range(2)])
model = M()
""")
    assert report.complete, [u.what for u in report.unread]


# -- itertools ------------------------------------------------------------------------------------------------


def test_itertools_sizes_layers_as_python_does(tmp_path: Path) -> None:
    agree(tmp_path, """
import itertools
from itertools import chain, combinations, permutations, product, repeat, accumulate, islice, zip_longest, starmap
grid = list(product(range(3), range(2), repeat=2))
widths = list(accumulate([4, 4, 8]))
pairs = list(combinations(range(5), 2)) + list(itertools.combinations_with_replacement("ab", 3))
orders = list(permutations([1, 2, 3]))
blocks = list(chain([nn.Linear(4, 4)], [nn.Linear(4, 8)], repeat(nn.ReLU(), 2)))
more = list(itertools.chain.from_iterable([[nn.Linear(8, 8)], [nn.Linear(8, 2)]]))
sizes = [a * b for a, b in starmap(lambda a, b: (a, b), zip_longest([1, 2], [3], fillvalue=5))]
model = nn.Sequential(*blocks, *more, nn.Linear(2, len(grid) + sum(widths) + len(pairs) + len(orders) + sum(sizes)),
                      *list(islice(iter_mods := [nn.Identity(), nn.Identity(), nn.Identity()], 2)))
""")


def test_an_endless_itertools_iterator_is_not_read_as_empty(tmp_path: Path) -> None:
    exact_or_incomplete(tmp_path, """
import itertools
layers = [nn.Linear(4, 4) for _, i in zip(range(3), itertools.count())]
model = nn.Sequential(*layers)
""")


def test_a_selected_name_reads_the_file_as_an_imported_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`file.py:model` imports the file (like uvicorn's module:app): its `if __name__ == "__main__":` block does
    not run, as for torch's oracle, which imports the case; the plain file is the main program and runs it."""
    path = write(tmp_path, """
model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
if __name__ == "__main__":
    model[1] = nn.Linear(8, 100)
""")
    truth = build(path)["model"]  # imported, not run as __main__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        as_main = runpy.run_path(str(path), run_name="__main__")["model"]
    assert main([f"{path}:model", "--format", "json"]) == 0
    as_module = json.loads(capsys.readouterr().out)
    assert as_module["total"] == sum(p.numel() for p in truth.parameters())
    assert main([str(path), "--format", "json"]) == 0
    as_script = json.loads(capsys.readouterr().out)
    assert as_script["total"] == sum(p.numel() for p in as_main.parameters()) != as_module["total"]


def test_is_compares_string_constants_as_cpython_does(tmp_path: Path) -> None:
    """CPython interns identifier-like string constants, so `kind is 'conv'` is True (MAML's `name is 'conv2d'`);
    a string made while running (`split`) is another object, so `is` is False there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        agree(tmp_path, """
class Net(nn.Module):
    def __init__(self, kind='conv', config=(('conv2d', 8), ('linear', 4))):
        super().__init__()
        self.body = nn.Conv2d(3, 64, 3) if kind is 'conv' else nn.Linear(3, 4)
        self.parts = nn.ModuleList([nn.Conv2d(3, n, 3) if name is 'conv2d' else nn.Linear(3, n) for name, n in config])
        made = 'x.weight'.split('.')[-1]
        self.tail = nn.Linear(2, 2) if made is 'weight' else nn.Linear(2, 5)
model = Net()
""")
