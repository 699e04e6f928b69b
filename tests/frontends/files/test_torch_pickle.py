"""The pickle of a PyTorch checkpoint read as data (torch_pickle.py), checked against torch.load itself: the
same structure, every tensor's shape, dtype, element size, offset and strides, the same storages shared, and
the same files refused. Checkpoints are written by torch.save (zip and legacy layouts), by hand-picked cases
and by hypothesis."""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import paramwise
from paramwise.errors import InputError
from paramwise.frontends.files.torch_pickle import (
    DTYPE_BYTES,
    Global,
    Opaque,
    PickledTensor,
    read_checkpoint_pickle,
)

torch = pytest.importorskip("torch")


def ours(data: bytes, name: str = "x.pt") -> Any:
    return read_checkpoint_pickle(name, io.BytesIO(data))


def theirs(data: bytes) -> Any:
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - torch's refusal, of any kind
        return e


def saved(obj: Any, legacy: bool = False, **kw: Any) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=not legacy, **kw)
    return buf.getvalue()


def same(mine: Any, torch_value: Any, storages: dict[str, int], path: str = "") -> None:
    """`mine` describes `torch_value`: containers item by item, tensors field by field; `storages` maps each
    of our storage keys to torch's storage pointer (one to one: the same sharing)."""
    if isinstance(torch_value, torch.Tensor):
        assert type(mine) is PickledTensor, path
        assert mine.shape == tuple(torch_value.shape), path
        assert mine.dtype == str(torch_value.dtype).removeprefix("torch."), path
        assert mine.element_size == torch_value.element_size(), path
        assert mine.offset == torch_value.storage_offset(), path
        assert mine.stride == tuple(torch_value.stride()), path
        if torch_value.device.type == "meta":  # saved without a storage
            assert mine.storage is None, path
            return
        ptr = torch_value.untyped_storage().data_ptr()
        assert mine.storage is not None, path
        if mine.storage in storages:
            assert storages[mine.storage] == ptr, f"{path}: a storage shared in one reading and not the other"
        else:
            assert ptr not in storages.values() or torch_value.numel() == 0, f"{path}: storage shared by torch only"
            storages[mine.storage] = ptr
    elif isinstance(torch_value, dict):
        assert type(mine) is dict and list(mine) == list(torch_value), path
        for k in torch_value:
            same(mine[k], torch_value[k], storages, f"{path}.{k}")
    elif isinstance(torch_value, (list, tuple)) and not isinstance(torch_value, torch.Size):
        assert type(mine) is type(torch_value) and len(mine) == len(torch_value), path
        for i, (a, b) in enumerate(zip(mine, torch_value)):
            same(a, b, storages, f"{path}[{i}]")
    elif isinstance(torch_value, torch.Size):
        assert mine == tuple(torch_value), path
    elif isinstance(torch_value, (int, float, str, bytes, bool, type(None))):
        assert mine == torch_value or (mine != mine and torch_value != torch_value), path  # NaN
        assert type(mine) is type(torch_value), path
    else:  # a device, a set, a complex ... (Opaque), a dtype (its Global): what it is, not its value
        assert type(mine) in (Opaque, Global), (path, torch_value)


def agree(data: bytes) -> Any:
    """Both read the file, or both refuse it (ours with an InputError); the reading returned."""
    expected = theirs(data)
    if isinstance(expected, Exception):
        with pytest.raises(InputError):
            ours(data)
        return None
    got = ours(data)
    same(got, expected, {})
    return got


