"""A mutation fuzz harness over every paramwise reader.

Seeds are real model files (the source cases in tests/cases and examples/, and Keras/torch files saved by
the frameworks at run time); each input is one seed with a few mutations, chosen by a generator seeded
with (run seed, reader, index), so any input can be rebuilt from those three values. The oracle runs the
CLI entry point in-process: an exception escaping it, exit code 4, a run over the time limit, a canary
file created by a payload, or a secret from the environment in the output is a finding.

    python benchmarks/fuzz.py --per-reader 100000 --seed 1     the long run
    python -m pytest tests/test_fuzz.py -q                       the bounded slice CI runs
"""

from __future__ import annotations

from .engine import READERS, Finding, Stats, fuzz_reader, make_input
from .oracle import Outcome

__all__ = ["READERS", "Finding", "Outcome", "Stats", "fuzz_reader", "make_input"]
