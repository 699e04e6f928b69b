"""The pickle inside a PyTorch checkpoint, read as data: no unpickler, no import, no call of anything.

`torch.save` writes a pickle (protocol 2) that rebuilds dicts, lists, tuples, numbers and strings, and calls a
few of torch's own functions (`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)`) on
storages named by persistent ids. This module walks the pickle's instructions itself and builds only plain
Python data: a call of a function torch's `weights_only` loader allows becomes the record it describes (a
`PickledTensor`: shape, dtype, storage, offset, strides), and a name outside that list is refused, as
`torch.load(weights_only=True)` refuses it. Nothing named in the file is ever looked up or called, so no
torch is needed and a hostile file has nothing to run.

The instructions read are those torch's `weights_only` unpickler reads (protocol 2, torch.save's default)
and those protocols 3 to 5 add that make nothing new (frames, memo, short strings, bytes: `weights_only`
refuses a file saved with `pickle_protocol=4`, paramwise reads it); the file layouts
are torch's zip archive (`archive/data.pkl` beside `archive/data/<key>`, torch >= 1.6) and the legacy stream
(magic number, protocol version, system info, then the pickle). Tuples nested deeper than MAX_TUPLE_DEPTH
are refused before they can be hashed (a deep tuple hashed as a dict key recurses in C)."""

from __future__ import annotations

import reprlib
import struct
import zipfile

from ...errors import InputError, LimitError, Location
from ...frozen import frozen

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import IO, Any

MAX_PICKLE_BYTES = 512 * 1024 * 1024  # data.pkl of a 1,000,000-tensor state dict is about 100 MB
MAX_ZIP_ENTRIES = 300_000  # one per storage, and a few more (DeepSeek-V3 has about 91,000 tensors in all its shards)
MAX_DIRECTORY_BYTES = 64 * 1024 * 1024  # a zip directory of 300,000 torch records is about 25 MB
MAX_LONG_BYTES = 1024  # LONG1 holds at most 255 bytes; nothing in a checkpoint needs more
MAX_TUPLE_DEPTH = 200
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001

# dtype name -> bytes per value (torch._utils._element_size), for every dtype torch can save
DTYPE_BYTES = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4, "int16": 2, "int8": 1,
    "uint8": 1, "bool": 1, "complex128": 16, "complex64": 8, "complex32": 4, "qint8": 1, "qint32": 4, "quint8": 1,
    "quint4x2": 1, "quint2x4": 1, "uint16": 2, "uint32": 4, "uint64": 8, "float8_e4m3fn": 1, "float8_e5m2": 1,
    "float8_e4m3fnuz": 1, "float8_e5m2fnuz": 1, "float8_e8m0fnu": 1, "float4_e2m1fn_x2": 1, "bits8": 1, "bits16": 2,
    "bits1x8": 1, "bits2x4": 1, "bits4x2": 1,
    **{f"uint{n}": 1 for n in range(1, 8)}, **{f"int{n}": 1 for n in range(1, 8)},
}
# the legacy typed storages torch.save names (torch.storage._dtype_to_storage_type_map), and the untyped one
STORAGE_DTYPES = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16", "LongStorage": "int64",
    "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "BoolStorage": "bool", "BFloat16Storage": "bfloat16", "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64", "QInt8Storage": "qint8", "QInt32Storage": "qint32",
    "QUInt8Storage": "quint8", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
TENSOR_CLASSES = {f"{prefix}{name}Tensor" for prefix in ("torch.", "torch.cuda.") for name in
                  ("Double", "Float", "Half", "Long", "Int", "Short", "Char", "Byte", "Bool", "BFloat16")}
QSCHEMES = {"per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
            "per_channel_affine_float_qparams"}
# the functions torch's weights_only loader calls that make a tensor paramwise does not read
UNREAD_REBUILDS = {"_rebuild_nested_tensor": "nested", "_rebuild_wrapper_subclass": "wrapper-subclass",
                   "_rebuild_device_tensor_from_cpu_tensor": "device", "_rebuild_device_tensor_from_numpy": "numpy",
                   "_rebuild_sparse_tensor": "sparse"}