def dtypes() -> list[Any]:
    return [getattr(torch, name) for name in DTYPE_BYTES if isinstance(getattr(torch, name, None), torch.dtype)]


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_every_dtype(legacy: bool) -> None:
    state = {}
    for dtype in dtypes():
        try:
            t = torch.zeros(2, 3, dtype=dtype)
            back = theirs(saved(t, legacy))
        except (RuntimeError, TypeError, KeyError):  # a dtype torch cannot make or save (the bits, uint1-7 types)
            continue
        if not isinstance(back, Exception):  # torch's legacy loader fails on the dtypes newer than it
            state[str(dtype)] = t
    state["q"] = torch.quantize_per_tensor(torch.zeros(4), 0.1, 0, torch.qint8)
    state["q32"] = torch.quantize_per_tensor(torch.zeros(4), 0.1, 0, torch.qint32)
    assert len(state) >= (14 if legacy else 20)
    agree(saved(state, legacy))


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_views_ties_and_layouts(legacy: bool) -> None:
    base = torch.arange(24.0).reshape(4, 6)
    emb = torch.nn.Parameter(torch.zeros(10, 4))
    state = OrderedDict([
        ("base", base), ("row", base[1]), ("col", base[:, 2]), ("t", base.t()), ("tail", base.view(-1)[5:]),
        ("emb.weight", emb), ("head.weight", emb), ("scalar", torch.tensor(3.0)), ("empty", torch.zeros(0, 5)),
        ("half", torch.zeros(3, dtype=torch.float16)), ("expanded", torch.zeros(1).expand(5)),
    ])
    state._metadata = {"": {"version": 1}}  # type: ignore[attr-defined]  # as module.state_dict() has
    agree(saved(state, legacy))


def test_checkpoint_values() -> None:
    """The values a training checkpoint holds beside its state dict."""
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    opt = torch.optim.Adam(model.parameters())
    model(torch.zeros(2, 3)).sum().backward()
    opt.step()
    ckpt = {"epoch": 3, "lr": 0.1, "best": float("nan"), "big": 2**70, "neg": -5, "name": "run",
            "bytes": b"\x00\xff", "flags": {1, 2}, "size": torch.Size([2, 3]), "device": torch.device("cpu"),
            "dtype": torch.float16, "pair": (1, [2, {"a": None}]), "c": 1 + 2j, "ok": True,
            "model": model.state_dict(), "optimizer": opt.state_dict()}
    agree(saved(ckpt))
    agree(saved(ckpt, legacy=True))


def test_meta_and_parameter_tensors() -> None:
    agree(saved({"w": torch.nn.Parameter(torch.zeros(2, 2)), "m": torch.zeros(3, 2, device="meta")}))


@pytest.mark.parametrize("obj", [
    torch.nn.Linear(2, 3), {"f": print}, {"t": torch.zeros(2).to_sparse()}, [torch.zeros(2), object()],
], ids=["module", "function", "sparse", "object"])
def test_what_torch_refuses_is_refused(obj: Any) -> None:
    data = saved(obj)
    expected = theirs(data)
    got: Any
    try:
        got = ours(data)
    except InputError:
        got = None
    if isinstance(expected, Exception):
        assert got is None
    else:  # torch reads it (a sparse tensor): ours refuses it by name, never a silent other count
        with pytest.raises(InputError, match="sparse"):
            ours(data)


def test_pickle_protocols() -> None:
    """torch.save(..., pickle_protocol=4) writes frames, memo and short strings, which torch's weights_only
    loader refuses; paramwise reads them (the file is ours: torch reads it back without weights_only)."""
    state = {"w": torch.zeros(2, 3), "b": b"\x00" * 300, "s": "x" * 300, "n": -2**40, "e": {2, 3}}
    for protocol in (2, 3, 4, 5):
        data = saved(state, pickle_protocol=protocol)
        same(ours(data), torch.load(io.BytesIO(data), weights_only=False), {})


def test_code_in_the_pickle_is_refused_not_run(tmp_path: Path) -> None:
    canary = tmp_path / "ran"

    class Evil:
        def __reduce__(self) -> tuple[Any, ...]:
            import os

            return (os.system, (f"touch {canary}",))

    for data in (pickle.dumps({"w": Evil()}, protocol=2), saved({"w": torch.zeros(2), "e": Evil()})):
        with pytest.raises(InputError, match="beyond tensors"):
            ours(data)
    assert not canary.exists()


