"""Modules and parameters a model creates in `forward` (`if self.fc is None: self.fc = nn.Linear(x.shape[1], 10)`):
torch counts them once the model has run; paramwise counts what `__init__` makes, so each one is a warning
that the count may be short: found in the code of `forward`, or seen while the forward is followed."""

from __future__ import annotations

import ast

from ....errors import Diagnostic
from ..python.interpreter import Interpreter
from ..python.values import ClassValue, Context, Function, Instance, Opaque
from .modules import ModuleClass, Node, ParamValue, is_module, register, walk
from .traced import tracer_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

# values from these are data or tools, never modules (an optimizer, a device, an array)
NOT_MODULES = ("torch.optim", "torch.utils", "torch.cuda", "torch.backends", "torch.distributed", "torch.distributions",
               "torch.device", "torch.Generator", "numpy", "math", "argparse", "random", "time", "os.", "logging", "json",
               "pathlib")
REGISTERS = {"register_parameter", "add_module", "register_module", "register_buffer"}
HINT = "create it in __init__ (nn.Lazy* modules infer their sizes), or summarize the live model: paramwise.summary(model)"


def warn_if_created(name: str, value: Any, known: bool, ctx: Context | None) -> None:
    """While forward is followed, a new module or parameter on a module is one paramwise did not count."""
    tracer = tracer_of(ctx) if ctx is not None else None
    if ctx is None or known or not (is_module(value) or isinstance(value, ParamValue)) or tracer is None or tracer.scratch:
        return  # a forward run inside __init__ creates what torch counts too
    ctx.warn("unread_module", f"'{name}' is created while forward runs; paramwise counts what __init__ makes, so it "
             "is not counted", hint=HINT)


def may_be_module(what: str) -> bool:
    """Whether a value paramwise cannot read, set as a module's attribute, may be a module holding parameters:
    a module of a library (`torchvision.models.resnet18()`), anything a call made that is not plainly data, or a
    class-like name the file never defines (`Encoder(...)`)."""
    named = what.removeprefix("<").removeprefix("module ")  # `module os.path.join()`, `<module torch.optim.Adam>()`
    if any(named.startswith(p) for p in NOT_MODULES):
        return False  # first: `os.path.join(...)` is a string and `optim.Adam(...)` an optimizer, not modules
    if any(k in what for k in ("torch.nn", "module ", "torchvision", "timm")):
        return True
    return what.endswith(")") or what[:1].isupper() and what.isidentifier()


def makes_module(func: ast.expr, interp: Interpreter) -> bool:
    text = ast.unparse(func)
    last = text.rsplit(".", 1)[-1]
    if last == "Parameter" or text.split(".")[-1] in REGISTERS and text.startswith("self."):
        return True
    if not last[:1].isupper() or last.endswith("Tensor"):
        return False
    if text.startswith(("nn.", "torch.nn.")):
        return True
    value = interp.globals.vars.get(text) if "." not in text else None
    return isinstance(value, ModuleClass) or isinstance(value, ClassValue) and isinstance(value.host_base(), ModuleClass)


def created_in_forward(interp: Interpreter, root: Any) -> list[Diagnostic]:
    """One warning per `forward` (of the model's own classes) that assigns a new module or parameter to self."""
    out: list[Diagnostic] = []
    seen: set[int] = set()
    for _, module in walk(root):
        if not isinstance(module, Instance):
            continue
        for method in reached_from_forward(module.cls):
            if id(method) in seen:
                continue
            seen.add(id(method))
            found = creation(method, interp)
            if found is not None:
                target, node = found
                out.append(Diagnostic("unread_module", f"{module.cls.name}.{method.name} creates {target}; paramwise "
                                      "counts what __init__ makes, and the forward was not followed, so it is not "
                                      "counted", interp.location(node), HINT))
                break
    return out


def parameters_overridden(interp: Interpreter, root: Any) -> list[Diagnostic]:
    """`def parameters(self): return self.vars` in the model's class: `model.parameters()` then returns what that
    method returns, which paramwise does not evaluate; the count is of the parameters registered on the modules."""
    if not isinstance(root, Instance):
        return []
    found, method = root.cls.lookup("parameters")
    if not found or not isinstance(method, Function):
        return []
    return [Diagnostic("not_run", f"{root.cls.name} overrides parameters(): paramwise counts the parameters "
                       "registered on its modules (those named_parameters() and state_dict() list); what "
                       f"{root.cls.name}.parameters() returns is not evaluated and may differ",
                       interp.location(method.node), "check sum(p.numel() for p in model.parameters()) on the live model")]


def reached_from_forward(cls: ClassValue) -> list[Function]:
    """`forward` and the methods of the class it calls as `self.name(...)`, transitively, less those `__init__`
    also runs (what they create exists once the model is built)."""
    built = {id(m) for m in reached(cls, "__init__")}
    return [m for m in reached(cls, "forward") if id(m) not in built]


def reached(cls: ClassValue, start: str) -> list[Function]:
    found, first = cls.lookup(start)
    if not found or not isinstance(first, Function):
        return []
    out = [first]
    for method in out:
        for node in ast.walk(method.node):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "self"):
                ok, called = cls.lookup(node.func.attr)
                if ok and isinstance(called, Function) and all(called is not m for m in out) and len(out) < 64:
                    out.append(called)
    return out


def creation(method: Function, interp: Interpreter) -> tuple[str, ast.AST] | None:
    """The first place `method` assigns a new module or parameter to self (or registers one)."""
    for node in ast.walk(method.node):
        target = None
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                   for t in targets) and makes_module(node.value.func, interp):
                target = ast.unparse(targets[0])
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and makes_module(node.value.func, interp):
            target = ast.unparse(node.value)[:60]
        if target is not None:
            return target, node
    return None


def warn_unread(name: str, value: Any, ctx: Context, registering: bool = False) -> None:
    """`self.backbone = torchvision.models.resnet18()`, `self.add_module("x", lib.Block())`: not counted."""
    if isinstance(value, Opaque) and (registering or may_be_module(value.what)):
        ctx.warn("unread_module", f"'{name}' is set to {value.what}, which paramwise cannot read; its parameters "
                 "are not counted", hint="summarize the live module instead: paramwise.summary(model)")


def add_module(node: Node, name: Any, value: Any, ctx: Context) -> None:
    warn_unread(str(name), value, ctx, registering=True)
    register(node, name, value, ctx)
