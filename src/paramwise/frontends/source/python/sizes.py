"""Sizes computed from values paramwise does not read (`len(df.columns)`, `X.shape[1]`, `int(cfg.n)`): assigned to
a name, such a size is the unknown size of that name (a formula, bound with --set NAME=VALUE); anywhere else it
is a located error, never a silent 0."""

from __future__ import annotations

import ast

from ....errors import InputError, Location


class UnreadSize(InputError):
    """A size computed from a value paramwise does not read (`len(df.columns)`): assigned to a name, it is the
    unknown size of that name; anywhere else it is this error."""

    def __init__(self, message: str, what: str, location: Location, hint: str, node: ast.AST | None = None) -> None:
        super().__init__(message, hint=hint, location=location)
        self.what = what
        self.node = node


SIZE_FUNCTIONS = ("len", "int", "float", "round", "min", "max", "abs")


def _size_path(root: ast.expr, target: ast.AST | None) -> bool:
    """Whether `target` is reached from `root` through arithmetic only (`len(df.columns) - 1`), not as the
    argument of something else (`Dense(len(classes))`)."""
    if root is target:
        return True
    if isinstance(root, ast.Call) and not (isinstance(root.func, ast.Name) and root.func.id in SIZE_FUNCTIONS):
        return False
    if not isinstance(root, (ast.BinOp, ast.UnaryOp, ast.Call, ast.IfExp)):
        return False
    return any(_size_path(child, target) for child in ast.iter_child_nodes(root) if isinstance(child, ast.expr))