PLAIN = {"collections.OrderedDict", "collections.Counter", "torch.Size", "torch.device", "_codecs.encode",
         "builtins.bytearray", "builtins.set", "builtins.complex", "torch.serialization._get_layout",
         "torch.Tensor", "torch.nn.parameter.Parameter", "torch._tensor._rebuild_from_type_v2",
         "torch.storage.UntypedStorage", "torch.storage.TypedStorage"}


class PickleError(Exception):
    """What is wrong with the pickle, in words (the reader adds the file)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@frozen
class Global:
    """A name the pickle refers to (`GLOBAL module name`): only a name, never looked up."""

    name: str


@frozen
class Storage:
    """A storage named by a persistent id: its key in the archive, its dtype and its length in values."""

    key: str
    dtype: str
    numel: int


@frozen
class PickledTensor:
    """A tensor as torch.load would rebuild it: shape, dtype, bytes per value, and where its values lie
    (`storage` None for a tensor saved without one: a meta tensor)."""

    shape: tuple[int, ...]
    dtype: str
    element_size: int
    storage: str | None = None
    offset: int = 0
    stride: tuple[int, ...] = ()

    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@frozen
class Opaque:
    """A value torch allows but paramwise does not need (a device, a layout, a set, a dtype): what it is."""

    what: str


def global_name(module: str, name: str) -> str:
    module = {"__builtin__": "builtins", "copy_reg": "copyreg"}.get(module, module)
    return f"{module}.{name}"


def allowed(name: str) -> bool:
    """Whether torch.load(weights_only=True) allows this global by default."""
    module, _, short = name.rpartition(".")
    if name in PLAIN or name in TENSOR_CLASSES:
        return True
    if module in ("torch", "torch.cuda") and short in STORAGE_DTYPES:
        return True
    if module == "torch" and (short in DTYPE_BYTES or short in QSCHEMES):
        return True
    return module == "torch._utils" and short.startswith("_rebuild_")


# -- the instructions ----------------------------------------------------------------------------------------

class Reader:
    """The pickles of `data`, one after another: each `load()` returns the next one's value (`pos` is then just
    past its STOP)."""

    def __init__(self, data: bytes | memoryview, legacy: bool = False) -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.storages: dict[str, Storage] = {}  # by key, shared by the pickles of one file
        self.legacy = legacy
        self.depth: dict[int, tuple[tuple[Any, ...], int]] = {}  # nesting depth of each tuple made (kept alive)

    def fail(self, what: str) -> PickleError:
        return PickleError(f"its pickle is damaged at byte {self.pos:,}: {what}")

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise self.fail("it ends inside an instruction (truncated?)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def line(self) -> str:
        end = bytes(self.data[self.pos:self.pos + 1024]).find(b"\n")
        if end < 0:
            raise self.fail("a name is not ended by a newline")
        text = bytes(self.take(end + 1)[:-1])
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise self.fail(f"a name is not UTF-8 text ({e})") from e

    def tuple_of(self, items: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
        made = tuple(items)
        deepest = 0
        for item in made:
            if type(item) is tuple:
                found = self.depth.get(id(item))
                deepest = max(deepest, found[1] if found is not None and found[0] is item else 1)
        if deepest:
            if deepest + 1 > MAX_TUPLE_DEPTH:
                raise self.fail(f"tuples nested over {MAX_TUPLE_DEPTH} deep; a checkpoint nests a few")
            self.depth[id(made)] = (made, deepest + 1)
        return made

    def load(self) -> Any:  # noqa: C901 - one branch per instruction, as pickle's own loader
        stack: list[Any] = []
        marks: list[list[Any]] = []
        memo: dict[int, Any] = {}
        take = self.take
        unpack = struct.unpack
        while True:
            if self.pos >= len(self.data):
                raise self.fail("it ends before its STOP instruction (truncated?)")
            op = self.data[self.pos]
            self.pos += 1
            try:
                if op == 0x71:  # BINPUT
                    memo[take(1)[0]] = stack[-1]
                elif op == 0x72:  # LONG_BINPUT
                    memo[unpack("<I", take(4))[0]] = stack[-1]
                elif op == 0x68:  # BINGET
                    stack.append(memo[take(1)[0]])
                elif op == 0x6A:  # LONG_BINGET
                    stack.append(memo[unpack("<I", take(4))[0]])
                elif op == 0x58:  # BINUNICODE
                    n = unpack("<I", take(4))[0]
                    stack.append(str(take(n), "utf-8", "surrogatepass"))
                elif op == 0x28:  # MARK
                    marks.append(stack)
                    stack = []
                elif op == 0x4B:  # BININT1
                    stack.append(take(1)[0])
                elif op == 0x4D:  # BININT2
                    stack.append(unpack("<H", take(2))[0])
                elif op == 0x4A:  # BININT
                    stack.append(unpack("<i", take(4))[0])
                elif op == 0x85:  # TUPLE1
                    stack[-1] = self.tuple_of((stack[-1],))
                elif op == 0x86:  # TUPLE2
                    stack[-2:] = [self.tuple_of(stack[-2:])]
                elif op == 0x87:  # TUPLE3
                    stack[-3:] = [self.tuple_of(stack[-3:])]
                elif op == 0x74:  # TUPLE
                    items = stack
                    stack = marks.pop()
                    stack.append(self.tuple_of(items))
                elif op == 0x29:  # EMPTY_TUPLE
                    stack.append(())
                elif op == 0x51:  # BINPERSID
                    stack[-1] = self.persistent(stack[-1])
                elif op == 0x52:  # REDUCE
                    args = stack.pop()
                    stack[-1] = self.call(stack[-1], args)
                elif op == 0x89:  # NEWFALSE
                    stack.append(False)
                elif op == 0x88:  # NEWTRUE
                    stack.append(True)
                elif op == 0x4E:  # NONE
                    stack.append(None)
                elif op == 0x7D:  # EMPTY_DICT
                    stack.append({})
                elif op == 0x5D:  # EMPTY_LIST
                    stack.append([])
                elif op == 0x8F:  # EMPTY_SET
                    stack.append(Opaque("set"))
                elif op == 0x73:  # SETITEM
                    value = stack.pop()
                    key = stack.pop()
                    self.set_items(stack[-1], [key, value])
                elif op == 0x75:  # SETITEMS
                    items = stack
                    stack = marks.pop()
                    self.set_items(stack[-1], items)
                elif op == 0x61:  # APPEND
                    item = stack.pop()
                    if type(stack[-1]) is not list:
                        raise self.fail(f"APPEND to {type_name(stack[-1])}, not a list")
                    stack[-1].append(item)
                elif op == 0x65:  # APPENDS
                    items = stack
                    stack = marks.pop()
                    if type(stack[-1]) is not list:
                        raise self.fail(f"APPENDS to {type_name(stack[-1])}, not a list")
                    stack[-1].extend(items)
                elif op == 0x63:  # GLOBAL
                    module = self.line()
                    stack.append(self.named(global_name(module, self.line())))
                elif op == 0x81:  # NEWOBJ
                    args = stack.pop()
                    cls = stack.pop()
                    stack.append(self.new(cls, args))
                elif op == 0x62:  # BUILD
                    state = stack.pop()
                    self.build(stack[-1], state)
                elif op == 0x47:  # BINFLOAT
                    stack.append(unpack(">d", take(8))[0])
                elif op == 0x8A:  # LONG1
                    n = take(1)[0]
                    stack.append(int.from_bytes(take(n), "little", signed=True))
                elif op == 0x55:  # SHORT_BINSTRING
                    n = take(1)[0]
                    stack.append(str(take(n), "ascii"))
                elif op == 0x80:  # PROTO
                    take(1)
                # protocols 3-5 (torch.save(..., pickle_protocol=4)): torch.load's weights_only loader stops at
                # these; they make nothing new, so they are read
                elif op == 0x95:  # FRAME
                    take(8)
                elif op == 0x94:  # MEMOIZE
                    memo[len(memo)] = stack[-1]
                elif op == 0x8C:  # SHORT_BINUNICODE
                    stack.append(str(take(take(1)[0]), "utf-8", "surrogatepass"))
                elif op == 0x8D:  # BINUNICODE8
                    stack.append(str(take(unpack("<Q", take(8))[0]), "utf-8", "surrogatepass"))
                elif op == 0x93:  # STACK_GLOBAL
                    name = stack.pop()
                    module = stack.pop()
                    if type(module) is not str or type(name) is not str:
                        raise self.fail("STACK_GLOBAL of names that are not strings")
                    stack.append(self.named(global_name(module, name)))
                elif op in (0x43, 0x42, 0x8E, 0x96):  # SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8
                    n = take(1)[0] if op == 0x43 else unpack("<I" if op == 0x42 else "<Q", take(4 if op == 0x42 else 8))[0]
                    stack.append(bytes(take(n)))
                elif op == 0x8B:  # LONG4
                    n = unpack("<i", take(4))[0]
                    if n > MAX_LONG_BYTES:
                        raise self.fail(f"an integer of {n:,} bytes")
                    stack.append(int.from_bytes(take(n), "little", signed=True))
                elif op == 0x92:  # NEWOBJ_EX
                    stack.pop()  # keyword arguments
                    args = stack.pop()
                    cls = stack.pop()
                    stack.append(self.new(cls, args))
                elif op == 0x90:  # ADDITEMS
                    stack = marks.pop()
                    if type(stack[-1]) is not Opaque:
                        raise self.fail(f"ADDITEMS to {type_name(stack[-1])}, not a set")
                elif op == 0x91:  # FROZENSET
                    stack = marks.pop()
                    stack.append(Opaque("frozenset"))
                elif op == 0x2E:  # STOP: the value on top, as pickle and torch take it
                    return stack.pop()
                else:
                    raise self.fail(f"instruction 0x{op:02x}, which torch.save does not write")
            except PickleError:
                raise
            except IndexError as e:
                raise self.fail("an instruction uses a value the pickle has not made") from e
            except KeyError as e:
                raise self.fail("an instruction uses a value the pickle has not made") from e
            except (UnicodeDecodeError, TypeError, ValueError, struct.error) as e:
                raise self.fail(f"{type(e).__name__}: {str(e)[:120]}") from e

    def named(self, name: str) -> Global:
        """A GLOBAL's name, if torch.load(weights_only=True) allows it: the name only, never looked up."""
        if not allowed(name):
            raise PickleError(
                f"this checkpoint holds Python objects beyond tensors (a whole pickled model?): its pickle "
                f"names {name[:120]}, which torch.load(weights_only=True) does not allow either; paramwise "
                "reads checkpoints as data and never unpickles arbitrary objects",
                hint="save the weights instead: torch.save(model.state_dict(), path), or summarize the live "
                "module with paramwise.summary(model)")
        return Global(name)

    def set_items(self, target: Any, items: list[Any]) -> None:
        if type(target) is not dict:
            raise self.fail(f"SETITEMS on {type_name(target)}, not a dict")
        if len(items) % 2:
            raise self.fail("SETITEMS with a key and no value")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]  # TypeError (unhashable key): said as damage by load()

    def persistent(self, pid: Any) -> Storage:
        """('storage', type, key, location, numel) in an archive; legacy streams add view metadata."""
        if type(pid) is not tuple or not pid or pid[0] not in ("storage", b"storage"):
            raise self.fail("a persistent id that does not name a storage")
        fields = pid[1:]
        if len(fields) != (5 if self.legacy else 4):
            raise self.fail(f"a storage id of {len(pid)} fields")
        kind, key, numel = fields[0], fields[1], fields[3]
        dtype = storage_dtype(kind)
        if dtype is None or type(key) is not str or type(numel) is not int or numel < 0:
            raise self.fail(f"a storage id that is not (type, key, location, size): {shown(pid)}")
        if self.legacy and fields[4] is not None:  # a view of another storage: (view key, offset, size)
            view = fields[4]
            if type(view) is not tuple or len(view) != 3 or type(view[0]) is not str or type(view[2]) is not int:
                raise self.fail(f"a storage view that is not (key, offset, size): {shown(view)}")
            key, numel = view[0], view[2]
        found = self.storages.get(key)
        if found is None:
            found = self.storages[key] = Storage(key, dtype, numel)
        return found

    def call(self, func: Any, args: Any) -> Any:
        if type(func) is not Global:
            raise self.fail(f"a call of {type_name(func)}, which is not a function torch allows")
        if type(args) is not tuple:
            raise self.fail(f"a call of {func.name} with arguments that are not a tuple")
        return call_global(func.name, args)

    def new(self, cls: Any, args: Any) -> Any:
        if type(cls) is not Global or type(args) is not tuple:
            raise self.fail("NEWOBJ of something that is not a class torch allows")
        if cls.name in ("collections.OrderedDict", "collections.Counter"):
            return {}
        if cls.name == "torch.nn.parameter.Parameter":
            return args[0] if args and type(args[0]) is PickledTensor else PickledTensor((0,), "float32", 4)
        return Opaque(cls.name)

    def build(self, inst: Any, state: Any) -> None:
        if type(inst) is dict or type(inst) is Opaque:  # an OrderedDict's attributes (_metadata): not needed
            return
        raise self.fail(f"BUILD on {type_name(inst)}, which torch.save does not write")


