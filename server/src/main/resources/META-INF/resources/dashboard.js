"use strict";
// Everything shown comes from the API and is written as text (textContent, SVG attributes), never as markup.
const $ = id => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const TOKEN_KEY = "flowcluster-token";
const REFRESH_MS = 2000;
const CHART_SAMPLES = 90;                 // three minutes of samples
const FADE_MS = 10 * 60 * 1000;           // a dead member fades out of the ring over this long
const TERMINAL = ["SUCCEEDED", "FAILED", "ABORTED", "SKIPPED"];

const view = { job: null, step: null, page: [null], filters: "", finished: new Map(), samples: [], timer: null };

class Unreachable extends Error { constructor() { super("reconnecting"); } }
class Refused extends Error {}

function token() { return sessionStorage.getItem(TOKEN_KEY); }

/** One call to the API with the session's token; a node away (network, 5xx from a proxy) is Unreachable. */
async function api(path, options = {}) {
  const accept = options.accept || "application/json";
  const headers = { Authorization: "Bearer " + token(), Accept: accept };
  if (options.body !== undefined) { headers["Content-Type"] = "application/json"; }
  let r;
  try {
    r = await fetch(path, { method: options.method || "GET", headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch (e) {
    throw new Unreachable();
  }
  if (r.status === 401) { forget("The token was refused."); throw new Refused("the token was refused"); }
  if (r.status === 502 || r.status === 503 || r.status === 504) { throw new Unreachable(); }
  if (!r.ok) {
    let detail = path + " answered " + r.status;
    try { const p = await r.json(); detail = p.detail || p.title || detail; } catch (e) { /* not problem JSON */ }
    throw new Error(detail);
  }
  return accept === "application/json" ? r.json() : r.text();
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  if (text != null) { e.textContent = String(text); }
  return e;
}

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, String(v)));
  if (text != null) { e.textContent = String(text); }
  return e;
}

function tip(node, text) { node.appendChild(svg("title", {}, text)); return node; }

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text == null ? "" : String(text);
  if (cls) { td.className = cls; }
  return td;
}

function bar(row, done, total, label, cls) {
  const td = row.insertCell();
  const outer = el("div", { class: "bar", title: label });
  const inner = el("div", { class: cls || "" });
  inner.style.width = (total ? Math.round(100 * done / total) : 0) + "%";
  outer.appendChild(inner);
  td.append(outer, el("span", { class: "muted" }, " " + label));
}

function fill(tbody, items, render) {
  tbody.replaceChildren();
  items.forEach(item => render(tbody.insertRow(), item));
}

function seconds(ms) { return ms < 10000 ? (ms / 1000).toFixed(1) + " s" : Math.round(ms / 1000) + " s"; }

// ---- confirmation --------------------------------------------------------------------------------

/** Asks before an action; resolves true on Confirm. With {message}, also asks for a message's name and payload. */
function confirmAction(text, message) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("message-fields").hidden = !message;
  if (message) { $("message-name").value = message.name || ""; $("message-payload").value = "{}"; }
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

async function act(text, call, message) {
  if (!await confirmAction(text, message)) { return; }
  try {
    await call();
    $("error").textContent = "";
  } catch (e) {
    $("error").textContent = e.message;
  }
  refreshSoon(0);
}

// ---- the cluster ---------------------------------------------------------------------------------

function drawRing(cluster) {
  const ring = $("ring");
  ring.replaceChildren();
  const now = Date.now();
  const members = cluster.members.filter(m => m.state !== "dead" || now - Date.parse(m.heartbeatAt) < FADE_MS);
  const owned = members.reduce((sum, m) => sum + m.ownedJobs, 0);
  ring.appendChild(svg("circle", { cx: 120, cy: 120, r: 80, class: "ring-base" }));
  let start = 0;
  const gap = members.length > 1 ? 0.8 : 0;
  members.forEach(m => {
    const share = owned ? m.ownedJobs / owned : 1 / members.length;
    const fade = m.state === "dead" ? Math.max(0.2, 1 - (now - Date.parse(m.heartbeatAt)) / FADE_MS) : 1;
    const arc = svg("circle", { cx: 120, cy: 120, r: 80, pathLength: 100, class: "ring-share " + m.state,
      // a small gap where one member's share ends and the next one's begins
      "stroke-dasharray": Math.max(0, share * 100 - gap).toFixed(2) + " " + (100 - share * 100 + gap).toFixed(2),
      "stroke-dashoffset": (25 - start * 100).toFixed(2), opacity: fade.toFixed(2) });
    const at = 2 * Math.PI * (start + share / 2) - Math.PI / 2;
    const label = svg("text", { x: 120 + 106 * Math.cos(at), y: 124 + 104 * Math.sin(at), "text-anchor": "middle",
      class: "ring-label", opacity: fade.toFixed(2) }, (m.scheduler ? "\u2605 " : "") + m.id);
    const text = m.id + ": " + m.state + (m.scheduler ? ", scheduler" : "") + ", owns " + m.ownedJobs + " jobs ("
      + Math.round(share * 100) + "%), " + m.runningSteps + " steps running";
    ring.append(tip(arc, text), tip(label, text));
    start += share;
  });
  ring.appendChild(svg("text", { x: 120, y: 116, "text-anchor": "middle", class: "ring-epoch" }, "epoch " + cluster.ring.epoch));
  ring.appendChild(svg("text", { x: 120, y: 134, "text-anchor": "middle", class: "muted-svg" },
    cluster.ring.members.length + " members, " + cluster.ring.draining.length + " draining"));
}

