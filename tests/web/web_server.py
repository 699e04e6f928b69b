"""A `paramwise serve` process on a free loopback port (the browser and load tests talk to it over HTTP)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MNIST = ROOT / "examples" / "mnist_cnn.py"

# inputs the API and browser tests share: torch blocks that fold, and a Keras file with an error at line 7
TORCH_BLOCKS = """\
from torch import nn

class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, dim)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(16) for _ in range(4)])
        self.head = nn.Linear(16, 3)

model = Net()
"""

BAD_KERAS = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(32, 3),
    layers.Dense(10, units=20),
])
"""


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str) -> None:
        self.process, self.url = process, url

    def rss_kb(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def start_server(workers: int = 2, extra: tuple[str, ...] = ()) -> Server:
    """`paramwise serve --port 0` (any free port): the URL is the one it prints."""
    env = dict(os.environ, KERAS_BACKEND="torch")
    process = subprocess.Popen([sys.executable, "-m", "paramwise", "serve", "--port", "0", "--workers", str(workers), *extra],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    line = process.stderr.readline().decode()
    match = re.search(r"serving (http://\S+?)/ ", line)
    if match is None:
        process.kill()
        raise RuntimeError(f"paramwise serve did not start: {line}{process.stderr.read().decode()}")
    url = match.group(1)
    threading.Thread(target=process.stderr.read, daemon=True).start()  # a full pipe would stop the server
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                if r.status == 200:
                    return Server(process, url)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("paramwise serve did not answer within 30 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.process.stderr:
        server.process.stderr.close()
