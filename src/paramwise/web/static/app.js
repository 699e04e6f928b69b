// paramwise serve: the page. Sends the pasted text or a file's bytes (a .safetensors file's header only) to
// /api/read and /api/check, and draws the JSON report: totals, a chart, the table, warnings at their lines.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { file: null, answer: null, shownText: null, expanded: new Set(), open: new Set(), maxBytes: 10 * 2 ** 20 };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function count(n) {
  if (n === null || n === undefined) return "?";
  if (typeof n === "number") return n.toLocaleString("en-US");
  // a formula in sizes the input leaves open, as the JSON writes it ("194688*batch"): shown as the table does
  return pretty(String(n)).replace(/\d{4,}/g, (d) => Number(d).toLocaleString("en-US"));
}

function pretty(text) {
  return text.replace(/\*\*/g, "^").replace(/\*/g, "·");
}

function shape(s) {
  if (s === null || s === undefined) return "?";
  if (!Array.isArray(s)) return String(s);
  if (s.length && Array.isArray(s[0])) return s.map(shape).join(", ");
  return "(" + s.map((d) => (d === null ? "None" : String(d))).join(", ") + (s.length === 1 ? ",)" : ")");
}

function bytesText(n) {
  if (typeof n !== "number") return String(n) + " bytes";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(2) : String(n)) + " " + units[i];
}

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 1800);
}

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    const area = el("textarea", {}, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  toast(what + " copied");
}

// -- the share link: the code travels in the URL fragment, which browsers never send to a server --------------

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(b64) {
  const bin = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64.length + 3) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function shareLink() {
  const text = $("code").value;
  if (!text.trim()) { toast("paste some code first"); return; }
  const url = location.href.split("#")[0] + "#code=" + toBase64Url(text);
  history.replaceState(null, "", url);
  copyText(url, "link");
}

function codeFromFragment() {
  const m = /(?:^#|&)code=([A-Za-z0-9_-]*)/.exec(location.hash);
  if (!m) return null;
  try { return fromBase64Url(m[1]); } catch (e) { return null; }
}

// -- sending ------------------------------------------------------------------------------------------------------

function query(extra) {
  const q = new URLSearchParams();
  for (const name of ["input_shape", "model", "class", "args", "framework"]) {
    const v = $("opt-" + name).value.trim();
    if (v) q.set(name, v);
  }
  for (const item of $("opt-set").value.split(/[;\n]/)) if (item.trim()) q.append("set", item.trim());
  const choice = $("model-choice");
  if (!choice.hidden && choice.value && !q.has("model")) q.set("model", choice.value);
  for (const [k, v] of Object.entries(extra || {})) if (v !== undefined && v !== null) q.set(k, v);
  return q;
}

async function body() {
  if (state.file) return { body: state.file.blob, extra: { name: state.file.name, size: state.file.size } };
  return { body: $("code").value, extra: {} };
}

async function post(endpoint, extra) {
  const b = await body();
  const q = query(Object.assign({}, b.extra, extra));
  let response;
  try {
    response = await fetch(endpoint + "?" + q.toString(), { method: "POST", body: b.body });
  } catch (e) {
    return { ok: false, error: { kind: "network", message: "the server cannot be reached: " + e.message, hint: "is paramwise serve still running?" } };
  }
  try {
    return await response.json();
  } catch (e) {
    return { ok: false, error: { kind: "http", message: "the server answered " + response.status + " " + response.statusText } };
  }
}

async function runCount() {
  if (!state.file && !$("code").value.trim()) { showError({ message: "paste some code or drop a model file first" }); return; }
  $("status").textContent = "reading…";
  $("count").disabled = true;
  const answer = await post("/api/read");
  $("count").disabled = false;
  $("status").textContent = state.file ? state.file.label : "";
  $("check-result").replaceChildren();
  state.shownText = state.file ? null : $("code").value;
  if (!answer.ok) { showError(answer.error); return; }
  state.answer = answer;
  state.expanded = new Set(answer.rows.filter((r) => r.depth < answer.depth).map((r) => r.name));
  state.open = new Set();
  const nested = answer.rows.some((r) => r.parent !== null);
  $("expand-all").hidden = !nested;
  $("expand-all").textContent = "Expand all";
  drawResult(answer);
}

// -- the source, with warnings and the error at their lines -------------------------------------------------------

function drawSource(marks) {
  const view = $("source-view");
  if (state.shownText === null || !marks.length) { view.hidden = true; view.replaceChildren(); return; }
  const byLine = new Map();
  for (const m of marks) {
    if (!byLine.has(m.line)) byLine.set(m.line, []);
    byLine.get(m.line).push(m);
  }
  const lines = state.shownText.split("\n");
  const out = [];
  lines.forEach((text, i) => {
    const at = byLine.get(i + 1) || [];
    const level = at.some((m) => m.level === "err") ? "err" : at.length ? "warn" : "";
    out.push(el("div", { class: "ln " + level, id: "src-line-" + (i + 1), "data-line": i + 1 }, el("span", { class: "no" }, i + 1), text || " "));
    for (const m of at) out.push(el("div", { class: "note " + m.level }, (m.col ? " ".repeat(Math.max(m.col - 1, 0)) : "") + "^ " + m.text));
  });
  view.replaceChildren(...out);
  view.hidden = false;
}

function goToLine(line) {
  const area = $("code");
  const row = document.getElementById("src-line-" + line);
  if (row) {
    row.scrollIntoView({ block: "center" });
    row.classList.add("flash");
    setTimeout(() => row.classList.remove("flash"), 1200);
  }
  if (state.file) return;
  const lines = area.value.split("\n");
  if (line < 1 || line > lines.length) return;
  let start = 0;
  for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
  area.focus({ preventScroll: true });
  area.setSelectionRange(start, start + lines[line - 1].length);
  const height = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (line - 4) * height);
}