function drawMembers(cluster) {
  fill($("members"), cluster.members, (row, m) => {
    const name = cell(row, m.id);
    if (m.scheduler) { name.appendChild(el("span", { class: "badge" }, "scheduler")); }
    cell(row, m.state, "state " + m.state);
    cell(row, m.ownedJobs); cell(row, m.runningSteps); cell(row, m.taskPoolSize); cell(row, m.jobsFinished);
    const actions = row.insertCell();
    const path = "/api/v1/cluster/members/" + encodeURIComponent(m.id) + "/drain";
    if (m.state === "live") {
      const b = el("button", { type: "button", class: "drain" }, "Drain");
      b.onclick = () => act("Drain " + m.id + "? It takes no new work; its jobs move to the other members at their next step boundary.",
        () => api(path, { method: "POST" }));
      actions.appendChild(b);
    } else if (m.state === "draining" || m.state === "drained") {
      const b = el("button", { type: "button", class: "undrain" }, "Undrain");
      b.onclick = () => act("Take " + m.id + " back into the ring? It takes new work again.", () => api(path, { method: "DELETE" }));
      actions.appendChild(b);
    }
  });
}

/** Throughput from each member's count of finished jobs (a restarted member counts from zero again). */
function sample(cluster, queueDepth) {
  const now = Date.now();
  let finished = 0;
  cluster.members.forEach(m => {
    const key = m.id + "@" + m.startedAt;
    const before = view.finished.get(key);
    finished += before === undefined ? 0 : Math.max(0, m.jobsFinished - before);
    view.finished.set(key, m.jobsFinished);
  });
  const last = view.samples[view.samples.length - 1];
  const rate = last ? finished / Math.max(0.5, (now - last.at) / 1000) : 0;
  view.samples.push({ at: now, rate, queue: queueDepth });
  if (view.samples.length > CHART_SAMPLES) { view.samples.shift(); }
  $("throughput-now").textContent = rate.toFixed(1) + " jobs/s";
  $("queue-now").textContent = queueDepth == null ? "" : queueDepth + " steps ready";
  drawChart($("throughput"), view.samples.map(s => s.rate), "jobs/s");
  drawChart($("queue"), view.samples.map(s => s.queue), "ready");
}

function drawChart(chart, values, unit) {
  chart.replaceChildren();
  const known = values.filter(v => v != null && !Number.isNaN(v));
  const max = Math.max(1, ...known);
  const x = i => 30 + 268 * i / (CHART_SAMPLES - 1);
  const y = v => 74 - 66 * v / max;
  chart.appendChild(svg("line", { x1: 30, y1: 74, x2: 298, y2: 74, class: "axis" }));
  chart.appendChild(svg("text", { x: 26, y: 12, "text-anchor": "end", class: "muted-svg" }, Number.isInteger(max) ? max : max.toFixed(1)));
  chart.appendChild(svg("text", { x: 26, y: 76, "text-anchor": "end", class: "muted-svg" }, "0"));
  if (known.length < 2) { return; }
  const points = values.map((v, i) => [x(i), y(v == null || Number.isNaN(v) ? 0 : v)]);
  const line = points.map(p => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" ");
  chart.appendChild(svg("polygon", { points: x(0) + ",74 " + line + " " + points[points.length - 1][0].toFixed(1) + ",74", class: "area" }));
  chart.appendChild(tip(svg("polyline", { points: line, class: "line" }), values[values.length - 1] + " " + unit));
}