def test_damage_is_an_input_error() -> None:
    data = saved({"a.weight": torch.zeros(4, 4), "b": [1, 2, (3, 4)]})
    legacy = saved({"a.weight": torch.zeros(4, 4)}, legacy=True)
    for blob in (data, legacy):
        for cut in range(0, len(blob), max(1, len(blob) // 300)):
            try:
                ours(blob[:cut])
            except InputError:
                pass
    deep = b"\x80\x02K\x01" + b"\x85" * 1000 + b"."  # a tuple of a tuple of ... 1,000 deep
    with pytest.raises(InputError, match="nested"):
        read_checkpoint_pickle("deep.pt", io.BytesIO(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03."
                                                      b"\x80\x02}q\x00." + deep))


def test_the_cli_counts_a_pt_as_torch(tmp_path: Path) -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.Linear(8, 2))
    path = tmp_path / "m.pt"
    path.write_bytes(saved(model.state_dict()))
    report = paramwise.read(str(path))
    assert report.total == sum(p.numel() for p in model.parameters())
    assert report.buffers == sum(b.numel() for b in model.buffers())


# -- random structures -----------------------------------------------------------------------------------

SHAPES = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


@st.composite
def tensors(draw: Any) -> Any:
    dtype = draw(st.sampled_from([torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int8, torch.bool,
                                  torch.complex64, torch.uint16, torch.float8_e4m3fn]))
    shape = draw(SHAPES)
    t = torch.zeros(shape, dtype=dtype)
    how = draw(st.sampled_from(["plain", "param", "t", "slice"]))
    if how == "param" and (dtype.is_floating_point or dtype.is_complex):
        return torch.nn.Parameter(t)
    if how == "t" and t.dim() >= 2:
        return t.transpose(0, 1)
    if how == "slice" and t.dim() >= 1 and t.shape[0] > 1:
        return t[1:]
    return t


values = st.recursive(
    st.one_of(tensors(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), st.text(max_size=5), st.none(),
              st.booleans(), st.binary(max_size=4)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4),
                            st.tuples(inner, inner)),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=values, shared=st.booleans(), legacy=st.booleans())
def test_random_checkpoints_read_as_torch_reads_them(value: Any, shared: bool, legacy: bool) -> None:
    # torch's own legacy loader fails on the dtypes that came after it (it looks up UntypedStorage.dtype)
    assume(not (legacy and any(t.dtype in (torch.uint16, torch.float8_e4m3fn) for t in tensors_in(value))))
    obj = {"v": value, "again": value} if shared else {"v": value}  # the same tensors reached twice
    agree(saved(obj, legacy))


def tensors_in(value: Any) -> list[Any]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in tensors_in(item)]
    return []


def test_a_zip_directory_too_large_is_refused_before_it_is_parsed() -> None:
    data = bytearray(saved({"w": torch.zeros(2)}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 12:end + 16] = (100 * 2**20).to_bytes(4, "little")  # the directory's declared size: 100 MB
    with pytest.raises(paramwise.ParamwiseError, match="at most 300,000"):
        ours(bytes(data))


def test_a_storage_larger_than_its_record_is_refused_as_torch_refuses_it() -> None:
    """The pickle says how many values a storage has; its record in the archive must hold them (a pickle that
    claims 10**30 values would otherwise be counted)."""
    import zipfile

    data = saved({"w": torch.zeros(4)})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    pkl = members["archive/data.pkl"]
    members["archive/data.pkl"] = pkl.replace(b"K\x04t", b"K\x05t", 1)  # the storage's length: 4 -> 5 values
    assert members["archive/data.pkl"] != pkl
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    assert isinstance(theirs(buf.getvalue()), Exception)
    with pytest.raises(InputError, match="its record in the archive holds 16 bytes"):
        ours(buf.getvalue())


def test_a_deep_list_in_an_error_is_shown_shallow() -> None:
    deep = b"\x80\x02" + b"]" * 50_000 + b"a" * 49_999  # a list in a list ... 50,000 deep
    size = b"ctorch\nSize\n" + deep + b"\x85R."  # torch.Size of it: refused, and the message shows it shallow
    legacy = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.\x80\x02}q\x00."
    with pytest.raises(InputError, match="torch.Size of"):
        read_checkpoint_pickle("deep.pt", io.BytesIO(legacy + b"\x80\x02" + size))
