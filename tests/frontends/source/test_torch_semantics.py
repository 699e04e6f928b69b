"""What PyTorch does to a module's tensors, read from source and checked against real torch: weight_norm and
spectral_norm (old hooks and parametrizations), orthogonal, pruning, from_pretrained, deleted and None
parameters, tensors made while a model is built (values, comparisons, grids, einsum), einops, containers
holding something unreadable, copies; and that whatever the reader drops is reported as incomplete."""

from __future__ import annotations

from pathlib import Path

import pytest

import paramwise
from helpers import check_invariants
from paramwise.errors import INCOMPLETE

torch = pytest.importorskip("torch")
from torch_oracle import build, compare, compare_shapes, output_shapes  # noqa: E402

HEAD = "import copy\nimport math\nimport torch\nimport torch.nn as nn\n"


def write(tmp_path: Path, body: str, name: str = "m.py") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body)
    return path


def agree(tmp_path: Path, body: str, input_shape: tuple[int, ...] | None = None) -> paramwise.Report:
    """Read the file, build it with torch, and assert totals, per-module rows and (given a shape) output shapes agree."""
    path = write(tmp_path, body)
    namespace = build(path)
    report = paramwise.read(str(path), input_shape=input_shape)
    check_invariants(report)
    assert compare(report, namespace["model"]) == []
    if input_shape is not None:
        assert [w.message for w in report.warnings if w.code == "forward_not_followed"] == []
        assert compare_shapes(report, output_shapes(namespace["model"], input_shape)) == []
    return report


def incomplete(report: paramwise.Report) -> list[str]:
    return [w.code for w in report.warnings if w.code in INCOMPLETE]


# -- weight norm, spectral norm, parametrizations ---------------------------------------------------------

NORMS = {
    "old_weight_norm": "from torch.nn.utils import weight_norm\n"
                       "model = nn.Sequential(weight_norm(nn.Conv1d(80, 64, 7)), nn.ReLU())\n",
    "old_weight_norm_dims": "from torch.nn.utils import weight_norm\n"
                            "model = nn.Sequential(weight_norm(nn.Linear(5, 3), dim=None), weight_norm(nn.Conv2d(3, 8, 3), dim=1),\n"
                            "                      weight_norm(nn.Linear(3, 4), name='bias'), nn.utils.weight_norm(nn.Linear(4, 4), dim=-1))\n",
    "old_spectral_norm": "from torch.nn.utils import spectral_norm\n"
                         "model = nn.Sequential(spectral_norm(nn.Conv2d(3, 8, 3)), spectral_norm(nn.ConvTranspose2d(8, 4, 3)),\n"
                         "                      spectral_norm(nn.Linear(5, 3), dim=1))\n",
    "parametrizations": "from torch.nn.utils import parametrizations as P\n"
                        "model = nn.Sequential(P.spectral_norm(nn.Conv1d(1, 16, 15)), nn.LeakyReLU(0.1),\n"
                        "                      P.weight_norm(nn.Conv1d(16, 8, 3)), P.weight_norm(nn.Linear(4, 4), dim=None),\n"
                        "                      P.orthogonal(nn.Linear(5, 3)), P.spectral_norm(nn.Embedding(10, 4)),\n"
                        "                      P.spectral_norm(nn.ConvTranspose2d(3, 8, 3)))\n",
    "parametrizations_stacked": "import torch.nn.utils.parametrizations as P\n"
                                "lin = nn.Linear(5, 3)\nP.spectral_norm(lin)\nP.weight_norm(lin)\n"
                                "model = nn.Sequential(lin, P.orthogonal(nn.Conv2d(3, 8, 3)),\n"
                                "                      P.orthogonal(nn.Linear(3, 5), use_trivialization=False))\n",
    "in_a_module": "from torch.nn.utils.parametrizations import weight_norm, spectral_norm\n"
                   "class D(nn.Module):\n"
                   "    def __init__(self):\n"
                   "        super().__init__()\n"
                   "        self.convs = nn.ModuleList([weight_norm(nn.Conv1d(1, 4, 5)), spectral_norm(nn.Conv1d(4, 4, 5))])\n"
                   "        self.post = nn.utils.spectral_norm(nn.Conv1d(4, 1, 3))\n"
                   "    def forward(self, x):\n"
                   "        for c in self.convs:\n"
                   "            x = c(x)\n"
                   "        return self.post(x)\n"
                   "model = D()\n",
    "frozen_then_normed": "from torch.nn.utils import parametrizations as P\n"
                          "a = nn.Linear(5, 3)\na.weight.requires_grad = False\nb = nn.Linear(5, 3)\n"
                          "b.weight.requires_grad_(False)\nc = nn.Linear(5, 3)\nc.weight.requires_grad = False\n"
                          "model = nn.Sequential(P.spectral_norm(a), P.weight_norm(b), nn.utils.spectral_norm(c))\n",
    "user_module_normed": "from torch.nn.utils.parametrizations import spectral_norm\n"
                          "class Scale(nn.Module):\n"
                          "    def __init__(self):\n"
                          "        super().__init__()\n"
                          "        self.weight = nn.Parameter(torch.ones(4, 6))\n"
                          "model = nn.Sequential(spectral_norm(Scale()))\n",
    "removed": "from torch.nn.utils import weight_norm, remove_weight_norm, spectral_norm, remove_spectral_norm\n"
               "a = weight_norm(nn.Linear(4, 3))\nremove_weight_norm(a)\nb = spectral_norm(nn.Linear(4, 3))\n"
               "remove_spectral_norm(b)\nmodel = nn.Sequential(a, b)\n",
    "register_parametrization": "import torch.nn.utils.parametrize as parametrize\n"
                                "class Symmetric(nn.Module):\n"
                                "    def forward(self, X):\n"
                                "        return X.triu() + X.triu(1).transpose(-1, -2)\n"
                                "class Mask(nn.Module):\n"
                                "    def __init__(self):\n"
                                "        super().__init__()\n"
                                "        self.register_buffer('mask', torch.ones(4, 4))\n"
                                "    def forward(self, X):\n"
                                "        return X * self.mask\n"
                                "layer = nn.Linear(4, 4)\n"
                                "parametrize.register_parametrization(layer, 'weight', Symmetric())\n"
                                "parametrize.register_parametrization(layer, 'weight', Mask())\n"
                                "other = nn.Linear(4, 4)\n"
                                "parametrize.register_parametrization(other, 'weight', Symmetric())\n"
                                "parametrize.remove_parametrizations(other, 'weight')\n"
                                "model = nn.Sequential(layer, other)\n",
    "pruned": "import torch.nn.utils.prune as prune\n"
              "a = nn.Linear(4, 3)\nprune.l1_unstructured(a, name='weight', amount=0.3)\n"
              "prune.random_unstructured(a, 'bias', amount=0.5)\n"
              "b = nn.Conv2d(3, 8, 3)\nprune.ln_structured(b, 'weight', amount=0.5, n=2, dim=0)\nprune.remove(b, 'weight')\n"
              "c = nn.Linear(3, 3)\nd = nn.Linear(3, 3)\n"
              "prune.global_unstructured([(c, 'weight'), (d, 'weight')], pruning_method=prune.L1Unstructured, amount=0.2)\n"
              "model = nn.Sequential(a, b, c, d)\n",
}