def storage_dtype(kind: Any) -> str | None:
    if type(kind) is Global:
        module, _, short = kind.name.rpartition(".")
        if module in ("torch", "torch.cuda") and short in STORAGE_DTYPES:
            return STORAGE_DTYPES[short]
        if kind.name == "torch.storage.UntypedStorage":
            return "uint8"
    return None


def type_name(value: Any) -> str:
    return value.name if type(value) is Global else type(value).__name__


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60  # a list nested 100,000 deep is shown 3 levels deep


def shown(value: Any, keep: int = 100) -> str:
    text = _REPR.repr(value)
    return text if len(text) <= keep else text[:keep] + "..."


# -- the calls torch's weights_only loader makes, each as the record it describes ------------------------------

def call_global(name: str, args: tuple[Any, ...]) -> Any:
    module, _, short = name.rpartition(".")
    if name in ("collections.OrderedDict", "collections.Counter"):
        out: dict[Any, Any] = {}
        if args and args[0] is not None:
            pairs = args[0]
            if type(pairs) is dict:
                out.update(pairs)
            elif type(pairs) in (list, tuple) and all(type(p) is tuple and len(p) == 2 for p in pairs):
                out.update(pairs)
            else:
                raise PickleError(f"its pickle is damaged: {short}() of {shown(pairs)}")
        return out
    if name == "torch.Size":
        size = args[0] if args else ()
        if type(size) not in (tuple, list) or not all(type(d) is int for d in size):
            raise PickleError(f"its pickle is damaged: torch.Size of {shown(size)}")
        return tuple(size)
    if name == "_codecs.encode":
        if len(args) == 2 and type(args[0]) is str and args[1] in ("latin1", "latin-1"):
            return args[0].encode("latin-1")
        raise PickleError(f"its pickle is damaged: _codecs.encode{shown(args)}")
    if module == "torch._utils" or name == "torch._tensor._rebuild_from_type_v2":
        return rebuild(short, args)
    return Opaque(name)


