"""The command line's input and output: pipes, devices and odd files; encodings and failing outputs;
values given on the command line; and the hard backstop (time and memory limits around one read)."""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import CASES, ROOT
from paramwise import frontends
from paramwise.cli import limits, main, options, summary
from paramwise.cli.limits import Limits
from paramwise.cli.options import parse_shape, parse_value
from paramwise.errors import InputError

REPO = ROOT.parent
MNIST = REPO / "examples" / "mnist_cnn.py"
ALEXNET = CASES / "torch" / "alexnet_small.py"
COMMAND = str(Path(sys.executable).parent / "paramwise")
POSIX = pytest.mark.skipif(os.name != "posix", reason="pipes, devices and signals as POSIX has them")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def command(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """The installed `paramwise` command, as a user runs it."""
    env = {**os.environ, "KERAS_BACKEND": "torch", **kwargs.pop("env", {})}
    return subprocess.run([COMMAND, *args], capture_output=kwargs.pop("capture_output", True), env=env, timeout=120, **kwargs)


def shell(line: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "KERAS_BACKEND": "torch", "PW": COMMAND, **kwargs.pop("env", {})}
    return subprocess.run(["bash", "-c", line], capture_output=True, env=env, timeout=120, **kwargs)


def total_line(out: str) -> str:
    return next(line for line in out.splitlines() if "Total params" in line)


@pytest.fixture(scope="module")
def mnist_total() -> str:
    result = command([str(MNIST), "--quiet"])
    assert result.returncode == 0
    return total_line(result.stdout.decode())


# ---- inputs: each read once; pipes, FIFOs, devices, byte-order marks, binary bytes, long paths


@POSIX
def test_process_substitution_is_read_once(mnist_total: str) -> None:
    result = shell(f'"$PW" <(cat {MNIST}) --quiet')
    assert result.returncode == 0, result.stderr
    assert total_line(result.stdout.decode()) == mnist_total


@POSIX
def test_a_pipe_into_dev_stdin(mnist_total: str) -> None:
    result = shell(f'cat {MNIST} | "$PW" /dev/stdin --quiet')
    assert result.returncode == 0, result.stderr
    assert total_line(result.stdout.decode()) == mnist_total
    with MNIST.open("rb") as f:  # a file redirected onto stdin, named as /dev/stdin
        result = command(["/dev/stdin", "--quiet"], stdin=f)
    assert result.returncode == 0 and total_line(result.stdout.decode()) == mnist_total


@POSIX
def test_a_warning_names_the_pipe_it_came_from() -> None:
    result = shell(f'"$PW" <(cat {MNIST})')
    assert result.returncode == 0
    assert result.stderr.decode().startswith("/dev/fd/")


@POSIX
def test_a_named_pipe_nobody_writes_to_is_given_up(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "m.py"
    os.mkfifo(fifo)
    monkeypatch.setattr(frontends, "FIFO_WAIT", 0.3)
    start = time.monotonic()
    code, _, err = run([str(fifo)], capsys)
    assert code == 2
    assert f"error: {fifo}: nothing was written to this named pipe for 0.3 s" in err
    assert time.monotonic() - start < 5


@POSIX
def test_a_named_pipe_with_a_writer_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str], mnist_total: str) -> None:
    fifo = tmp_path / "m.py"
    os.mkfifo(fifo)

    def write() -> None:
        time.sleep(0.3)
        with fifo.open("wb") as f:
            for line in MNIST.read_bytes().splitlines(keepends=True):  # in pieces, as a slow writer does
                f.write(line)
                f.flush()

    writer = threading.Thread(target=write)
    writer.start()
    code, out, _ = run([str(fifo), "--quiet"], capsys)
    writer.join()
    assert code == 0 and total_line(out) == mnist_total


@POSIX
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    code, _, err = run([device], capsys)
    assert code == 2
    assert f"error: {device}: is a device, not a file" in err


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path)], capsys)
    assert code == 2 and "is a directory" in err


