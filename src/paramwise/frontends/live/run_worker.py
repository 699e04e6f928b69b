"""The process `--run` starts: `python -m paramwise.frontends.live.run_worker`. It imports the user's code (which
the user trusts: this is the one place paramwise runs it), finds the model, builds it without real weights
(PyTorch under `torch.device("meta")`, Keras under `keras.device("meta")`: no data, no training state), reads it
with the live readers, and answers with the Graph as JSON (run_codec), never a pickle.

It reads requests from standard input, one JSON object a line, and answers each with one JSON line on the
standard output it had when it started; everything the user's code prints (Python or C) goes to standard error.
The first line it writes says it is ready (the frameworks are imported). Each request runs under a time limit
(an alarm that stops the user's code); the whole process under a memory limit (RLIMIT_AS).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


class RunTimeout(BaseException):
    """The user's code ran past the time limit (a BaseException: a bare `except Exception` in it does not stop it)."""


class Refused(Exception):
    """What the user asked cannot be done (no model, a name that does not exist): a message and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


# -- the process ----------------------------------------------------------------------------------------------


def main() -> int:
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    os.dup2(2, 1)  # the user's prints (and C code writing to fd 1) go to standard error
    sys.stdout = sys.stderr
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)  # the user's input() reads nothing, never the requests
    os.close(nothing)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 -- open for the life of the process
    frameworks = [f for f in sys.argv[1:] if f in ("torch", "keras")] or ["torch"]
    modules: dict[str, Any] = {}
    missing = ""
    for name in frameworks:
        try:
            modules[name] = importlib.import_module(name)
        except ImportError as e:
            missing = f"{name} ({e})"
            break
    from . import keras, run_codec, torch  # noqa: F401 -- paramwise's readers, imported before any user code

    run_codec.kind_classes()
    limit_memory()
    send(reply, {"ready": True, "missing": missing})
    for line in requests:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            answer = handle(request, modules)
        except Refused as e:
            answer = {"ok": False, "error": {"kind": "refused", "message": e.message, "hint": e.hint}}
        except Exception as e:  # noqa: BLE001 -- a failure of this worker is reported, not a hang
            answer = {"ok": False, "error": {"kind": "internal", "message": f"{type(e).__name__}: {e}",
                                             "trace": traceback.format_exc()[-3000:]}}
        send(reply, answer)
    return 0


def send(reply: Any, answer: dict[str, Any]) -> None:
    reply.write(json.dumps(answer) + "\n")
    reply.flush()


def limit_memory() -> None:
    """RLIMIT_AS: what the process maps now (the frameworks are imported) plus PARAMWISE_RUN_MEGABYTES."""
    megabytes = float(os.environ.get("PARAMWISE_RUN_MEGABYTES", "0") or 0)
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:
        return
    try:
        with open("/proc/self/status", "rb") as f:
            mapped = next(int(line.split()[1]) * 1024 for line in f if line.startswith(b"VmSize:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    value = mapped + int(megabytes * 2**20)
    if hard == resource.RLIM_INFINITY or hard >= value:
        resource.setrlimit(resource.RLIMIT_AS, (value, hard))


# -- one request ----------------------------------------------------------------------------------------------


def handle(request: dict[str, Any], modules: dict[str, Any]) -> dict[str, Any]:
    from .run_codec import decode

    args = decode(request.get("args") or {"tuple": [{"tuple": []}, {"dict": []}]})
    positional, keywords = (args + ((), {}))[:2] if isinstance(args, tuple) else ((), {})
    saved_path, saved_argv, before = list(sys.path), list(sys.argv), set(sys.modules)
    roots = search_path(request)
    sys.path[:0] = [r for r in roots if r not in sys.path]
    sys.argv = [request.get("path") or request.get("module") or "paramwise"]
    if "keras" in modules:
        clear_session(modules["keras"])
    try:
        with limited(float(request.get("timeout") or 0)):
            for meta in (True, False):
                try:
                    with device_scopes(modules, meta):
                        found, chosen = find_models(request, modules, tuple(positional), dict(keywords))
                        graphs = [read(name, model, request, modules, i == chosen)
                                  for i, (name, model) in enumerate(found)]
                    break
                except (RunTimeout, Refused):
                    raise
                except MemoryError:
                    return failure("memory", "the code needs more memory than --run allows", roots)
                except BaseException as e:  # noqa: BLE001 -- the user's code may raise anything, SystemExit included
                    if not (meta and needs_data(e)):
                        return user_failure(e, roots)
                    print(f"note: the code reads tensor values ({describe(e)[:120]}), which tensors on the meta "
                          "device do not have; it runs again with real tensors on the CPU", file=sys.stderr)
                    forget_modules(before, roots)
                    if "keras" in modules:
                        clear_session(modules["keras"])
    except RunTimeout:
        return failure("timeout", f"the code ran past the time limit ({float(request.get('timeout') or 0):g} s)", roots)
    finally:
        sys.path[:], sys.argv = saved_path, saved_argv
        forget_modules(before, roots)
    return {"ok": True, "chosen": chosen, "found": graphs}


def clear_session(keras: Any) -> None:
    """Keras' layer names start again (dense, dense_1 ...) for each request; no garbage collection each time."""
    try:
        keras.backend.clear_session(free_memory=False)
    except TypeError:
        keras.backend.clear_session()


