// The bargain explorer page: plain JavaScript over the JSON API (no build step, no CDN).
// The state is one list of edits in the tool's own syntax; it lives in the URL's hash, so a link
// reproduces the view. Every change sends the whole list: the server keeps no per-tab state.
"use strict";

const scenario = JSON.parse(document.getElementById("scenario-data").textContent);
const partyById = Object.fromEntries(scenario.parties.map((p) => [p.id, p]));
const issueById = Object.fromEntries(scenario.issues.map((i) => [i.id, i]));
const FIGURES = ["utility_space", "option_map"];
const FORMAT = "svg";  // measured faster to draw than PNG, and sharp at any zoom

let edits = [];        // canonical edit strings, as the server returned them
let lastGood = [];     // the edits of the last answered state
let seq = 0;           // answers to older changes are ignored
let scanJob = null;

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c);
  return node;
}

function swatch(party) {
  return el("span", { class: "swatch", style: `background:${party.colour}`, "aria-hidden": "true" });
}

function fmt(x, digits = 3) {
  return typeof x === "number" ? x.toFixed(digits) : String(x);
}

function setStatus(text, busy = false) {
  $("status").textContent = text;
  $("status").classList.toggle("busy", busy);
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const error = new Error(data?.detail ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

// ---- the URL ------------------------------------------------------------------------------------

function editsFromUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.getAll("edit");
}

function pairFromUrl() {
  // The two parties of the utility-space figure, when the link names two known, different ones.
  const pair = new URLSearchParams(location.hash.slice(1)).get("pair")?.split(",") ?? [];
  return pair.length === 2 && pair[0] !== pair[1] && pair.every((id) => id in partyById) ? pair : null;
}

function writeUrl() {
  const params = new URLSearchParams(edits.map((e) => ["edit", e]));
  if (scenario.parties.length > 2) params.append("pair", `${$("pair-x").value},${$("pair-y").value}`);
  const hash = params.toString();
  if (location.hash.slice(1) !== hash) history.pushState(null, "", hash ? `#${hash}` : location.pathname);
}

// ---- changing the edits -------------------------------------------------------------------------

function sameTarget(a, b) {
  // Two edits that set the same thing (a later one replaces the earlier one).
  const wa = a.split(/\s+/), wb = b.split(/\s+/);
  if (wa[0] !== wb[0] || wa[1] !== wb[1]) return false;
  if (wa[1] === "reservation" || wa[1] === "power") return true;
  if (wa[1] === "weight" || wa[1] === "bonus") return wa[2] === wb[2];
  if (["concedes", "offers", "accepts"].includes(wa[1])) return wa[2].split(/[<>=!]/)[0] === wb[2].split(/[<>=!]/)[0];
  return a === b;
}

function setEdit(edit) {
  change([...edits.filter((e) => !sameTarget(e, edit)), edit]);
}

function removeEdit(edit) {
  change(edits.filter((e) => e !== edit));
}

function change(next) {
  edits = next;
  refresh();
}

async function refresh() {
  const mine = ++seq;
  const asked = [...edits];
  setStatus("Solving…", true);
  $("error").textContent = "";
  delete document.body.dataset.complete;
  for (const kind of [...FIGURES, "gaps"]) $(`fig-${kind}`).classList.add("stale");
  let view, solved, options;
  try {
    [view, solved, options] = await Promise.all([
      api("/api/view", viewBody(asked)), api("/api/solve", { edits: asked }), api("/api/options", { edits: asked }),
    ]);
  } catch (error) {
    if (mine !== seq) return;
    $("error").textContent = error.message;
    edits = [...lastGood];
    renderControls();
    for (const kind of [...FIGURES, "gaps"]) $(`fig-${kind}`).classList.remove("stale");
    setStatus("The last change was refused; the page shows the state before it.");
    document.body.dataset.complete = "1";
    return;
  }
  if (mine !== seq) return;
  edits = view.edits;
  lastGood = [...edits];
  writeUrl();
  renderControls();
  renderOptions(options);
  $("verdict").innerHTML = `<p>${view.verdict_html}</p>`;
  $("sure").innerHTML = view.sure_html;
  $("report").innerHTML = view.report_html;
  renderFacts(solved);
  // The utility space with the proposals (their evaluation takes milliseconds), then the
  // issue-space map and the proposals' table, each drawn as soon as it arrives.
  const proposalsDone = evaluateProposals(mine);
  const issueSpace = loadFigure("option_map", figureQuery(null), mine);
  await loadFigure("utility_space", figureQuery(true), mine);
  if (mine !== seq) return;
  setStatus(`Solved ${edits.length ? `with ${edits.length} edit${edits.length > 1 ? "s" : ""}` : "the scenario as stated"}; drawing the issue space…`, true);
  document.body.dataset.state = "ready";
  document.body.dataset.edits = JSON.stringify(edits);
  await Promise.all([issueSpace, proposalsDone]);
  if (mine !== seq) return;
  setStatus(`Solved ${edits.length ? `with ${edits.length} edit${edits.length > 1 ? "s" : ""}` : "the scenario as stated"}.`);
  document.body.dataset.complete = "1";
  await loadGaps(mine);
}

async function loadGaps(mine) {
  // Every pair's own zone and the issues that separate it, in the report's words, and the matrix.
  delete document.body.dataset.gaps;
  $("gaps").classList.add("stale");
  $("gaps").setAttribute("aria-busy", "true");
  let data;
  try {
    data = await api("/api/gaps", { edits });
  } catch (error) {
    if (mine === seq) $("gaps").textContent = error.message;
    return;
  }
  if (mine !== seq) return;
  $("gaps").innerHTML = data.html;
  $("gaps").dataset.pairs = JSON.stringify(data.gaps.map((g) => ({ parties: g.parties, issues: g.issues.map((i) => i.issue), zopa: g.zopa.exists })));
  $("gaps").removeAttribute("aria-busy");
  $("gaps").classList.remove("stale");
  await loadFigure("gaps", figureQuery(null), mine);
  if (mine === seq) document.body.dataset.gaps = "1";
}

function viewBody(asked) {
  // The pair of the utility-space figure: the server starts drawing the page's figures at once.
  return scenario.parties.length > 2 ? { edits: asked, pair: `${$("pair-x").value},${$("pair-y").value}` } : { edits: asked };
}

function figureQuery(withProposals) {
  const params = new URLSearchParams(edits.map((e) => ["edit", e]));
  if (withProposals !== null) {
    if (scenario.parties.length > 2) params.append("pair", `${$("pair-x").value},${$("pair-y").value}`);
    if (!withProposals) params.append("proposals", "false");
  }
  return params.toString();
}

function loadFigure(kind, query, mine) {
  return new Promise((resolve) => {
    const img = $(`fig-${kind}`);
    const src = `/api/figure/${kind}.${FORMAT}${query ? `?${query}` : ""}`;
    const done = () => { if (mine === seq) img.classList.remove("stale"); resolve(); };
    if (img.getAttribute("src") === src && img.complete) { done(); return; }
    // Load off-screen, then swap: the old figure stays until the new one is ready.
    const next = new Image();
    next.onload = () => { if (mine === seq) img.src = src; done(); };
    next.onerror = done;
    next.src = src;
  });
}

function buildPairs() {
  if (scenario.parties.length <= 2) { $("pair-controls").hidden = true; return; }
  for (const [id, k] of [["pair-x", 0], ["pair-y", 1]]) {
    for (const p of scenario.parties) $(id).append(el("option", { value: p.id, text: p.label }));
    $(id).value = (pairFromUrl() ?? scenario.parties.map((p) => p.id))[k];
    $(id).addEventListener("change", () => {
      if ($("pair-x").value === $("pair-y").value) return;
      writeUrl();
      const mine = seq;
      loadFigure("utility_space", figureQuery(true), mine);
    });
  }
}

function renderOptions(options) {
  for (const issue of scenario.issues) {
    for (const o of issue.options) {
      const cell = document.querySelector(`.issue[data-issue="${issue.id}"] tr[data-option="${o.id}"] td.in-zone`);
      if (!cell) continue;
      const total = options.zopa.total;
      const n = options.zopa.counts[issue.id][o.id];
      const share = total ? n / total : 0;
      const crossed = options.crossed[issue.id][o.id].map((id) => partyById[id].label);
      cell.replaceChildren(el("span", { class: "zone", style: `width:${(share * 4).toFixed(2)}em` }),
        total ? `${Math.round(share * 100)}%` : "–");
      if (crossed.length) cell.append(el("div", { class: "crosses", text: `crosses a red line of ${crossed.join(", ")}` }));
    }
  }
}

// ---- what the solver found ----------------------------------------------------------------------

function renderFacts(solved) {
  const count = solved.counts.zopa;
  $("zopa-count").dataset.value = String(count);
  $("zopa-count").textContent = `${count.toLocaleString("en")} of ${solved.counts.outcomes.toLocaleString("en")}`;
  const nash = solved.solutions.nash;
  const nashBox = $("nash");
  nashBox.dataset.outcome = nash ? JSON.stringify(nash.outcome) : "";
  const shown = nash || solved.closest;
  $("nash-title").textContent = nash ? "The Nash package" : solved.closest ? "The package closest to agreement" : "No package";
  nashBox.replaceChildren();
  if (shown) {
    if (!nash) {
      const crossed = solved.closest.crossed.map((key) => { const [party, id] = key.split(":"); return `${partyById[party].label}: ${redLineText(party, id)}`; });
      const short = Object.entries(solved.closest.shortfall).filter(([, v]) => v > 0).map(([id, v]) => `${partyById[id].label} ${fmt(v)}`);
      nashBox.append(el("p", { class: "hint", text: `It crosses ${crossed.length ? crossed.join("; ") : "no red line"}${short.length ? `; short of the reservation: ${short.join(", ")}` : ""}.` }));
    }
    const list = el("ul");
    for (const [issueId, optionId] of Object.entries(shown.outcome)) {
      const issue = issueById[issueId];
      const option = issue.options.find((o) => o.id === optionId);
      list.append(el("li", {}, el("span", { text: `${issue.label}: ` }), el("strong", { text: option.label })));
    }
    nashBox.append(list);
  }
  const table = el("table");
  const head = el("tr", {}, el("th", { text: "Solution" }));
  for (const p of scenario.parties) head.append(el("th", {}, swatch(p), p.label));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  const noDeal = el("tr", {}, el("td", { text: "No deal (reservation)" }));
  for (const p of solved.parties) noDeal.append(el("td", { class: "num", text: fmt(p.disagreement) }));
  body.append(noDeal);
  for (const [name, point] of Object.entries(solved.solutions)) {
    const row = el("tr", {}, el("td", { text: scenario.solutions[name] || name }));
    for (const p of scenario.parties) row.append(el("td", { class: "num", text: point ? fmt(point.utilities[p.id]) : "–" }));
    body.append(row);
  }
  table.append(body);
  $("solutions").replaceChildren(table);
}

async function evaluateProposals(mine) {
  if (!scenario.proposals.length) { $("proposals").textContent = "The scenario names no proposals."; return; }
  $("proposals").classList.add("stale");
  $("proposals").setAttribute("aria-busy", "true");
  let data;
  try {
    data = await api("/api/evaluate", { edits });
  } catch (error) {
    if (mine === seq) $("proposals").textContent = error.message;
    return;
  }
  if (mine !== seq) return;
  const table = el("table");
  const head = el("tr", {}, el("th", { text: "" }));
  for (const pr of data.proposals) head.append(el("th", { scope: "col", text: pr.label }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const p of scenario.parties) {
    const row = el("tr", {}, el("th", { scope: "row" }, swatch(p), `${p.label} utility`));
    for (const pr of data.proposals) {
      const u = pr.utilities[p.id];
      const text = !pr.completions ? "no package: the edits exclude it"
        : typeof u === "object" && u !== null ? `${fmt(u.min)} – ${fmt(u.max)}` : fmt(u);
      const ok = pr.acceptable_to.includes(p.id);
      row.append(el("td", { class: "num", text: `${text}${ok ? " ✓" : ""}`, title: ok ? "acceptable to this party" : "" }));
    }
    body.append(row);
  }
  const acceptable = el("tr", {}, el("th", { scope: "row", text: "Acceptable to" }));
  const crossed = el("tr", {}, el("th", { scope: "row", text: "Red lines crossed" }));
  for (const pr of data.proposals) {
    acceptable.append(el("td", { text: pr.acceptable_to.map((id) => partyById[id].label).join(", ") || "nobody" }));
    crossed.append(el("td", { text: pr.red_lines_crossed.map((r) => `${partyById[r.party].label}: ${redLineText(r.party, r.id)}`).join("; ") || "none" }));
  }
  body.append(acceptable, crossed);
  table.append(body);
  $("proposals").replaceChildren(table);
  $("proposals").removeAttribute("aria-busy");
  $("proposals").classList.remove("stale");
}

function redLineText(partyId, id) {
  const rl = partyById[partyId].red_lines.find((r) => r.id === id);
  return rl ? rl.text : id;
}

// ---- controls -----------------------------------------------------------------------------------

function dropEdit(party, id) { return `${party} drops redline ${id}`; }

function buildParties() {
  const box = $("parties");
  for (const p of scenario.parties) {
    const card = el("div", { class: "party", style: `border-left-color:${p.colour}` });
    card.append(el("h3", {}, swatch(p), p.label));
    if (p.red_lines.length) {
      const list = el("ul", { "aria-label": `${p.label}: red lines` });
      for (const rl of p.red_lines) {
        const id = `rl-${p.id}-${rl.id}`;
        const box = el("input", { type: "checkbox", id, checked: true, "data-party": p.id, "data-redline": rl.id,
          onchange: (ev) => (ev.target.checked ? removeEdit(dropEdit(p.id, rl.id)) : setEdit(dropEdit(p.id, rl.id))) });
        const range = rl.probability_range ? ` (${fmt(rl.probability_range[0], 2)}–${fmt(rl.probability_range[1], 2)})` : "";
        const label = el("label", { for: id, title: rl.description || "" }, el("span", { class: "red", text: "Red line: " }), rl.text);
        list.append(el("li", {}, box, " ", label, el("span", { class: "prob", text: ` p = ${fmt(rl.probability, 2)}${range}` })));
      }
      card.append(list);
    } else {
      card.append(el("p", { class: "hint", text: "No red lines." }));
    }
    card.append(reservationControl(p), weightControls(p));
    box.append(card);
  }
}

function reservationControl(p) {
  const [lo, hi] = p.reservation_range || [p.reservation - 0.2, p.reservation + 0.2];
  const id = `res-${p.id}`;
  const slider = el("input", { type: "range", id, min: lo, max: hi, step: 0.01, value: p.reservation, "data-party": p.id });
  const out = el("output", { for: id, text: fmt(p.reservation, 2) });
  const beyond = el("input", { type: "checkbox", id: `${id}-beyond` });
  slider.addEventListener("input", () => { out.textContent = fmt(Number(slider.value), 2); });
  slider.addEventListener("change", () => {
    const v = Number(slider.value);
    const edit = `${p.id} reservation =${Number(v.toFixed(4))}`;
    if (Math.abs(v - p.reservation) < 1e-9) change(edits.filter((e) => !sameTarget(e, edit)));
    else setEdit(edit);
  });
  beyond.addEventListener("change", () => {
    slider.min = beyond.checked ? Math.min(lo, -1) : lo;
    slider.max = beyond.checked ? Math.max(hi, 1) : hi;
  });
  const stated = p.reservation_range ? `stated range ${fmt(lo, 2)} to ${fmt(hi, 2)}` : "no stated range";
  return el("div", { class: "reservation" },
    el("label", { for: id, text: `Reservation (no-deal value; ${stated}) ` }), slider, " ", out, " ",
    el("label", {}, beyond, " beyond the stated range"));
}

function weightControls(p) {
  const details = el("details", {}, el("summary", { text: "Weights (the party's other weights rescale to keep its total)" }));
  const table = el("table");
  for (const issue of scenario.issues) {
    const w = p.weights[issue.id];
    if (!w) continue;
    const id = `w-${p.id}-${issue.id}`;
    const input = el("input", { type: "number", id, min: 0, max: 1, step: 0.01, value: Number(w.toFixed(4)), "data-party": p.id, "data-issue": issue.id });
    input.addEventListener("change", () => {
      const edit = `${p.id} weight ${issue.id} =${Number(input.value)}`;
      if (Math.abs(Number(input.value) - w) < 1e-9) change(edits.filter((e) => !sameTarget(e, edit)));
      else setEdit(edit);
    });
    table.append(el("tr", {}, el("td", {}, el("label", { for: id, text: issue.label })), el("td", {}, input)));
  }
  details.append(table);
  return details;
}

function buildIssues() {
  const actor = $("actor");
  for (const p of scenario.parties) actor.append(el("option", { value: p.id, text: p.label }));
  const box = $("issues");
  for (const issue of scenario.issues) {
    const table = el("table", { class: "issue", "data-issue": issue.id });
    table.append(el("caption", { text: issue.label }));
    const head = el("tr", {}, el("th", { scope: "col", text: "Option" }),
      el("th", { scope: "col", title: "share of the zone of agreement that uses the option", text: "In the zone" }));
    for (const p of scenario.parties) head.append(el("th", { scope: "col", title: `${p.label}'s value of each option` }, swatch(p), p.label));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    for (const o of issue.options) {
      const button = el("button", { type: "button", class: "option", "data-issue": issue.id, "data-option": o.id, text: o.label,
        onclick: () => {
          const verb = document.querySelector("input[name=verb]:checked").value;
          setEdit(`${actor.value} ${verb} ${issue.id}=${o.id}`);
        } });
      const row = el("tr", { "data-option": o.id }, el("td", {}, button), el("td", { class: "in-zone num" }));
      for (const p of scenario.parties) {
        const v = o.values[p.id];
        row.append(el("td", { class: "num" }, el("span", { class: "bar", style: `width:${Math.round(v * 3)}em;background:${p.colour}` }), fmt(v, 2)));
      }
      body.append(row);
    }
    table.append(body);
    box.append(table);
  }
}

function renderControls() {
  for (const input of document.querySelectorAll("input[data-redline]")) {
    const on = !edits.includes(dropEdit(input.dataset.party, input.dataset.redline));
    input.checked = on;
    input.nextElementSibling?.nextElementSibling?.classList.toggle("redline-off", !on);
  }
  for (const p of scenario.parties) {
    const set = edits.find((e) => e.startsWith(`${p.id} reservation =`));
    const slider = $(`res-${p.id}`);
    const value = set ? Number(set.split("=")[1]) : p.reservation;
    slider.value = value;
    slider.nextElementSibling.textContent = fmt(value, 2);
  }
  for (const row of document.querySelectorAll(".issue tbody tr")) row.classList.remove("chosen");
  for (const e of edits) {
    const m = e.match(/^\S+ (concedes|offers) ([^=<>!]+)=([^,]+)$/);
    if (m) document.querySelector(`.issue[data-issue="${m[2]}"] tr[data-option="${m[3]}"]`)?.classList.add("chosen");
  }
  const list = $("edits");
  list.replaceChildren();
  if (!edits.length) list.append(el("li", { class: "hint", text: "None: the scenario as stated." }));
  for (const e of edits) {
    list.append(el("li", {}, el("code", { text: e }),
      el("button", { type: "button", class: "remove", "aria-label": `Remove the edit ${e}`, text: "Remove", onclick: () => removeEdit(e) })));
  }
}

// ---- downloads and the scan ---------------------------------------------------------------------

async function download(path, name) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ edits }) });
  const blob = await response.blob();
  const link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function startScan() {
  $("scan-result").replaceChildren();
  let job;
  try {
    job = await api("/api/scan", { edits, time_limit: 120 });
  } catch (error) {
    $("scan-result").textContent = error.message;
    return;
  }
  scanJob = job.id;
  $("scan-start").disabled = true;
  $("scan-cancel").hidden = false;
  $("scan-progress").hidden = false;
  pollScan(job.id);
}