@pytest.mark.parametrize("body", list(NORMS.values()), ids=list(NORMS))
def test_norms_and_parametrizations_match_torch(tmp_path: Path, body: str) -> None:
    report = agree(tmp_path, body)
    assert incomplete(report) == []


def test_parametrized_modules_are_still_traced(tmp_path: Path) -> None:
    body = ("from torch.nn.utils.parametrizations import weight_norm, spectral_norm\n"
            "class M(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.c = weight_norm(nn.Conv1d(4, 8, 3))\n"
            "        self.d = spectral_norm(nn.Linear(8, 5))\n"
            "    def forward(self, x):\n"
            "        return self.d(self.c(x).mean(-1))\n"
            "model = M()\n")
    agree(tmp_path, body, (2, 4, 10))


def test_isinstance_of_a_parametrized_module(tmp_path: Path) -> None:
    body = ("from torch.nn.utils.parametrizations import spectral_norm\n"
            "layer = spectral_norm(nn.Linear(4, 4))\n"
            "model = nn.Sequential(layer, nn.Linear(4, 2) if isinstance(layer, nn.Linear) else nn.Linear(4, 3))\n")
    agree(tmp_path, body)


def test_weight_norm_of_a_missing_parameter_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "from torch.nn.utils import weight_norm\nmodel = weight_norm(nn.ReLU())\n")
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert "weight" in e.value.message and e.value.location is not None and e.value.location.line == 6


# -- parameters deleted, set to None, registered by hand --------------------------------------------------

REGISTERED = {
    # register_buffer(name, None), then a tensor set under that name: torch makes it the buffer (paramwise had none)
    "buffer_none_then_set": "class M(nn.Module):\n"
                            "    def __init__(self):\n"
                            "        super().__init__()\n"
                            "        self.fc = nn.Linear(4, 4)\n"
                            "        self.register_buffer('mask', None)\n"
                            "        self.mask = torch.zeros(3)\n"
                            "        self.register_buffer('unset', None)\n"
                            "model = M()\n",
    "register_parameter_none": "conv = nn.Conv2d(3, 8, 3)\nconv.register_parameter('weight', None)\nmodel = conv\n",
    "bias_none": "model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 2))\nmodel[0].bias = None\n",
    "del_parameters": "conv = nn.Conv2d(3, 8, 3)\nw = conv.weight\ndel conv._parameters['weight']\n"
                      "conv.register_parameter('weight_bar', nn.Parameter(w.data))\nmodel = conv\n",
    "del_attribute": "class M(nn.Linear):\n"
                     "    def __init__(self):\n"
                     "        super().__init__(4, 3)\n"
                     "        del self.bias\n"
                     "        self.register_parameter('bias', None)\n"
                     "model = M()\n",
    "tensor_new": "conv = nn.Conv2d(3, 8, 3)\n"
                  "u = nn.Parameter(conv.weight.data.new(8).normal_(0, 1), requires_grad=False)\n"
                  "conv.register_parameter('weight_u', u)\nmodel = conv\n",
    "view_data_shape": "conv = nn.Conv2d(3, 8, 3)\nwidth = conv.weight.view(8, -1).data.shape[1]\n"
                       "conv.register_parameter('weight_v', nn.Parameter(torch.empty(width), requires_grad=False))\n"
                       "model = conv\n",
    "explicit_base_init": "class LoRALinear(nn.Linear):\n"
                          "    def __init__(self, in_features, out_features, r=4):\n"
                          "        nn.Linear.__init__(self, in_features, out_features)\n"
                          "        self.lora_A = nn.Parameter(torch.zeros((r, in_features)))\n"
                          "        self.lora_B = nn.Parameter(torch.zeros((out_features, r)))\n"
                          "        self.weight.requires_grad = False\n"
                          "class Net(nn.Module):\n"
                          "    def __init__(self):\n"
                          "        nn.Module.__init__(self)\n"
                          "        self.a = LoRALinear(8, 4)\n"
                          "model = Net()\n",
    "from_pretrained": "class M(nn.Module):\n"
                       "    def __init__(self, table):\n"
                       "        super().__init__()\n"
                       "        self.emb = nn.Embedding.from_pretrained(torch.zeros(100, 8), freeze=True)\n"
                       "        self.tuned = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)\n"
                       "        self.bag = nn.EmbeddingBag.from_pretrained(table, mode='sum')\n"
                       "model = M(torch.randn(20, 4))\n",
    "getattr_missing": "conv = nn.Conv2d(3, 8, 3)\n"
                       "try:\n"
                       "    getattr(conv, 'weight_u')\n"
                       "except AttributeError:\n"
                       "    conv.register_parameter('weight_u', nn.Parameter(torch.zeros(8), requires_grad=False))\n"
                       "extra = 4 if hasattr(conv, 'padding_mode') and not hasattr(conv, 'weight_g') else 0\n"
                       "seq = nn.Sequential(nn.Linear(2, 2))\n"
                       "n = getattr(seq, 'width', 3) + getattr(conv, 'out_channels')\n"
                       "model = nn.Sequential(conv, nn.Linear(n + extra, 2))\n",
    "same_class_compared": "import functools\n"
                           "norm = functools.partial(nn.InstanceNorm2d, affine=False)\n"
                           "use_bias = norm.func == nn.InstanceNorm2d and nn.BatchNorm2d != nn.InstanceNorm2d\n"
                           "kinds = {nn.Linear: 1, nn.Conv2d: 2}\n"
                           "model = nn.Conv2d(3, 8, 3 * kinds[nn.Linear], bias=use_bias)\n",
    "data_replaced": "emb = nn.Embedding(10, 4)\n"
                     "emb.weight.data = torch.zeros(30, 4)\n"
                     "fc = nn.Linear(4, 4)\n"
                     "fc.weight.data.copy_(torch.eye(4))\n"
                     "other = nn.Embedding(5, 4)\n"
                     "other.weight = nn.Parameter(torch.zeros(7, 4), requires_grad=False)\n"
                     "model = nn.Sequential(emb, fc, other)\n",
    "class_of_a_module": "conv = nn.Conv2d(3, 8, 3)\n"
                         "name = conv.__class__.__name__\n"
                         "p = nn.Parameter(torch.zeros(2))\n"
                         "model = nn.Sequential(conv, nn.Linear(8, 2 if 'Conv' in name else 5),\n"
                         "                      nn.BatchNorm1d(2) if type(conv) == nn.Conv2d and type(p) == nn.Parameter else nn.ReLU())\n",
    "buffers_table": "class M(nn.Module):\n"
                     "    def __init__(self):\n"
                     "        super().__init__()\n"
                     "        self.register_buffer('a', torch.zeros(3))\n"
                     "        self.register_buffer('b', torch.zeros(5))\n"
                     "        self._buffers['c'] = torch.ones(2, 2)\n"
                     "        del self._buffers['a']\n"
                     "        self.fc = nn.Linear(len(list(self.buffers())), 2)\n"
                     "model = M()\n",
}


