"""Screenshots of `paramwise serve`'s main views, written to docs/img/ (shown in the README).

    python scripts/web_screenshots.py [--out docs/img]

Needs the web extra and Debian's chromium (/usr/bin/chromium); Playwright drives it, nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"

TORCH_SOURCE = '''\
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.attn = nn.MultiheadAttention(dim, 8)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))


class TinyViT(nn.Module):
    def __init__(self, dim=192, depth=6, classes=1000):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, kernel_size=16, stride=16)
        self.blocks = nn.ModuleList([Block(dim) for _ in range(depth)])
        self.head = nn.Linear(dim, classes)


model = TinyViT()
'''

ERROR_SOURCE = '''\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Dense(10, units=20),
])
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def paste(page: Page, text: str) -> None:
    page.fill("#code", text)
    page.click("#count")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "docs" / "img"))
    out = Path(p.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "paramwise", "serve", "--port", str(port)], cwd=ROOT,
                              env=dict(os.environ, KERAS_BACKEND="torch"))
    url = f"http://127.0.0.1:{port}"
    try:
        wait(url)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.goto(url + "/")
            paste(page, (ROOT / "examples" / "mnist_cnn.py").read_text())
            page.wait_for_selector("#result:not([hidden])")
            page.click("tr.layer[data-name='dense'] td.formula")
            page.screenshot(path=str(out / "web-table.png"), full_page=True)
            page.fill("#claims", "288, 540800, 1010")
            page.click("#check")
            page.wait_for_selector("#check-result .verdict")
            page.locator("#check-panel").screenshot(path=str(out / "web-check.png"))
            paste(page, ERROR_SOURCE)
            page.wait_for_selector("#error:not([hidden])")
            page.screenshot(path=str(out / "web-error.png"))
            paste(page, TORCH_SOURCE)
            page.click("tr.layer[data-name='blocks'] .toggle")
            page.click("tr.layer[data-name^='blocks.0-'] .toggle")
            page.screenshot(path=str(out / "web-nested.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    for png in sorted(out.glob("web-*.png")):
        print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}: {png.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
