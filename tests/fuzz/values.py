"""The values mutations put into inputs: boundary numbers, wrong types, code payloads aimed at a canary
file, and format-string gadgets aimed at a secret environment variable."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

SECRET_VAR = "PARAMWISE_FUZZ_SECRET"


@dataclass(frozen=True)
class Context:
    """Where payloads point: a canary file that must never appear, and an environment secret that must
    never be printed."""

    canary: str
    secret: str

    @classmethod
    def create(cls, folder: str) -> Context:
        secret = os.environ.get(SECRET_VAR) or f"s3cr3t{random.SystemRandom().randrange(10**12):012d}"
        os.environ[SECRET_VAR] = secret
        return cls(canary=os.path.join(os.path.abspath(folder), "CANARY"), secret=secret)

    def code_payloads(self) -> list[str]:
        """Python expressions that create the canary if anything evaluates them."""
        c = self.canary
        return [
            f"__import__('os').system('touch {c}')",
            f"(__import__('os').system('touch {c}') or 2)",
            f"open('{c}', 'w')",
            f"exec(\"open('{c}', 'w')\")",
            f"eval(\"__import__('os').system('touch {c}')\")",
            f"__import__('pathlib').Path('{c}').touch()",
            f"[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0](['touch', '{c}'])",
            f"lambda: __import__('os').system('touch {c}')",
            f"compile(\"open('{c}','w')\", 'x', 'exec')",
        ]

    def leak_gadgets(self) -> list[str]:
        """Source expressions that would put the secret into a layer name if the interpreter let them."""
        v = SECRET_VAR
        return [
            f"'{{0.__init__.__globals__[os].environ[{v}]}}'.format(len)",
            f"'{{0.__class__.__init__.__globals__[sys].modules[os].environ[{v}]}}'.format(0)",
            f"'{{0.__globals__[os].environ[{v}]}}'.format(lambda: 0)",
            f"'{{x.__init__.__globals__[os].environ[{v}]}}'.format(x=print)",
            f"__import__('os').environ['{v}']",
            f"__import__('os').getenv('{v}')",
            "globals()",
            "vars()",
            f"getattr(__import__('os'), 'environ')['{v}']",
        ]


# numbers as Python source text
SOURCE_NUMBERS = [
    "0", "-1", "-5", "1", "2", "3.5", "0.0", "-0.5", "10**30", "10**100", "2**63", "2**64 - 1", "1e308", "1e400",
    "float('nan')", "float('inf')", "-float('inf')", "'abc'", "'3'", "''", "None", "True", "False", "[3]", "(2, 2)",
    "(0, 0)", "(-1, 3)", "()", "{}", "b'3'", "3j", "...", "1_000_000_000", "10**9", "2**31", "-2**31", "len",
    "range(10**12)", "10**10**3",
]

# values put into JSON trees (Python objects; NaN and Infinity are written as JSON's NaN/Infinity)
JSON_VALUES: list[object] = [
    0, -1, -5, 1, 3.5, -0.5, 10**30, -(10**30), 10**300, 2**63, 2**64, float("nan"), float("inf"), float("-inf"),
    "abc", "", "3", "None", "relu", "channels_first", None, True, False, [], {}, [3], [None], [None, -4], [None, 0],
    [1.5, 2], ["x"], {"a": 1}, {"class_name": "Dense", "config": {}}, [[[[]]]], "\u0000", "\ud800x", "é" * 50,
    "a" * 5000,
]

# raw JSON tokens spliced in as text (json.dumps cannot write some of them)
JSON_RAW = ["NaN", "Infinity", "-Infinity", "1e400", "-0", "1.0e-400", "1" + "0" * 5000, "0.1e99999",
            "-9223372036854775809", "18446744073709551616"]

# edge cases for tensor and layer names
NAMES = ["", ".", "..", "...", "a..b", "a.", ".a", "w", "emb_params", "0", "0.weight", "a.0.b", "é.ü",
         "a" * 300, ".".join(["a"] * 2000), "a/b", "../x", "__class__", "__init__.__globals__", "a\u0000b",
         "layers.0.weight", "weight", "bias", "model.model.model.weight", " ", "\n", "a.b.c.d.e.f.g.h.weight"]

INTS = [0, -1, 1, 2, 3, 7, 255, 256, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**64 - 1, 10**12]