@pytest.mark.parametrize("body", list(REGISTERED.values()), ids=list(REGISTERED))
def test_registered_and_deleted_tensors_match_torch(tmp_path: Path, body: str) -> None:
    report = agree(tmp_path, body)
    assert incomplete(report) == []


# -- tensors made while the model is built ----------------------------------------------------------------

TENSORS = {
    "loop_over_linspace": "rates = [x.item() for x in torch.linspace(0, 0.1, 3)]\n"
                          "model = nn.Sequential(*[nn.Dropout(r) for r in rates], nn.Linear(4, 2))\n",
    "loop_over_arange": "sizes = [int(n) for n in torch.arange(2, 8, 2)]\n"
                        "model = nn.Sequential(*[nn.Linear(s, s + 1) for s in sizes])\n",
    "tolist_of_tensor": "dims = (torch.tensor([4, 8, 16]) * 2).tolist()\n"
                        "model = nn.ModuleList([nn.Linear(d, 2) for d in dims])\n",
    "stochastic_depth": "dpr = [x.item() for x in torch.linspace(0, 0.2, 4)]\n"
                        "model = nn.ModuleList([nn.Sequential(nn.Linear(4, 4), nn.Dropout(p)) for p in dpr])\n",
    "meshgrid_stack": "class M(nn.Module):\n"
                      "    def __init__(self, w=7):\n"
                      "        super().__init__()\n"
                      "        coords = torch.stack(torch.meshgrid(torch.arange(w), torch.arange(w), indexing='ij'))\n"
                      "        flat = torch.flatten(coords, 1)\n"
                      "        rel = flat[:, :, None] - flat[:, None, :]\n"
                      "        self.register_buffer('index', rel.permute(1, 2, 0).contiguous().sum(-1))\n"
                      "        self.table = nn.Parameter(torch.zeros((2 * w - 1) * (2 * w - 1), 3))\n"
                      "        self.fc = nn.Linear(4, 4)\n"
                      "model = M()\n",
    "outer_buffer": "class M(nn.Module):\n"
                    "    def __init__(self, dim=48, end=256):\n"
                    "        super().__init__()\n"
                    "        self.fc = nn.Linear(4, 4)\n"
                    "        freqs = torch.outer(torch.arange(end), torch.arange(0, dim, 2).float())\n"
                    "        self.register_buffer('freqs_cos', torch.cos(freqs), persistent=False)\n"
                    "        t = torch.arange(end).float()\n"
                    "        inv = 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim))\n"
                    "        self.register_buffer('sin', torch.einsum('i,j->ij', t, inv).sin())\n"
                    "model = M()\n",
    "forward_run_in_init": "import torch.nn.functional as F\n"
                           "class Net(nn.Module):\n"
                           "    def __init__(self):\n"
                           "        super().__init__()\n"
                           "        self.features = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3))\n"
                           "        with torch.no_grad():\n"
                           "            n = self.features(torch.zeros(1, 1, 28, 28)).view(1, -1).shape[1]\n"
                           "        self._to_linear = None\n"
                           "        self.convs(torch.randn(1, 1, 28, 28))\n"
                           "        self.fc = nn.Linear(n, 10)\n"
                           "        self.fc2 = nn.Linear(self._to_linear, 5)\n"
                           "    def convs(self, x):\n"
                           "        x = F.max_pool2d(F.relu(self.features(x)), 2)\n"
                           "        if self._to_linear is None:\n"
                           "            self._to_linear = x[0].shape[0] * x[0].shape[1] * x[0].shape[2]\n"
                           "        return x\n"
                           "    def forward(self, x):\n"
                           "        return self.fc2(self.convs(x).view(-1, self._to_linear))\n"
                           "model = Net()\n"
                           "probe = model(torch.zeros(2, 1, 28, 28))\n"
                           "head = nn.Linear(probe.shape[-1], 3)\n",
    "parameter_list_of_tensors": "model = nn.ParameterList([torch.zeros(3), nn.Parameter(torch.ones(2, 2))])\n"
                                 "model.append(torch.zeros(4))\n",
    "legacy_constructors": "x = torch.zeros(2, 3)\n"
                           "model = nn.ParameterList([nn.Parameter(torch.Tensor([1.0, 2.0, 3.0])), nn.Parameter(torch.Tensor(2, 3)),\n"
                           "                          nn.Parameter(torch.FloatTensor(x.shape)), nn.Parameter(torch.Tensor((4, 5))),\n"
                           "                          nn.Parameter(torch.DoubleTensor(x.size())),\n"
                           "                          nn.Parameter(torch.zeros(int(torch.LongTensor([7])[0])))])\n",
    "positional_tables": ("class PositionalEncoding(nn.Module):\n"
                          "    def __init__(self, d_model=16, dropout=0.1, max_len=50):\n"
                          "        super().__init__()\n"
                          "        self.dropout = nn.Dropout(p=dropout)\n"
                          "        pe = torch.zeros(max_len, d_model)\n"
                          "        position = torch.arange(0, max_len).unsqueeze(1)\n"
                          "        div_term = torch.exp(torch.arange(0, d_model, 2) * -(math.log(10000.0) / d_model))\n"
                          "        pe[:, 0::2] = torch.sin(position * div_term)\n"
                          "        pe[:, 1::2] = torch.cos(position * div_term)\n"
                          "        self.register_buffer('pe', pe.unsqueeze(0))\n"
                          "        self.register_buffer('bias', torch.tril(torch.ones(8, 8)).view(1, 1, 8, 8))\n"
                          "        inv_freq = 1.0 / (10000 ** (torch.arange(0, d_model, 2).float() / d_model))\n"
                          "        t = torch.arange(max_len, dtype=inv_freq.dtype)\n"
                          "        freqs = torch.einsum('i,j->ij', t, inv_freq)\n"
                          "        emb = torch.cat((freqs, freqs), dim=-1)\n"
                          "        self.register_buffer('cos_cached', emb.cos()[None, None, :, :], persistent=False)\n"
                          "        w = torch.empty(3, 4)\n"
                          "        nn.init.xavier_uniform_(w)\n"
                          "        self.w = nn.Parameter(w)\n"
                          "        self.register_buffer('pos_ids', torch.arange(max_len).expand((1, -1)))\n"
                          "    def forward(self, x):\n"
                          "        return self.dropout(x + self.pe[:, : x.size(1)])\n"
                          "model = PositionalEncoding()\n"),
    "einops_functions": "from einops import rearrange, repeat, reduce\n"
                        "A = repeat(torch.arange(1, 17), 'n -> d n', d=32)\n"
                        "B = rearrange(torch.zeros(2, 3, 8), 'b c (h p) -> b h (p c)', p=2)\n"
                        "C = reduce(torch.zeros(4, 6, 10), 'b (c k) t -> b c', 'mean', k=2)\n"
                        "model = nn.ParameterList([nn.Parameter(torch.log(A.float())), nn.Parameter(B), nn.Parameter(C)])\n",
}