function whereLink(item) {
  if (item.line) return el("span", { class: "where", onclick: () => goToLine(item.line), title: "show this line" }, "line " + item.line + (item.col ? ", col " + item.col : ""));
  if (item.path) return el("span", { class: "where" }, item.path);
  return null;
}

function showError(error) {
  error = error || { message: "unknown error" };
  state.answer = null;
  $("result").hidden = true;
  const box = $("error");
  const parts = [];
  const where = whereLink(error);
  if (where) parts.push(where, ": ");
  parts.push(el("span", { class: "message" }, error.message));
  if (error.source_line) {
    const caret = " ".repeat(Math.max((error.col || 1) - 1, 0)) + "^";
    parts.push(el("pre", {}, error.source_line.replace(/\s+$/, "") + "\n" + caret));
  }
  if (error.hint) parts.push(el("div", { class: "hint" }, "hint: " + error.hint));
  box.replaceChildren(...parts);
  box.hidden = false;
  drawSource(error.line ? [{ line: error.line, col: error.col, level: "err", text: error.message }] : []);
  if (error.line) goToLine(error.line);
}

// -- the result ---------------------------------------------------------------------------------------------------

function drawResult(answer) {
  const report = answer.report;
  $("error").hidden = true;
  $("result").hidden = false;
  drawTotals(report);
  drawChart(answer.rows);
  drawTable();
  drawWarnings(report.warnings);
  if (report.warnings.some((w) => w.hint && /--set|--input-shape/.test(w.hint))) $("options").open = true;
  const choice = $("model-choice");
  if (answer.models.length > 1) {
    choice.replaceChildren(...answer.models.map((m) => el("option", { value: m, selected: m === answer.chosen }, m)));
    choice.hidden = false;
  } else {
    choice.hidden = true;
  }
  drawSource(report.warnings.filter((w) => w.line).map((w) => ({ line: w.line, col: w.col, level: "warn", text: w.message })));
}