def test_text_inputs_are_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frontends, "MAX_TEXT_BYTES", 4096)
    big = tmp_path / "big.py"
    big.write_text(MNIST.read_text() + "#" * 5000 + "\n")
    code, _, err = run([str(big)], capsys)
    assert code == 2
    assert f"error: {big}: this input is larger than any model definition (6 KB, paramwise reads at most 4 KB)" in err
    monkeypatch.setattr("sys.stdin", _Text(big.read_text()))  # the same from a stream
    code, _, err = run(["-"], capsys)
    assert code == 2 and "error: <stdin>: this input is larger than any model definition (paramwise reads at most 4 KB)" in err


class _Text:
    """A text stdin without a byte buffer (what a test or an embedding program may install)."""

    def __init__(self, text: str) -> None:
        import io

        self.stream = io.StringIO(text)

    def read(self, size: int = -1) -> str:
        return self.stream.read(size)


@POSIX
def test_an_endless_stream_stops_at_the_cap() -> None:
    result = shell('{ echo import keras; cat /dev/zero | tr "\\0" "#"; } | PARAMWISE_TIME_LIMIT=60 "$PW" -')
    assert result.returncode == 2
    assert b"this input is larger than any model definition" in result.stderr


def test_a_to_json_file_with_a_byte_order_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(5), keras.layers.Dense(3)])
    path = tmp_path / "model.json"
    path.write_bytes(codecs.BOM_UTF8 + model.to_json().encode())
    code, out, err = run([str(path), "--format", "json"], capsys)
    assert code == 0, err
    import json

    assert json.loads(out)["total"] == model.count_params()


def test_source_with_a_byte_order_mark(tmp_path: Path, capsys: pytest.CaptureFixture[str], mnist_total: str) -> None:
    path = tmp_path / "model.py"
    path.write_bytes(codecs.BOM_UTF8 + MNIST.read_bytes())
    code, out, err = run([str(path), "--quiet"], capsys)
    assert code == 0, err
    assert total_line(out) == mnist_total


@POSIX
def test_binary_bytes_on_stdin_are_exit_2() -> None:
    with open(sys.executable, "rb") as f:
        result = command(["-"], stdin=f)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and result.stderr.startswith(b"error: ")
    result = command(["-"], input=b"import keras\nmodel = keras.Sequential()\n\0\x01\x02")
    assert result.returncode == 2
    assert b"error: <stdin>: binary data, not text (a NUL byte at offset 40)" in result.stderr


def test_a_path_over_255_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    path = "m" * 300 + ".py"
    code, _, err = run([path], capsys)
    assert code == 2
    first = err.splitlines()[0]
    assert "cannot read this input" in first or "no such file" in first
    assert "..." in first and len(first) < 160


def test_a_path_with_control_characters_and_bad_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    path = os.fsdecode(b"\xff\x01\x1b[31mred.py")
    code, _, err = run([path], capsys)
    assert code == 2
    assert err.splitlines()[0] == "error: \ufffd\\x01\\x1b[31mred.py: no such file"


@POSIX
def test_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "secret.py"
    path.write_text("import keras\n")
    path.chmod(0)
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "cannot read this input (Permission denied)" in err


@POSIX
def test_a_checkpoint_from_a_pipe_is_refused(tmp_path: Path) -> None:
    safetensors_torch = pytest.importorskip("safetensors.torch")
    torch = pytest.importorskip("torch")
    path = tmp_path / "w.safetensors"
    safetensors_torch.save_file({"fc.weight": torch.zeros(3, 4)}, str(path))
    assert command([str(path)]).returncode == 0
    result = shell(f'"$PW" <(cat {path})')
    assert result.returncode == 2
    assert b"a checkpoint is read in place (its header only), so it must be a file, not a pipe" in result.stderr


def test_the_library_still_takes_stdin_text(capsys: pytest.CaptureFixture[str]) -> None:
    found, chosen = frontends.read_path("-", frontends.ReadOptions(), MNIST.read_text())
    assert found[chosen].require().layers


# ---- outputs: encodings that lack our characters, and outputs that cannot be written