@pytest.mark.parametrize("body", list(TENSORS.values()), ids=list(TENSORS))
def test_tensors_made_in_init_match_torch(tmp_path: Path, body: str) -> None:
    if "einops" in body:
        pytest.importorskip("einops")
    report = agree(tmp_path, body)
    assert incomplete(report) == []


COMPARED = {
    "compare_in_init": "class M(nn.Module):\n"
                       "    def __init__(self):\n"
                       "        super().__init__()\n"
                       "        self.register_buffer('grid', torch.linspace(-1, 1, 6).expand(4, -1).contiguous())\n"
                       "        x = torch.rand(5, 4, 1)\n"
                       "        bases = torch.logical_and(x >= self.grid[:, :-1], x < self.grid[:, 1:])\n"
                       "        self.fc = nn.Linear(bases.shape[-1], 2)\n"
                       "model = M()\n",
    "mask_buffer": "class M(nn.Module):\n"
                   "    def __init__(self):\n"
                   "        super().__init__()\n"
                   "        self.register_buffer('mask', torch.triu(torch.ones(8, 8), diagonal=1) > 0)\n"
                   "        self.register_buffer('keep', (torch.arange(6) < 4).float())\n"
                   "model = M()\n",
}


@pytest.mark.parametrize("body", list(COMPARED.values()), ids=list(COMPARED))
def test_comparisons_of_tensors_in_init_match_torch(tmp_path: Path, body: str) -> None:
    report = agree(tmp_path, body)
    assert incomplete(report) == []


def test_a_forward_run_while_building_that_cannot_be_followed_is_not_a_guess(tmp_path: Path) -> None:
    path = write(tmp_path, "class Net(nn.Module):\n"
                           "    def __init__(self):\n"
                           "        super().__init__()\n"
                           "        self.features = nn.Conv2d(1, 8, 3)\n"
                           "        n = torch.fft.rfft(self.features(torch.zeros(1, 1, 8, 8))).shape[-1]\n"
                           "        self.fc = nn.Linear(n, 10)\n"
                           "model = Net()\n")
    try:
        report = paramwise.read(str(path))
    except paramwise.InputError as e:  # a located error, or
        assert e.location is not None and e.location.line in (9, 10)
        return
    assert report.symbols and not isinstance(report.total, int)  # a named unknown size: never a guessed number


def test_item_of_an_unknown_tensor_is_an_error_not_a_guess(tmp_path: Path) -> None:
    path = write(tmp_path, "n = torch.randn(3).sum().item()\nmodel = nn.Linear(int(n), 2)\n")
    with pytest.raises(paramwise.InputError) as e:
        paramwise.read(str(path))
    assert e.value.location is not None and e.value.location.line == 6


# -- einops layers --------------------------------------------------------------------------------------

EINOPS = {
    "rearrange_in_sequential": ("from einops.layers.torch import Rearrange\n"
                                "model = nn.Sequential(Rearrange('b c (h p) -> b h (p c)', p=2), nn.LayerNorm(6), nn.Linear(6, 8))\n",
                                (2, 3, 8)),
    "vit_patches": ("from einops.layers.torch import Rearrange, Reduce\n"
                    "model = nn.Sequential(Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', p1=4, p2=4),\n"
                    "                      nn.Linear(48, 16), Reduce('b n d -> b d', 'mean'), nn.Linear(16, 10))\n",
                    (2, 3, 16, 16)),
    "einmix": ("from einops.layers.torch import EinMix\n"
               "model = nn.Sequential(EinMix('b t c -> b t c_out', weight_shape='c c_out', bias_shape='c_out', c=4, c_out=6),\n"
               "                      EinMix('b (t c) -> b t c_out', weight_shape='t c c_out', t=2, c=3, c_out=5))\n",
               None),
}


@pytest.mark.parametrize("case", list(EINOPS.values()), ids=list(EINOPS))
def test_einops_layers_match_torch(tmp_path: Path, case: tuple[str, tuple[int, ...] | None]) -> None:
    pytest.importorskip("einops")
    body, shape = case
    report = agree(tmp_path, body, shape)
    assert incomplete(report) == []


# -- containers, composites, copies ------------------------------------------------------------------------


def test_an_unreadable_sequential_item_keeps_the_numbering(tmp_path: Path) -> None:
    path = write(tmp_path, "from mylib import Block\n"
                           "model = nn.Sequential(Block(3), nn.LayerNorm(6), nn.Linear(6, 8))\n")
    report = paramwise.read(str(path))
    assert [r.name for r in report.rows] == ["1", "2"]
    assert "unknown_module" in incomplete(report) and not report.complete