def needs_data(e: BaseException) -> bool:
    """An error that only the meta device causes: the code read a value (item(), numpy(), a copy to the CPU)."""
    if not isinstance(e, (RuntimeError, NotImplementedError, ValueError, TypeError)):
        return False
    text = describe(e).lower()
    return "meta" in text and any(w in text for w in ("meta tensor", "meta device", "device='meta'", "device meta",
                                                      "'meta'", "meta:"))


def failure(kind: str, message: str, roots: list[str]) -> dict[str, Any]:
    return {"ok": False, "error": {"kind": kind, "message": message}}


def user_failure(e: BaseException, roots: list[str]) -> dict[str, Any]:
    """The user's exception: its text, and its traceback's frames in the user's files (file, line, code)."""
    frames = traceback.extract_tb(e.__traceback__)
    mine = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    theirs = [f for f in frames if f.filename and not f.filename.startswith("<")
              and not os.path.abspath(f.filename).startswith(mine + os.sep)
              and any(os.path.abspath(f.filename).startswith(r.rstrip(os.sep) + os.sep) for r in roots)]
    text = describe(e)
    if isinstance(e, SystemExit):
        text = f"SystemExit({e.code!r}): the code called sys.exit() (argparse's parse_args() does on bad arguments)"
    last = frames[-1] if frames else None
    missing = str(getattr(e, "name", "") or "").split(".")[0] if isinstance(e, ModuleNotFoundError) else ""
    if missing and any(os.path.exists(os.path.join(r, missing)) or os.path.exists(os.path.join(r, missing + ".py"))
                       for r in roots):
        missing = ""  # a module of the project itself: the user's import is wrong, nothing to install
    return {"ok": False, "error": {
        "kind": "user", "message": text, "missing": missing,
        "frames": [[f.filename, f.lineno or 0, f.name, (f.line or "").strip()] for f in theirs[-5:]],
        "raised_in": [last.filename, last.lineno or 0, last.name] if last is not None else None,
    }}


def describe(e: BaseException) -> str:
    try:
        text = " ".join(str(e).split())
    except Exception:  # noqa: BLE001 -- an exception whose __str__ raises
        text = ""
    return f"{type(e).__name__}: {text[:500]}" if text else type(e).__name__


def search_path(request: dict[str, Any]) -> list[str]:
    """The folders Python would look in: the file's folder (or, in a package, the folder above it), the
    project root, the current folder and --path folders."""
    roots: list[str] = []
    path = request.get("path")
    if path:
        folder = os.path.dirname(os.path.abspath(path))
        top = folder
        while os.path.exists(os.path.join(top, "__init__.py")) and os.path.dirname(top) != top:
            top = os.path.dirname(top)
        roots += [top, folder]
        project = folder
        while os.path.dirname(project) != project and not any(os.path.exists(os.path.join(project, m)) for m in MARKERS):
            project = os.path.dirname(project)
        if any(os.path.exists(os.path.join(project, m)) for m in MARKERS):
            roots += [project] + ([os.path.join(project, "src")] if os.path.isdir(os.path.join(project, "src")) else [])
    roots += [os.path.abspath(p) for p in request.get("search") or []]
    roots.append(os.path.abspath(request.get("cwd") or os.getcwd()))
    out: list[str] = []
    for r in roots:
        if r not in out:
            out.append(r)
    return out