@POSIX
@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_outputs_that_cannot_encode_the_table(encoding: str, mnist_total: str) -> None:
    plain = command([str(MNIST), "--explain"], env={"PYTHONIOENCODING": encoding})
    assert plain.returncode == 0, plain.stderr
    out, err = plain.stdout.decode(encoding), plain.stderr.decode(encoding)
    assert total_line(out) == mnist_total
    assert "+-----" in out and "| conv2d (Conv2D)" in out  # rich's box, drawn in ASCII
    assert "Traceback" not in err and "warning: dense holds" in err
    full = command([str(MNIST), "--explain"]).stdout.decode()
    assert out == full.encode(encoding, "paramwise-plain").decode(encoding)


def test_plain_characters() -> None:
    text = "(3·3·1 + 1)·32 → 320 × 2 ≥ 1 ┃━┏┡╇└ “quoted” é"
    assert text.encode("ascii", "paramwise-plain").decode() == '(3*3*1 + 1)*32 -> 320 x 2 >= 1 |-++++ "quoted" e'
    assert "·" in text.encode("latin-1", "paramwise-plain").decode("latin-1")


@POSIX
def test_stdout_to_a_full_device() -> None:
    with open("/dev/full", "w") as full:
        result = command([str(MNIST), "--quiet"], stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert result.returncode == 2
    assert result.stderr.decode() == "error: cannot write the output: No space left on device\n"


@POSIX
def test_a_closed_stdout() -> None:
    result = shell(f'"$PW" {MNIST} --quiet >&-')
    assert result.returncode == 2
    assert result.stderr.decode() == "error: cannot write the output: standard output is closed\n"


@POSIX
def test_a_reader_that_went_away() -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        result = command([str(MNIST), "--quiet"], stdout=write, stderr=subprocess.PIPE, capture_output=False)
    finally:
        os.close(write)
    assert result.returncode == 2
    assert result.stderr.decode() == "error: cannot write the output: the program reading it stopped (broken pipe)\n"


@POSIX
def test_head_reads_the_first_line_quietly() -> None:
    result = shell(f'"$PW" {MNIST} --explain --depth 9 --quiet | head -1; echo "exit ${{PIPESTATUS[0]}}"')
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("Model:") and lines[-1] in ("exit 0", "exit 2")
    assert b"Exception ignored" not in result.stderr and b"Traceback" not in result.stderr


@POSIX
def test_help_to_a_full_device() -> None:
    with open("/dev/full", "w") as full:
        result = command(["--help"], stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert result.returncode == 2
    assert result.stderr.decode() == "error: cannot write the output: No space left on device\n"


# ---- --debug keeps the exit code


def test_debug_keeps_the_exit_code_of_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(CASES / "errors" / "no_input_shape.py"), "--debug"], capsys)
    assert code == 2
    assert "Traceback (most recent call last)" in err and "has no input shape" in err


def test_debug_keeps_the_exit_code_of_an_internal_error(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(summary, "load_report", broken)
    code, _, err = run([str(MNIST), "--debug"], capsys)
    assert code == 4
    assert "Traceback (most recent call last)" in err and "internal error: ZeroDivisionError" in err
    code, _, err = run([str(MNIST)], capsys)
    assert code == 4 and "Traceback" not in err


# ---- values given on the command line


@pytest.mark.parametrize("text, value", [
    ("32", 32), ("-1", -1), ("1_000", 1000), ("0.5", 0.5), ("1e-3", 0.001), (".5", 0.5), ("True", True),
    ("False", False), ("None", None), ("'relu'", "relu"), ('"same"', "same"), ("  7 ", 7), ("relu", "relu"),
    ("abc", "abc"), ("(1, 2)", (1, 2)), ("[3]", [3]), ("()", ()), ("{'dim': (4, 4)}", {"dim": (4, 4)}),
])
def test_values_paramwise_binds(text: str, value: Any) -> None:
    got = parse_value(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", [
    "a b", "nan", "inf", "-Infinity", "1e999", "9" * 5000, "(1, a b)", "[nan]", "__import__('os')", "'unclosed", "",
    "1_", "0x10",
])
def test_values_paramwise_refuses(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_value(text, f"--set x={text}")
    assert info.value.message.startswith(f"--set x={text}: ")
    assert "is not a value paramwise can bind" in info.value.message


@pytest.mark.parametrize("item, message", [
    ("img_SIZE=a+b", "--set img_SIZE=a+b: 'a+b' is not a value paramwise can bind"),
    ("img-SIZE=32", "--set img-SIZE=32: 'img-SIZE' is not a Python name"),
    ("class=32", "--set class=32: 'class' is not a Python name"),
    ("=32", "--set =32: '' is not a Python name"),
])
def test_set_refuses_with_the_option_and_value(item: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(REPO / "examples" / "cnn_lesson_pasted.txt"), "--set", item], capsys)
    assert code == 2
    assert f"error: {message}" in err