def test_container_arithmetic_and_pop_match_torch(tmp_path: Path) -> None:
    report = agree(tmp_path, "class M(nn.Module):\n"
                             "    def __init__(self):\n"
                             "        super().__init__()\n"
                             "        self.layers = nn.ModuleList()\n"
                             "        self.layers += [nn.Linear(4, 4), nn.Linear(4, 5)]\n"
                             "        self.layers.extend(nn.ModuleList([nn.Linear(5, 6)]))\n"
                             "        self.more = self.layers + [nn.Linear(2, 2)]\n"
                             "        last = self.layers.pop(0)\n"
                             "        self.seq = nn.Sequential(nn.Linear(1, 1)) + nn.Sequential(nn.Linear(1, 2))\n"
                             "        self.d = nn.ModuleDict({'a': nn.Linear(3, 3), 'b': nn.Linear(3, 4)})\n"
                             "        self.d.pop('a')\n"
                             "        self.p = nn.ParameterList([nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(3))])\n"
                             "        self.p += [nn.Parameter(torch.zeros(4))]\n"
                             "        self.p.append(nn.Parameter(torch.zeros(5)))\n"
                             "model = M()\n")
    assert incomplete(report) == []


def test_a_lazy_built_in_with_tensors_of_its_own_is_short_until_shaped(tmp_path: Path) -> None:
    """A subclass of a lazy built-in that adds a tensor lists its tensors in its row, but the built-in's own need an
    input shape: without one they are not counted, which is said, and the reading is incomplete. With one, the
    count is torch's, or short and still said to be (it is today: the subclass's row is not sized by the trace)."""
    path = write(tmp_path, "class Scaled(nn.LazyLinear):\n"
                           "    def __init__(self, out_features):\n"
                           "        super().__init__(out_features)\n"
                           "        self.gain = nn.Parameter(torch.ones(out_features))\n"
                           "model = nn.Sequential(nn.Linear(4, 8), nn.Sequential(Scaled(3), nn.LazyLinear(2)))\n")
    unshaped = paramwise.read(str(path))
    assert [(w.code, w.message.split(":")[0]) for w in unshaped.warnings if "own weights" in w.message] == [
        ("count_unknown", "Scaled '1.0'")]
    assert "count_unknown" in incomplete(unshaped) and not unshaped.complete
    model = build(path)["model"]
    model(torch.zeros(2, 4))  # torch sizes its lazy modules on the first call
    shaped = paramwise.read(str(path), input_shape=(2, 4))
    if shaped.complete:
        assert compare(shaped, model) == [] and shaped.total == sum(p.numel() for p in model.parameters())
    else:
        assert "count_unknown" in incomplete(shaped) and shaped.total < sum(p.numel() for p in model.parameters())


def test_a_top_level_composite_shows_its_modules(tmp_path: Path) -> None:
    agree(tmp_path, "model = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2, num_decoder_layers=1,\n"
                    "                       dim_feedforward=32)\n")


def test_deep_copies_are_new_modules(tmp_path: Path) -> None:
    body = ("class Block(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        self.fc = nn.Linear(4, 4)\n"
            "        self.out = nn.Linear(4, 4)\n"
            "        self.out.weight = self.fc.weight\n"
            "b = Block()\nlayer = nn.Linear(4, 4)\n"
            "model = nn.Sequential(*[copy.deepcopy(layer) for _ in range(3)], copy.deepcopy(b), copy.deepcopy(b), b, b)\n")
    agree(tmp_path, body)


# -- never silently wrong ---------------------------------------------------------------------------------

DROPPED = {
    "module_from_forward": ("class M(nn.Module):\n"
                            "    def __init__(self):\n"
                            "        super().__init__()\n"
                            "        self.a = nn.Linear(4, 4)\n"
                            "        self.fc = None\n"
                            "    def forward(self, x):\n"
                            "        x = self.a(x)\n"
                            "        if self.fc is None:\n"
                            "            self.fc = nn.Linear(x.shape[1], 3)\n"
                            "        return self.fc(x)\n"
                            "model = M()\n", "unread_module"),
    "parameter_from_forward": ("class M(nn.Module):\n"
                               "    def __init__(self):\n"
                               "        super().__init__()\n"
                               "        self.a = nn.Linear(4, 4)\n"
                               "    def forward(self, x):\n"
                               "        if not hasattr(self, 'scale'):\n"
                               "            self.scale = nn.Parameter(torch.ones(x.shape[-1]))\n"
                               "        return self.a(x) * self.scale\n"
                               "model = M()\n", "unread_module"),
    "module_from_a_method_forward_calls": ("class M(nn.Module):\n"
                                           "    def __init__(self):\n"
                                           "        super().__init__()\n"
                                           "        self.a = nn.Linear(4, 4)\n"
                                           "        self.reset()\n"
                                           "    def reset(self):\n"
                                           "        self.b = nn.Linear(4, 4)\n"
                                           "    def build(self, n):\n"
                                           "        self.head = nn.Linear(n, 2)\n"
                                           "    def forward(self, x):\n"
                                           "        if not hasattr(self, 'head'):\n"
                                           "            self.build(x.shape[-1])\n"
                                           "        return self.head(self.b(self.a(x)))\n"
                                           "model = M()\n", "unread_module"),
    "unreadable_buffer": ("class M(nn.Module):\n"
                          "    def __init__(self):\n"
                          "        super().__init__()\n"
                          "        self.fc = nn.Linear(4, 4)\n"
                          "        self.register_buffer('table', torch.special.bessel_j0(torch.zeros(4)))\n"
                          "    def forward(self, x):\n"
                          "        return self.fc(x)\n"
                          "model = M()\n", "unread_tensor"),
    "unreadable_module": ("class M(nn.Module):\n"
                          "    def __init__(self):\n"
                          "        super().__init__()\n"
                          "        self.fc = nn.Linear(4, 4)\n"
                          "        self.add_module('extra', torch.jit.trace(nn.Linear(4, 4), torch.zeros(1, 4)))\n"
                          "    def forward(self, x):\n"
                          "        return self.extra(self.fc(x))\n"
                          "model = M()\n", "unread_module"),
}


@pytest.mark.parametrize("case", list(DROPPED.values()), ids=list(DROPPED))
def test_what_is_dropped_is_reported(tmp_path: Path, case: tuple[str, str]) -> None:
    body, code = case
    path = write(tmp_path, body)
    for shape in (None, (2, 4)):
        report = paramwise.read(str(path), input_shape=shape)
        assert code in incomplete(report) and not report.complete
        model = build(path)["model"]
        if shape is not None:
            model(torch.zeros(*shape))  # what torch counts once the forward has run
        assert report.total <= sum(p.numel() for p in model.parameters())