def forget_modules(before: set[str], roots: list[str]) -> None:
    """The user's modules this request imported are forgotten, so the next request imports its own (installed
    packages and paramwise's own modules stay)."""
    import site
    import sysconfig

    keep = {os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sysconfig.get_paths().get("purelib", ""),
                                         sysconfig.get_paths().get("platlib", ""), *site.getsitepackages()) if p}
    keep.add(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    for name in set(sys.modules) - before:
        where = os.path.abspath(getattr(sys.modules.get(name), "__file__", None) or "/")
        if any(under(where, k) for k in keep):
            continue
        if name.startswith("__paramwise_run") or any(under(where, r) for r in roots):
            sys.modules.pop(name, None)


def under(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


@contextmanager
def limited(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise RunTimeout()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)  # again every half second, until the code stops
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def device_scopes(modules: dict[str, Any], meta: bool = True) -> Iterator[None]:
    """New tensors on the meta device; a torch module's .to(device), .cuda() and .cpu() keep it there. Without
    `meta`: on the CPU, and .to(device) still keeps a module there (no GPU memory)."""
    with ExitStack() as stack:
        if "torch" in modules and not meta:
            stack.enter_context(stay_put(modules["torch"]))
        elif "torch" in modules:
            torch = modules["torch"]
            stack.enter_context(torch.device("meta"))
            stack.enter_context(stay_put(torch))
        if "keras" in modules and meta:
            stack.enter_context(modules["keras"].device("meta"))
        yield


@contextmanager
def stay_put(torch: Any) -> Iterator[None]:
    module = torch.nn.Module
    saved = {name: module.__dict__[name] for name in ("to", "cuda", "cpu")}
    original_to = saved["to"]

    def to(self: Any, *args: Any, **kwargs: Any) -> Any:
        device, dtype, non_blocking, memory_format = torch._C._nn._parse_to(*args, **kwargs)
        return original_to(self, dtype) if dtype is not None else self

    def stay(self: Any, *args: Any, **kwargs: Any) -> Any:
        return self

    module.to, module.cuda, module.cpu = to, stay, stay
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


# -- finding the model ----------------------------------------------------------------------------------------


def import_target(request: dict[str, Any]) -> Any:
    path, module_name = request.get("path"), request.get("module")
    if module_name:
        return importlib.import_module(module_name)
    assert path
    path = os.path.abspath(path)
    folder, stem = os.path.split(path)
    stem = os.path.splitext(stem)[0]
    parts: list[str] = [] if stem == "__init__" else [stem]
    top = folder
    while os.path.exists(os.path.join(top, "__init__.py")) and os.path.dirname(top) != top:
        parts.insert(0, os.path.basename(top))
        top = os.path.dirname(top)
    dotted = ".".join(parts)
    if top != folder and parts and all(p.isidentifier() for p in parts):
        return importlib.import_module(dotted)
    name = stem if stem.isidentifier() and stem not in sys.modules and stem not in sys.stdlib_module_names \
        else "__paramwise_run__"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise Refused(f"{path}: not a Python file Python can import", hint="--run takes a .py file or pkg.module:Name")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def model_types(modules: dict[str, Any]) -> tuple[type, ...]:
    types: list[type] = []
    if "torch" in modules:
        types.append(modules["torch"].nn.Module)
    if "keras" in modules:
        types.append(modules["keras"].Model)
    return tuple(types)


def is_model(value: Any, modules: dict[str, Any]) -> bool:
    """A keras.Model, or a torch nn.Module that is not a Keras layer (on Keras' torch backend every Keras layer
    is also an nn.Module)."""
    if "keras" in modules and isinstance(value, modules["keras"].Layer):
        return isinstance(value, modules["keras"].Model)
    return "torch" in modules and isinstance(value, modules["torch"].nn.Module)


def is_keras(value: Any, modules: dict[str, Any]) -> bool:
    return "keras" in modules and isinstance(value, modules["keras"].Layer)


def find_models(request: dict[str, Any], modules: dict[str, Any], positional: tuple[Any, ...],
                keywords: dict[str, Any]) -> tuple[list[tuple[str, Any]], int]:
    """The models the code builds, by name, and the index of the one to show."""
    module = import_target(request)
    if "keras" not in modules and "keras" in sys.modules:  # --framework torch on code that imports Keras after all
        modules["keras"] = sys.modules["keras"]
    types = model_types(modules)
    attr = request.get("attr")
    if attr:
        obj: Any = module
        for part in attr.split("."):
            if not hasattr(obj, part):
                where = source_of(request)
                raise Refused(f"{where} defines no {attr!r}", hint=f"models there: {', '.join(listed(module, types)) or 'none'}")
            obj = getattr(obj, part)
        return [(attr, built(attr, obj, modules, positional, keywords))], 0
    found = [(n, v) for n, v in vars(module).items() if is_model(v, modules) and not n.startswith("__")]
    if found:
        return found, choose(found, request.get("model"), modules)
    keras_layer = modules["keras"].Layer if "keras" in modules else ()
    classes = [(n, v) for n, v in vars(module).items() if isinstance(v, type) and issubclass(v, types)
               and v.__module__ == module.__name__ and (not issubclass(v, keras_layer) or issubclass(v, modules["keras"].Model))]
    if not classes:
        where = source_of(request)
        raise Refused(f"{where} builds no model: no module-level nn.Module or keras.Model, and defines no model class",
                      hint="name what builds it: file.py:ClassName (with --args) or file.py:build_model")
    if len(classes) > 1:
        name = pick_class(classes)
        if name is None:
            raise Refused(f"the code defines {len(classes)} model classes and builds none at module level: "
                          f"{', '.join(n for n, _ in classes)}", hint="name one: file.py:ClassName or --class ClassName")
        classes = [c for c in classes if c[0] == name]
    name, cls = classes[0]
    return [(name, built(name, cls, modules, positional, keywords))], 0


def pick_class(classes: list[tuple[str, type]]) -> str | None:
    """The model class no other class of the file uses by name in its source (the outermost), if one."""
    import inspect

    users: dict[str, set[str]] = {}
    for name, cls in classes:
        try:
            text = inspect.getsource(cls)
        except (OSError, TypeError):
            text = ""
        users[name] = {other for other, _ in classes if other != name and other in text}
    used = set().union(*users.values())
    roots = [n for n, _ in classes if n not in used]
    return roots[-1] if len(roots) >= 1 else None


def listed(module: Any, types: tuple[type, ...]) -> list[str]:
    return [n for n, v in vars(module).items() if isinstance(v, types) or (isinstance(v, type) and issubclass(v, types)
                                                                          and v.__module__ == module.__name__)]


def built(name: str, obj: Any, modules: dict[str, Any], positional: tuple[Any, ...], keywords: dict[str, Any]) -> Any:
    if is_model(obj, modules):
        return obj
    if not callable(obj):
        raise Refused(f"{name} is a {type(obj).__name__}, not a model, a model class or a function that builds one")
    model = obj(*positional, **keywords)
    if not is_model(model, modules):
        raise Refused(f"{name}(...) returned a {type(model).__name__}, not a model",
                      hint="name a class or a function that returns an nn.Module or a keras.Model")
    return model


def choose(found: list[tuple[str, Any]], wanted: str | None, modules: dict[str, Any]) -> int:
    """The static readers' rule: --model NAME, else `model`, else the last model no other one contains."""
    names = [n for n, _ in found]
    if wanted is not None:
        if wanted not in names:
            raise Refused(f"no model named '{wanted}'", hint=f"models found: {', '.join(names)}")
        return names.index(wanted)
    if "model" in names:
        return names.index("model")
    roots = [i for i, (_, v) in enumerate(found) if not any(v is not w and contains(w, v) for _, w in found)]
    return roots[-1] if roots else len(found) - 1


def contains(outer: Any, inner: Any) -> bool:
    flatten = getattr(outer, "_flatten_layers", None)
    if callable(flatten):
        return any(m is inner for m in flatten(include_self=False))
    return hasattr(outer, "named_modules") and any(m is inner for _, m in outer.named_modules())


# -- reading the model ----------------------------------------------------------------------------------------


def read(name: str, model: Any, request: dict[str, Any], modules: dict[str, Any], chosen: bool) -> dict[str, Any]:
    """One found model: its graph as JSON, its framework's own counts, or the error reading it."""
    from ...errors import ParamwiseError
    from .run_codec import decode, encode

    shape = decode(request.get("input_shape")) if chosen else None
    try:
        if not is_keras(model, modules):
            graph, shapes, counts = torch_graph(name, model, request, modules["torch"], shape)
        else:
            graph, shapes, counts = keras_graph(name, model, request, shape)
    except ParamwiseError as e:
        return {"name": name, "error": {"message": e.message, "hint": e.hint}}
    return {"name": name, "graph": encode(graph), "shapes": encode(shapes), "counts": counts}


def torch_graph(name: str, model: Any, request: dict[str, Any], torch: Any, shape: Any) -> tuple[Any, Any, Any]:
    from ...errors import Diagnostic, InputError
    from ...ir import Graph
    from .torch import lazy_tensors, read_module
    from .torch_meta import meta_forward, meta_inputs, meta_twin

    type_name = type(model).__name__
    lazy = lazy_tensors(model)
    counted: Any = model
    shapes: dict[str, Any] = {}
    warnings: list[Diagnostic] = []
    sized = shape is not None and all(isinstance(d, int) for d in shape)
    if lazy and not sized:
        raise InputError(f"{type_name} has lazy parameters whose shapes are not known until a forward: "
                         f"{', '.join(lazy[:3])}{' ...' if len(lazy) > 3 else ''}",
                         hint="give --input-shape (e.g. 1,3,224,224) so a forward on the meta device sizes them")
    if sized:
        twin, error = meta_twin(torch, model)
        if twin is not None:
            shapes, error = meta_forward(torch, twin, meta_inputs(torch, tuple(shape), None, None))
        if lazy:
            if error or twin is None or lazy_tensors(twin):
                raise InputError(f"{type_name} has lazy parameters, and the forward on the meta device that sizes "
                                 f"them failed: {error or 'they were not initialized'}",
                                 hint="check that --input-shape is the shape the model takes")
            counted = twin
        if error:
            warnings.append(Diagnostic("forward_not_followed", f"the forward on the meta device failed ({error}); "
                                       "output shapes are shown as ?", hint="counts do not depend on the forward and are exact"))
    layers = read_module(counted, type_name, warnings)
    graph = Graph(framework="torch", name=type_name, layers=tuple(layers), source=source_of(request),
                  warnings=tuple(warnings), meta={"model_type": type_name, "variable": name, "run": True})
    params = list(counted.parameters())
    counts = {"total": sum(p.numel() for p in params), "trainable": sum(p.numel() for p in params if p.requires_grad),
              "buffers": sum(b.numel() for b in counted.buffers()), "modules": torch_module_counts(counted)}
    return graph, shapes, counts


def torch_module_counts(model: Any) -> dict[str, list[int]]:
    """Per module path: [parameters, trainable, buffers] as torch has them (a shared tensor counts where
    named_parameters() first names it)."""
    owners = {id(p): n for n, p in model.named_parameters()}
    out: dict[str, list[int]] = {}
    for path, module in model.named_modules():
        if not path:
            continue
        params = trainable = 0
        for n, p in module.named_parameters(prefix=path):
            if owners.get(id(p)) == n:
                params += p.numel()
                trainable += p.numel() if p.requires_grad else 0
        out[path] = [params, trainable, sum(b.numel() for b in module.buffers())]
    return out


def keras_graph(name: str, model: Any, request: dict[str, Any], shape: Any) -> tuple[Any, Any, Any]:
    from ...errors import Diagnostic, InputError, ParamwiseError
    from ...frozen import replace
    from .. import ReadOptions
    from .keras import config_graph, flat_graph, variable_tree

    if not getattr(model, "built", False):
        if shape is None or not all(isinstance(d, int) or d is None for d in shape):
            raise InputError(f"{type(model).__name__} '{model.name}' is not built until it sees an input shape",
                             hint="give --input-shape without the batch axis (e.g. 28,28,1); --run builds it with that")
        build_keras(model, tuple(shape))
    source = source_of(request)
    options = ReadOptions()
    stored = variable_tree(model)
    warnings: list[Diagnostic] = []
    graph = config_graph(model, source, options, stored, warnings) or flat_graph(model, source, options, stored)
    graph = replace(graph, warnings=tuple(warnings) + graph.warnings,
                    meta={**graph.meta, "variable": name, "run": True})
    try:
        graph = with_real_variables(graph, model)
    except ParamwiseError as e:  # the configuration's shapes do not follow through a custom layer: one row per layer
        flat = flat_graph(model, source, options, stored)
        note = Diagnostic("approximate_layer", f"the model's configuration could not be followed ({e.message}); "
                          "each layer's row is sized from the input shape Keras built it with")
        graph = with_real_variables(replace(flat, warnings=(note, *flat.warnings),
                                            meta={**flat.meta, "variable": name, "run": True}), model)
    counts = {"total": int(model.count_params()), "trainable": sum(size_of(v) for v in model.trainable_weights),
              "layers": keras_layer_counts(model)}
    return graph, keras_shapes(model), counts


def keras_layer_counts(model: Any) -> dict[str, int]:
    """Per top-level layer: its count_params(), as Keras has it."""
    out: dict[str, int] = {}
    for layer in getattr(model, "layers", None) or []:
        try:
            out[str(layer.name)] = int(layer.count_params())
        except Exception:  # noqa: BLE001 -- an unbuilt layer (or a user's override) has no count to check
            continue
    return out


def build_keras(model: Any, shape: tuple[Any, ...]) -> None:
    """Build an unbuilt model as calling it builds it: on zeros of `shape` with a batch of 1 (on the meta device:
    no data), else on a symbolic input, else with model.build()."""
    import keras

    builds: tuple[Callable[[], Any], ...] = (lambda: model(keras.ops.zeros((1, *shape))),
                                             lambda: model(keras.Input(shape=shape)), lambda: model.build((None, *shape)))
    for build in builds:
        try:
            build()
            return
        except Exception as e:  # noqa: BLE001 -- the model's call() and build() are the user's code
            error = e
    raise error


def with_real_variables(graph: Any, model: Any) -> Any:
    """A layer whose formula's weights differ from its real variables (its input shape was not followed through
    a custom layer) shows its real variables: the count is the model's. A row so replaced passes its input shape
    on, which can put the next layer's formula off too: repeated until every row agrees (once per layer at most)."""
    for _ in range(len(graph.layers) + 1):
        fixed = real_variables_once(graph, model)
        if fixed is graph:
            return graph
        graph = fixed
    return graph


def real_variables_once(graph: Any, model: Any) -> Any:
    from ...errors import Diagnostic
    from ...frozen import replace
    from ...infer import infer
    from ...kinds.rows import StoredWeights

    report = infer(graph)
    rows = {r.name: r for r in report.rows if r.depth == 0}
    layers, warnings = [], []
    for layer in graph.layers:
        row = rows.get(layer.name)
        live = live_layer(model, layer.name) if layer.depth == 0 and row is not None else None
        if live is not None and row is not None:
            ours = sorted(tuple(w.shape) for w in row.weight_objects if not w.is_buffer)
            variables = [(str(getattr(v, "path", None) or v.name), tuple(int(d) for d in v.shape), bool(v.trainable))
                         for v in live.weights]
            theirs = sorted(shape for _, shape, _ in variables)
            if ours != theirs:
                layer = replace(layer, kind=StoredWeights.of(layer.type, [(n, s) for n, s, _ in variables]),
                                stored=None, frozen=frozenset(n for n, _, t in variables if not t))
                warnings.append(Diagnostic(
                    "stored_mismatch", f"{layer.type} '{layer.name}': its variables {theirs} differ from what its "
                    f"formula gives for the input shape paramwise followed ({ours}); the row shows its variables"))
        layers.append(layer)
    return replace(graph, layers=tuple(layers), warnings=graph.warnings + tuple(warnings)) if warnings else graph


def live_layer(model: Any, name: str) -> Any:
    for layer in getattr(model, "layers", None) or []:
        if getattr(layer, "name", None) == name:
            return layer
    return None


def keras_shapes(model: Any) -> dict[str, Any]:
    """Each top-level layer's output shape as Keras knows it (a functional model's layers called once)."""
    shapes: dict[str, Any] = {}
    for layer in getattr(model, "layers", None) or []:
        try:
            out = layer.output
        except Exception:  # noqa: BLE001 -- a layer called several times, or never, has no one output
            continue
        try:
            if isinstance(out, (list, tuple)):
                shapes[layer.name] = [tuple(dim(d) for d in t.shape) for t in out]
            else:
                shapes[layer.name] = tuple(dim(d) for d in out.shape)
        except (AttributeError, TypeError, ValueError):
            continue
    return shapes


def dim(d: Any) -> int | None:
    return None if d is None else int(d)


def size_of(v: Any) -> int:
    n = 1
    for d in v.shape:
        n *= int(d)
    return n


def source_of(request: dict[str, Any]) -> str:
    return str(request.get("source") or request.get("path") or request.get("module") or "")


if __name__ == "__main__":
    sys.exit(main())