async function queueDepth() {
  const metrics = await api("/q/metrics", { accept: "text/plain" });
  const m = /^flow_queue_depth (\S+)$/m.exec(metrics);
  return m ? Number(m[1]) : null;
}

// ---- jobs ----------------------------------------------------------------------------------------

function filters() {
  const q = new URLSearchParams({ limit: "15" });
  if ($("filter-state").value) { q.set("state", $("filter-state").value); }
  if ($("filter-name").value.trim()) { q.set("name", $("filter-name").value.trim()); }
  if ($("filter-label").value.trim()) { q.set("label", $("filter-label").value.trim()); }
  return q;
}

async function drawJobs() {
  const q = filters();
  const cursor = view.page[view.page.length - 1];
  if (cursor) { q.set("cursor", cursor); }
  const jobs = await api("/api/v1/jobs?" + q);
  fill($("jobs"), jobs.items, (row, j) => {
    row.className = "job" + (j.id === view.job ? " selected" : "");
    row.dataset.id = j.id;
    row.onclick = () => openJob(j.id);
    cell(row, j.name).title = j.id;
    cell(row, j.state, "state " + j.state);
    cell(row, j.owner);
    bar(row, j.progress.done, j.progress.total, j.progress.done + "/" + j.progress.total + " steps", j.state);
    cell(row, new Date(j.submittedAt).toLocaleTimeString());
  });
  view.next = jobs.nextCursor;
  $("older").disabled = !jobs.nextCursor;
  $("newest").disabled = view.page.length === 1;
  $("page-info").textContent = "page " + view.page.length + (jobs.items.length ? "" : ": no jobs match");
}

/** Schedules by name (the first page): when each fires next, what its ticks became; Pause and Resume replace it with paused flipped. */
async function drawSchedules() {
  const page = await api("/api/v1/schedules?limit=20");
  fill($("schedules"), page.items, (row, s) => {
    row.className = "schedule" + (s.paused ? " paused" : "");
    row.dataset.name = s.name;
    cell(row, s.name);
    cell(row, (s.cron ? "cron " + s.cron : "every " + s.interval) + (s.timeZone === "UTC" ? "" : " (" + s.timeZone + ")"));
    cell(row, s.paused ? "paused" : s.nextFireTimes.length ? new Date(s.nextFireTimes[0]).toLocaleString() : "never");
    cell(row, s.lastTick ? new Date(s.lastTick).toLocaleString() : "");
    cell(row, s.fired); cell(row, s.missed); cell(row, s.skipped);
    const b = el("button", { type: "button", class: s.paused ? "resume" : "pause" }, s.paused ? "Resume" : "Pause");
    const body = Object.assign({}, s, { paused: !s.paused });
    ["name", "nextFireTimes", "lastTick", "fired", "missed", "skipped", "createdAt", "updatedAt", "lastRuns"].forEach(k => delete body[k]);
    b.onclick = () => act((s.paused ? "Resume " : "Pause ") + s.name + "?" + (s.paused ? " Its ticks count from now." : " No tick fires until it is resumed."),
      () => api("/api/v1/schedules/" + encodeURIComponent(s.name), { method: "PUT", body }));
    row.insertCell().appendChild(b);
  });
  $("schedules-info").textContent = page.items.length ? (page.next ? "the first " + page.items.length + " by name" : "") : "no schedules";
}

function openJob(id) {
  view.job = id;
  view.step = null;
  refreshSoon(0);
  $("detail").hidden = false;
  if ($("detail").getBoundingClientRect().top > window.innerHeight) { $("detail").scrollIntoView({ block: "start" }); }
}