def test_a_module_of_a_class_the_file_does_not_define_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "from blocks import *\n"
                           "class M(nn.Module):\n"
                           "    def __init__(self):\n"
                           "        super().__init__()\n"
                           "        self.fc = nn.Linear(4, 4)\n"
                           "        self.block = ResBlock(4)\n"
                           "        self.cfg = Config()\n"
                           "model = M()\n")
    report = paramwise.read(str(path))
    assert "unread_module" in incomplete(report) and not report.complete and report.total == 20


def test_a_norm_of_a_module_paramwise_cannot_read_stays_incomplete(tmp_path: Path) -> None:
    path = write(tmp_path, "from torch.nn.utils import weight_norm\nfrom torch.nn.utils.parametrizations import spectral_norm\n"
                           "from mylib import FancyConv\n"
                           "model = nn.Sequential(weight_norm(FancyConv(3, 8)), spectral_norm(nn.NoSuchConv(3, 8)), nn.Linear(8, 2))\n")
    report = paramwise.read(str(path))
    assert {"unknown_module", "unknown_layer"} <= set(incomplete(report)) and not report.complete
    assert [r.name for r in report.rows] == ["1", "2"]


def test_an_example_call_whose_forward_is_too_long_keeps_the_counts(tmp_path: Path) -> None:
    path = write(tmp_path, "class M(nn.Module):\n"
                           "    def __init__(self):\n"
                           "        super().__init__()\n"
                           "        self.fc = nn.Linear(4, 4)\n"
                           "    def forward(self, x):\n"
                           "        for _ in range(10 ** 9):\n"
                           "            x = self.fc(x)\n"
                           "        return x\n"
                           "model = M()\n"
                           "print(model(torch.zeros(1, 4)).shape)\n")
    report = paramwise.read(str(path))
    assert report.total == 20
    assert any(w.code == "forward_not_followed" for w in report.warnings)


LIGHTNING_BODY = """
class LitClassifier({base}):
    def __init__(self, hidden_dim=32, lr=1e-3):
        super().__init__()
        {save}
        self.l1 = nn.Linear(28 * 28, hidden_dim)
        self.l2 = nn.Linear(hidden_dim, 10)
    def forward(self, x):
        return self.l2(torch.relu(self.l1(x.view(x.size(0), -1))))
    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss
    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
model = LitClassifier()
"""


@pytest.mark.parametrize("imports", ["import pytorch_lightning as pl\n", "import lightning as L\n",
                                     "from lightning.pytorch import LightningModule\n"])
def test_a_lightning_module_is_a_module(tmp_path: Path, imports: str) -> None:
    """Read as the same model written on nn.Module (which torch builds): LightningModule is an nn.Module."""
    base = {"import pytorch_lightning as pl\n": "pl.LightningModule", "import lightning as L\n": "L.LightningModule"}
    lit = write(tmp_path, imports + LIGHTNING_BODY.format(base=base.get(imports, "LightningModule"),
                                                          save="self.save_hyperparameters()"), "lit.py")
    plain = write(tmp_path, LIGHTNING_BODY.format(base="nn.Module", save="pass"), "plain.py")
    report = paramwise.read(str(lit), input_shape=(2, 1, 28, 28))
    check_invariants(report)
    assert compare(report, build(plain)["model"]) == [] and incomplete(report) == []


def test_casting_a_parameter_keeps_it_only_where_torch_gives_it_back(tmp_path: Path) -> None:
    """`nn.Parameter(t).type(torch.FloatTensor)` is the parameter itself (nothing changes); `.double()`, `.detach()`,
    `.type(torch.DoubleTensor)` are new plain tensors that the module does not register."""
    agree(tmp_path, """
dtype = torch.FloatTensor
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.zeros(3, 4)).type(dtype)
        self.b = nn.Parameter(torch.zeros(5)).float()
        self.c = nn.Parameter(torch.zeros(6)).double()
        self.d = nn.Parameter(torch.zeros(7)).to("cpu")
        self.e = nn.Parameter(torch.zeros(8)).detach()
        self.f = nn.Parameter(torch.zeros(9)).type(torch.DoubleTensor)
        self.g = nn.Parameter(torch.zeros(2)).to(torch.float32)
        self.h = nn.Parameter(torch.zeros(2)).contiguous()
        self.i = nn.Parameter(torch.zeros(2)).half()
model = M()
""")


def test_a_tensor_a_built_in_leaves_out_is_none(tmp_path: Path) -> None:
    """Conv2d(bias=False).bias and BatchNorm2d(affine=False).weight are None in torch, as init loops test."""
    agree(tmp_path, """
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, bias=False)
        self.bn = nn.BatchNorm2d(8, affine=False)
        self.fc = nn.Linear(8, 4)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
                if m.bias is not None:
                    m.bias.data.zero_()
            elif isinstance(m, nn.BatchNorm2d) and m.weight is not None:
                m.weight.data.fill_(1)
        self.extra = nn.Linear(4, 2, bias=self.fc.bias is not None and self.conv.bias is None)
model = M()
""")


def test_init_functions_return_the_tensor_they_fill(tmp_path: Path) -> None:
    """nn.init.xavier_uniform_(t) and the deprecated nn.init.xavier_uniform(t) fill t and return it (pyGAT)."""
    agree(tmp_path, """
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Parameter(nn.init.xavier_uniform(torch.Tensor(3, 4), gain=math.sqrt(2.0)))
        self.a = nn.Parameter(nn.init.xavier_uniform_(torch.empty(8, 1), gain=1.4))
        self.b = nn.Parameter(nn.init.zeros_(torch.empty(2)))
        if self.W.is_cuda:
            self.extra = nn.Linear(3, 3)
model = M()
""")


# -- a name of torch read again is the same object, as in Python ----------------------------------------------

def test_a_torch_class_read_twice_is_the_same_class(tmp_path: Path) -> None:
    """`nn.Linear is nn.Linear` and a class kept in a variable: the reader answers each read of a name from one
    stand-in (a namespace remembers what its names resolved to), so identity holds as in Python."""
    body = ("kept = nn.Linear\n"
            "same = nn.Linear is kept and torch.nn.Linear is nn.Linear and nn.functional.relu is nn.functional.relu\n"
            "width = 8 if same else 3\n"
            "model = nn.Sequential(kept(4, width), nn.ReLU(), nn.Linear(width, 2))\n")
    report = agree(tmp_path, body, input_shape=(1, 4))
    assert report.total == 4 * 8 + 8 + 8 * 2 + 2