def test_set_with_text_where_a_size_goes_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(REPO / "examples" / "cnn_lesson_pasted.txt"), "--set", "img_SIZE='abc'", "--quiet"], capsys)
    assert code == 2 and "error: " in err and "internal error" not in err


def test_symbolic_input_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(ALEXNET), "--input-shape", "1,3,n,n", "--format", "json", "--quiet"], capsys)
    assert code == 0
    import json

    symbolic = json.loads(out)
    code, out, _ = run([str(ALEXNET), "--input-shape", "1,3,224,224", "--format", "json", "--quiet"], capsys)
    assert code == 0
    assert symbolic["total"] == json.loads(out)["total"]  # no weight depends on the image size
    assert "n" in str(symbolic["layers"][0]["output_shape"])


def test_parse_shape() -> None:
    from paramwise.formula import symbol

    assert parse_shape("1,3,224,224") == (1, 3, 224, 224)
    assert parse_shape("(None, 28, 28, 1)") == (None, 28, 28, 1)
    assert parse_shape("28,") == (28,)
    assert parse_shape("1,3,H,W") == (1, 3, symbol("H"), symbol("W"))
    assert parse_shape(None) is None


@pytest.mark.parametrize("shape", ["1,3,n+1,n", "1,3,0,4", "1,-3", "1,3,__import__('os'),4", "1,3,2.5", "1,lambda"])
def test_input_shapes_paramwise_refuses(shape: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(ALEXNET), "--input-shape", shape], capsys)
    assert code == 2
    assert err.startswith(f"error: --input-shape {shape!r}: ") and "is not a size" in err


@pytest.mark.parametrize("args, message", [
    ("10,depth=a-b", "--args 10,depth=a-b: 'a-b' is not a value paramwise can bind"),
    ("x y", "--args x y: 'x y' is not a value paramwise can bind"),
    ("1-2=3", "--args 1-2=3: '1-2' is not a Python name"),
])
def test_args_refuses_with_the_option_and_value(args: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(ALEXNET), "--class", "AlexNet", "--args", args], capsys)
    assert code == 2 and f"error: {message}" in err


# ---- the hard backstop: time and memory limits around one read


@pytest.fixture
def lifted() -> Any:
    """Checks that the limits are gone after the command: handler, timer and rlimits as they were."""
    resource = pytest.importorskip("resource")

    def state() -> tuple[Any, ...]:
        return (signal.getsignal(signal.SIGALRM), signal.getsignal(signal.SIGPROF), resource.getrlimit(resource.RLIMIT_DATA),
                resource.getrlimit(resource.RLIMIT_CPU))

    before = state()
    yield
    assert state() == before
    assert signal.getitimer(signal.ITIMER_REAL) == signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert Limits.active is None


def never_ends(args: Any) -> Any:
    while True:
        pass


@POSIX
def test_a_read_past_the_time_limit(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lifted: None) -> None:
    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0.5")
    monkeypatch.setattr(summary, "load_report", never_ends)
    start = time.monotonic()
    code, _, err = run([str(MNIST)], capsys)
    assert code == 2
    assert err.splitlines()[0] == "error: this input needs more than 0.5 s to read; it is probably not a model definition"
    assert "PARAMWISE_TIME_LIMIT=" in err
    assert time.monotonic() - start < 5