/** Steps in columns by their depth in the DAG, edges from each dependency. */
function drawGraph(job) {
  const graph = $("graph");
  graph.replaceChildren();
  const depth = new Map();
  const byName = new Map(job.steps.map(s => [s.name, s]));
  const depthOf = (s, seen = new Set()) => {
    if (depth.has(s.name)) { return depth.get(s.name); }
    if (seen.has(s.name)) { return 0; }
    seen.add(s.name);
    const deps = (s.definition.dependsOn || []).map(d => byName.get(d)).filter(Boolean);
    const d = deps.length ? 1 + Math.max(...deps.map(p => depthOf(p, seen))) : 0;
    depth.set(s.name, d);
    return d;
  };
  job.steps.forEach(s => depthOf(s));
  const rows = new Map();
  const place = new Map();
  job.steps.forEach(s => {
    const d = depth.get(s.name);
    const r = rows.get(d) || 0;
    rows.set(d, r + 1);
    place.set(s.name, { x: 10 + d * 190, y: 10 + r * 58 });
  });
  const width = 20 + (Math.max(...depth.values()) + 1) * 190;
  const height = 20 + Math.max(...rows.values()) * 58;
  graph.setAttribute("viewBox", "0 0 " + width + " " + height);
  graph.setAttribute("width", width);
  graph.setAttribute("height", height);
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" });
  marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }));
  defs.appendChild(marker);
  graph.appendChild(defs);
  job.steps.forEach(s => (s.definition.dependsOn || []).forEach(d => {
    const from = place.get(d), to = place.get(s.name);
    if (!from) { return; }
    const x1 = from.x + 160, y1 = from.y + 20, x2 = to.x, y2 = to.y + 20;
    graph.appendChild(svg("path", { d: `M${x1},${y1} C${x1 + 20},${y1} ${x2 - 20},${y2} ${x2},${y2}`, class: "edge",
      "marker-end": "url(#arrow)" }));
  }));
  job.steps.forEach(s => {
    const p = place.get(s.name);
    const g = svg("g", { class: "step " + s.state + (s.name === view.step ? " chosen" : ""), transform: `translate(${p.x},${p.y})`,
      "data-step": s.name, tabindex: 0 });
    g.appendChild(svg("rect", { width: 160, height: 40, rx: 6 }));
    g.appendChild(svg("text", { x: 8, y: 17, class: "step-name" }, s.name.length > 22 ? s.name.slice(0, 21) + "\u2026" : s.name));
    g.appendChild(svg("text", { x: 8, y: 32, class: "step-sub" },
      s.state.toLowerCase() + (s.attempt ? " #" + s.attempt : "") + (s.node ? " on " + s.node : "")));
    tip(g, s.name + " (" + (s.definition.kind || "command") + "): " + s.state + (s.attempt ? ", attempt " + s.attempt : "")
      + (s.node ? " on " + s.node : "") + (s.message ? "\n" + s.message : ""));
    g.onclick = () => { view.step = s.name; refreshSoon(0); };
    graph.appendChild(g);
  });
}

/** Each node a row, each attempt a bar from its start to its end (or now). */
function drawTimeline(attempts) {
  const timeline = $("timeline");
  timeline.replaceChildren();
  if (!attempts.length) { timeline.setAttribute("height", 0); return; }
  const nodes = [...new Set(attempts.map(a => a.node))].sort();
  const now = Date.now();
  const start = Math.min(...attempts.map(a => Date.parse(a.startedAt)));
  const end = Math.max(...attempts.map(a => a.finishedAt ? Date.parse(a.finishedAt) : now), start + 1000);
  const width = 640, left = 90, rowH = 22;
  const x = t => left + (width - left - 10) * (t - start) / (end - start);
  timeline.setAttribute("viewBox", "0 0 " + width + " " + (nodes.length * rowH + 20));
  timeline.setAttribute("height", nodes.length * rowH + 20);
  nodes.forEach((n, i) => timeline.appendChild(svg("text", { x: 4, y: i * rowH + 15, class: "muted-svg" }, n)));
  attempts.forEach(a => {
    const row = nodes.indexOf(a.node);
    const from = Date.parse(a.startedAt), to = a.finishedAt ? Date.parse(a.finishedAt) : now;
    const r = svg("rect", { x: x(from), y: row * rowH + 4, width: Math.max(2, x(to) - x(from)), height: rowH - 8, rx: 3,
      class: "attempt " + (a.outcome || "RUNNING") + (a.step === view.step ? " chosen" : "") });
    timeline.appendChild(tip(r, a.step + " #" + a.attempt + " on " + a.node + ": " + (a.outcome || "running") + ", "
      + seconds(to - from) + (a.message ? "\n" + a.message : "")));
  });
  timeline.appendChild(svg("text", { x: left, y: nodes.length * rowH + 16, class: "muted-svg" }, "0 s"));
  timeline.appendChild(svg("text", { x: width - 10, y: nodes.length * rowH + 16, "text-anchor": "end", class: "muted-svg" },
    seconds(end - start)));
}

