"""The page's API (`paramwise serve`): the same counts and checks as the command, errors at their lines as JSON,
a size limit, hostile input never run, a slow read that does not hold up the others."""

from __future__ import annotations

import json
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_server import BAD_KERAS, MNIST, TORCH_BLOCKS

from paramwise import cli
from test_no_eval import payloads

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

from paramwise.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(workers=2)) as c:
        yield c


def cli_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    code = cli.main([*args, "--quiet"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    data: dict[str, Any] = json.loads(out)
    return data


def test_pasted_keras_counts_as_the_command_does(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    expected = cli_json([str(MNIST), "--format", "json", "--expand"], capsys)
    r = client.post("/api/read", content=MNIST.read_text())
    assert r.status_code == 200
    got = r.json()
    assert got["ok"] is True
    report = got["report"]
    for key in ("total", "trainable", "non_trainable", "complete", "model", "framework"):
        assert report[key] == expected[key], key
    assert [(x["name"], x["params"], x["output_shape"], x["formula"]) for x in report["layers"]] == \
        [(x["name"], x["params"], x["output_shape"], x["formula"]) for x in expected["layers"]]
    assert [w["code"] for w in report["warnings"]] == [w["code"] for w in expected["warnings"]]
    assert report["source"] == "pasted code"  # the worker's own names never reach the page
    assert f"{expected['total']:,}" in got["markdown"]


def test_torch_blocks_fold_and_hang_under_the_folded_row(client: TestClient, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "net.py"
    path.write_text(TORCH_BLOCKS)
    expected = cli_json([str(path), "--format", "json", "--expand"], capsys)
    got = client.post("/api/read", content=TORCH_BLOCKS).json()
    assert got["report"]["total"] == expected["total"]
    rows = {r["name"]: r for r in got["rows"]}
    block = {r["name"]: r["params"] for r in expected["layers"]}["blocks.0"]
    folded = rows["blocks.0-3 (×4)"]
    assert folded["folded"] and folded["params"] == 4 * block and folded["parent"] == "blocks"
    assert rows["blocks.0.fc"]["parent"] == "blocks.0-3 (×4)"
    assert "blocks.1" not in rows
    assert got["depth"] == 0


def test_an_error_is_json_at_its_line(client: TestClient) -> None:
    r = client.post("/api/read", content=BAD_KERAS)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["kind"] == "input" and "units" in error["message"]
    assert (error["line"], error["col"]) == (7, 5)
    assert error["source_line"].strip() == "layers.Dense(10, units=20),"
    r = client.post("/api/read", content="import keras\nmodel = keras.Sequential([\n")
    assert r.status_code == 422 and r.json()["error"]["line"] in (2, 3)
    r = client.post("/api/read", content=b"\x00\x01 not a model")
    assert r.status_code == 422 and r.json()["error"]["hint"]


def test_check_names_the_mistake_as_the_command_does(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    for claims, mode, flags in (("288,540800,1010", "layers", []), ("288,540988,541988", "running", ["--running"])):
        expected = cli_json(["check", str(MNIST), "--claim", claims, *flags, "--format", "json"], capsys)
        r = client.post("/api/check", params={"claims": claims, "mode": mode}, content=MNIST.read_text())
        assert r.status_code == 200
        got = r.json()["check"]
        assert got == expected
        assert "missing_bias" in got["mistakes"]
    r = client.post("/api/check", params={"claims": "12x", "mode": "layers"}, content=MNIST.read_text())
    assert r.status_code == 422 and "claim" in r.json()["error"]["message"]


def test_a_safetensors_header_alone_counts_the_whole_file(client: TestClient, tmp_path: Path) -> None:
    numpy = pytest.importorskip("numpy")
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    from safetensors import safe_open

    path = tmp_path / "w.safetensors"
    safetensors_numpy.save_file({"a.weight": numpy.zeros((300, 200), "float32"), "a.bias": numpy.zeros(300, "float32")}, str(path))
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    with safe_open(str(path), "np") as f:
        expected = sum(int(numpy.prod(f.get_slice(k).get_shape())) for k in f.keys())
    r = client.post("/api/read", params={"name": "w.safetensors", "size": len(data)}, content=data[:8 + n])
    report = r.json()["report"]
    assert report["total"] == expected and report["complete"]
    assert "truncated" not in [w["code"] for w in report["warnings"]]


def test_oversized_requests_are_413_json() -> None:
    with TestClient(create_app(workers=1, max_bytes=1000)) as small:
        r = small.post("/api/read", content=b"x" * 1001)
        assert r.status_code == 413 and r.json()["error"]["kind"] == "too_large"
        r = small.post("/api/read", content=iter([b"x" * 600, b"x" * 600]))  # no Content-Length: counted as it comes
        assert r.status_code == 413 and r.json()["ok"] is False
        assert small.post("/api/read", content=b"import keras\n" * 10).status_code == 422
        r = small.get("/api/nothing")
        assert r.status_code == 404 and r.json()["ok"] is False


def test_hostile_payloads_do_not_run(client: TestClient, tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    for payload in payloads(canary):
        for source in (f"import keras\nmodel = keras.Sequential([keras.layers.Dense({payload})])\n",
                       f"import torch\nfrom torch import nn\nmodel = nn.Linear({payload}, 3)\n",
                       f"{payload}\n"):
            r = client.post("/api/read", content=source, params={"set": f"x={payload}"[:200]})
            assert r.status_code in (200, 422) and r.json()["ok"] in (True, False)
    assert not canary.exists()


def test_a_slow_read_stops_at_its_limit_and_holds_up_no_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARAMWISE_TIME_LIMIT", "2")
    with TestClient(create_app(workers=2)) as c:
        slow: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: slow.update(r=c.post("/api/read", content="import torch\nn = 0\nwhile True:\n    n += 1\n")))
        thread.start()
        time.sleep(0.5)
        started = time.monotonic()
        fast = c.post("/api/read", content=MNIST.read_text())
        fast_seconds = time.monotonic() - started
        thread.join(60)
        assert fast.status_code == 200
        assert slow["r"].status_code == 422 and slow["r"].json()["error"]["kind"] == "limit"
        assert fast_seconds < 10  # answered while the slow read ran, not after it


def test_a_worker_that_does_not_answer_is_ended_and_replaced() -> None:
    with TestClient(create_app(workers=1, timeout=1.0)) as c:
        r = c.post("/api/read", content="import torch\nn = 0\nwhile True:\n    n += 1\n")
        assert r.status_code == 422
        assert r.json()["error"]["kind"] == "limit" and "1 s" in r.json()["error"]["message"]
        assert c.post("/api/read", content=TORCH_BLOCKS).status_code == 200


def test_a_huge_gguf_counts_from_its_first_bytes(client: TestClient, tmp_path: Path) -> None:
    """The page sends a big .gguf's first megabytes and its size (the header is at the start)."""
    gguf = pytest.importorskip("gguf")
    numpy = pytest.importorskip("numpy")
    path = tmp_path / "huge.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    shape = (32768, 2**20)
    writer.add_tensor_info("blk.0.ffn_up.weight", (shape[0], shape[1] // 32 * 18), numpy.dtype(numpy.uint8), 0,
                           raw_dtype=gguf.GGMLQuantizationType.Q4_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    size = 100 * 2**30
    with open(path, "r+b") as f:
        f.truncate(size)
    with open(path, "rb") as f:
        head = f.read(2**20)
    r = client.post("/api/read", params={"name": "huge.gguf", "size": size}, content=head)
    report = r.json()["report"]
    assert report["total"] == shape[0] * shape[1] and report["complete"]


def test_a_loopback_server_answers_loopback_hosts_only() -> None:
    with TestClient(create_app(workers=1, allowed_hosts=("127.0.0.1", "localhost", "::1")), base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200
        r = c.post("/api/read", content="x = 1\n", headers={"host": "attacker.example:8000"})
        assert r.status_code == 400 and r.json()["error"]["kind"] == "bad_host"


def test_serve_says_when_its_port_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port 0" in err
    with pytest.raises(SystemExit):
        cli.main(["serve", "--port", "70000"])


@pytest.mark.parametrize("code, kind", [(2, "limit"), (1, "internal")])
def test_a_worker_that_dies_is_answered_as_json(code: int, kind: str) -> None:
    import sys

    dies = (sys.executable, "-c", f"import sys; sys.stdin.readline(); sys.exit({code})")  # as limits.py's hard exit does
    with TestClient(create_app(workers=1, command=dies)) as c:
        for _ in range(2):  # and the next request gets a new worker
            r = c.post("/api/read", content=TORCH_BLOCKS)
            assert r.status_code == 422 and r.json()["error"]["kind"] == kind


def test_options_are_the_commands(client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = ("import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input((img_size, img_size, 3)), "
              "layers.Conv2D(filters, 3), layers.Flatten(), layers.Dense(10)])\n")
    path = tmp_path / "m.py"
    path.write_text(source)
    expected = cli_json([str(path), "--set", "img_size=32", "--set", "filters=8", "--format", "json"], capsys)
    r = client.post("/api/read", params=[("set", "img_size=32"), ("set", "filters=8")], content=source)
    assert r.json()["report"]["total"] == expected["total"] and isinstance(expected["total"], int)
    r = client.post("/api/read", params={"set": "img_size=__import__('os')"}, content=source)
    assert r.status_code == 422 and "--set" in r.json()["error"]["message"]
    r = client.post("/api/read", params={"framework": "jax"}, content=source)
    assert r.status_code == 422 and "framework" in r.json()["error"]["message"]


def test_the_page_and_its_assets_come_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/style.css"):
        assert asset in page.text and client.get(asset).status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")  # nothing from elsewhere: it works offline


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_ctrl_c_stops_the_server_quietly(stop: str) -> None:
    """Ctrl+C (or SIGTERM) shuts the server down with exit 128 + the signal and no traceback (uvicorn raised the
    signal again after its shutdown: SIGTERM then killed the process, Ctrl+C could log the lifespan task's
    CancelledError with a traceback)."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    process = subprocess.Popen([sys.executable, "-m", "paramwise", "serve", "--port", "0", "--workers", "1"],
                               env=dict(os.environ, KERAS_BACKEND="torch"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        url = re.search(r"serving (http://\S+?)/ ", process.stderr.readline())
        assert url is not None
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url.group(1) + "/api/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with urllib.request.urlopen(url.group(1) + "/", timeout=10) as r:  # the page, as a person opens it
            assert r.status == 200
        process.send_signal(getattr(signal, stop))
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + getattr(signal, stop)
    assert "Traceback" not in err and "Error" not in err, err
