"""A model folder's vocabulary: the tokenizer files' token ids (transformers' own tokenizer, loaded from the same
folder, is the oracle) beside the embedding's rows, a warning when the tokenizer gives out ids past the last row,
and a checkpoint whose embedding has other rows than the config's vocab_size said with its real shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paramwise.cli import main

transformers = pytest.importorskip("transformers")
pytest.importorskip("torch")


def saved_llama(folder: Path, vocab: int = 1000) -> Any:
    made = transformers.LlamaConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=4,
                                    num_key_value_heads=2, vocab_size=vocab, tie_word_embeddings=False)
    model = transformers.LlamaForCausalLM(made)
    model.save_pretrained(folder)
    return model


def word_level(tokens: int, added: list[str]) -> Any:
    """A fast tokenizer of `tokens` words and `added` special tokens, as save_pretrained writes it."""
    from tokenizers import Tokenizer, models

    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.WordLevel(vocab={f"w{i}": i for i in range(tokens)}, unk_token="w0")), unk_token="w0")
    tokenizer.add_special_tokens({"additional_special_tokens": added})
    return tokenizer


def summary(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str, str]:
    code = main([str(folder), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    code_table = main([str(folder), "--depth", "0"])
    table, err = capsys.readouterr()
    assert code == code_table
    return code, data, table, err


@pytest.mark.parametrize(("tokens", "added"), [(900, ["<a>", "<b>", "<c>"]), (1000, []), (998, ["<x>", "<y>", "<z>"])])
def test_the_tokenizer_files_give_transformers_token_count(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           tokens: int, added: list[str]) -> None:
    saved_llama(tmp_path)
    word_level(tokens, added).save_pretrained(tmp_path)
    real = len(transformers.AutoTokenizer.from_pretrained(tmp_path))
    code, data, table, err = summary(tmp_path, capsys)
    assert data["vocabulary"]["tokenizer"]["ids"] == real and not data["vocabulary"]["tokenizer"]["lower_bound"]
    assert data["vocabulary"]["embedding"] == {"module": "model.embed_tokens", "rows": 1000, "checkpoint_shape": [1000, 32]}
    if real <= 1000:
        assert code == 0 and "tokenizer_mismatch" not in err
        spare = f" ({1000 - real:,} never looked up)" if real < 1000 else ""
        assert f"Tokenizer: {real:,} token ids (tokenizer.json); the embedding has 1,000 rows{spare}" in table
    else:
        assert code == 0 and f"the tokenizer gives out {real:,} token ids; the embedding has 1,000 rows" in err
        assert [w["code"] for w in data["warnings"]] == ["tokenizer_mismatch"]


def test_a_wordpiece_vocabulary_and_added_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = transformers.BertConfig(vocab_size=60, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                                     intermediate_size=64)
    config.save_pretrained(tmp_path)
    (tmp_path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *[f"w{i}" for i in range(55)]]) + "\n")
    tokenizer = transformers.BertTokenizer(str(tmp_path / "vocab.txt"))
    tokenizer.add_tokens(["<new1>", "<new2>"])
    tokenizer.save_pretrained(tmp_path)
    real = len(transformers.AutoTokenizer.from_pretrained(tmp_path))
    assert real == 62
    code, data, table, err = summary(tmp_path, capsys)
    assert data["vocabulary"]["tokenizer"]["ids"] == real
    assert "the tokenizer gives out 62 token ids; the embedding has 60 rows" in err and code == 0


def test_only_added_tokens_are_a_lower_bound(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved_llama(tmp_path)
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"added_tokens_decoder": {"0": {"content": "<unk>"},
                                                                                         "999": {"content": "<eot>"}}}))
    (tmp_path / "tokenizer.model").write_bytes(b"\x00not read")
    code, data, table, err = summary(tmp_path, capsys)
    assert code == 0 and data["vocabulary"]["tokenizer"] == {
        "ids": 1000, "lower_bound": True,
        "source": "tokenizer_config.json; no vocabulary file paramwise reads (tokenizer.json, tokenizer.model, vocab.json, vocab.txt)"}
    assert "Tokenizer: at least 1,000 token ids" in table


def test_a_sentencepiece_model_s_pieces_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A tokenizer.model as SentencePiece writes it (a ModelProto), built with protobuf from transformers' copy of
    its schema; the pieces protobuf parses back are the oracle."""
    from transformers.utils import sentencepiece_model_pb2_new as spm

    saved_llama(tmp_path)
    proto = spm.ModelProto()
    for i in range(997):
        piece = proto.pieces.add()
        piece.piece, piece.score = f"\u2581w{i}", -float(i)
    proto.trainer_spec.vocab_size = 997
    proto.normalizer_spec.name = "identity"
    (tmp_path / "tokenizer.model").write_bytes(proto.SerializeToString())
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"added_tokens_decoder": {"997": {"content": "<pad>"}}}))
    parsed = spm.ModelProto()
    parsed.ParseFromString((tmp_path / "tokenizer.model").read_bytes())
    code, data, table, err = summary(tmp_path, capsys)
    assert code == 0 and data["vocabulary"]["tokenizer"] == {
        "ids": len(parsed.pieces) + 1, "lower_bound": False, "source": "tokenizer.model, tokenizer_config.json"}
    (tmp_path / "tokenizer.model").write_bytes(proto.SerializeToString()[:-3])  # cut short: not a model, not read
    code, data, table, err = summary(tmp_path, capsys)
    assert code == 0 and data["vocabulary"]["tokenizer"]["lower_bound"]


def test_a_checkpoint_whose_embedding_is_padded_past_vocab_size_says_its_shape(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from safetensors.torch import load_file, save_file

    model = saved_llama(tmp_path)
    tensors = load_file(tmp_path / "model.safetensors")
    tensors["model.embed_tokens.weight"] = tensors["model.embed_tokens.weight"].new_zeros((1024, 32))
    save_file(tensors, tmp_path / "model.safetensors", metadata={"format": "pt"})
    code, data, table, err = summary(tmp_path, capsys)
    assert code == 0 and data["total"] == sum(p.numel() for p in model.parameters())  # the config's count
    assert "the checkpoint's model.embed_tokens.weight is 1,024×32; the config's vocab_size makes it 1,000×32" in err
    assert data["vocabulary"]["embedding"]["checkpoint_shape"] == [1024, 32]
    with pytest.raises(Exception, match="ignore_mismatched_sizes"):  # transformers refuses it too
        transformers.LlamaForCausalLM.from_pretrained(tmp_path)


def test_hostile_tokenizer_files_are_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved_llama(tmp_path)
    (tmp_path / "tokenizer.json").write_text("[" * 100_000)  # nested past any recursion limit
    (tmp_path / "vocab.json").write_text(json.dumps({"a": -5, "b": 10**12, "c": "x", "d": 7}))
    (tmp_path / "added_tokens.json").write_text("__import__('os').system('false')")
    code, data, table, err = summary(tmp_path, capsys)
    assert code == 0 and data["vocabulary"]["tokenizer"]["ids"] == 8 and data["vocabulary"]["tokenizer"]["source"] == "vocab.json"
