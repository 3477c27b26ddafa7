"use strict";
// Everything shown comes from the API and is written as text, never as markup.
const $ = id => document.getElementById(id);
let selected = null;

function token() { return sessionStorage.getItem("flowcluster-token"); }

async function api(path, accept = "application/json") {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + token(), Accept: accept } });
  if (r.status === 401) { sessionStorage.removeItem("flowcluster-token"); show(); throw new Error("the token was refused"); }
  if (!r.ok) { throw new Error(path + " answered " + r.status); }
  return accept === "application/json" ? r.json() : r.text();
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text == null ? "" : String(text);
  if (cls) { td.className = cls; }
  return td;
}

function bar(row, done, total, label) {
  const td = row.insertCell();
  const outer = document.createElement("div"); outer.className = "bar"; outer.title = label;
  const inner = document.createElement("div"); inner.style.width = (total ? Math.round(100 * done / total) : 0) + "%";
  outer.appendChild(inner); td.appendChild(outer);
  const text = document.createElement("span"); text.className = "muted"; text.textContent = " " + label;
  td.appendChild(text);
}

function fill(tbody, items, render) {
  tbody.replaceChildren();
  items.forEach(item => render(tbody.insertRow(), item));
}

async function refresh() {
  try {
    const cluster = await api("/api/v1/cluster");
    $("scheduler").textContent = "scheduler: " + (cluster.scheduler.node || "none") + " (epoch " + cluster.scheduler.epoch + ")";
    $("ring").textContent = "ring epoch " + cluster.ring.epoch + ": " + cluster.ring.members.join(", ");
    $("answered").textContent = "answered by " + cluster.answeredBy;
    fill($("members"), cluster.members, (row, m) => {
      const name = cell(row, m.id);
      if (m.scheduler) { const b = document.createElement("span"); b.className = "badge"; b.textContent = "scheduler"; name.appendChild(b); }
      cell(row, m.state, "state " + m.state);
      cell(row, m.ownedJobs); cell(row, m.runningSteps); cell(row, m.taskPoolSize);
    });
    const jobs = await api("/api/v1/jobs?limit=20");
    fill($("jobs"), jobs.items, (row, j) => {
      row.className = "job";
      row.onclick = () => { selected = j.id; refresh(); };
      cell(row, j.name).title = j.id;
      cell(row, j.state, "state " + j.state);
      cell(row, j.owner); cell(row, j.distribution);
      bar(row, j.progress.done, j.progress.total, j.progress.done + "/" + j.progress.total + " steps");
      cell(row, new Date(j.submittedAt).toLocaleTimeString());
    });
    if (selected) { await detail(selected); }
    $("error").textContent = "";
  } catch (e) {
    $("error").textContent = e.message;
  }
}

async function detail(id) {
  const job = await api("/api/v1/jobs/" + id);
  $("detail").hidden = false;
  $("detail-title").textContent = job.name + " (" + job.state + ", " + job.distribution + ", owner " + (job.owner || "none") + ")";
  fill($("steps"), job.steps, (row, s) => {
    cell(row, s.name); cell(row, s.definition.kind || "command");
    cell(row, s.state, "state " + s.state); cell(row, s.attempt); cell(row, s.node);
    if (s.packets) {
      bar(row, s.packets.done, s.packets.total, s.packets.done + "/" + s.packets.total + " packets, "
          + s.packets.running + " running" + (s.packets.failedItems ? ", " + s.packets.failedItems + " items failed" : ""));
    } else { cell(row, ""); }
  });
  const log = await api("/api/v1/jobs/" + id + "/log", "text/plain");
  $("log").textContent = log.split("\n").slice(-200).join("\n");
}

function show() {
  const in_ = !!token();
  $("login").hidden = in_;
  $("board").hidden = !in_;
}

$("login-form").onsubmit = e => {
  e.preventDefault();
  sessionStorage.setItem("flowcluster-token", $("token").value.trim());
  show(); refresh();
};

show();
if (token()) { refresh(); }
setInterval(() => { if (token()) { refresh(); } }, 2000);
