"""The source interpreter is bounded and sealed: code that would make something huge, loop for ever, nest without
end or reach paramwise's own objects is a located error (exit 2) within seconds, never a traceback, a hang, a
blown memory or a leak; real model code still reads."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from paramwise.cli import main
from paramwise.frontends.source.python import interpreter as pyeval

KERAS = "import keras\nfrom keras import layers\n"
MODEL = "model = keras.Sequential([keras.Input((4,)), layers.Dense(2, name=NAME)])\n"
TORCH = "import torch\nfrom torch import nn\n"


def run(tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str], *args: str, name: str = "m.py") -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_text(source)
    code = main([str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def keras_file(body: str) -> str:
    """`body` at module level before a one-layer model whose Dense is named NAME (what the body sets, or 'd')."""
    return KERAS + "NAME = 'd'\n" + body + MODEL


# (body, what the error says, the line it points at: the body starts on line 4)
REFUSED = {
    "list_of_huge_range": ("x = list(range(10**9))\n", "more than 1,000,000 items", 4),
    "set_of_huge_range": ("x = set(range(10**8))\n", "more than 1,000,000 items", 4),
    "sum_of_huge_range": ("x = sum(range(10**13))\n", "more than 1,000,000 items", 4),
    "max_of_huge_range": ("x = max(range(10**12))\n", "more than 1,000,000 items", 4),
    "sorted_of_huge_range": ("x = sorted(range(10**7))\n", "more than 1,000,000 items", 4),
    "any_all_of_huge_range": ("x = any(range(10**12)) or all(range(10**12))\n", "more than 1,000,000 items", 4),
    "dict_of_huge_zip": ("x = dict(zip(range(10**9), range(10**9)))\n", "more than 1,000,000 items", 4),
    "enumerate_huge": ("x = list(enumerate(range(10**9)))\n", "more than 1,000,000 items", 4),
    "map_over_huge_range": ("x = list(map(abs, range(10**12)))\n", "more than 1,000,000 items", 4),
    "pow_builtin": ("x = pow(3, 10**8)\n", "more than 4096 bits", 4),
    "pow_chain": ("x = 10**1000\nx = x**4096\n", "more than 4096 bits", 5),
    "power_tower": ("x = 10**4096**4096\n", "more than 4096 bits", 4),
    "left_shift": ("x = 1 << 10**6\n", "more than 4096 bits", 4),
    "int_of_long_text": ("x = int('9' * 4000)\n", "more than 4096 bits", 4),
    "string_doubling": ("s = 'ab'\nfor i in range(64):\n    s = s + s\n", "more than 1,000,000 characters", 6),
    "list_doubling_extend": ("a = [1]\nfor i in range(64):\n    a.extend(a)\n", "more than 1,000,000 items", 6),
    "list_doubling_add": ("a = [1]\nfor i in range(64):\n    a += a\n", "more than 1,000,000 items", 6),
    "list_repetition": ("a = [0] * 10**9\n", "more than 1,000,000 items", 4),
    "join": ("x = 'a' * 1000000\ny = x.join([x] * 1000)\n", "more than 1,000,000 characters", 5),
    "replace": ("x = ('a' * 1000000).replace('a', 'a' * 1000)\n", "more than 1,000,000 characters", 4),
    "replace_empty": ("x = ('a' * 900000).replace('', 'bb')\n", "more than 1,000,000 characters", 4),
    "zfill": ("x = '1'.zfill(10**10)\n", "more than 1,000,000 characters", 4),
    "fstring_width": ("x = f'{1:>{10**10}}'\n", "asks for more than 1,000,000 characters", 4),
    "format_width": ("x = '{:>{}}'.format(1, 10**10)\n", "asks for more than 1,000,000 characters", 4),
    "format_precision": ("x = '{:.2000000f}'.format(1.5)\n", "asks for more than 1,000,000 characters", 4),
    "percent_width": ("x = '%*d' % (10**9, 1)\n", "more than 1,000,000 characters", 4),
    "percent_literal_width": ("x = '%999999999d' % 1\n", "more than 1,000,000 characters", 4),
    "str_of_huge_list": ("a = ['x' * 1000] * 10000\ns = str(a)\n", "longer than 1,000,000 characters", 5),
    "deep_tuple_as_key": ("t = ()\nfor i in range(300000):\n    t = (t,)\nd = {t: 1}\n", "nest more than 100 levels", 6),
    "deep_tuple_by_zip": ("t = (1,)\nfor i in range(300000):\n    t = tuple(zip(t))\ns = {t}\n", "nest more than 100 levels", 6),
    "deep_list": ("x = []\nfor i in range(300000):\n    x = [x]\n", "nest more than 100 levels", 6),
    "chain_of_additions": ("x = " + "+".join(["1"] * 600) + "\n", "expressions nest deeper than", 4),
    "chain_of_negations": ("x = " + "- " * 3000 + "1\n", "expressions nest deeper than", 4),
    "chain_of_attributes": ("a = 1\nx = a" + ".b" * 3000 + "\n", "expressions nest deeper than", 5),
    "chain_of_calls": ("def f():\n    return f\nx = f" + "()" * 3000 + "\n", "expressions nest deeper than", 6),
    "chain_of_items": ("x = [0]\ny = x" + "[0]" * 3000 + "\n", "expressions nest deeper than", 5),
    "tower_of_powers": ("x = " + "**".join(["2"] * 1000) + "\n", "expressions nest deeper than", 4),
    "nested_lambdas_called": ("f = " + "lambda: " * 1000 + "1\nx = f" + "()" * 1000 + "\n", "nest deeper than", 5),
    "recursion": ("def f(n):\n    return f(n + 1)\nx = f(0)\n", "calls nest deeper than 60 levels", 5),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_what_code_would_make_is_refused_before_it_is_made(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body, message, line = REFUSED[case]
    started = time.monotonic()
    code, out, err = run(tmp_path, keras_file(body), capsys)
    assert time.monotonic() - started < 8
    assert code == 2, err
    assert message in err
    assert f"m.py:{line}:" in err
    assert "Traceback" not in err and "internal error" not in err


def test_len_of_a_range_longer_than_any_list_is_its_length(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, keras_file("n = len(range(10**100))\nNAME = 'n' + str(n % 1000 + 7)\n"), capsys)
    assert code == 0, err
    assert "n7" in out


def test_big_integers_in_messages_are_shown_by_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, keras_file("x = 10**1200\ny = x['a']\n"), capsys)
    assert code == 2
    assert "an integer of 3987 bits" in err and "m.py:5:" in err


def test_deep_brackets_the_parser_refuses_are_a_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, keras_file("x = " + "[" * 5000 + "]" * 5000 + "\n"), capsys)
    assert code == 2
    assert "m.py:4:" in err and "nested" in err


def test_the_parser_running_out_of_stack_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, keras_file("x = " + "-" * 200000 + "1\n"), capsys)
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err


def test_null_bytes_in_source_are_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(keras_file("x = 1\n").encode() + b"\x00\n")
    code = main([str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "internal error" not in err


def test_the_time_budget_stops_a_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyeval, "TIME_LIMIT", 0.3)
    started = time.monotonic()
    code, out, err = run(tmp_path, keras_file("x = 0\nwhile True:\n    x = x + 1\n"), capsys)
    assert time.monotonic() - started < 5
    assert code == 2
    assert "takes more than 0.3 s to evaluate" in err and "m.py:5:" in err and "PARAMWISE_TIME_LIMIT" in err


@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_the_step_budget_is_for_the_whole_read(framework: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyeval, "MAX_STEPS", 50_000)
    monkeypatch.setattr(pyeval, "TIME_LIMIT", 0)
    loops = "".join(f"def b{i}():\n    for j in range(10**12):\n        pass\n" for i in range(30))
    if framework == "keras":
        source = KERAS + loops
    else:
        source = TORCH + loops + "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
            "        for f in [" + ", ".join(f"b{i}" for i in range(30)) + "]:\n            f()\n" \
            "        self.fc = nn.Linear(4, 2)\n\nmodel = Net()\n"
    started = time.monotonic()
    code, out, err = run(tmp_path, source, capsys)
    assert time.monotonic() - started < 8
    assert code == 2
    assert "more than 50,000 steps" in err


def test_repeated_undefined_names_are_warned_once_each_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "".join(f"u{i}()\n" for i in range(10000)) + "u1()\n" * 100
    started = time.monotonic()
    code, out, err = run(tmp_path, keras_file(body), capsys, "--quiet")
    assert time.monotonic() - started < 10
    assert code == 0, err


def test_a_long_pasted_page_with_prose_reads_in_seconds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    n = 0
    while sum(map(len, lines)) < 5_000_000:
        lines.append(f"y_{n} = {n}\n" if n % 10 == 0 else "# a line of the page copied along with the code, explaining it\n")
        n += 1
    step = len(lines) // 300
    for i in range(300):
        lines.insert(i * step + i, "This is an explanation of the code above, and it is long.\n")
    text = KERAS + "".join(lines) + MODEL.replace("NAME", "'d'")
    started = time.monotonic()
    code, out, err = run(tmp_path, text, capsys, name="page.txt")
    assert time.monotonic() - started < 10
    assert code == 0, err[-2000:]
    assert "text that is not code" in err


def test_prose_inside_a_call_or_a_docstring_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = KERAS + "This page shows a model.\nx = 1\n" + '"""A docstring line that reads like prose.\nMore prose here."""\n' \
        "model = keras.Sequential([keras.Input((4,)),\n    layers.Dense(2,\n        name='sparse categorical crossentropy')])\n" \
        "And this is more prose after it.\n"
    code, out, err = run(tmp_path, text, capsys, name="page.txt")
    assert code == 0, err
    assert "sparse categorical crossentropy" in out
    assert "lines 3, 10: text that is not code" in err  # one warning for both places (render/warnings.py)
    assert err.count("text that is not code") == 1  # and for no other: the docstring and the name are code


def test_a_real_loop_of_layers_still_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "model = keras.Sequential([keras.Input((8,))])\nfor i in range(2000):\n    model.add(layers.Dense(8, name=f'd{i:04d}'))\n"
    started = time.monotonic()
    code, out, err = run(tmp_path, KERAS + body, capsys)
    assert time.monotonic() - started < 10
    assert code == 0, err
    assert "d1999" in out


# -- leaks: nothing the input touches reaches paramwise's objects, modules or the environment ------------------

CANARY = "CANARY-6f1d2e-SECRET"
LEAKS = {
    "format_globals": "NAME = '{0.__init__.__globals__[os].environ[PARAMWISE_CANARY]}'.format(f)",
    "format_attribute": "NAME = '{0.__class__}'.format(f)",
    "format_item": "NAME = '{0[0]}'.format(['a'])",
    "format_kwarg_attribute": "NAME = '{x.__dict__}'.format(x=f)",
    "format_map": "NAME = '{HOME}'.format_map(os.environ)",
    "fstring_attribute": "NAME = f'{f.__globals__}'",
    "getattr_dunder": "NAME = str(getattr(f, '__globals__'))",
    "getattr_environ": "NAME = str(getattr(os, 'environ')['PARAMWISE_CANARY'])",
    "environ_item": "NAME = os.environ['PARAMWISE_CANARY']",
    "getenv": "NAME = os.getenv('PARAMWISE_CANARY')",
    "class_attribute": "NAME = str((1).__class__)",
    "method_self": "NAME = str(''.join.__self__)",
    "instance_dict": "class A:\n    pass\nNAME = str(A().__dict__)",
    "class_dict": "class A:\n    pass\nNAME = str(A.__dict__)",
    "vars": "NAME = str(vars())",
    "globals": "NAME = str(globals())",
    "type": "NAME = str(type(f).__init__)",
    "import": "NAME = str(__import__('os').environ['PARAMWISE_CANARY'])",
    "percent": "NAME = '%s' % (f,)",
    "repr_of_function": "NAME = repr(f) + repr(len) + repr(keras)",
    "symbol_attribute": "NAME = str(undefined_size.__class__)",
    "layer_attributes": "NAME = str(layers.Dense(2).__class__.__init__.__globals__)",
}


@pytest.mark.parametrize("case", LEAKS, ids=list(LEAKS))
def test_no_value_reachable_from_the_input_reads_the_environment(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARAMWISE_CANARY", CANARY)
    monkeypatch.setenv("HOME", CANARY)
    body = "import os\ndef f():\n    pass\n" + LEAKS[case] + "\n"
    code, out, err = run(tmp_path, keras_file(body), capsys)
    assert code in (0, 2), err
    for text in (out, err):
        assert CANARY not in text
        assert "object at 0x" not in text and "_Builtin(" not in text and "Function(" not in text
        assert "ClassValue(" not in text and "paramwise." not in text and "<ast." not in text


def test_format_fields_that_reach_attributes_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "def f():\n    pass\nNAME = '{0.__init__.__globals__[ast].sys.modules[os].environ[HOME]}'.format(f)\n"
    code, out, err = run(tmp_path, keras_file(body), capsys)
    assert code == 2
    assert "reads an attribute or an item" in err and "m.py:6:" in err


def test_plain_formatting_still_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "NAME = '{}_{:03d}_{name}_{0!r}'.format('a', 7, name='b') + f'_{2.5:.2f}_{[1, (2,)]!s}' + '_%s%d' % ('c', 4)\n"
    code, out, err = run(tmp_path, keras_file(body), capsys, "--format", "json")
    assert code == 0, err
    assert "a_007_b_'a'_2.50_[1, (2,)]_c4" in out


@pytest.mark.parametrize("body, shown", [
    ("class A:\n    pass\nx = A()[int]\n", "cannot take item the built-in int of a A object"),
    ("def f():\n    pass\nx = f.x\n", "the function f has no attribute 'x'"),
    ("def f():\n    pass\nx = [f] < [1]\n", "cannot compare list [the function f] and list [1]"),
    ("x = {}\ny = x.pop(len)\n", "no key the built-in len"),
])
def test_messages_say_what_the_user_wrote_not_internal_reprs(body: str, shown: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, keras_file(body), capsys)
    assert code == 2, err
    assert shown in err
    assert "object at 0x" not in err and "_Builtin(" not in err and "ClassValue(" not in err and "Function(" not in err


@pytest.mark.parametrize("expression", ["np.unique(y)", "open('x.txt').readlines()"])
def test_len_of_a_value_paramwise_does_not_read_is_an_error_not_zero(
    expression: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.py"
    model.write_text(
        "import numpy as np\nfrom keras import layers, Sequential\ny = np.load('y.npy')\n"
        f"m = Sequential([layers.Input((4,)), layers.Dense(len({expression}))])\n"
    )
    assert main([str(model)]) == 2
    err = capsys.readouterr().err
    assert f"m.py:4:50: error: len() of {expression}, which paramwise does not read" in err


@pytest.mark.parametrize("expression", ["np.unique(y)", "open('x.txt').readlines()"])
def test_len_of_a_value_paramwise_does_not_read_named_is_an_unknown_size(
    expression: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.py"
    model.write_text(
        "import numpy as np\nfrom keras import layers, Sequential\ny = np.load('y.npy')\n"
        f"n = len({expression}) - 1\nm = Sequential([layers.Input((4,)), layers.Dense(n)])\n"
    )
    assert main([str(model), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "5*n" in out and "m.py:4:1: warning: 'n' is computed from len(" in err
    assert main([str(model), "--set", "n=3"]) == 0
    assert "Total params: 15" in capsys.readouterr().out