function drawTotals(report) {
  const lower = report.complete ? "" : "at least ";
  const parts = [
    el("div", {}, el("span", { class: "big", id: "total" }, lower + count(report.total)), " parameters in ", el("code", {}, report.model),
      " (" + report.framework + ")"),
    el("div", { class: "small" }, "trainable " + lower + count(report.trainable) + " · non-trainable " + count(report.non_trainable) +
      (report.buffers ? " · buffers " + count(report.buffers) : "") + " · " + bytesText(report.total_bytes) +
      (report.macs !== null && report.macs !== undefined ? " · MACs " + count(report.macs) : "")),
  ];
  if (!report.complete) {
    parts.push(el("div", { class: "incomplete" }, "The reading is incomplete: " + report.unread.length + " thing(s) that can change the count were not read."));
  }
  $("totals").replaceChildren(...parts);
}

function drawChart(rows) {
  const byName = new Set(rows.map((r) => r.name));
  let top = rows.filter((r) => r.parent === null || !byName.has(r.parent));
  if (top.length === 1) {
    const kids = rows.filter((r) => r.parent === top[0].name);
    if (kids.length) top = kids;
  }
  const bars = top.filter((r) => typeof r.params === "number" && r.params > 0);
  const total = bars.reduce((s, r) => s + r.params, 0);
  const chart = $("chart");
  if (!bars.length || !total) { chart.replaceChildren(); return; }
  const limit = 16;
  let shown = bars;
  if (bars.length > limit) {
    const keep = new Set([...bars].sort((a, b) => b.params - a.params).slice(0, limit - 1));
    shown = bars.filter((r) => keep.has(r));
    const rest = bars.filter((r) => !keep.has(r));
    shown.push({ name: rest.length + " other layers", params: rest.reduce((s, r) => s + r.params, 0), other: true });
  }
  const biggest = Math.max(...shown.map((r) => r.params));
  const W = 640, label = 190, value = 150, H = 20;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${shown.length * H + 4}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "parameters per layer");
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  shown.forEach((r, i) => {
    const y = i * H + 2, share = r.params / total;
    const name = r.name.length > 28 ? r.name.slice(0, 12) + "…" + r.name.slice(-15) : r.name;
    add("text", { x: label - 6, y: y + 14, "text-anchor": "end" }, name);
    const bar = add("rect", { x: label, y: y + 3, height: H - 6, width: Math.max(1, (W - label - value) * r.params / biggest),
      class: "bar" + (r.params === biggest ? " top" : "") });
    const tip = document.createElementNS(ns, "title");
    tip.textContent = r.name + ": " + count(r.params);
    bar.append(tip);
    add("text", { x: label + 6 + (W - label - value) * r.params / biggest, y: y + 14 }, (100 * share).toFixed(share < 0.001 ? 2 : 1) + " % · " + count(r.params));
  });
  chart.replaceChildren(svg);
}

function childrenOf(rows) {
  const names = new Set(rows.map((r) => r.name));
  const kids = new Map();
  const roots = [];
  for (const r of rows) {
    if (r.parent !== null && names.has(r.parent)) {
      if (!kids.has(r.parent)) kids.set(r.parent, []);
      kids.get(r.parent).push(r);
    } else {
      roots.push(r);
    }
  }
  return { roots, kids };
}

function drawTable() {
  const answer = state.answer;
  const rows = answer.rows;
  const { roots, kids } = childrenOf(rows);
  const macs = rows.some((r) => r.macs !== null && r.macs !== undefined && r.macs !== 0);
  document.querySelectorAll("#table .macs").forEach((n) => { n.hidden = !macs; });
  const warned = new Set(answer.report.warnings.filter((w) => w.line).map((w) => w.line));
  const out = [];
  const visit = (r, level) => {
    const children = kids.get(r.name) || [];
    const expanded = state.expanded.has(r.name);
    const open = state.open.has(r.name);
    const toggle = el("button", { class: "toggle" + (children.length ? "" : " empty"), "aria-label": expanded ? "collapse" : "expand",
      onclick: (e) => { e.stopPropagation(); flip(state.expanded, r.name); drawTable(); } }, children.length ? (expanded ? "▾" : "▸") : "");
    const tr = el("tr", { class: "layer" + (open ? " open" : "") + (r.folded ? " folded" : "") + (r.location && warned.has(r.location.line) ? " warned" : ""),
      "data-name": r.name, onclick: () => { flip(state.open, r.name); drawTable(); } },
    indented(el("td", { class: "name" }, toggle, r.name), level),
    el("td", {}, r.type),
    el("td", { class: "mono" }, shape(r.output_shape)),
    el("td", { class: "num" }, count(r.params)),
    macs ? el("td", { class: "num macs" }, r.macs === null || r.macs === undefined ? "" : count(r.macs)) : null,
    el("td", { class: "formula", title: "show the arithmetic" }, r.params ? pretty(r.formula) : ""));
    out.push(tr);
    if (open) out.push(detailRow(r, macs ? 6 : 5));
    if (expanded) for (const c of children) visit(c, level + 1);
  };
  for (const r of roots) visit(r, 0);
  $("table").tBodies[0].replaceChildren(...out);
}