def test_names_spelled_from_the_modules_nn_defines_them_in(tmp_path: Path) -> None:
    # `nn.parameter.Parameter(...)` was an unread name (three peephole weights of a ConvLSTM not counted)
    report = agree(tmp_path, (
        "import torch.nn.modules.conv as convs\n"
        "DEVICE = 'cuda' if torch.cuda.is_available() else 'cpu'\n"
        "class M(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.a = nn.parameter.Parameter(torch.zeros(3, 4, device=DEVICE)).to(DEVICE)\n"
        "        self.b = torch.nn.modules.linear.Linear(4, 2)\n"
        "        self.c = nn.modules.conv.Conv2d(3, 4, 3)\n"
        "        self.d = convs.Conv1d(2, 2, 1)\n"
        "    def forward(self, x):\n"
        "        return self.b(x) * self.a.sum()\n"
        "model = M()\n"), input_shape=(2, 4))
    assert report.complete and report.total == 12 + 10 + 112 + 6


def test_collections_defaultdict_is_read(tmp_path: Path) -> None:
    # a defaultdict kept on a module (usage counters of a mixture of experts) made the reading incomplete
    report = agree(tmp_path, (
        "import collections\n"
        "from collections import defaultdict\n"
        "class M(nn.Module):\n"
        "    def __init__(self, n):\n"
        "        super().__init__()\n"
        "        self.counts = defaultdict(int)\n"
        "        groups = collections.defaultdict(list)\n"
        "        for i in range(n):\n"
        "            groups[i % 2].append(nn.Linear(4, 4))\n"
        "            self.counts[i] += 1\n"
        "        self.even = nn.ModuleList(groups[0])\n"
        "        self.odd = nn.ModuleList(groups[1])\n"
        "        self.head = nn.Linear(4, len(self.counts) + sum(self.counts.values()))\n"
        "        lookup = defaultdict(lambda: 3, {'a': 1})\n"
        "        self.tail = nn.Linear(lookup['a'], lookup['b'])\n"
        "        assert isinstance(self.counts, defaultdict) and isinstance(self.counts, dict)\n"
        "    def forward(self, x):\n"
        "        self.counts[0] += x.size(0)\n"
        "        return self.head(x)\n"
        "model = M(5)\n"), input_shape=(2, 4))
    assert report.complete and report.total == 5 * 20 + 4 * 10 + 10 + 6


def test_a_defaultdict_without_a_factory_raises_key_error_as_python_does(tmp_path: Path) -> None:
    path = write(tmp_path, (
        "from collections import defaultdict\n"
        "d = defaultdict(None, {'a': 2})\n"
        "try:\n"
        "    n = d['b']\n"
        "except KeyError:\n"
        "    n = 5\n"
        "model = nn.Linear(d['a'], n)\n"))
    assert paramwise.read(str(path)).total == build(path)["model"].weight.numel() + 5 == 15


# -- forwards that stopped the shape pass, the counts right (a held-out sample's LeViT, Swin, PointNet, Permutator) ----

FORWARDS = {
    # register_buffer(name, None): torch keeps the name, as None (Swin's attn_mask of unshifted blocks)
    "buffer_of_none": ("""
class Block(nn.Module):
    def __init__(self, shift):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.register_buffer("attn_mask", torch.zeros(2, 2) if shift else None)
    def forward(self, x):
        if self.attn_mask is not None:
            x = x * 2
        return self.fc(x)
model = nn.Sequential(Block(True), Block(False), nn.Linear(4, 3))
""", (2, 4)),
    # builtin sum() over tensors, with and without start= (vision permutator's ParallelSum)
    "sum_of_tensors": ("""
class ParallelSum(nn.Module):
    def __init__(self, *fns):
        super().__init__()
        self.fns = nn.ModuleList(fns)
    def forward(self, x):
        return sum(map(lambda fn: fn(x), self.fns))
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = ParallelSum(nn.Linear(4, 8), nn.Linear(4, 8))
        self.q = nn.Linear(8, 2)
    def forward(self, x):
        y = sum([x[:, :2], x[:, 2:]], start=torch.zeros(1, 2))
        return self.q(self.p(x)) + y
model = Net()
""", (2, 4)),
    # einops '(...)': the ellipsis' axes made one, then torch.einsum with spaces (LeViT's attention)
    "einops_grouped_ellipsis": ("""
from einops import rearrange
from torch import einsum
class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.to_q = nn.Conv2d(8, 16, 1)
        self.out = nn.Linear(25, 6)
    def forward(self, x):
        q = rearrange(self.to_q(x), 'b (h d) ... -> b h (...) d', h=4)
        return self.out(einsum('b h i d, b h j d -> b h i j', q, q))
model = Attention()
""", (1, 8, 5, 5)),
    # np.eye(k).flatten().astype(np.float32) through torch.from_numpy (PointNet's STN identity)
    "numpy_eye": ("""
import numpy as np
class STN(nn.Module):
    def __init__(self, k=3):
        super().__init__()
        self.k = k
        self.fc = nn.Linear(4, k * k)
        self.out = nn.Linear(k, 2)
    def forward(self, x):
        batchsize = x.size()[0]
        iden = torch.from_numpy(np.eye(self.k).flatten().astype(np.float32)).view(1, self.k * self.k).repeat(batchsize, 1)
        eye = torch.from_numpy(np.identity(self.k)).float()
        return self.out((self.fc(x) + iden).view(-1, self.k, self.k) @ eye)
model = STN()
""", (2, 4)),
    # a table indexed by a tensor of indices that cannot be a mask (Swin's relative position bias)
    "integer_index": ("""
class Bias(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.zeros(49, 3))
        coords = torch.stack(torch.meshgrid([torch.arange(4), torch.arange(4)], indexing="ij"))
        flat = torch.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        rel[:, :, 0] += 3
        rel[:, :, 1] += 3
        rel[:, :, 0] *= 7
        self.register_buffer("index", rel.sum(-1))
        self.fc = nn.Linear(3, 5)
    def forward(self, x):
        return self.fc(self.table[self.index.view(-1)].view(16, 16, -1)) + x.sum()
model = Bias()
""", (2, 3)),
}


@pytest.mark.parametrize("case", list(FORWARDS.values()), ids=list(FORWARDS))
def test_forwards_that_stopped_the_shape_pass_match_torch(tmp_path: Path, case: tuple[str, tuple[int, ...]]) -> None:
    if "einops" in case[0]:
        pytest.importorskip("einops")
    body, shape = case
    report = agree(tmp_path, body, shape)
    assert incomplete(report) == []


