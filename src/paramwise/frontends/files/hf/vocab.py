"""A model folder's vocabulary: the token embedding's rows as the config makes them, as the checkpoint beside it
stores them, and as many token ids as the tokenizer files give out.

None of the families described here pads its vocabulary when transformers builds it: where a family rounds the
vocabulary up (GPT-NeoX/Pythia's make_vocab_size_divisible_by, Qwen's, Phi-2's), the rounded size is already
the config's vocab_size, and the tokenizer has fewer ids than the embedding has rows (the rest are never looked
up). A checkpoint whose embedding has other rows than vocab_size is one transformers refuses to load (a size
mismatch): its real shape is said, and the count follows the config (`--model weights` counts the checkpoint).

Tokenizer files are data, read as JSON or text and never run: tokenizer.json (its model's vocabulary and its
added tokens), else a SentencePiece tokenizer.model (its pieces counted in the protobuf), vocab.json or vocab.txt,
with the added tokens of tokenizer_config.json and added_tokens.json; with none of those, the added tokens alone
give a lower bound. A tokenizer that gives out ids past the embedding's last row is a warning: those tokens would index
outside the table."""

from __future__ import annotations

import json
import os
import stat

from ....errors import Diagnostic, Location
from ....frozen import replace
from ....ir import Graph

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MAX_TOKENIZER_BYTES = 64 * 1024 * 1024  # the largest published tokenizer.json files are about 35 MB
MAX_IDS = 10_000_000
MAX_PIECES = 1_000_000  # fields walked in a tokenizer.model (Gemma 3's has 262,144 pieces)


def token_embedding(graph: Graph) -> tuple[str, int, int] | None:
    """(module path, rows, width) of the config's token embedding: its first Embedding module."""
    for layer in graph.layers:
        if layer.kind.kind_name == "Embedding" and "position" not in layer.name and layer.name.rsplit(".", 1)[-1] != "wpe":
            shape = layer.kind.weights(None)[0].shape
            if len(shape) == 2 and all(isinstance(d, int) for d in shape):
                return layer.name, int(shape[0]), int(shape[1])
    return None


def stored_rows(weights: Graph | None, path: str) -> tuple[int, ...] | None:
    """The shape the checkpoint stores for `path`.weight, if it has that tensor."""
    if weights is None:
        return None
    # the same module, or one prefix apart (a base model's checkpoint under `bert.`, a head's without `model.`)
    same = [layer for layer in weights.layers if layer.name == path]
    near = [layer for layer in weights.layers if layer.name.endswith("." + path) or path.endswith("." + layer.name)]
    for layer in same or (near if len(near) == 1 else []):
        for w in layer.kind.weights(None):
            if w.name == "weight" and all(isinstance(d, int) for d in w.shape):
                return tuple(int(d) for d in w.shape)
    return None


def checked(folder: str, graph: Graph, weights: Graph | None) -> Graph:
    """The config's graph with the vocabulary's notes (`meta["notes"]`, `meta["vocabulary"]`) and warnings."""
    embedding = token_embedding(graph)
    tokenizer = tokenizer_ids(folder)
    if embedding is None and tokenizer is None:
        return graph
    notes: list[str] = []
    warnings: list[Diagnostic] = []
    info: dict[str, Any] = {}
    rows = None
    if embedding is not None:
        path, rows, width = embedding
        info["embedding"] = {"module": path, "rows": rows}
        stored = stored_rows(weights, path)
        if stored is not None:
            info["embedding"]["checkpoint_shape"] = list(stored)
        if stored is not None and stored != (rows, width):
            shape = "×".join(f"{d:,}" for d in stored)
            notes.append(f"Vocabulary: the checkpoint's {path}.weight is {shape}; the config makes it {rows:,}×{width:,}")
            warnings.append(Diagnostic(
                "stored_mismatch", f"the checkpoint's {path}.weight is {shape}; the config's vocab_size makes it "
                f"{rows:,}×{width:,}", Location(os.path.join(folder, "config.json"), path="vocab_size"),
                "transformers refuses to load an embedding of another size; the count follows the config "
                "(--model weights counts the checkpoint)"))
            if len(stored) == 2:
                rows = stored[0]
    if tokenizer is not None:
        ids, source, lower = tokenizer
        info["tokenizer"] = {"ids": ids, "source": source, "lower_bound": lower}
        at_least = "at least " if lower else ""
        line = f"Tokenizer: {at_least}{ids:,} token ids ({source})"
        if rows is not None:
            spare = rows - ids
            line += (f"; the embedding has {rows:,} rows" + (f" ({spare:,} never looked up)" if spare > 0 else ""))
            if ids > rows:
                warnings.append(Diagnostic(
                    "tokenizer_mismatch", f"the tokenizer gives out {ids:,} token ids; the embedding has {rows:,} rows",
                    Location(os.path.join(folder, source.split(",")[0].split(";")[0])),
                    "ids past the last row index outside the table: is this the model's tokenizer? (transformers' "
                    "resize_token_embeddings adds the rows)"))
        notes.append(line)
    meta = {**graph.meta, "vocabulary": info, "notes": [*graph.meta.get("notes", ()), *notes]}
    return replace(graph, meta=meta, warnings=(*graph.warnings, *warnings))


