"""Errors and warnings. Kinds raise location-free `KindError`s; `infer` and the frontends add where."""

from __future__ import annotations

from collections.abc import Callable

from .frozen import frozen

# the command's exit codes: a checked claim that is wrong is 1, bad input 2, a missing package 3, a bug 4
EXIT_OK, EXIT_CHECK_FAILED, EXIT_INPUT, EXIT_DEPENDENCY, EXIT_INTERNAL = 0, 1, 2, 3, 4


@frozen
class Location:
    """A place in the user's input: 1-based line and column, or a data path in a JSON/config file."""

    file: str
    line: int = 0
    col: int = 0
    source_line: str = ""
    path: str = ""  # data path for config inputs, e.g. layers[3].config.kernel_size

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        if self.path:
            return f"{self.file}:{self.path}"
        return self.file


class ParamwiseError(Exception):
    """Base of every error paramwise reports to a user (never a traceback unless --debug)."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str = "", location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.location = location

    def render(self) -> str:
        """Compiler-style text: `file:line:col: error: ...`, the line, a caret, a hint."""
        return render_diagnostic("error", self.message, self.location, self.hint)


class KindError(ParamwiseError):
    """A layer kind cannot accept its input or its attributes (no location: infer adds it)."""


class BadValue(KindError):
    """An argument's value is not one the kind takes (`units=-5`, `kernel_size="3"`): `field` names it,
    `expected` says what it takes, and `value` is what it got (for a reader to show in its own words)."""

    def __init__(self, field: str, expected: str, value: object, shown: str) -> None:
        super().__init__(f"'{field}' must be {expected}; got {shown}", hint=f"write {field} as {expected}")
        self.field, self.expected, self.value = field, expected, value

    def reworded(self, show: Callable[[object], str]) -> BadValue:
        """The same error with the value shown by `show` (a source reader says `the function f`)."""
        return BadValue(self.field, self.expected, self.value, show(self.value))


class InputError(ParamwiseError):
    """The user's input cannot be read or makes no model."""


class LimitError(InputError):
    """The input needs more time, memory or work than any model definition would (exit 2, the limit named)."""


class MissingDependency(ParamwiseError):
    """An optional framework is needed for this input and is not installed."""

    exit_code = EXIT_DEPENDENCY


# Every warning code, with its meaning. A code is stable for tools (the JSON `code`); a new warning adds its
# code here, to the README's table and to schema.json (a test holds all three together).
WARNINGS: dict[str, str] = {
    "approximate_layer": "a layer whose output shape paramwise can only approximate (its input shape is passed on)",
    "assumed_shape": "a layer whose output shape the file does not show (a Lambda, a custom layer); its input shape is assumed",
    "channels_layout": "pitfall: the data looks laid out channels-first for a channels-last layer, or the reverse",
    "config_failed": "a live Keras layer's get_config() failed; its row comes from its variables instead",
    "count_unknown": "a layer's count cannot be known without an input shape; it is shown as ?",
    "custom_weights": "a weight made with add_weight() or a Variable whose shape paramwise cannot read; it is not counted",
    "dense_on_feature_map": "pitfall: a Dense layer applied to a feature map with no Flatten before it",
    "dominant_layer": "pitfall: one layer holds most of the parameters",
    "example_input": "output shapes are for the example input the file calls the model with",
    "formula_mismatch": "a kind's factored formula disagrees with its weights (a paramwise bug); the plain sum is shown",
    "forward_not_followed": "forward() could not be followed; rows it would reach have no output shapes",
    "keras1_api": "a Keras 1 spelling (Convolution2D(32, 3, 3), border_mode=, output_dim= ...) read as Keras 1 meant it",
    "live_mismatch": "the count differs from the live model's own count_params()",
    "meta_device": "a Hugging Face model_type paramwise does not describe was built by transformers on the meta device",
    "missing_import": "a framework name is used without its import; it is read as if imported",
    "missing_shard": "a shard named by a checkpoint index is missing; its tensors are not counted",
    "not_run": "a call paramwise does not run (the file is only read)",
    "pasted_text": "text pasted from a page (prose, prompts, line numbers) was left out or repaired",
    "shared_layer": "a layer object used in two models (nested in the one read, or nested and in it), or held by a wrapper (TimeDistributed, RNN(cell)) and used again: one set of weights, counted once in the total, while each row counts it",
    "state_dict_key": "the checkpoint's tensors were counted under one of its keys",
    "stored_mismatch": "the tensors a file stores differ from what the formula creates",
    "stored_only": "a layer known only by its stored tensors; its output shape is taken to be its input shape",
    "tokenizer_mismatch": "a model folder's tokenizer gives out more token ids than the embedding has rows",
    "truncated": "the checkpoint file is shorter than its header says; what is there is counted",
    "unbuilt_layers": "a subclassed Keras model built by model.build() alone, or wrapped in TimeDistributed, with no build() of its own: Keras counts its layers' weights only once the model is called",
    "undefined_name": "a name the file uses but never defines",
    "unknown_argument": "an argument the layer does not take (a typo?); it is ignored",
    "unknown_layer": "a layer paramwise does not know; its count is shown as ?",
    "unknown_module": "a container item that is not a module paramwise can read",
    "unknown_size": "a size the file leaves undefined; counts that depend on it are formulas in it",
    "unread_module": "a module paramwise cannot read; its parameters are not counted",
    "unreadable_layer": "a layer whose configuration cannot be read; its count is shown as ?",
    "unread_tensor": "a parameter or buffer made in a way paramwise does not model; it is not counted",
    "unsupported": "a Python construct the reader does not evaluate",
    "untracked_layer": "a layer with weights that a subclassed Keras model's call() uses without keeping it as an attribute: Keras does not track it, so its weights are not counted",
    "weights_not_read": "stored weights were not compared with the formulas (h5py is not installed)",
}

# The codes that mean something that can change the count was dropped, guessed or skipped: a report with one
# of them is incomplete ("complete": false in JSON, the total a lower bound, exit 2 under --strict). A reader
# that drops anything that can change a count must say so with one of these codes (or a new one added here).
INCOMPLETE: frozenset[str] = frozenset(
    {
        "assumed_shape",
        "count_unknown",
        "custom_weights",
        "missing_shard",
        "truncated",
        "unknown_argument",
        "unknown_layer",
        "unknown_module",
        "unread_module",
        "unreadable_layer",
        "unread_tensor",
        "unsupported",
    }
)


@frozen
class Diagnostic:
    """A warning: the run goes on. `code` is stable for tools; `message` is for people."""

    code: str
    message: str
    location: Location | None = None
    hint: str = ""

    def render(self) -> str:
        return render_diagnostic("warning", self.message, self.location, self.hint)

    def to_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "code": self.code,
            "message": self.message,
            "line": loc.line if loc else None,
            "col": loc.col if loc else None,
            "path": loc.path if loc and loc.path else None,
            "hint": self.hint or None,
        }


def render_diagnostic(level: str, message: str, location: Location | None, hint: str) -> str:
    head = f"{location}: {level}: {message}" if location else f"{level}: {message}"
    lines = [head]
    if location and location.source_line:
        lines.append("    " + location.source_line.rstrip())
        lines.append("    " + " " * max(location.col - 1, 0) + "^")
    if hint:
        lines.append(f"hint: {hint}")
    return "\n".join(lines)


def require(module: str, extra: str) -> None:
    """Raise a `MissingDependency` naming the exact pip command when `module` is not installed."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependency(
            f"this input needs the optional package '{module}', which is not installed",
            hint=f"pip install 'paramwise[{extra}]'",
        )