function indented(cell, level) {
  cell.style.paddingLeft = 6 + level * 16 + "px";  // CSSOM, which the page's Content-Security-Policy allows
  return cell;
}

function flip(set, name) {
  if (set.has(name)) set.delete(name); else set.add(name);
}

function detailRow(r, span) {
  const items = [];
  const item = (k, v) => { if (v !== null && v !== undefined && v !== "") items.push(el("dt", {}, k), el("dd", { class: "mono" }, v)); };
  item("arithmetic", r.explanation);
  item("formula", pretty(r.formula));
  item("in letters", r.formula_letters);
  if (r.weights && r.weights.length) {
    item("weights", r.weights.map((w) => `${w.name} ${shape(w.shape)} = ${count(w.count)}${w.trainable ? "" : " (non-trainable)"}${w.buffer ? " (buffer)" : ""}${w.shared_with ? " shared with " + w.shared_with : ""}`).join("\n"));
  }
  item("MACs", r.macs_formula);
  item("note", r.note);
  const where = r.location ? el("span", { class: "where", onclick: () => goToLine(r.location.line) }, "line " + r.location.line) : null;
  if (where) items.push(el("dt", {}, "defined at"), el("dd", {}, where));
  return el("tr", { class: "detail" }, el("td", { colspan: span }, el("dl", {}, items)));
}

function drawWarnings(warnings) {
  const out = warnings.map((w) => el("div", { class: "warning" }, whereLink(w), w.line || w.path ? ": " : "",
    el("span", {}, w.message), el("span", { class: "small" }, " [" + w.code + "]"), w.hint ? el("div", { class: "hint small" }, "hint: " + w.hint) : null));
  $("warnings").replaceChildren(...out);
}

// -- check my working ---------------------------------------------------------------------------------------------

async function runCheck() {
  const claims = $("claims").value;
  const answer = await post("/api/check", { claims, mode: $("claim-mode").value });
  const box = $("check-result");
  if (!answer.ok) {
    const e = answer.error;
    box.replaceChildren(el("div", { class: "error" }, e.message, e.hint ? el("div", { class: "hint" }, "hint: " + e.hint) : null));
    return;
  }
  const c = answer.check;
  const running = c.mode === "running";
  const head = el("tr", {}, ["layer", "you", "true", "difference", "mistake"].concat(running ? ["running"] : []).map((h) => el("th", {}, h)));
  const rows = c.layers.map((f) => el("tr", { "data-name": f.name },
    el("td", {}, f.name),
    el("td", { class: "num" }, f.claimed === null ? "-" : count(f.claimed)),
    el("td", { class: "num" }, count(f.true)),
    el("td", { class: "num" }, f.claimed === null || f.difference === 0 ? "" : (f.difference > 0 ? "+" : "") + count(f.difference)),
    el("td", { class: f.mistakes.length ? "bad mistake" : "good" }, f.mistakes.join(", ") || (f.claimed !== null ? "ok" : "")),
    running ? el("td", { class: "num" }, f.running_claimed === undefined ? "" : count(f.running_claimed)) : null));
  const notes = c.layers.flatMap((f) => f.explanation).map((line) => el("div", { class: "explain" }, line));
  const verdict = c.correct ? "Your count is right."
    : c.mistakes.length ? "Not quite: " + c.mistakes.join(", ") + "." : "Not quite.";
  box.replaceChildren(
    el("div", { class: "verdict " + (c.correct ? "good" : "bad") }, verdict),
    el("div", { class: "small" }, c.alignment),
    el("table", {}, el("thead", {}, head), el("tbody", {}, rows)),
    ...notes, ...c.summary.map((line) => el("div", { class: "explain" }, line)));
}

