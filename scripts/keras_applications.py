"""Copy the source of Keras' applications (MobileNetV2, ResNet50, EfficientNetB0 ...) as text that the Keras
source reader interprets when a file calls `keras.applications.<Name>(...)`.

    python scripts/keras_applications.py           # rewrites src/paramwise/frontends/source/keras/applications_src/
    python scripts/keras_applications.py --check   # exit 1 (and say which) when the committed files are out of date

The text is Keras' own (Apache License 2.0, Copyright The Keras Authors), read from the installed Keras,
with docstrings, `@keras_export` decorators and `__doc__` assignments left out (documentation only). paramwise never imports it:
it is read with `ast` and interpreted like any model file, so every argument (input_shape, alpha, include_top,
pooling, classes ...) is followed exactly as Keras' code follows it. Weights are never loaded.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "paramwise" / "frontends" / "source" / "keras" / "applications_src"
MODULES = ("convnext", "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils", "inception_resnet_v2",
           "inception_v3", "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet", "resnet_v2", "vgg16",
           "vgg19", "xception")


class Strip(ast.NodeTransformer):
    def strip_doc(self, body: list[ast.stmt]) -> list[ast.stmt]:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body = body[1:] or [ast.Pass()]
        return body

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.decorator_list = [d for d in node.decorator_list if "keras_export" not in ast.unparse(d)]
        node.body = self.strip_doc(node.body)
        self.generic_visit(node)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.decorator_list = [d for d in node.decorator_list if "keras_export" not in ast.unparse(d)]
        node.body = self.strip_doc(node.body)
        self.generic_visit(node)
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = [s for s in self.strip_doc(node.body) if not is_doc_assignment(s)]
        self.generic_visit(node)
        return node


def is_doc_assignment(stmt: ast.stmt) -> bool:
    """`f.__doc__ = ...` and `if f.__doc__ is not None: setattr(f, "__doc__", ...)`: documentation only."""
    if isinstance(stmt, ast.If):
        return "__doc__" in ast.unparse(stmt.test)
    return isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "__doc__" for t in stmt.targets)


def generate() -> dict[str, str]:
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")  # any backend: only the source files are read
    import keras
    import keras.src.applications as apps

    root = Path(apps.__file__).parent
    out = {}
    for name in MODULES:
        tree = Strip().visit(ast.parse((root / f"{name}.py").read_text()))
        header = (f"# keras/src/applications/{name}.py of Keras {keras.__version__}, Copyright The Keras Authors, Apache License 2.0.\n"
                  "# Written by scripts/keras_applications.py (docstrings left out); read by paramwise, never imported.\n")
        out[f"{name}.py.txt"] = header + ast.unparse(tree) + "\n"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed files are up to date")
    args = parser.parse_args()
    files = generate()
    if args.check:
        stale = [n for n, text in files.items() if not (OUT / n).exists() or (OUT / n).read_text() != text]
        for n in stale:
            print(f"out of date: {OUT / n}")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for n, text in files.items():
        (OUT / n).write_text(text)
    print(f"wrote {len(files)} files to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