def rebuild(short: str, args: tuple[Any, ...]) -> PickledTensor:
    """torch._utils' rebuild functions: the tensor each describes (its storage checked to hold it, as set_ does)."""
    if short in ("_rebuild_tensor_v2", "_rebuild_tensor", "_rebuild_qtensor"):
        if len(args) < 4:
            raise PickleError(f"its pickle is damaged: {short} with {len(args)} arguments")
        return on_storage(args[0], args[1], args[2], args[3], None, short)
    if short == "_rebuild_tensor_v3":
        if len(args) < 7:
            raise PickleError(f"its pickle is damaged: {short} with {len(args)} arguments")
        return on_storage(args[0], args[1], args[2], args[3], dtype_of(args[6], short), short)
    if short in ("_rebuild_parameter", "_rebuild_parameter_with_state"):
        if not args or type(args[0]) is not PickledTensor:
            raise PickleError(f"its pickle is damaged: {short} of {shown(args[:1])}")
        return args[0]
    if short == "_rebuild_from_type_v2":  # (func, new_type, args, state): func(*args), a Tensor or Parameter
        if len(args) < 3 or type(args[0]) is not Global or type(args[2]) is not tuple:
            raise PickleError(f"its pickle is damaged: _rebuild_from_type_v2{shown(args)}")
        if args[1] not in (Global("torch.Tensor"), Global("torch.nn.parameter.Parameter")):
            raise PickleError(f"it holds a tensor of class {type_name(args[1])}, which paramwise does not read")
        made = call_global(args[0].name, args[2])
        if type(made) is not PickledTensor:
            raise PickleError(f"its pickle is damaged: _rebuild_from_type_v2 of {args[0].name}")
        return made
    if short == "_rebuild_meta_tensor_no_storage":  # (dtype, size, stride, requires_grad)
        if len(args) < 3:
            raise PickleError(f"its pickle is damaged: {short} with {len(args)} arguments")
        dtype = dtype_of(args[0], short)
        size, stride = sizes(args[1], "size"), sizes(args[2], "stride")
        return PickledTensor(size, dtype, DTYPE_BYTES[dtype], None, 0, stride)
    what = UNREAD_REBUILDS.get(short, short)
    raise PickleError(f"it holds a {what} tensor (torch._utils.{short}), which paramwise does not read",
                      hint="save a state dict of plain tensors: torch.save(model.state_dict(), path)")


