"""How fast paramwise answers, as a whole fresh process, beside the bare interpreter and the peers that are
installed (Keras `summary()`, torchinfo, ptflops, fvcore, transformers on the meta device), on the same inputs.

Run on purpose: `python benchmarks/speed.py [--runs 5] [--only start,cnn] [--quick] [--markdown FILE]
[--bytecode]`. Every command is a fresh process started through a small fork-and-wait wrapper that reports
its wall time, CPU time and peak RSS (ru_maxrss of that child alone: a child spawned straight from this
script would report this script's memory as its own); the commands take turns (round-robin), so a busy
moment of a shared machine falls on all of them alike. Prints one table of the commands (median and min wall
time, median CPU time, peak RSS) and one of the goals (the ratios and whether each is met), with the machine,
the Python and whether PYTHONDONTWRITEBYTECODE is set (then every start compiles paramwise's modules again:
--bytecode unsets it for the children).

Inputs are the repository's (examples/mnist_cnn.py, tests/cases/hf/mixtral-8x7b.json) or written to a
temporary folder: a ResNet50 `to_json()` config made by Keras, a single-file ResNet-18, Keras sources of
1,000 / 10,000 / 100,000 Dense layers, a PyTorch source of 10,000 Linear layers, nested torch Sequentials of depth 50 / 100 / 200 and a sharded
safetensors checkpoint of a 69-billion-parameter model (138 GB) made of sparse files (headers only).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from peers import TRANSFORMERS_META

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# the stdlib a source reader with a command line needs before any code of its own: parse, write JSON, parse arguments
FLOOR_CLI = "import re, ast, json, argparse; argparse.ArgumentParser().parse_args([])"
GROUPS = ("start", "cnn", "resnet50", "resnet18", "mixtral", "scale", "nested", "checkpoint")

# Runs one command in a fork of this small process (python -S -I: about 5 MB, less than the bare interpreter
# it is compared with), so that the child's ru_maxrss is its own; writes wall, user, system, maxrss, status.
WRAPPER = """
import os, sys, time
timeout, result, *argv = sys.argv[1:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        import _signal
        _signal.alarm(int(timeout))
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(result, "w") as f:
    f.write(f"{wall} {usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss} {status}")
"""

KERAS_SUMMARY = """
import runpy, sys
model = runpy.run_path(sys.argv[1])["model"]
model.summary()
"""

KERAS_APPLICATION = """
import sys, keras
model = getattr(keras.applications, sys.argv[1])(weights=None)
model.summary()
"""

KERAS_TO_JSON = """
import sys, keras
model = getattr(keras.applications, sys.argv[1])(weights=None)
open(sys.argv[2], "w").write(model.to_json())
"""

TORCHINFO = """
import runpy, sys, torchinfo
model = runpy.run_path(sys.argv[1])["model"]
torchinfo.summary(model, input_size=tuple(int(n) for n in sys.argv[2].split(",")))
"""

# the FLOP counters, each with its own per-layer table: ptflops' (module hooks) and fvcore's (a jit trace)
PTFLOPS = """
import runpy, sys, ptflops
model = runpy.run_path(sys.argv[1])["model"]
shape = tuple(int(n) for n in sys.argv[2].split(","))
macs, params = ptflops.get_model_complexity_info(model, shape[1:], as_strings=False, print_per_layer_stat=True,
                                                 verbose=False)
print(f"Total params: {params:,}")
"""

FVCORE = """
import runpy, sys, torch
from fvcore.nn import FlopCountAnalysis, flop_count_table, parameter_count
model = runpy.run_path(sys.argv[1])["model"]
print(flop_count_table(FlopCountAnalysis(model, torch.zeros(tuple(int(n) for n in sys.argv[2].split(","))))))
print(f"Total params: {parameter_count(model)['']:,}")
"""

RESNET18 = '''"""ResNet-18 in torchvision's layout (BasicBlock), in one file."""
import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, layers=(2, 2, 2, 2), num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(64, layers[0])
        self.layer2 = self._make_layer(128, layers[1], stride=2)
        self.layer3 = self._make_layer(256, layers[2], stride=2)
        self.layer4 = self._make_layer(512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            layers.append(BasicBlock(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


model = ResNet()
'''


@dataclass
class Run:
    wall: float
    cpu: float
    rss_kb: int
    status: int


@dataclass
class Command:
    name: str
    argv: list[str]
    shown: str
    runs: int  # at most this many timed runs (the 100,000-layer source takes a while)
    timeout: int
    warmup: bool = True
    per_round: int = 1  # timed runs in each round (a case whose differences are a few ms takes more, interleaved)
    results: list[Run] = field(default_factory=list)
    first_output: str = ""
    error: str = ""

    def median(self, by: str = "wall") -> float:
        return statistics.median(r.cpu if by == "cpu" else r.wall for r in self.results)

    def ok(self) -> bool:
        return bool(self.results) and not self.error


@dataclass
class Goal:
    case: str
    goal: str
    measure: Callable[[], tuple[str, bool | None]]  # what was measured, and whether the goal is met


def paramwise_command() -> list[str]:
    script = Path(PYTHON).with_name("paramwise")
    return [str(script)] if script.exists() else [PYTHON, "-m", "paramwise"]


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def run_once(command: Command, env: dict[str, str], folder: Path) -> None:
    out, err, result = folder / "stdout", folder / "stderr", folder / "result"
    result.unlink(missing_ok=True)
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        subprocess.run([PYTHON, "-S", "-I", "-c", WRAPPER, str(command.timeout), str(result), *command.argv],
                       stdout=stdout, stderr=stderr, env=env, cwd=ROOT, check=False)
    if not result.exists():
        command.error = f"the wrapper failed: {last_line(err)}"
        return
    wall, user, system, rss, status = result.read_text().split()
    code = os.waitstatus_to_exitcode(int(status))
    if code != 0:
        reason = f"timed out after {command.timeout} s" if code == -14 else f"exit {code}"
        command.error = f"{reason}: {last_line(err)}"
        return
    command.results.append(Run(float(wall), float(user) + float(system), int(rss), code))
    if not command.first_output:
        command.first_output = out.read_text(errors="replace")


def last_line(path: Path) -> str:
    """The last line of what a command wrote to stderr, fit for a table cell."""
    lines = path.read_text(errors="replace").strip().splitlines() or [""]
    return lines[-1][-200:].replace("|", "\\|")


def total_of(output: str) -> int | None:
    """The total a command printed: paramwise's JSON, or a `Total params: N` line (Keras, torchinfo, ours)."""
    if output.lstrip().startswith("{"):
        return int(json.loads(output)["total"])
    found = re.search(r"Total params: ([\d,]+)", output)
    return int(found.group(1).replace(",", "")) if found else None


# -- inputs written for the run -----------------------------------------------------------------------------------


def dense_source(folder: Path, layers: int) -> Path:
    path = folder / f"dense_{layers}.py"
    lines = ["import keras", "from keras import layers", "", "model = keras.Sequential()",
             "model.add(keras.Input(shape=(16,)))"]
    path.write_text("\n".join(lines + ["model.add(layers.Dense(16))"] * layers) + "\n")
    return path


def linear_source(folder: Path, layers: int) -> Path:
    """The PyTorch counterpart of dense_source: one nn.Sequential of Linear layers (read with --input-shape)."""
    path = folder / f"linear_{layers}.py"
    path.write_text("from torch import nn\n\nmodel = nn.Sequential(\n" + "    nn.Linear(16, 16),\n" * layers + ")\n")
    return path


def nested_source(folder: Path, depth: int) -> Path:
    """One model: each level a Sequential holding the one below it and a Linear (a literal this deep is more
    than Python's parser allows; one variable per level would make every level a model of its own)."""
    path = folder / f"nested_{depth}.py"
    path.write_text("from torch import nn\n\nblock = nn.Sequential(nn.Linear(8, 8))\n"
                    f"for _ in range({depth - 1}):\n    block = nn.Sequential(block, nn.Linear(8, 8))\nmodel = block\n")
    return path


def many_tensors(folder: Path, n: int) -> tuple[Path, int]:
    """A safetensors file of n modules holding one 16-value tensor each (a header as large as a DeepSeek-V3
    checkpoint's ~90,000 tensors), its data a hole. The file and its params."""
    header = {f"layer.{i}.weight": {"dtype": "F32", "shape": [16], "data_offsets": [64 * i, 64 * i + 64]} for i in range(n)}
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path = folder / f"tensors_{n}.safetensors"
    with open(path, "wb") as f:
        f.write(len(raw).to_bytes(8, "little") + raw)
        f.truncate(8 + len(raw) + 64 * n)
    return path, 16 * n


def sharded_checkpoint(folder: Path) -> tuple[Path, int, int]:
    """A Llama-2-70B layout in bfloat16 (80 layers, 8,192 wide), in shards of about 5 GB like the Hub's:
    each shard is its safetensors header followed by a hole as long as the data. The index, its params and
    bytes."""
    hidden, inner, vocab, kv, layers = 8192, 28672, 32000, 1024, 80
    tensors: list[tuple[str, list[int]]] = [("model.embed_tokens.weight", [vocab, hidden])]
    for i in range(layers):
        prefix = f"model.layers.{i}."
        tensors += [(prefix + "self_attn.q_proj.weight", [hidden, hidden]),
                    (prefix + "self_attn.k_proj.weight", [kv, hidden]),
                    (prefix + "self_attn.v_proj.weight", [kv, hidden]),
                    (prefix + "self_attn.o_proj.weight", [hidden, hidden]),
                    (prefix + "mlp.gate_proj.weight", [inner, hidden]),
                    (prefix + "mlp.up_proj.weight", [inner, hidden]),
                    (prefix + "mlp.down_proj.weight", [hidden, inner]),
                    (prefix + "input_layernorm.weight", [hidden]),
                    (prefix + "post_attention_layernorm.weight", [hidden])]
    tensors += [("model.norm.weight", [hidden]), ("lm_head.weight", [vocab, hidden])]
    shards: list[list[tuple[str, list[int]]]] = [[]]
    size = 0
    for name, shape in tensors:
        nbytes = 2 * _numel(shape)
        if size and size + nbytes > 5 * 10**9:
            shards.append([])
            size = 0
        shards[-1].append((name, shape))
        size += nbytes
    weight_map, total_bytes = {}, 0
    for number, shard in enumerate(shards, 1):
        file = f"model-{number:05d}-of-{len(shards):05d}.safetensors"
        header: dict[str, object] = {"__metadata__": {"format": "pt"}}
        offset = 0
        for name, shape in shard:
            end = offset + 2 * _numel(shape)
            header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, end]}
            offset = end
            weight_map[name] = file
        raw = json.dumps(header).encode()
        raw += b" " * (-len(raw) % 8)
        with open(folder / file, "wb") as f:
            f.write(len(raw).to_bytes(8, "little") + raw)
            f.truncate(8 + len(raw) + offset)  # sparse: no data on disk
        total_bytes += offset
    index = folder / "model.safetensors.index.json"
    index.write_text(json.dumps({"metadata": {"total_size": total_bytes}, "weight_map": weight_map}))
    return index, sum(_numel(shape) for _, shape in tensors), total_bytes


def _numel(shape: list[int]) -> int:
    count = 1
    for n in shape:
        count *= n
    return count


# -- the plan ------------------------------------------------------------------------------------------------------


class Plan:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args, self.folder = args, folder
        self.commands: dict[str, Command] = {}
        self.goals: list[Goal] = []
        self.expected: dict[str, int] = {}  # a command's total, where the run knows it (generated inputs)
        self.pairs: list[tuple[str, str]] = []  # (ours, peer): their totals must agree
        self.notes: list[str] = []
        self.references: list[tuple[str, str]] = []  # (command, base): a ratio shown beside the goals, no goal

    def add(self, name: str, argv: list[str], shown: str, runs: int | None = None, timeout: int | None = None) -> str:
        if name not in self.commands:
            self.commands[name] = Command(name, argv, shown, runs or self.args.runs, timeout or self.args.timeout)
        return name

    def ours(self, name: str, *args: str, shown: str, runs: int | None = None, timeout: int | None = None) -> str:
        return self.add(name, [*paramwise_command(), *args], "paramwise " + shown, runs, timeout)

    def peer(self, name: str, code: str, *args: str, shown: str) -> str:
        name = self.add(name, [PYTHON, "-c", code, *args], shown)
        self.commands[name].warmup = False  # seconds a run: its libraries' bytecode is written by pip already
        return name

    def seconds(self, name: str) -> float | None:
        command = self.commands[name]
        return command.median(self.args.by) if command.ok() else None

    def rss(self, name: str) -> int | None:
        command = self.commands[name]
        return max(r.rss_kb for r in command.results) if command.ok() else None

    # goals ---------------------------------------------------------------------------------------------------

    def at_most(self, case: str, ours: str, base: str, bound: float, rss: bool = False) -> None:
        what = "peak RSS" if rss else "time"

        def measure() -> tuple[str, bool | None]:
            a, b = (self.rss(ours), self.rss(base)) if rss else (self.seconds(ours), self.seconds(base))
            if a is None or b is None:
                return "not measured", None
            shown = f"{a / 1024:.1f} MB / {b / 1024:.1f} MB" if rss else f"{a:.3f} s / {b:.3f} s"
            return f"{shown} = {a / b:.1f}×", a / b <= bound

        self.goals.append(Goal(case, f"{what} ≤ {bound:g}× {self.commands[base].shown}", measure))

    def faster(self, case: str, ours: str, peer: str, bound: float) -> None:
        self.pairs.append((ours, peer))

        def measure() -> tuple[str, bool | None]:
            a, b = self.seconds(ours), self.seconds(peer)
            if a is None or b is None:
                return "not measured", None
            theirs, mine = (self.rss(peer) or 0) / 1024, (self.rss(ours) or 0) / 1024
            memory = f"; peak RSS {theirs:.0f} MB / {mine:.0f} MB = {theirs / max(mine, 1):.0f}× less"
            return f"{b:.2f} s / {a:.3f} s = {b / a:.0f}× faster{memory}", b / a >= bound

        self.goals.append(Goal(case, f"≥ {bound:g}× faster than {self.commands[peer].shown}", measure))

    def under(self, case: str, ours: str, bound: float, above: str | None = None) -> None:
        def measure() -> tuple[str, bool | None]:
            a = self.seconds(ours)
            b = self.seconds(above) if above else 0.0
            if a is None or b is None:
                return "not measured" + (f" ({self.commands[ours].error})" if self.commands[ours].error else ""), None
            if above:
                return f"{a:.3f} s − {b:.3f} s = {a - b:.3f} s", a - b < bound
            return f"{a:.2f} s", a < bound

        goal = f"< {bound:g} s" + (f" above {self.commands[above].shown}" if above else "")
        self.goals.append(Goal(case, goal, measure))

    def linear(self, case: str, names: list[str], sizes: list[int]) -> None:
        """The cost per unit above the smallest size (the same file at size 1, say): at the largest size
        within 1.5× of that at the second smallest."""

        def measure() -> tuple[str, bool | None]:
            times = [self.seconds(n) for n in names]
            if any(t is None for t in times):
                return "not measured", None
            base = times[0] or 0.0
            per = [((t or 0.0) - base) / (size - sizes[0]) * 1000 for t, size in zip(times[1:], sizes[1:], strict=True)]
            shown = ", ".join(f"{p:.2f}" for p in per)
            return f"ms per level above depth {sizes[0]}: {shown}", per[-1] <= 1.5 * max(per[0], 1e-3)

        self.goals.append(Goal(case, "linear: cost per level at the deepest ≤ 1.5× at the shallowest", measure))

    # the cases -----------------------------------------------------------------------------------------------

    def build(self, groups: set[str]) -> None:
        cnn = "examples/mnist_cnn.py"
        start_json = self.ours("cnn json", cnn, "--format", "json", shown=f"{cnn} --format json")
        bare = self.add("bare", [PYTHON, "-c", "pass"], "python -c pass")
        if "start" in groups:
            table = self.ours("cnn table", cnn, shown=cnn)
            # what any source reader in Python pays before its own code: the modules it cannot do without
            for name, code in (("floor ast json", "import ast, json"), ("floor cli", FLOOR_CLI)):
                self.references.append((self.add(name, [PYTHON, "-c", code], f"python -c '{code}'"), bare))
            self.at_most("start, JSON", start_json, bare, 3)
            self.at_most("start, table", table, bare, 5)
            self.at_most("memory, JSON", start_json, bare, 2, rss=True)
            self.at_most("memory, table", table, bare, 2, rss=True)
        if "cnn" in groups:
            table = self.ours("cnn table", cnn, shown=cnn)
            if installed("keras"):
                self.faster("seed CNN", table, self.peer("keras cnn", KERAS_SUMMARY, cnn,
                                                         shown=f"Keras: run {cnn}, summary()"), 60)
            else:
                self.notes.append("seed CNN: Keras is not installed; its row is left out")
        if "resnet50" in groups:
            if installed("keras"):
                config = self.folder / "resnet50.json"
                print("making ResNet50's to_json() config with Keras ...", file=sys.stderr, flush=True)
                subprocess.run([PYTHON, "-c", KERAS_TO_JSON, "ResNet50", str(config)], env=self.env(), check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ours = self.ours("resnet50", str(config), shown="resnet50.json (Keras to_json())")
                peer = self.peer("keras resnet50", KERAS_APPLICATION, "ResNet50",
                                 shown="Keras: ResNet50(weights=None), summary()")
                self.faster("ResNet50 config", ours, peer, 40)
            else:
                self.notes.append("ResNet50: Keras is not installed (it makes the config); the row is left out")
        if "resnet18" in groups:
            source = self.folder / "resnet18.py"
            source.write_text(RESNET18)
            ours = self.ours("resnet18", str(source), "--input-shape", "1,3,224,224",
                             shown="resnet18.py --input-shape 1,3,224,224")
            if installed("torchinfo") and installed("torch"):
                peer = self.peer("torchinfo resnet18", TORCHINFO, str(source), "1,3,224,224",
                                 shown="torchinfo.summary(model, input_size=(1, 3, 224, 224))")
                self.faster("ResNet-18 source with shapes", ours, peer, 30)
            else:
                self.notes.append("ResNet-18: torchinfo is not installed (pip install 'paramwise[bench]'), "
                                  "only paramwise's time is shown")
            for counter, code, shown in (("ptflops", PTFLOPS, "ptflops.get_model_complexity_info(model, (3, 224, 224))"),
                                         ("fvcore", FVCORE, "fvcore: flop_count_table(FlopCountAnalysis(model, x))")):
                if installed(counter) and installed("torch"):  # shown beside torchinfo, their totals compared
                    self.pairs.append((ours, self.peer(f"{counter} resnet18", code, str(source), "1,3,224,224", shown=shown)))
                else:
                    self.notes.append(f"ResNet-18: {counter} is not installed (pip install 'paramwise[bench]'); its row is left out")
        if "mixtral" in groups:
            mixtral = "tests/cases/hf/mixtral-8x7b.json"
            ours = self.ours("mixtral", mixtral, shown=mixtral)
            if installed("transformers") and installed("torch"):
                peer = self.peer("transformers mixtral", TRANSFORMERS_META, mixtral,
                                 shown="transformers: from_config on the meta device")
                self.faster("Mixtral config", ours, peer, 50)
            else:
                self.notes.append("Mixtral: transformers is not installed; only paramwise's time is shown")
        if "scale" in groups:
            sizes = [1000, 10000] + ([] if self.args.quick else [100000])
            for size in sizes:
                path = dense_source(self.folder, size)
                name = self.ours(f"dense {size}", str(path), "--format", "json", "--no-limits",
                                 shown=f"{size:,} Dense layers (Keras source) --format json --no-limits",
                                 runs=3 if size >= 100000 else None,  # a single run moved by 25 % on a shared machine
                                 timeout=max(self.args.timeout, 300) if size >= 100000 else None)
                self.expected[name] = size * (16 * 16 + 16)
                self.commands[name].warmup = size < 100000  # seconds a run: timed runs only
                if size >= 10000:
                    self.under(f"scale, {size:,} layers", name, 1 if size == 10000 else 10)
            # the same goal for PyTorch source: a Sequential of 10,000 Linear layers, forward followed for the shapes
            name = self.ours("linear 10000", str(linear_source(self.folder, 10000)), "--input-shape", "1,16",
                             "--format", "json", "--no-limits",
                             shown="10,000 Linear layers (PyTorch source, nn.Sequential) --input-shape 1,16 --format json --no-limits")
            self.expected[name] = 10000 * (16 * 16 + 16)
            self.under("scale, 10,000 layers (PyTorch source)", name, 1)
        if "nested" in groups:
            depths = [1, 50, 100, 200]  # depth 1: the same file's start
            names = []
            for depth in depths:
                name = self.ours(f"nested {depth}", str(nested_source(self.folder, depth)), "--format", "json",
                                 shown=f"nested nn.Sequential, depth {depth} --format json")
                self.expected[name] = depth * (8 * 8 + 8)
                # the goal compares differences of a few ms (depth 50 adds about 10 ms to 60): three runs a round
                self.commands[name].per_round = 3
                names.append(name)
            self.linear("nested depth 50 / 100 / 200", names, depths)
        if "checkpoint" in groups:
            index, params, nbytes = sharded_checkpoint(self.folder)
            shards = len(list(self.folder.glob("*.safetensors")))
            name = self.ours("checkpoint", str(index), "--format", "json",
                             shown=f"{nbytes / 1e9:.0f} GB checkpoint in {shards} sparse shards --format json")
            self.expected[name] = params
            self.under("sharded checkpoint", name, 0.1, above=start_json)
            many, count = many_tensors(self.folder, 100_000)
            name = self.ours("100k tensors", str(many), "--format", "json",
                             shown="a safetensors header of 100,000 one-tensor modules --format json")
            self.expected[name] = count
            self.under("100,000-tensor safetensors header (issue 8: every answer within 10 s)", name, 10)

    def env(self) -> dict[str, str]:
        env = {**os.environ, "KERAS_BACKEND": "torch"}
        if self.args.bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    # running ---------------------------------------------------------------------------------------------------

    def run(self) -> None:
        env, scratch = self.env(), self.folder / "scratch"
        scratch.mkdir()
        commands = list(self.commands.values())
        for command in commands:  # once, untimed: bytecode written (with --bytecode), files in the page cache
            for _ in range(self.args.warmup if command.warmup else 0):
                run_once(command, env, scratch)
            command.results.clear()
        for round_ in range(self.args.runs):
            print(f"round {round_ + 1} of {self.args.runs} ...", file=sys.stderr, flush=True)
            for command in commands:
                for _ in range(command.per_round if round_ < command.runs and not command.error else 0):
                    run_once(command, env, scratch)

    def totals(self) -> tuple[int, list[str]]:
        """How many totals were compared, and those that differ."""
        compared, lines = 0, []
        for name, expected in self.expected.items():
            command = self.commands[name]
            if command.ok():
                got = total_of(command.first_output)
                compared += 1
                if got != expected:
                    lines.append(f"{command.shown}: total {got} where {expected:,} was expected")
        for ours, peer in self.pairs:
            a, b = self.commands[ours], self.commands[peer]
            if a.ok() and b.ok():
                x, y = total_of(a.first_output), total_of(b.first_output)
                compared += 1
                if x is None or x != y:
                    lines.append(f"{a.shown}: total {x} where the peer says {y}")
        return compared, lines


# -- the report ------------------------------------------------------------------------------------------------------


def machine(env: dict[str, str]) -> list[str]:
    load = " / ".join(f"{n:.1f}" for n in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    peers = ", ".join(f"{p} {version(p)}" for p in ("keras", "torch", "torchinfo", "transformers", "ptflops", "fvcore"))
    return [
        f"Machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, load average {load}",
        f"Python {platform.python_version()} ({platform.python_implementation()}); paramwise {version('paramwise')}; "
        f"{peers}",
        "PYTHONDONTWRITEBYTECODE: " + ("set for the children (every start compiles paramwise's modules again)"
                                      if env.get("PYTHONDONTWRITEBYTECODE") else "not set (bytecode cached)"),
    ]


def report(plan: Plan, seconds: float) -> str:
    lines = [f"- {line}" for line in machine(plan.env())]
    lines.append(f"- {plan.args.runs} runs per command (the runs column says where fewer or more), interleaved, after "
                 f"{plan.args.warmup} untimed for paramwise and the bare interpreter; whole fresh processes; "
                 f"the benchmark took {seconds:.0f} s")
    lines += ["", "| command | median | min | CPU (median) | peak RSS | runs |", "|---|---:|---:|---:|---:|---:|"]
    for command in plan.commands.values():
        if not command.ok():
            lines.append(f"| {command.shown} | {command.error or 'not run'} | | | | |")
            continue
        walls = [r.wall for r in command.results]
        cpu = statistics.median(r.cpu for r in command.results)
        rss = max(r.rss_kb for r in command.results) / 1024
        lines.append(f"| {command.shown} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | {cpu:.3f} s | "
                     f"{rss:.0f} MB | {len(walls)} |")
    by = "wall-clock time" if plan.args.by == "wall" else "CPU time, user + system"
    lines += ["", f"| case | goal | measured (medians, {by}) | met |", "|---|---|---|:-:|"]
    for goal in plan.goals:
        measured, met = goal.measure()
        lines.append(f"| {goal.case} | {goal.goal} | {measured} | {'—' if met is None else 'yes' if met else 'no'} |")
    compared, problems = plan.totals()
    lines.append("")
    for name, base in plan.references:
        a, b = plan.seconds(name), plan.seconds(base)
        if a is not None and b:
            lines.append(f"- for reference, `{plan.commands[name].shown}` takes {a / b:.2f}× `{plan.commands[base].shown}`")
    if problems:
        lines += [f"- totals DIFFER: {p}" for p in problems]
    elif compared:
        lines.append(f"- totals: paramwise's equals the peer's (or the generated model's) in all {compared} compared")
    lines += [f"- {note}" for note in plan.notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per command first (default 1)")
    parser.add_argument("--only", help="comma-separated cases: " + ", ".join(GROUPS))
    parser.add_argument("--quick", action="store_true", help="3 runs, no 100,000-layer model")
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables to FILE")
    parser.add_argument("--bytecode", action="store_true", help="unset PYTHONDONTWRITEBYTECODE for the children")
    parser.add_argument("--by", choices=("wall", "cpu"), default="wall",
                        help="judge the goals by wall-clock time (default) or by CPU time, steadier on a busy machine")
    parser.add_argument("--timeout", type=int, default=120, help="seconds one run may take (default 120)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = min(args.runs, 3)
    groups = set(GROUPS) if not args.only else {g.strip() for g in args.only.split(",")}
    unknown = groups - set(GROUPS)
    if unknown:
        parser.error(f"unknown case {', '.join(sorted(unknown))}: choose from {', '.join(GROUPS)}")
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not args.bytecode:
        print("warning: PYTHONDONTWRITEBYTECODE is set: every start of paramwise compiles its modules again; "
              "--bytecode unsets it for the commands measured", file=sys.stderr)
    folder = Path(tempfile.mkdtemp(prefix="paramwise-speed-"))
    try:
        started = time.perf_counter()
        plan = Plan(args, folder)
        plan.build(groups)
        plan.run()
        text = report(plan, time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(text, end="")
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
