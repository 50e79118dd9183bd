// Slipway's local web page. Every value from the ledger or the logs is set as text
// (textContent), never parsed as HTML.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function seconds(from, to) {
  const ms = new Date(to) - new Date(from);
  return ms < 60000 ? (ms / 1000).toFixed(1) + "s" : Math.floor(ms / 60000) + "m" + String(Math.floor(ms / 1000) % 60).padStart(2, "0") + "s";
}

function mib(bytes) { return (bytes / 1048576).toFixed(1) + " MiB"; }

function release(r, open) {
  const summary = el("summary", {},
    el("code", { "data-release": r.releaseId }, r.releaseId),
    el("span", { class: "state " + r.state, "data-state-of": r.releaseId }, r.state),
    r.path && r.path.length > 1 ? el("span", { class: "muted" }, "in " + r.environment) : null,
    el("span", { class: "muted" }, r.requestedAt),
    r.origin === "image" ? el("span", { class: "muted" }, "image-only") : null,
    r.reason ? el("span", {}, r.reason) : null,
    r.stuck ? el("span", { class: "state FAILED" }, "STUCK: " + r.stuck) : null);
  const timeline = el("table", { class: "timeline" });
  r.history.forEach((t, i) => {
    timeline.append(el("tr", {},
      el("td", { class: "muted", title: t.at }, t.at.slice(11, 23)),
      el("td", {}, el("span", { class: "state " + t.to }, t.to)),
      el("td", { class: "muted" }, i === 0 ? "" : "+" + seconds(r.history[i - 1].at, t.at)),
      el("td", {}, t.detail || "")));
  });
  const facts = el("table", { class: "facts" });
  const fact = (k, v) => facts.append(el("tr", {}, el("th", {}, k), el("td", {}, v)));
  if (r.binaries.length) fact("binaries", r.binaries.map(b => b.platform + " " + mib(b.bytes) + (b.compressed ? " (upx)" : "")).join(", "));
  if (r.imageDigest) fact("image", r.imageDigest);
  if (r.verdict) {
    const counts = Object.entries(r.verdict.counts).map(([s, n]) => s + " " + n).join(", ");
    fact("scan", r.verdict.outcome + (counts ? " (" + counts + ")" : " (no findings)"));
  }
  if (r.findings.length) fact("findings", r.findings.map(f => f.severity + " " + f.id + (f.package ? " in " + f.package + " " + (f.version || "") : "")).join("; "));
  if (r.path && r.path.length > 1) {
    r.environments.forEach(t => fact("in " + t.environment,
      t.state + " " + (t.target || "") + (t.deployment && t.deployment.taskDefinition ? " " + t.deployment.taskDefinition : "") +
      " (entered " + t.enteredAt + (t.leftAt ? ", promoted on " + t.leftAt : "") + ")"));
  }
  if (r.deployment) {
    const d = r.deployment;
    fact("deployment", (d.deploymentId || "") + " " + (d.taskDefinition || ""));
    if (d.startedAt) fact("deployed", d.startedAt + (d.completedAt ? " → " + d.completedAt : " …"));
    if (d.bakeUntil) fact("bake until", d.bakeUntil);
  }
  const logs = el("a", { href: "/logs.html?release=" + encodeURIComponent(r.releaseId) }, "logs");
  const details = el("details", { class: "release", "data-release-id": r.releaseId }, summary, timeline, facts, el("p", {}, logs));
  if (open) details.open = true;
  return details;
}

async function refreshReleases() {
  const status = document.getElementById("status");
  try {
    const answer = await fetch("/api/releases", { cache: "no-store" });
    if (!answer.ok) throw new Error(answer.status + " " + (await answer.text()));
    const data = await answer.json();
    const openIds = new Set([...document.querySelectorAll("details.release[open]")].map(d => d.dataset.releaseId));
    const root = document.getElementById("services");
    root.replaceChildren(...data.services.map(s => el("section", { class: "service", "data-service": s.service },
      el("h2", {}, s.service, " ", el("span", { class: "muted" }, "live: " + (s.live || "none"))),
      ...s.releases.map(r => release(r, openIds.has(r.releaseId))))));
    if (!data.services.length) root.replaceChildren(el("p", { class: "muted" }, "No releases yet: slipway push DIR"));
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    status.textContent = "cannot reach slipway local: " + e.message;
  }
}

async function refreshLogs() {
  const id = new URLSearchParams(location.search).get("release") || "";
  document.getElementById("release").textContent = id;
  const status = document.getElementById("status");
  try {
    const answer = await fetch("/api/logs?release=" + encodeURIComponent(id), { cache: "no-store" });
    if (!answer.ok) throw new Error(answer.status + " " + (await answer.text()));
    const data = await answer.json();
    document.getElementById("builds").textContent = data.builds.map(l => "[" + l.source + "] " + l.message).join("\n") || "(none yet)";
    document.getElementById("tasks").textContent = data.tasks.map(l => l.at + "  " + l.source + "  " + l.message).join("\n") || "(none yet)";
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    status.textContent = "cannot read the logs: " + e.message;
  }
}

const refresh = document.body.dataset.page === "logs" ? refreshLogs : refreshReleases;
refresh();
setInterval(refresh, document.body.dataset.page === "logs" ? 3000 : 1000);