def tokenizer_ids(folder: str) -> tuple[int, str, bool] | None:
    """(token ids the tokenizer gives out: its highest id + 1, which files said so, whether that is only a lower
    bound) from the tokenizer files in `folder`; None when it holds none that can be read."""
    ids: set[int] = set()
    sources: list[str] = []
    full = False
    data = read_json(os.path.join(folder, "tokenizer.json"))
    if isinstance(data, dict):
        model = data.get("model")
        vocab = model.get("vocab") if isinstance(model, dict) else None
        found = vocabulary_ids(vocab)
        added = [t.get("id") for t in data.get("added_tokens") or () if isinstance(t, dict)]
        added_ids = {i for i in added if type(i) is int and 0 <= i < MAX_IDS}
        if found is not None:
            ids |= found
            full = True
        ids |= added_ids
        sources.append("tokenizer.json")
    if not full:
        found = vocabulary_ids(read_json(os.path.join(folder, "vocab.json")))
        if found is not None:
            ids |= found
            full = True
            sources.append("vocab.json")
    if not full:
        pieces = sentencepiece_pieces(os.path.join(folder, "tokenizer.model"))
        if pieces:
            ids |= set(range(min(pieces, MAX_IDS)))
            full = True
            sources.append("tokenizer.model")
    if not full:
        lines = read_text(os.path.join(folder, "vocab.txt"))
        if lines is not None:
            ids |= set(range(min(len(lines), MAX_IDS)))
            full = True
            sources.append("vocab.txt")
    config = read_json(os.path.join(folder, "tokenizer_config.json"))
    decoder = config.get("added_tokens_decoder") if isinstance(config, dict) else None
    if isinstance(decoder, dict):
        more = {int(k) for k in decoder if isinstance(k, str) and k.isdigit() and int(k) < MAX_IDS}
        if more - ids:
            sources.append("tokenizer_config.json")
        ids |= more
    added = read_json(os.path.join(folder, "added_tokens.json"))
    if isinstance(added, dict):
        more = {v for v in added.values() if type(v) is int and 0 <= v < MAX_IDS}
        if more - ids:
            sources.append("added_tokens.json")
        ids |= more
    if not ids:
        return None
    source = ", ".join(sources) + ("" if full else "; no vocabulary file paramwise reads (tokenizer.json, "
                                                    "tokenizer.model, vocab.json, vocab.txt)")
    return max(ids) + 1, source, not full


def sentencepiece_pieces(path: str) -> int | None:
    """The pieces of a SentencePiece tokenizer.model (a ModelProto: field 1, `repeated SentencePiece pieces`, whose
    position is the id), counted by walking the protobuf's top-level fields; None when the file is absent or not
    one. Nothing in it is run."""
    raw = read_bytes(path)
    if not raw:
        return None
    pieces, at, fields = 0, 0, 0
    while at < len(raw):
        fields += 1
        if fields > MAX_PIECES:  # real models have at most a few hundred thousand pieces
            return None
        key, at = varint(raw, at)
        if key is None:
            return None
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, at = varint(raw, at)
            if _ is None:
                return None
        elif wire == 1:
            at += 8
        elif wire == 5:
            at += 4
        elif wire == 2:
            length, at = varint(raw, at)
            if length is None or at + length > len(raw):
                return None
            at += length
            pieces += field == 1
        else:
            return None
        if at > len(raw) or field == 0:
            return None
    return pieces or None


def varint(raw: bytes, at: int) -> tuple[int | None, int]:
    value, shift = 0, 0
    while at < len(raw) and shift < 64:
        byte = raw[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    return None, at


def vocabulary_ids(vocab: Any) -> set[int] | None:
    """The ids of a tokenizer model's vocabulary: {token: id} (BPE, WordPiece, WordLevel) or [[piece, score], ...]
    (Unigram: the id is the position)."""
    if isinstance(vocab, dict) and vocab:
        found = {v for v in vocab.values() if type(v) is int and 0 <= v < MAX_IDS}
        return found or None
    if isinstance(vocab, list) and vocab:
        return set(range(min(len(vocab), MAX_IDS)))
    return None


def read_bytes(path: str) -> bytes | None:
    """A regular file's bytes, at most MAX_TOKENIZER_BYTES; None when it is absent, not a file, or too large."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            raw = f.read(MAX_TOKENIZER_BYTES + 1)
        except OSError:
            return None
    return raw if len(raw) <= MAX_TOKENIZER_BYTES else None


def read_json(path: str) -> Any:
    raw = read_bytes(path)
    if raw is None:
        return None
    try:
        return json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None


def read_text(path: str) -> list[str] | None:
    raw = read_bytes(path)
    if raw is None:
        return None
    lines = raw.decode("utf-8", "replace").splitlines()
    while lines and not lines[-1]:
        lines.pop()
    return lines or None