@POSIX
def test_a_long_loop_in_a_real_input_stops(tmp_path: Path) -> None:
    path = tmp_path / "loop.py"
    path.write_text("import keras\nx = 0\nwhile True:\n    x = x + 1\n")
    start = time.monotonic()
    result = command([str(path)], env={"PARAMWISE_TIME_LIMIT": "1"})
    assert result.returncode == 2  # the interpreter's own budget or, failing that, the backstop
    assert b"error: " in result.stderr and b"Traceback" not in result.stderr
    assert time.monotonic() - start < 30


@POSIX
def test_the_limit_is_raised_again_until_the_read_stops(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, lifted: None) -> None:
    caught = []

    def swallows_once(args: Any) -> Any:
        try:
            never_ends(args)
        except Exception as e:  # a reader that turns every error into a warning and goes on
            caught.append(e)
        never_ends(args)

    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0.3")
    monkeypatch.setattr(summary, "load_report", swallows_once)
    code, _, err = run([str(MNIST)], capsys)
    assert code == 2 and len(caught) == 1 and "more than 0.3 s" in err


@POSIX
@pytest.mark.parametrize("kind", ["swallows", "sleeps"])
def test_the_installed_command_ends_a_read_nothing_stops(tmp_path: Path, kind: str) -> None:
    script = tmp_path / "stuck.py"
    script.write_text(
        "import sys, time\nimport paramwise.cli as c\nimport paramwise.cli.options as o\n"
        "def swallows(args):\n    while True:\n        try:\n            time.sleep(10)\n        except BaseException:\n"
        "            pass\n"
        "def sleeps(args):\n    signal = __import__('signal')\n    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])\n"
        "    time.sleep(60)\n"
        f"o.read_model = {kind}\nsys.exit(c.main())\n"
    )
    start = time.monotonic()
    result = subprocess.run([sys.executable, str(script), str(MNIST)], capture_output=True, timeout=60,
                            env={**os.environ, "PARAMWISE_TIME_LIMIT": "1"})
    assert result.returncode == 2
    assert result.stderr.decode() == "error: this input needs more than 1 s to read; it is probably not a model definition\n"
    assert time.monotonic() - start < 1 + limits.GRACE + 20


@POSIX
def test_one_huge_allocation_is_a_memory_limit(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                               lifted: None) -> None:
    def allocates(args: Any) -> Any:
        return bytearray(8 * 2**30)

    monkeypatch.setenv("PARAMWISE_MEMORY_LIMIT", "64")
    monkeypatch.setattr(summary, "load_report", allocates)
    code, _, err = run([str(MNIST)], capsys)
    assert code == 2
    assert err.splitlines()[0] == "error: this input needs more than 64 MB to read; it is probably not a model definition"
    assert "PARAMWISE_MEMORY_LIMIT=" in err


@POSIX
def test_growing_memory_is_watched(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lifted: None) -> None:
    if limits.resident_bytes() == 0:
        pytest.skip("no /proc/self/statm")

    def grows(args: Any) -> Any:
        kept = []
        for _ in range(400):  # 400 MB at most, in 1 MB steps; the watch stops it near 64 MB
            kept.append(b"x" * 2**20)  # written, so resident
            time.sleep(0.002)
        raise AssertionError("the memory watch did not stop the read")

    monkeypatch.setattr(Limits, "lower_rlimit", lambda self, which, value: None)  # the watch alone
    monkeypatch.setenv("PARAMWISE_MEMORY_LIMIT", "64")
    monkeypatch.setattr(summary, "load_report", grows)
    code, _, err = run([str(MNIST)], capsys)
    assert code == 2 and "needs more than 64 MB to read" in err


