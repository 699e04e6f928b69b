# ruff: noqa  (written in the styles found in tutorials and answers, kept as they are)
# Hyper-parameters passed as an argparse.Namespace and a types.SimpleNamespace, as scripts do with parse_args().
import argparse
import types

import torch.nn as nn

args = argparse.Namespace(n_in=20, widths=[48, 24], n_out=3, dropout=0.1)
head_cfg = types.SimpleNamespace(scale=2)
head_cfg.extra = 7


class Net(nn.Module):
    def __init__(self, args, head_cfg):
        super().__init__()
        sizes = [args.n_in] + args.widths
        self.body = nn.Sequential(*[m for a, b in zip(sizes, sizes[1:])
                                    for m in (nn.Linear(a, b), nn.ReLU(), nn.Dropout(args.dropout))])
        self.out = nn.Linear(sizes[-1], args.n_out * head_cfg.scale + head_cfg.extra)

    def forward(self, x):
        return self.out(self.body(x))


model = Net(args, head_cfg)
input_shape = (4, 20)