def dtype_of(value: Any, where: str) -> str:
    if type(value) is Global and value.name.startswith("torch.") and value.name[6:] in DTYPE_BYTES:
        return value.name[6:]
    raise PickleError(f"its pickle is damaged: {where} with dtype {shown(value)}")


def sizes(value: Any, what: str) -> tuple[int, ...]:
    if type(value) not in (tuple, list) or not all(type(d) is int and d >= 0 for d in value):
        raise PickleError(f"its pickle is damaged: a tensor {what} of {shown(value)}")
    return tuple(value)


def on_storage(storage: Any, offset: Any, size: Any, stride: Any, dtype: str | None, where: str) -> PickledTensor:
    if type(storage) is not Storage:
        raise PickleError(f"its pickle is damaged: {where} on {type_name(storage)}, not a storage")
    shape, steps = sizes(size, "size"), sizes(stride, "stride")
    if type(offset) is not int or offset < 0 or len(steps) != len(shape):
        raise PickleError(f"its pickle is damaged: a tensor of size {shown(size)}, stride {shown(stride)}, "
                          f"offset {shown(offset)}")
    dtype = dtype or storage.dtype
    per = DTYPE_BYTES[dtype]
    if all(shape):  # the storage must hold the last value the strides reach (torch's set_ checks the same)
        last = offset + sum((d - 1) * s for d, s in zip(shape, steps))
        if (last + 1) * per > storage.numel * DTYPE_BYTES[storage.dtype]:
            raise PickleError(f"its pickle is damaged: a tensor of size {list(shape)} (stride {list(steps)}, offset "
                              f"{offset}) does not fit its storage of {storage.numel:,} values")
    return PickledTensor(shape, dtype, per, storage.key, offset, steps)