@pytest.mark.parametrize("error, message", [
    (MemoryError(), "this input needs more than 2,048 MB to read; it is probably not a model definition"),
    (RecursionError(), "levels of nesting to read; it is probably not a model definition"),
])
def test_memory_and_recursion_errors_are_the_inputs(error: Exception, message: str, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(args: Any) -> Any:
        raise error

    monkeypatch.setattr(summary, "load_report", fails)
    code, _, err = run([str(MNIST)], capsys)
    assert code == 2 and message in err and "internal error" not in err


@POSIX
def test_output_time_is_not_reading_time(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                         lifted: None) -> None:
    def slow_reader(warnings: Any, quiet: bool, width: Any = None) -> None:
        time.sleep(0.5 * limits.WALL + 0.5)  # a pager nobody scrolls: the read has ended with the first line of output

    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0.5")
    monkeypatch.setattr(summary, "print_warnings", slow_reader)
    code, out, _ = run([str(MNIST)], capsys)
    assert code == 0 and "Total params" in out


@POSIX
def test_no_limits(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lifted: None) -> None:
    real = summary.load_report

    def slow(args: Any) -> Any:
        start = limits.cpu_seconds()
        while limits.cpu_seconds() - start < 0.6:  # work: CPU time, what the limit counts
            pass
        return real(args)

    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0.3")
    monkeypatch.setattr(summary, "load_report", slow)
    assert run([str(MNIST), "--quiet"], capsys)[0] == 2
    assert run([str(MNIST), "--quiet", "--no-limits"], capsys)[0] == 0
    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0")
    assert run([str(MNIST), "--quiet"], capsys)[0] == 0


@pytest.mark.parametrize("value", ["abc", "-1", "nan"])
def test_a_bad_limit_is_exit_2(value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARAMWISE_MEMORY_LIMIT", value)
    code, _, err = run([str(MNIST)], capsys)
    assert code == 2 and f"PARAMWISE_MEMORY_LIMIT must be a number >= 0 (0: no limit); got {value!r}" in err


def test_check_runs_under_the_limits(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "0.3")
    monkeypatch.setattr(options, "read_model", never_ends)
    code, _, err = run(["check", str(MNIST), "--claim-total", "1"], capsys)
    assert code == 2 and "more than 0.3 s" in err


# ---- the same input rules for --symbolic, and the remaining options


@POSIX
def test_symbolic_reads_a_pipe_once_and_refuses_binary_stdin() -> None:
    with_file = command([str(MNIST), "--symbolic", "--quiet"])
    result = shell(f'"$PW" <(cat {MNIST}) --symbolic --quiet')
    assert result.returncode == with_file.returncode == 0
    assert result.stdout == with_file.stdout
    result = command(["-", "--symbolic"], input=b"import keras\n\0\xff\xfe")
    assert result.returncode == 2 and b"binary data, not text" in result.stderr


def test_symbolic_refuses_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["/dev/zero", "--symbolic"], capsys)
    assert code == 2 and "error: /dev/zero: is a device, not a file" in err


@POSIX
def test_a_closed_stdin() -> None:
    result = shell('"$PW" - <&-')
    assert result.returncode == 2
    assert b"error: standard input is closed" in result.stderr


@pytest.mark.parametrize("width", ["-5", "0", "5", "abc", "100000000"])
def test_table_width_is_checked(width: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([str(MNIST), "--width", width])
    assert info.value.code == 2
    assert f"a table width is a whole number from 40 to 10000; got {width!r}" in capsys.readouterr().err


def test_the_installed_command_ends_once_its_output_is_written(tmp_path: Path) -> None:
    """The process ends without the interpreter's teardown (fast_exit), after flushing: a pipe gets the whole
    answer, stderr its warnings, and the exit code is the command's."""
    big = tmp_path / "big.py"
    big.write_text("import torch.nn as nn\nmodel = nn.Sequential(*[nn.Linear(8, 8) for _ in range(3000)])\n")
    done = subprocess.run([sys.executable, "-m", "paramwise", str(big), "--format", "json", "--expand"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 3000 * (8 * 8 + 8) and len(done.stdout) > 1_000_000
    failed = subprocess.run([sys.executable, "-m", "paramwise", str(tmp_path / "missing.py")], capture_output=True,
                            text=True, timeout=120)
    assert failed.returncode == 2 and failed.stderr.startswith("error:") and failed.stderr.endswith("\n")
