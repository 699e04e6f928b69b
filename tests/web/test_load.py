"""A few hundred reads on loopback, eight at a time: every answer right, and the server's memory flat."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from web_server import Server

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

SOURCES = [
    "import keras\nmodel = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16), keras.layers.Dense(4)])\n",
    "from torch import nn\nmodel = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))\n",
    "import keras\nmodel = keras.Sequential([keras.layers.Dense(4, units=5)])\n",  # an error: answered as JSON too
]
WARM, REQUESTS, CONCURRENCY = 40, 300, 8
RSS_GROWTH_KB = 8 * 1024  # after warm-up, the server process may grow this much at most
SECONDS = 120  # the whole run, on a loaded 2-core machine


def post(url: str, text: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url + "/api/read", data=text.encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_hundreds_of_requests(server: Server) -> None:
    started = time.monotonic()
    expected = [post(server.url, s) for s in SOURCES]
    assert [code for code, _ in expected] == [200, 200, 422]
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        def run(count: int) -> None:
            answers = list(pool.map(lambda i: post(server.url, SOURCES[i % len(SOURCES)]), range(count)))
            for i, answer in enumerate(answers):
                assert answer == expected[i % len(SOURCES)], i

        run(WARM)
        before = server.rss_kb()
        run(REQUESTS)
        after = server.rss_kb()
    print(f"server RSS {before:,} kB -> {after:,} kB")
    assert after - before < RSS_GROWTH_KB, f"the server grew from {before:,} kB to {after:,} kB"
    assert time.monotonic() - started < SECONDS