# -- the files ---------------------------------------------------------------------------------------------

def read_checkpoint_pickle(path: str, f: IO[bytes]) -> Any:
    """The value a .pt/.pth/.bin file's pickle describes: a zip archive, or the legacy stream."""
    head = f.read(4)
    f.seek(0)
    try:
        if head[:2] == b"PK":
            return read_archive(path, f)
        if head[:2] == b"\x80\x02":  # the pickles come first; the storages' bytes after them are not read
            return read_legacy(f.read(MAX_PICKLE_BYTES))
    except PickleError as e:
        raise InputError(e.message, hint=e.hint or "is it a checkpoint written by torch.save?", location=Location(path)) from e
    raise InputError("not a PyTorch checkpoint: it is neither a zip archive nor a pickle",
                     hint="paramwise reads files written by torch.save (and safetensors)", location=Location(path))


def read_archive(path: str, f: IO[bytes]) -> Any:
    count, directory = declared_directory(f)
    if count > MAX_ZIP_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        raise LimitError(f"{path}: this zip declares {count:,} entries in a directory of {directory:,} bytes; paramwise "
                         f"reads at most {MAX_ZIP_ENTRIES:,} (one per tensor storage)",
                         hint="save the state dict in shards, or as safetensors")
    try:
        archive = zipfile.ZipFile(f)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError) as e:
        raise PickleError(f"its zip directory cannot be read ({type(e).__name__}: {str(e)[:160]})") from e
    if len(infos) > MAX_ZIP_ENTRIES:
        raise LimitError(f"{path}: this zip lists {len(infos):,} entries (paramwise reads at most {MAX_ZIP_ENTRIES:,})")
    names = [info.filename for info in infos]
    if not names:
        raise PickleError("its zip archive is empty")
    prefix = names[0].split("/", 1)[0]  # torch names every record under the first one's folder
    pkl = next((info for info in infos if info.filename == f"{prefix}/data.pkl"), None)
    if pkl is None:
        script = any(n.endswith(("/constants.pkl", "/code/")) or "/code/" in n for n in names[:1000])
        raise PickleError("this zip archive has no data.pkl" + (": it is a TorchScript archive (torch.jit.save)" * script),
                          hint="save the weights with torch.save(model.state_dict(), path)")
    if pkl.file_size > MAX_PICKLE_BYTES:
        raise LimitError(f"{path}: its data.pkl declares {pkl.file_size:,} bytes; paramwise reads at most {MAX_PICKLE_BYTES:,}")
    try:
        with archive.open(pkl) as entry:
            data = entry.read(MAX_PICKLE_BYTES + 1)
    except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, EOFError, NotImplementedError, struct.error) as e:
        raise PickleError(f"its data.pkl cannot be read ({type(e).__name__}: {str(e)[:160]})") from e
    except Exception as e:  # noqa: BLE001 - zlib, bz2 and lzma raise their own kinds for a damaged entry
        raise PickleError(f"its data.pkl cannot be inflated ({type(e).__name__}: {str(e)[:160]})") from e
    if len(data) > MAX_PICKLE_BYTES:
        raise LimitError(f"{path}: its data.pkl holds over {MAX_PICKLE_BYTES:,} bytes")
    reader = Reader(data)
    value = reader.load()
    records = {info.filename: info for info in infos}
    for key, storage in reader.storages.items():
        record = records.get(f"{prefix}/data/{key}")
        if record is None:
            raise PickleError(f"its pickle names storage '{key[:80]}', which the archive does not hold (truncated?)")
        need = storage.numel * DTYPE_BYTES[storage.dtype]
        if record.file_size < need:  # torch reads the storage's bytes from its record: a shorter one is refused
            raise PickleError(f"storage '{key[:80]}' declares {storage.numel:,} {storage.dtype} values ({need:,} bytes) "
                              f"but its record in the archive holds {record.file_size:,} bytes")
    return value