// -- files --------------------------------------------------------------------------------------------------------

async function chooseFile(file) {
  if (!file) return;
  const lower = file.name.toLowerCase();
  let blob = file, size = undefined, note = "";
  if (lower.endsWith(".safetensors") && file.size >= 8) {
    const head = new DataView(await file.slice(0, 8).arrayBuffer());
    const n = head.getBigUint64(0, true);
    if (n > 0n && 8n + n <= BigInt(file.size) && n < BigInt(state.maxBytes)) {
      blob = file.slice(0, 8 + Number(n));
      size = file.size;
      note = ", header only: " + (8 + Number(n)).toLocaleString("en-US") + " bytes sent";
    }
  } else if (lower.endsWith(".gguf") && file.size > state.maxBytes) {
    blob = file.slice(0, state.maxBytes - 1024);
    size = file.size;
    note = ", its first " + bytesText(blob.size) + " sent";
  }
  if (blob.size > state.maxBytes) {
    showError({ message: `${file.name} is ${bytesText(file.size)}; this server takes files up to ${bytesText(state.maxBytes)}`,
      hint: "read it with the command: paramwise " + file.name });
    return;
  }
  state.file = { name: file.name, blob, size, label: `file: ${file.name} (${bytesText(file.size)}${note})` };
  $("status").textContent = state.file.label;
  await runCount();
}

function setUpDrop() {
  const zone = $("drop");
  for (const ev of ["dragenter", "dragover"]) zone.addEventListener(ev, (e) => { e.preventDefault(); zone.classList.add("over"); });
  for (const ev of ["dragleave", "drop"]) zone.addEventListener(ev, () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault(); chooseFile(e.dataTransfer.files[0]); });
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); } });
  $("file").addEventListener("change", (e) => { chooseFile(e.target.files[0]); e.target.value = ""; });
}

// -- start --------------------------------------------------------------------------------------------------------

function markdownOf() {
  return state.answer ? state.answer.markdown : "";
}

function start() {
  setUpDrop();
  $("count").addEventListener("click", () => { state.file = null; runCount(); });
  $("share").addEventListener("click", shareLink);
  $("copy-md").addEventListener("click", () => copyText(markdownOf(), "Markdown"));
  $("copy-json").addEventListener("click", () => state.answer && copyText(JSON.stringify(state.answer.report, null, 2), "JSON"));
  $("check").addEventListener("click", runCheck);
  $("expand-all").addEventListener("click", () => {
    const all = state.expanded.size < state.answer.rows.length;
    state.expanded = all ? new Set(state.answer.rows.map((r) => r.name)) : new Set();
    $("expand-all").textContent = all ? "Collapse all" : "Expand all";
    drawTable();
  });
  $("claims").addEventListener("keydown", (e) => { if (e.key === "Enter") runCheck(); });
  $("model-choice").addEventListener("change", runCount);
  $("code").addEventListener("input", () => { state.file = null; });
  $("code").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { state.file = null; runCount(); } });
  fetch("/api/health").then((r) => r.json()).then((h) => { if (h.max_bytes) state.maxBytes = h.max_bytes; }).catch(() => {});
  const shared = codeFromFragment();
  if (shared !== null) {
    $("code").value = shared;
    runCount();
  }
  window.addEventListener("hashchange", () => {
    const text = codeFromFragment();
    if (text !== null && text !== $("code").value) { $("code").value = text; state.file = null; runCount(); }
  });
}

window.paramwise = { state, toBase64Url, fromBase64Url };
start();