async function drawDetail() {
  const id = view.job;
  const [job, attempts, log] = await Promise.all([api("/api/v1/jobs/" + id), api("/api/v1/jobs/" + id + "/attempts"),
    api("/api/v1/jobs/" + id + "/log", { accept: "text/plain" })]);
  if (id !== view.job) { return; }
  $("detail").hidden = false;
  $("detail-title").textContent = job.name + " \u2014 " + job.state + ", " + job.distribution + ", owner " + (job.owner || "none");
  $("detail-title").className = "state " + job.state;
  $("detail-origin").textContent = (job.schedule ? "tick " + new Date(job.schedule.tick).toLocaleString() + " of schedule "
    + job.schedule.name + "; " : "") + (job.expiresAt ? "deleted " + new Date(job.expiresAt).toLocaleString()
    : "kept " + job.retention + " once it ends");
  const finished = TERMINAL.includes(job.state);
  $("abort").disabled = finished;
  $("abort").onclick = () => act("Abort " + job.name + "? Its running steps are stopped and its other steps do not run. This cannot be undone.",
    () => api("/api/v1/jobs/" + id + "/abort", { method: "POST" }));
  const waiting = job.steps.find(s => s.definition.kind === "wait" && !TERMINAL.includes(s.state));
  $("send-message").disabled = finished || !waiting;
  $("send-message").onclick = () => act("Send a message to " + job.name + "?", () => api("/api/v1/jobs/" + id + "/messages",
    { method: "POST", body: { name: $("message-name").value, payload: JSON.parse($("message-payload").value || "{}") } }),
    { name: waiting ? waiting.definition.message : "" });
  drawGraph(job);
  drawTimeline(attempts);
  const chosen = attempts.filter(a => a.step === view.step);
  $("step-info").textContent = view.step
    ? view.step + ": " + (chosen.length ? chosen.map(a => "#" + a.attempt + " on " + a.node + " " + (a.outcome || "running")
      + (a.exitCode != null ? " (exit " + a.exitCode + ")" : "") + (a.message ? ": " + a.message : "")).join("; ") : "no attempt yet")
    : "Click a step for its attempts.";
  fill($("steps"), job.steps, (row, s) => {
    cell(row, s.name); cell(row, s.definition.kind || "command");
    cell(row, s.state, "state " + s.state); cell(row, s.attempt); cell(row, s.node);
    if (s.packets) {
      bar(row, s.packets.done, s.packets.total, s.packets.done + "/" + s.packets.total + " packets, "
          + s.packets.running + " running" + (s.packets.failedItems ? ", " + s.packets.failedItems + " items failed" : ""),
          s.packets.failedItems ? "FAILED" : s.state);
    } else { cell(row, ""); }
  });
  $("log").textContent = log.split("\n").slice(-200).join("\n");
}

// ---- the loop ------------------------------------------------------------------------------------

async function refresh() {
  try {
    const cluster = await api("/api/v1/cluster");
    $("scheduler").textContent = "scheduler: " + (cluster.scheduler.node || "none") + " (epoch " + cluster.scheduler.epoch + ")";
    $("epoch").textContent = "ring epoch " + cluster.ring.epoch;
    $("answered").textContent = "answered by " + cluster.answeredBy;
    drawRing(cluster);
    drawMembers(cluster);
    sample(cluster, await queueDepth());
    await drawJobs();
    await drawSchedules();
    if (view.job) { await drawDetail(); }
    connected(true);
    $("error").textContent = "";
  } catch (e) {
    if (e instanceof Unreachable) { connected(false); } else if (!(e instanceof Refused)) { $("error").textContent = e.message; }
  }
}

function connected(ok) {
  const c = $("connection");
  c.textContent = ok ? "live" : "reconnecting\u2026";
  c.className = "connection " + (ok ? "ok" : "away");
}

function refreshSoon(delay = REFRESH_MS) {
  clearTimeout(view.timer);
  view.timer = setTimeout(async () => {
    if (token()) { await refresh(); refreshSoon(); }
  }, delay);
}

function show() {
  const signedIn = !!token();
  $("login").hidden = signedIn;
  $("board").hidden = !signedIn;
  $("forget").hidden = !signedIn;
  if (!signedIn) { $("connection").textContent = ""; $("token").focus(); }
}

function forget(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("error").textContent = why || "";
  show();
}

$("login-form").onsubmit = e => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  $("token").value = "";
  $("error").textContent = "";
  show();
  refreshSoon(0);
};
$("forget").onclick = () => { clearTimeout(view.timer); forget("The token is forgotten."); };
$("filters").onsubmit = e => { e.preventDefault(); view.page = [null]; refreshSoon(0); };
$("older").onclick = () => { if (view.next) { view.page.push(view.next); refreshSoon(0); } };
$("newest").onclick = () => { view.page = [null]; refreshSoon(0); };
$("close-detail").onclick = () => { view.job = null; $("detail").hidden = true; };

show();
if (token()) { refreshSoon(0); }