def declared_directory(f: IO[bytes]) -> tuple[int, int]:
    """(entries, directory bytes) the zip's end record declares, read before zipfile parses the directory (0, 0
    when there is no end record: zipfile then says why)."""
    f.seek(0, 2)
    size = f.tell()
    f.seek(max(0, size - 65557))
    tail = f.read()
    f.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return 0, 0
    count, directory = struct.unpack("<HI", tail[at + 10:at + 16])
    locator = at - 20
    if (count == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
        if 0 <= record < size:
            f.seek(record)
            zip64 = f.read(56)
            f.seek(0)
            if len(zip64) == 56 and zip64[:4] == b"PK\x06\x06":
                count, directory = struct.unpack("<QQ", zip64[32:48])
    return int(count), int(directory)


def read_legacy(data: bytes) -> Any:
    """torch's stream before 1.6: pickles of the magic number, the protocol version and the system's facts,
    then the value (the storages' bytes follow, unread)."""
    reader = Reader(data, legacy=True)
    magic = reader.load()
    if magic != LEGACY_MAGIC:
        raise PickleError("it is a pickle, but not one torch.save wrote (no PyTorch magic number)")
    if reader.load() != LEGACY_PROTOCOL:
        raise PickleError("its legacy protocol version is not 1001, the one torch writes")
    reader.load()  # the system's facts (byte order, type sizes)
    return reader.load()

