"""The page in a real browser (Debian's chromium, driven by Playwright): paste, drop a file, expand a row,
check a hand count, the share link, an error at its line."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest
from web_server import BAD_KERAS, MNIST, TORCH_BLOCKS, Server

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

@pytest.fixture(scope="module")
def page(browser: Any, server: Server) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    p = context.new_page()
    p.set_default_timeout(20000)
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" and "status of 422" not in m.text else None)
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.goto(server.url + "/")
    yield p
    assert not errors  # no script error, nothing the Content-Security-Policy refused
    context.close()


def expected_total(server: Server) -> int:
    import httpx

    total: int = httpx.post(server.url + "/api/read", content=MNIST.read_text(), timeout=60).json()["report"]["total"]
    return total


def paste_and_count(page: Any, text: str) -> None:
    page.fill("#code", text)
    page.click("#count")


def test_paste_expand_and_check(page: Any, server: Server) -> None:
    total = expected_total(server)
    paste_and_count(page, MNIST.read_text())
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#total") == f"{total:,}"
    assert page.locator("#chart rect.bar").count() == 3  # the layers with parameters
    warning = page.locator(".warning").first
    assert "line 13" in warning.inner_text() and "dominant_layer" in warning.inner_text()
    assert page.locator("#source-view .ln.warn").first.get_attribute("data-line") == "13"
    page.click("tr.layer[data-name='dense'] td.formula")  # the row's arithmetic opens under it
    detail = page.locator("tr.detail").inner_text()
    assert "5,408×100 = 540,800" in detail and "(d_in + 1)·units" in detail
    page.click("#copy-md")
    markdown = page.evaluate("navigator.clipboard.readText()")
    assert markdown.startswith("**Model: `sequential`**") and f"Total params: {total:,}" in markdown
    page.click("#copy-json")
    assert json.loads(page.evaluate("navigator.clipboard.readText()"))["total"] == total
    page.fill("#claims", "288, 540800, 1010")
    page.click("#check")
    page.wait_for_selector("#check-result .verdict")
    assert page.locator("#check-result tr[data-name='conv2d'] td.mistake").inner_text() == "missing_bias"
    assert "missing_bias" in page.inner_text("#check-result .verdict")
    assert "short of" in page.inner_text("#check-result")  # the check's own summary


def test_nested_rows_open_and_repeated_blocks_fold(page: Any) -> None:
    paste_and_count(page, TORCH_BLOCKS)
    page.wait_for_selector("tr.layer[data-name='blocks']")
    assert page.locator("tr.layer[data-name^='blocks.']").count() == 0  # nested rows start closed
    page.click("tr.layer[data-name='blocks'] .toggle")
    folded = page.locator("tr.layer.folded")
    assert folded.count() == 1 and folded.get_attribute("data-name") == "blocks.0-3 (×4)"
    folded.locator(".toggle").click()
    assert page.locator("tr.layer[data-name='blocks.0.fc']").is_visible()
    assert page.locator("tr.layer[data-name='blocks.1']").count() == 0
    page.click("#expand-all")
    assert page.locator("tr.layer[data-name='blocks.0.norm']").is_visible()
    page.click("#expand-all")
    assert page.locator("tr.layer[data-name^='blocks.']").count() == 0


def test_error_is_shown_at_its_line(page: Any) -> None:
    paste_and_count(page, BAD_KERAS)
    page.wait_for_selector("#error:not([hidden])")
    text = page.inner_text("#error")
    assert "line 7, col 5" in text and "units" in text
    assert page.locator("#source-view .ln.err").get_attribute("data-line") == "7"
    assert page.locator("#result").is_hidden()
    selected = page.evaluate("(() => { const a = document.getElementById('code'); return a.value.slice(a.selectionStart, a.selectionEnd); })()")
    assert selected.strip() == "layers.Dense(10, units=20),"


def test_share_link_round_trips_and_never_reaches_the_server(browser: Any, page: Any, server: Server) -> None:
    source = MNIST.read_text() + "# ünïcode ✓\n"
    paste_and_count(page, source)
    page.wait_for_selector("#result:not([hidden])")
    page.click("#share")
    link = page.evaluate("location.href")
    assert "#code=" in link
    other = browser.new_page()
    sent: list[str] = []
    other.on("request", lambda r: sent.append(r.url + " " + (r.post_data or "")))
    other.goto(link)
    other.wait_for_selector("#result:not([hidden])")
    assert other.input_value("#code") == source
    assert other.inner_text("#total") == page.inner_text("#total")
    fragment = link.split("#code=", 1)[1]
    assert sent and not any(fragment[:40] in s for s in sent)  # the code went as the body of the read, never the link
    other.close()


def test_drop_a_safetensors_file_sends_its_header_only(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    numpy = pytest.importorskip("numpy")
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    path = tmp_path / "tiny.safetensors"
    safetensors_numpy.save_file({"emb.weight": numpy.zeros((1000, 64), "float32"), "out.bias": numpy.zeros(7, "float32")}, str(path))
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    from safetensors import safe_open

    with safe_open(str(path), "np") as f:
        total = sum(int(numpy.prod(f.get_slice(k).get_shape())) for k in f.keys())
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if "/api/read" in r.url else None)
    page.set_input_files("#file", str(path))
    expect(page.locator("#total")).to_have_text(f"{total:,}")
    assert page.evaluate("window.paramwise.state.file.blob.size") == 8 + n < len(data)  # what was sent
    assert f"size={len(data)}" in urls[-1] and "name=tiny.safetensors" in urls[-1]
    assert "header only" in page.inner_text("#status")
