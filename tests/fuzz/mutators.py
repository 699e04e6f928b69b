"""Mutations of source text, JSON trees, raw bytes and zip archives. Each takes a `random.Random`, so an
input is rebuilt exactly from the generator's seed."""

from __future__ import annotations

import copy
import json
import random
import re
import struct
from collections.abc import Callable
from typing import Any

from .values import JSON_RAW, JSON_VALUES, NAMES, SOURCE_NUMBERS, Context

NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])")
STRING = re.compile(r"'[^'\n\\]{0,60}'|\"[^\"\n\\]{0,60}\"")
IDENT = re.compile(r"\b[A-Za-z_]\w*\b")
CALL_END = re.compile(r"\)")

def encode(text: str) -> bytes:
    """UTF-8, keeping bytes that were not UTF-8 (surrogate escapes) and lone surrogates as they are."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


# -- source text -------------------------------------------------------------------------------------


def delete_line(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    lines = text.split("\n")
    if len(lines) > 1:
        del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def duplicate_line(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines[i:i] = [lines[i]] * rng.choice([1, 1, 2, 50])
    return "\n".join(lines)


def swap_lines(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def replace_match(rng: random.Random, text: str, pattern: re.Pattern[str], values: list[str]) -> str:
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[: m.start()] + rng.choice(values) + text[m.end():]


def number(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    values = SOURCE_NUMBERS + ctx.code_payloads() + [repr(p) for p in ctx.code_payloads()]
    return replace_match(rng, text, NUMBER, values)


def all_numbers(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    """Every number on one line to the same value (all the sizes of one layer call)."""
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if NUMBER.search(line)]
    if not candidates:
        return text
    i = rng.choice(candidates)
    value = rng.choice(SOURCE_NUMBERS)
    lines[i] = NUMBER.sub(value, lines[i])
    return "\n".join(lines)


def string(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    values = [repr(p) for p in ctx.code_payloads()] + ctx.leak_gadgets() + ctx.code_payloads() + [
        "''", "'same'", "'valid'", "'causal'", "'channels_first'", "'zeros'", "'x' * 10**9", "'{0.__class__}'",
        "f'{1:>{10**10}}'", "'%s' % (1,)", "None", "3"]
    return replace_match(rng, text, STRING, values)


def identifier(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    names = sorted(set(IDENT.findall(text)))
    if not names:
        return text
    extra = ["__import__", "eval", "exec", "open", "globals", "getattr", "type", "object", "super", "self", "len",
             "range", "print", "undefined_name", "__builtins__", "__class__", "os", "sys", "torch", "nn", "keras"]
    return replace_match(rng, text, IDENT, names + extra)


def truncate(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    return text[: rng.randrange(len(text) + 1)]


def splice(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    """Lines of another seed put in at a random line."""
    if not others:
        return text
    donor = rng.choice(others).split("\n")
    a = rng.randrange(len(donor))
    chunk = donor[a: a + rng.choice([1, 3, 10, 40])]
    lines = text.split("\n")
    i = rng.randrange(len(lines) + 1)
    lines[i:i] = chunk
    return "\n".join(lines)


def insert_line(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    """A line from a dictionary of hostile statements, at a random place, with the indentation found there."""
    p = rng.choice(ctx.code_payloads())
    g = rng.choice(ctx.leak_gadgets())
    n = rng.choice([50, 500, 5000])
    snippets = [
        f"x = {p}", f"name = {g}", f"{p}", "for _i in range(10**12): pass", "while True: pass",
        "a = [0]; a.extend(a)", "s = 'ab'\nfor _ in range(64): s = s + s", "x = 10**4096; x = x**4096",
        "y = sum(range(10**13))", "z = list(range(10**9))", "t = pow(3, 10**8)", "k = len(range(10**100))",
        "import os", "from os import system", "import subprocess", "exec('1')", "global x", "del x",
        "x = " + "(" * n + "1" + ")" * n, "x = " + "[" * n + "]" * n, "x = 1" + " + 1" * n, "x = " + "- " * n + "1",
        "x = a" + ".b" * n, "x = f" + "()" * n, "x = 2" + "**2" * 40, "x = " + "lambda: " * 200 + "1",
        "def f(): return f()\nf()", "class A(A): pass", "class A: pass\nclass B(A, A): pass",
        "raise SystemExit(0)", "assert False", "yield 1", "return 1", "async def g(): await x", "x: int = 'a'",
        "@decorator\ndef h(): pass", "with open('x') as f: pass", "try:\n  pass\nexcept: pass",
        "x = {i: i for i in range(10**8)}", "x = 'a'.join(['b'] * 10**8)", "x = '{}'.format(" * 3 + "1" + ")" * 3,
        "print(" + "1," * 5000 + ")", "x = tuple(" * 100 + "()" + ")" * 100, "x = 1 if " * 200 + "1" + " else 1" * 200,
    ]
    lines = text.split("\n")
    i = rng.randrange(len(lines) + 1)
    indent = re.match(r"[ \t]*", lines[i - 1] if i and lines[i - 1].strip() else "")
    pad = indent.group(0) if indent else ""
    lines[i:i] = [pad + s for s in rng.choice(snippets).split("\n")]
    return "\n".join(lines)


def add_argument(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    """An extra positional or keyword argument before a closing parenthesis."""
    keywords = ["units", "filters", "kernel_size", "strides", "padding", "groups", "dilation_rate", "size", "axis",
                "num_layers", "bias", "in_features", "out_features", "name", "input_shape", "batch_shape", "dtype",
                "x", "**kw", "*args"]
    value = rng.choice(SOURCE_NUMBERS + [repr(p) for p in ctx.code_payloads()])
    key = rng.choice(keywords + [""])
    arg = value if not key else key if key.startswith("*") else f"{key}={value}"
    return replace_match(rng, text, CALL_END, [f", {arg})", f"{arg})"])


def indentation(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines[i] = rng.choice(["", " ", "\t", "    ", "        "]) + lines[i].lstrip() if rng.random() < 0.7 else lines[i].lstrip()
    return "\n".join(lines)


def text_bytes(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    """A few random characters: bytes that may not be UTF-8 come back as replacement characters."""
    data = bytearray(encode(text))
    if data:
        for _ in range(rng.choice([1, 2, 4, 16])):
            data[rng.randrange(len(data))] = rng.randrange(256)
    return data.decode("utf-8", "surrogateescape")


SOURCE_OPS: list[Callable[[random.Random, str, Context, list[str]], str]] = [
    delete_line, delete_line, duplicate_line, swap_lines, number, number, number, all_numbers, string, identifier,
    truncate, splice, insert_line, insert_line, add_argument, add_argument, indentation, text_bytes,
]


def mutate_source(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 5])):
        text = rng.choice(SOURCE_OPS)(rng, text, ctx, others)
    return text


# -- JSON trees --------------------------------------------------------------------------------------

Path = tuple[Any, ...]
RAW_MARK = "\u0001RAW{}\u0001"


def tree_paths(tree: Any, limit: int = 20000) -> list[Path]:
    """Every path to a value in a parsed JSON tree (breadth first, at most `limit`)."""
    out: list[Path] = []
    todo: list[tuple[Path, Any]] = [((), tree)]
    while todo and len(out) < limit:
        path, value = todo.pop()
        out.append(path)
        if isinstance(value, dict):
            todo.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            todo.extend(((*path, i), v) for i, v in enumerate(value))
    return out


def get_at(tree: Any, path: Path) -> Any:
    for p in path:
        tree = tree[p]
    return tree


def set_at(tree: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    get_at(tree, path[:-1])[path[-1]] = value
    return tree


class JsonMutation:
    """Structural mutations of a parsed JSON tree, then writing it back (with raw tokens spliced in)."""

    def __init__(self, rng: random.Random, ctx: Context) -> None:
        self.rng = rng
        self.ctx = ctx
        self.raw: list[str] = []

    def value(self) -> Any:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return rng.choice(self.ctx.code_payloads())
        if r < 0.25:
            self.raw.append(rng.choice(JSON_RAW))
            return RAW_MARK.format(len(self.raw) - 1)
        if r < 0.3:
            n = rng.choice([100, 1000, 5000, 100_000])
            self.raw.append("[" * n + "1" + "]" * n if rng.random() < 0.5 else '{"a":' * n + "1" + "}" * n)
            return RAW_MARK.format(len(self.raw) - 1)
        return copy.deepcopy(rng.choice(JSON_VALUES))

    def mutate(self, tree: Any) -> Any:
        rng = self.rng
        for _ in range(rng.choice([1, 1, 1, 2, 3, 6])):
            paths = tree_paths(tree)
            path = rng.choice(paths)
            target = get_at(tree, path)
            op = rng.randrange(11)
            if op <= 2:  # a value of another type
                tree = set_at(tree, path, self.value())
            elif op == 3 and isinstance(target, (int, float)) and not isinstance(target, bool):
                tree = set_at(tree, path, rng.choice([0, -1, -target, target * 10**28, target + 0.5, str(target),
                                                      float("nan"), [target], None]))
            elif op == 4 and path:  # delete
                parent = get_at(tree, path[:-1])
                del parent[path[-1]]
            elif op == 5 and isinstance(target, list) and target:  # duplicate / swap items
                i, j = rng.randrange(len(target)), rng.randrange(len(target))
                if rng.random() < 0.5:
                    target.insert(j, copy.deepcopy(target[i]))
                else:
                    target[i], target[j] = target[j], target[i]
            elif op == 6 and isinstance(target, dict) and target:  # rename a key
                key = rng.choice(list(target))
                target[rng.choice(NAMES + ["class_name", "config", "layers", "name", "inbound_nodes"])] = target.pop(key)
            elif op == 7 and isinstance(target, dict):  # an unknown or duplicated key
                target[rng.choice(["extra", "module", "registered_name", "build_config", "dtype", "trainable",
                                   "__class__", "shared_object_id"])] = self.value()
            elif op == 8 and len(paths) > 1:  # another subtree copied here (a layer inside itself ...)
                donor = copy.deepcopy(get_at(tree, rng.choice(paths)))
                tree = set_at(tree, path, donor)
            elif op == 9:  # deep nesting around a value
                n = rng.choice([50, 1000, 20000])
                inner = json.dumps(target if rng.random() < 0.5 else 1, allow_nan=True)
                self.raw.append("[" * n + inner + "]" * n if rng.random() < 0.7 else '{"a": ' * n + inner + "}" * n)
                tree = set_at(tree, path, RAW_MARK.format(len(self.raw) - 1))
            elif op == 10 and isinstance(target, str):  # a string edited
                tree = set_at(tree, path, rng.choice([target * 2, target[:-1], target.upper(), target + ".", "",
                                                      target + "\u0000", rng.choice(NAMES)]))
        return tree

    def dumps(self, tree: Any) -> str:
        text = json.dumps(tree, allow_nan=True)
        if not self.raw:
            return text
        for i, raw in enumerate(self.raw):
            text = text.replace(json.dumps(RAW_MARK.format(i)), raw)
        return text


def mutate_json_text(rng: random.Random, text: str, ctx: Context, others: list[str]) -> str:
    """Mostly structural mutations of the parsed tree; sometimes mutations of the text itself."""
    if rng.random() < 0.8:
        try:
            tree = json.loads(text)
        except ValueError:
            tree = None
        if tree is not None:
            m = JsonMutation(rng, ctx)
            text = m.dumps(m.mutate(tree))
            if rng.random() < 0.9:
                return text
    op = rng.choice([truncate, text_bytes, delete_line, duplicate_line, number, string])
    if op in (delete_line, duplicate_line) and "\n" not in text:
        text = text.replace(", ", ",\n")
    return op(rng, text, ctx, others)


# -- bytes -------------------------------------------------------------------------------------------


def mutate_bytes(rng: random.Random, data: bytes, regions: list[tuple[int, int]] | None = None) -> bytes:
    """Byte flips, interesting integers, truncation, insertion, deletion and duplication of chunks;
    `regions` (start, end) are where to aim most edits (a zip's central directory, a header)."""
    out = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        if not out:
            out = bytearray(rng.randbytes(rng.choice([1, 8, 100])))
        if regions and rng.random() < 0.7:
            a, b = rng.choice(regions)
            a, b = max(0, min(a, len(out) - 1)), max(1, min(b, len(out)))
        else:
            a, b = 0, len(out)
        pos = rng.randrange(a, max(a + 1, b))
        op = rng.randrange(7)
        if op == 0:
            out[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            out[pos] = rng.choice([0, 0xFF, 0x7F, 0x80, 0x01, rng.randrange(256)])
        elif op == 2:
            size, fmt = rng.choice([(2, "<H"), (4, "<I"), (8, "<Q")])
            value = rng.choice([0, 1, 2**(8 * size) - 1, 2**(8 * size - 1), 2**(8 * size - 1) - 1, rng.randrange(2**16)])
            out[pos:pos + size] = struct.pack(fmt, value)
        elif op == 3:
            del out[rng.randrange(len(out) + 1):]
        elif op == 4:
            out[pos:pos] = rng.randbytes(rng.choice([1, 4, 64]))
        elif op == 5:
            del out[pos:pos + rng.choice([1, 4, 64, 4096])]
        else:
            out[pos:pos] = out[pos:pos + rng.choice([4, 64, 4096])]
    return bytes(out)


# -- zip archives ------------------------------------------------------------------------------------

LOCAL, CENTRAL, END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
# (offset in the record, size) of the fields worth lying in
LOCAL_FIELDS = [(6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)]
CENTRAL_FIELDS = [(8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (32, 2), (38, 4), (42, 4)]
END_FIELDS = [(8, 2), (10, 2), (12, 4), (16, 4), (20, 2)]


def zip_fields(data: bytes) -> list[tuple[int, int]]:
    """(offset, size) of every header field of every record in an archive."""
    fields: list[tuple[int, int]] = []
    for sig, layout in ((LOCAL, LOCAL_FIELDS), (CENTRAL, CENTRAL_FIELDS), (END, END_FIELDS)):
        start = data.find(sig)
        while start >= 0:
            fields.extend((start + off, size) for off, size in layout)
            start = data.find(sig, start + 4)
    return fields


def mutate_zip_headers(rng: random.Random, data: bytes) -> bytes:
    """Lie in the headers: CRCs, sizes, flags (encrypted), methods, counts and offsets."""
    out = bytearray(data)
    fields = zip_fields(data)
    if not fields:
        return mutate_bytes(rng, data)
    for _ in range(rng.choice([1, 1, 2, 4])):
        off, size = rng.choice(fields)
        fmt = "<H" if size == 2 else "<I"
        old = struct.unpack_from(fmt, out, off)[0]
        top = 2**(8 * size) - 1
        value = rng.choice([0, 1, top, top // 2, old + 1, max(old - 1, 0), old * 1000 % (top + 1), old ^ 1,
                            12, 14, 99, rng.randrange(top + 1)])
        struct.pack_into(fmt, out, off, value)
    return bytes(out)