async function pollScan(id) {
  const job = await api(`/api/scan/${id}`);
  $("scan-progress").value = job.progress.fraction;
  $("scan-stage").textContent = job.state === "running" ? `${job.progress.stage || "starting"}: ${Math.round(job.progress.fraction * 100)}%` : "";
  if (job.state === "running") { setTimeout(() => pollScan(id), 400); return; }
  scanJob = null;
  $("scan-start").disabled = false;
  $("scan-cancel").hidden = true;
  $("scan-progress").hidden = true;
  if (job.state !== "done") { $("scan-result").textContent = job.error; return; }
  showScan(job.result);
}

function showScan(result) {
  const box = $("scan-result");
  const table = el("table");
  table.append(el("thead", {}, el("tr", {}, ...["Concession", "Party", "Packages in the zone after", "Cost to the party", ""].map((h) => el("th", { text: h })))));
  const body = el("tbody");
  for (const c of result.concessions.slice(0, 15)) {
    body.append(el("tr", {}, el("td", {}, el("code", { text: c.edit })), el("td", { text: partyById[c.party].label }),
      el("td", { class: "num", text: c.zopa_after.toLocaleString("en") }),
      el("td", { class: "num", text: c.cost_to_conceder === null ? "–" : fmt(c.cost_to_conceder) }),
      el("td", {}, el("button", { type: "button", text: "Apply", "aria-label": `Apply ${c.edit}`, onclick: () => setEdit(c.edit) }))));
  }
  table.append(body);
  box.append(el("h3", { text: "Single concessions, best first" }), table);
  if (result.minimal_sets.length) {
    const list = el("ul");
    for (const set of result.minimal_sets) {
      list.append(el("li", {}, set.map((e) => e).join(" + "), " ",
        el("button", { type: "button", text: "Apply", onclick: () => change([...edits, ...set.filter((e) => !edits.includes(e))]) })));
    }
    box.append(el("h3", { text: "Minimal concession sets that open the zone" }), list);
  } else if (result.search.note) {
    box.append(el("p", { class: "hint", text: result.search.note }));
  }
}

// ---- start --------------------------------------------------------------------------------------

buildParties();
buildIssues();
buildPairs();
$("edit-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("edit-input").value.trim();
  if (text) { change([...edits, text]); $("edit-input").value = ""; }
});
$("download-edits").addEventListener("click", () => download("/api/edits.yaml", "edits.yaml"));
$("download-yaml").addEventListener("click", () => download("/api/scenario.yaml", "scenario_edited.yaml"));
$("clear-edits").addEventListener("click", () => change([]));
$("scan-start").addEventListener("click", startScan);
$("scan-cancel").addEventListener("click", () => { if (scanJob) fetch(`/api/scan/${scanJob}`, { method: "DELETE" }); });
window.addEventListener("popstate", () => {
  const pair = pairFromUrl();
  if (pair) [$("pair-x").value, $("pair-y").value] = pair;
  edits = editsFromUrl();
  refresh();
});
edits = editsFromUrl();
refresh();