def test_a_boolean_mask_is_not_read_as_indices(tmp_path: Path) -> None:
    # a mask has the shape of the axes it indexes, and its result's size depends on the values: never a guess
    path = write(tmp_path, """
class Masked(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 5)
    def forward(self, x):
        return self.fc(x[x.sum(-1) > 0])
model = Masked()
""")
    report = paramwise.read(str(path), input_shape=(2, 3))
    assert [w.code for w in report.warnings] == ["forward_not_followed"]
    assert "indexing a tensor with a tensor" in report.warnings[0].message
    assert report.total == 20


UNPOOLING = {
    # MaxUnpool2d (it was an unknown module, its forward not followed), back to an odd size through output_size=
    "max_unpool_to_the_input_size": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2, return_indices=True)
        self.unpool = nn.MaxUnpool2d(2)
        self.up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
        self.head = nn.Conv2d(2, 1, 1)
    def forward(self, x):
        y = self.conv(x)
        small, indices = self.pool(y)
        back = self.unpool(small, indices, output_size=y.size())
        return self.head(self.up(back, output_size=[2 * y.size(2), 2 * y.size(3)]))
model = Net()
""",
    "max_unpool_default_sizes": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool1d(3, stride=2, return_indices=True)
        self.unpool = nn.MaxUnpool1d(3, stride=2)
        self.fc = nn.Linear(7, 2)
    def forward(self, x):
        return self.fc(self.unpool(*self.pool(x)))
model = Net()
""",
}


@pytest.mark.parametrize("body", list(UNPOOLING.values()), ids=list(UNPOOLING))
def test_unpooling_and_output_size_match_torch(tmp_path: Path, body: str) -> None:
    shape = (1, 3, 7, 9) if "Conv2d" in body else (2, 4, 7)
    report = agree(tmp_path, body, shape)
    assert incomplete(report) == []


def test_a_transposed_conv_called_on_two_output_sizes_stops_the_forward(tmp_path: Path) -> None:
    path = write(tmp_path, """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    def forward(self, x):
        return self.up(x, output_size=(7, 7)), self.up(x, output_size=(8, 8))
model = Net()
""")
    report = paramwise.read(str(path), input_shape=(1, 2, 4, 4))
    assert [w.code for w in report.warnings] == ["forward_not_followed"]
    assert "output_size=(8, 8) is not followed" in report.warnings[0].message
    assert compare(report, build(path)["model"]) == []


def test_complex_parameters_and_distributions_match_torch(tmp_path: Path) -> None:
    # S4D: a parameter made by torch.view_as_real of a complex tensor (refused: "needs a tensor whose shape
    # paramwise can read"), and a torch.distributions object kept on a module (reported as an unread module)
    report = agree(tmp_path, """
class Kernel(nn.Module):
    def __init__(self, h=4, n=8):
        super().__init__()
        c = torch.randn(h, n // 2, dtype=torch.cfloat)
        self.C = nn.Parameter(torch.view_as_real(c))
        self.noise = torch.distributions.binomial.Binomial(probs=0.5)
        self.out = nn.Linear(n // 2, 3)
        self.parts = nn.Identity()
    def forward(self, x):
        c = torch.view_as_complex(self.C)
        return self.out(x * c.real.sum(0)), self.parts(c.imag)
model = Kernel()
""", (2, 4))
    assert report.warnings == ()


MORE_FORWARDS = {
    # `type(x) not in (list, tuple)` of a tensor: type() gave an unknown value, the test read False (StyleGAN)
    "type_of_a_tensor": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
    def forward(self, x):
        if type(x) not in (list, tuple):
            x = [x]
        return self.fc(x[0])
model = Net()
""",
    # super().forward(x) in a subclass of a built-in (PixelCNN's masked convolution)
    "super_forward_of_a_built_in": """
class MaskedConv2d(nn.Conv2d):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_buffer("mask", self.weight.data.clone())
    def forward(self, x):
        self.weight.data *= self.mask
        return super(MaskedConv2d, self).forward(x)
model = nn.Sequential(MaskedConv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.Identity())
""",
    # gather, logspace, finfo, Ellipsis, triu_ (CoAtNet, Perceiver, gMLP)
    "gather_logspace_finfo": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 3)
        self.register_buffer("freqs", torch.logspace(0., 2., 5))
    def forward(self, x):
        idx = torch.arange(5).repeat(x.shape[0], 1)
        y = x.gather(1, idx) + torch.gather(x, 1, idx) + self.freqs[(*((None,) * (len(x.shape) - 1)), Ellipsis)]
        mask = torch.ones(5, 5).triu_(1).bool()
        y = y.masked_fill(y > 0, -torch.finfo(x.dtype).max) + mask.float().sum(0)
        return self.fc(y)
model = Net()
""",
    # F.conv1d/conv2d with the weight a parameter (gMLP's spatial gating)
    "functional_convolutions": """
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(6, 4, 3, 2))
        self.w1 = nn.Parameter(torch.zeros(5, 4, 3))
        self.a, self.b, self.c = nn.Identity(), nn.Identity(), nn.Identity()
    def forward(self, x):
        y = F.conv2d(x, self.w, None, 2, 1, 1)
        z = F.conv2d(x, self.w, padding="same")
        v = F.conv1d(x.flatten(2), self.w1, stride=3, dilation=2)
        return self.a(y), self.b(z), self.c(v)
model = Net()
""",
}


@pytest.mark.parametrize("body", list(MORE_FORWARDS.values()), ids=list(MORE_FORWARDS))
def test_more_forwards_that_stopped_the_shape_pass_match_torch(tmp_path: Path, body: str) -> None:
    shape = (2, 4, 9, 8) if "Conv" in body or "conv" in body else (2, 5) if "gather" in body else (2, 4)
    report = agree(tmp_path, body, shape)
    assert incomplete(report) == []


def test_field_offsets_from_numpy_cumsum_match_torch(tmp_path: Path) -> None:
    # torchfm's FeaturesEmbedding (DeepFM, FM): offsets from np.cumsum of the field sizes were unread (incomplete)
    report = agree(tmp_path, """
import numpy as np
class FeaturesEmbedding(nn.Module):
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = nn.Embedding(sum(field_dims), embed_dim)
        self.offsets = np.array((0, *np.cumsum(field_dims)[:-1]), dtype=np.int64)
        self.bias = nn.Parameter(torch.zeros((len(self.offsets),)))
model = FeaturesEmbedding([3, 5, 7], 4)
""")
    assert incomplete(report) == []
