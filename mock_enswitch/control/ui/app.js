// mock-enswitch dashboard: reads and drives the control API (/_mock/...), nothing else.
// Every text from the mock is put into the page as text (never as HTML).
"use strict";

const POLL_MS = 1000;
const RETRY_MS = 250;  // before a read that got no reply is asked once more (see api)
// In a namespace (/ns/<name>/_mock/ui/) every call goes to that namespace's control API.
const BASE = location.pathname.replace(/\/_mock\/ui\/?.*$/, "");
const JOURNAL_KEPT = 1000;  // the server's default journal size
const JOURNAL_SHOWN = 200;  // rows drawn at once: a 1,000-call journal drawn whole was 34,000 px tall
const state = { lastSeq: -1, journal: [], recordingsKey: null, passwords: {}, players: new Map() };

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + "/_mock/" + path, options);
  } catch (error) {
    // No reply at all (TypeError "Failed to fetch"): the browser drops what is in flight when
    // the machine's network changes (net::ERR_NETWORK_CHANGED), as when a container engine
    // starts a compose service beside the mock. A read is asked once more, a moment later; a
    // change is not (it may have been done).
    if (method !== "GET") throw error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    response = await fetch(BASE + "/_mock/" + path, options);
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((data && data.error) || response.statusText);
  return data;
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function say(id, text, isError) {
  const node = document.getElementById(id);
  node.textContent = text;
  node.classList.toggle("error", Boolean(isError));
}

function whenMs(seconds) {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 23);
}

function when(seconds) {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

// Overview and the clock.

async function showOverview() {
  const o = await api("GET", "overview");
  state.journalCount = o.counts.journal;
  const changes = JSON.stringify([o.changes, o.counts]);
  const changed = changes !== state.changes;
  state.changes = changes;
  const facts = [
    ["Enswitch version", o.enswitch_version],
    ["Up for", Math.round(o.uptime) + " s"],
    ["Mock clock", when(o.clock) + " UTC"],
    ...Object.entries(o.counts).map(([name, count]) => [name.replace(/_/g, " "), count]),
  ];
  document.getElementById("facts").replaceChildren(
    ...facts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", { "data-fact": name }, value)]));
  return changed;
}

async function advanceClock() {
  const seconds = Number(document.getElementById("advance").value);
  try {
    const moved = await api("POST", "clock", { advance: seconds });
    say("overview-message", "The clock is now " + when(moved.now) + " UTC.");
  } catch (error) { say("overview-message", error.message, true); }
  await refreshAll();
}

async function reset() {
  const button = document.getElementById("reset-button");
  if (button.dataset.confirm !== "yes") {  // one more click confirms: a reset loses what was done
    button.dataset.confirm = "yes";
    button.textContent = "Click again to reset everything";
    setTimeout(() => { button.dataset.confirm = ""; button.textContent = "Reset to the fixtures"; }, 4000);
    return;
  }
  button.dataset.confirm = "";
  button.textContent = "Reset to the fixtures";
  try {
    await api("POST", "reset");
    state.lastSeq = -1;
    document.getElementById("journal-detail").hidden = true;
    say("overview-message",
      "Reset: the fixtures' data, only the start-up fault rules, an empty journal and outbox, the real time.");
  } catch (error) { say("overview-message", error.message, true); }
  await refreshAll();
}

// The directory, and a ready curl.

async function showDirectory() {
  const [{ customers }, { users }, { roles }] = await Promise.all(
    [api("GET", "customers"), api("GET", "users"), api("GET", "roles")]);
  const roleName = Object.fromEntries(roles.map((r) => [r.id, r.name]));
  const children = {};
  for (const c of customers) (children[c.parent] = children[c.parent] || []).push(c);
  const branch = (parent) => (children[parent] || []).map((c) =>
    el("li", {}, `${c.id} ${c.name}`, children[c.id] ? el("ul", {}, ...branch(c.id)) : null));
  document.getElementById("customer-tree").replaceChildren(...branch(0));
  fill(document.querySelector("#users tbody"), users.map((u) =>
    el("tr", {}, el("td", {}, u.username), el("td", {}, u.password), el("td", {}, u.customer),
      el("td", {}, roleName[u.role] || u.role))));
  const userSelect = document.getElementById("curl-user");
  const chosen = userSelect.value;
  userSelect.replaceChildren(...users.map((u) =>
    el("option", { value: u.username, "data-password": u.password }, u.username)));
  if (chosen) userSelect.value = chosen;
  showCurl();
}

async function loadFunctions() {
  const document_ = await api("GET", "openapi.json");
  apiRoot = document_.servers[0].url;  // --api-root's, else /api/json, under the prefix
  const select = document.getElementById("curl-function");
  select.replaceChildren(...Object.keys(document_.paths).map((path) =>
    el("option", {}, path.replace(/^\/|\/$/g, ""))));
  select.value = "recording/groups/list";
}

let apiRoot = "/api/json";

function showCurl() {
  const user = document.getElementById("curl-user").selectedOptions[0];
  const fn = document.getElementById("curl-function").value;
  if (!user || !fn) return;
  const query = `auth_username=${encodeURIComponent(user.value)};auth_password=${encodeURIComponent(user.dataset.password)}`;
  document.getElementById("curl").textContent = `curl '${location.origin}${apiRoot}/${fn}/?${query}'`;
}

async function copyCurl() {
  const text = document.getElementById("curl").textContent;
  try { await navigator.clipboard.writeText(text); } catch (error) {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById("curl"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
}

// Record groups, their recordings, and calls.

async function showRecordings() {
  const [{ groups }, { recordings }] = await Promise.all(
    [api("GET", "groups"), api("GET", "recordings")]);
  const key = JSON.stringify([groups, recordings.map((r) => [r.uniqueid, r.recordid, r.complete, r.recordgroup])]);
  if (key === state.recordingsKey) return;  // unchanged: nothing to draw
  state.recordingsKey = key;
  const players = new Map();
  const groupSelect = document.getElementById("call-group");
  const chosen = groupSelect.value;
  groupSelect.replaceChildren(...groups.map((g) => el("option", { value: g.id }, `${g.id} ${g.name}`)));
  if (chosen) groupSelect.value = chosen;
  document.getElementById("groups").replaceChildren(...groups.map((g) => {
    const rows = recordings.filter((r) => r.recordgroup === String(g.id));
    const settings = `customer ${g.customer} · record in ${g.record_in} / out ${g.record_out} · ` +
      `fraction ${g.fraction}% · expires ${g.expires} days · beep ${g.beep} · message "${g.message}"` +
      (g.email ? ` · mails ${g.email}` : "");
    return el("div", { class: "group", "data-group": g.id },
      el("h3", {}, `${g.id} ${g.name}`), el("p", { class: "muted" }, settings),
      rows.length ? el("table", {},
        el("thead", {}, el("tr", {}, ...["uniqueid", "recordid", "start", "talk", "caller", "called", "complete", "audio"]
          .map((h) => el("th", {}, h)))),
        el("tbody", {}, ...rows.map((r) => el("tr", { "data-uniqueid": r.uniqueid },
          el("td", {}, r.uniqueid), el("td", {}, r.recordid), el("td", {}, when(Number(r.start))),
          el("td", {}, r.talktime + " s"), el("td", {}, r.snumber), el("td", {}, r.cnumber),
          el("td", {}, r.complete ? "yes" : "in progress"),
          el("td", {}, player(r, players)))))) : el("p", { class: "muted" }, "No recordings."));
  }));
  state.players = players;
}

// A recording's player is kept across redraws (the same element, moved in one step, so a
// playing recording keeps playing when another call changes the list).
function player(r, players) {
  const key = `${r.recordgroup}/${r.uniqueid}/${r.recordid}/${r.complete}`;
  const audio = state.players.get(key) || el("audio", {
    controls: "", preload: "metadata",
    src: `${BASE}/_mock/recordings/${r.recordgroup}/${encodeURIComponent(r.uniqueid)}/${encodeURIComponent(r.recordid)}.wav`,
  });
  players.set(key, audio);
  return audio;
}

async function placeCall(event) {
  event.preventDefault();
  const form = event.target;
  say("call-result", "");
  // A line, as /_mock/calls takes one (its record group decides), else a record group.
  const call = form.phone.value
    ? { phone: form.phone.value, direction: form.direction.value }
    : { recordgroup: Number(form.recordgroup.value), direction: form.direction.value };
  const lineSide = form.direction.value === "inbound" ? "called" : "caller";
  for (const side of ["caller", "called"]) {
    if (!(form.phone.value && side === lineSide)) call[side] = form[side].value;
  }
  if (form.talktime.value !== "") call.talktime = Number(form.talktime.value);  // else the default
  if (form.active.checked) call.active = true;
  try {
    const placed = await api("POST", "calls", call);
    say("call-result", `${placed.uniqueid}: ${placed.recorded ? "recorded" : "not recorded"} (${placed.why})`);
  } catch (error) { say("call-result", error.message, true); }
  await refreshAll();
}

// The journal.

// Only what is new is fetched (`since`); the whole journal again only when it was cleared or
// reset elsewhere (the overview counts fewer entries than the page holds).
async function showJournal() {
  if (state.journalCount !== undefined && state.journalCount < state.journal.length) state.lastSeq = -1;
  const since = state.lastSeq > 0 ? `?since=${state.lastSeq}` : "";
  const { requests } = await api("GET", "requests" + since);
  if (since && !requests.length) return;
  state.journal = (since ? state.journal.concat(requests) : requests).slice(-JOURNAL_KEPT);
  state.lastSeq = state.journal.length ? state.journal[state.journal.length - 1].seq : 0;
  renderJournal();
}

function renderJournal() {
  const fn = document.getElementById("filter-function").value.trim();
  const user = document.getElementById("filter-user").value.trim();
  const code = document.getElementById("filter-code").value.trim();
  const matching = state.journal.filter((e) => (!fn || e.function.includes(fn)) &&
    (!user || e.user.includes(user)) && (!code || String(e.code).startsWith(code)));
  const shown = matching.slice(-JOURNAL_SHOWN);
  say("journal-count", matching.length > shown.length
    ? `The latest ${shown.length} of ${matching.length} calls (filter to see others).` : "");
  fill(document.querySelector("#journal-table tbody"), shown.slice().reverse().map((e) =>
    el("tr", { "data-seq": e.seq, onclick: () => showEntry(e) },
      el("td", {}, e.seq), el("td", {}, whenMs(e.time)), el("td", {}, e.method),
      el("td", {}, e.function), el("td", {}, e.user),
      el("td", { class: "code-" + String(e.code).charAt(0) }, e.code),
      el("td", {}, e.fault === null ? "" : e.fault))));
}

function showEntry(entry) {
  const detail = document.getElementById("journal-detail");
  const lines = [
    `#${entry.seq} ${entry.method} ${entry.function} as ${entry.user || "(nobody)"}: code ${entry.code}`,
    entry.fault === null ? "No fault fired." : `Fault: ${entry.fault}`,
    ...(entry.rules_not_fired || []).map((r) => `rule ${r.id} did not fire: ${r.why}`),
    "parameters (passwords masked):",
    JSON.stringify(entry.params, null, 2),
  ];
  if (entry.reply) {
    lines.push(`reply: HTTP ${entry.reply.status} in ${entry.reply.ms} ms at ${whenMs(entry.time)} UTC` +
      " (secrets masked):", entry.reply.body,
      Object.entries(entry.reply.headers).map(([k, v]) => `${k}: ${v}`).join("\n"));
  }
  detail.textContent = lines.join("\n");
  detail.hidden = false;
}

// Fault rules.

async function showFaults() {
  const { faults } = await api("GET", "faults?spent=1");  // used-up ones too, until a reset
  fill(document.querySelector("#faults-table tbody"), faults.map((f) =>
    el("tr", { "data-rule": f.id, class: f.spent ? "spent" : "" },
      el("td", {}, f.id), el("td", {}, JSON.stringify(f.match || {})),
      el("td", {}, JSON.stringify(f.effect)), el("td", {}, JSON.stringify(f.trigger || {})),
      el("td", {}, f.hits), el("td", {}, f.spent ? "used up" : f.remaining === undefined ? "" : f.remaining),
      el("td", {}, f.spent ? "" : el("button", { class: "small danger", type: "button",
        onclick: () => removeFault(f.id) }, "Delete")))));
}

async function removeFault(id) {
  try {
    await api("DELETE", `faults/${id}`);
    say("fault-message", `Rule ${id} deleted.`);
  } catch (error) { say("fault-message", error.message, true); }
  await refreshAll();
}

async function addFault(event) {
  event.preventDefault();
  const form = event.target;
  say("fault-message", "");
  const answer = form.code.value.trim();
  const network = ["close", "truncate", "502", "503"].includes(answer);
  const effect = network ? { network: answer } : answer ? { code: answer } : {};
  if (!network && answer && form.message.value.trim()) effect.message = form.message.value.trim();
  if (form.delay.value) effect.delay = Number(form.delay.value);
  const match = {};
  for (const name of ["function", "user", "method"]) {
    if (form[name].value.trim()) match[name] = form[name].value.trim();
  }
  const param = form.param.value.trim();
  if (param) {
    const [name, ...value] = param.split("=");
    match.params = { [name]: value.join("=") };
  }
  const trigger = {};
  for (const name of ["times", "every", "after", "probability"]) {
    if (form[name].value) trigger[name] = Number(form[name].value);
  }
  const rule = { effect };
  if (Object.keys(match).length) rule.match = match;
  if (Object.keys(trigger).length) rule.trigger = trigger;
  try {
    const added = await api("POST", "faults", rule);
    say("fault-message", `Rule ${added.id} added.`);
  } catch (error) { say("fault-message", error.message, true); }
  await refreshAll();
}

// The outbox.

async function showEmails() {
  const { emails } = await api("GET", "emails");
  const key = JSON.stringify(emails.map((m) => [m.time, m.to, m.uniqueid, m.recordid]));
  if (key === state.emailsKey) return;  // unchanged: an open message stays open
  state.emailsKey = key;
  fill(document.querySelector("#emails-table tbody"), emails.slice().reverse().flatMap((m, n) => {
    const detail = el("tr", { class: "email-detail", hidden: "" }, el("td", { colspan: "4" }, emailDetail(m)));
    const row = el("tr", { class: "email", "data-email": n, onclick: () => { detail.hidden = !detail.hidden; } },
      el("td", {}, when(m.time)), el("td", {}, m.to), el("td", {}, m.subject),
      el("td", {}, `${m.attachment.name} (${m.attachment.mimetype}, ${m.attachment.size} bytes)`));
    return [row, detail];
  }));
}

function emailDetail(m) {
  const lines = el("pre", {}, [`To: ${m.to}`, `Subject: ${m.subject}`,
    `Record group ${m.recordgroup}, call ${m.uniqueid}, recording ${m.recordid}`,
    `Attachment: ${m.attachment.name} (${m.attachment.size} bytes)`,
    m.transcribe ? "Transcription asked for." : ""].filter(Boolean).join("\n"));
  if (!m.saved) return el("div", {}, lines, el("p", { class: "muted" },
    "The group keeps no recording (expires 0): the mail was the only copy."));
  const src = `${BASE}/_mock/recordings/${m.recordgroup}/${encodeURIComponent(m.uniqueid)}/${encodeURIComponent(m.recordid)}.wav`;
  return el("div", {}, lines, el("audio", { controls: "", preload: "none", src }),
    el("a", { href: src, download: m.attachment.name }, " Download the WAV"));
}

// Lines, calls in progress (hung up from here), call records, and click-to-call as a user.

async function showCalls() {
  const [{ calls }, { phones }, { cdrs }, { users }] = await Promise.all([
    api("GET", "calls"), api("GET", "phones"), api("GET", "records/cdrs?limit=20"), api("GET", "users")]);
  fill(document.querySelector("#active-table tbody"), calls.map((c) =>
    el("tr", {}, el("td", {}, c.uniqueid), el("td", {}, c.callid || c.uniqueid), el("td", {}, c.phone),
      el("td", {}, c.direction), el("td", {}, c.caller), el("td", {}, c.called), el("td", {}, when(c.start)),
      el("td", {}, el("button", { class: "small danger", type: "button",
        onclick: () => hangUp(c.uniqueid) }, "Hang up")))));
  fill(document.querySelector("#lines-table tbody"), phones.map((p) =>
    el("tr", {}, el("td", {}, p.name), el("td", {}, p.customer), el("td", {}, p.description),
      el("td", {}, p.owner || ""), el("td", {}, p.recordgroup || ""))));
  fill(document.querySelector("#cdrs-table tbody"), cdrs.slice().reverse().map((r) =>
    el("tr", {}, el("td", {}, r.uniqueid), el("td", {}, r.customer), el("td", {}, r.phone || ""),
      el("td", {}, r.direction), el("td", {}, r.caller), el("td", {}, r.called), el("td", {}, when(r.start)),
      el("td", {}, r.answered ? `${Math.max(0, r.end - r.answered)} s` : "not answered"))));
  keepOptions("make-line", phones.map((p) => [p.name, `${p.name} (customer ${p.customer})`]));
  keepOptions("call-line", [["", "none: by group"], ...phones.map((p) => [p.name, `${p.name} (customer ${p.customer})`])]);
  keepOptions("make-user", users.map((u) => [u.username, u.username]), "acme-admin");
  state.passwords = Object.fromEntries(users.map((u) => [u.username, u.password]));
}

function keepOptions(id, options, preferred) {
  const select = document.getElementById(id);
  const chosen = select.value || preferred;
  select.replaceChildren(...options.map(([value, text]) => el("option", { value }, text)));
  if (chosen && options.some(([value]) => value === chosen)) select.value = chosen;
}

async function hangUp(uniqueid) {
  try {
    await api("DELETE", `calls/${encodeURIComponent(uniqueid)}`);
    say("make-result", `Call ${uniqueid} hung up.`);
  } catch (error) { say("make-result", error.message, true); }
  await refreshAll();
}

async function makeCall(event) {
  event.preventDefault();
  const form = event.target;
  const user = form.user.value;
  const params = new URLSearchParams({ auth_username: user, auth_password: state.passwords[user] || "",
    stype: "phone", snumber: form.snumber.value, cnumber: form.cnumber.value.trim(), wait: "1" });
  if (form.answer.checked) { params.set("answer1", "1"); params.set("answer2", "1"); }
  const response = await fetch(`${apiRoot}/calls/make/?${params}`);
  const body = await response.json();
  const first = body.responses[0];
  if (String(first.code) === "200") say("make-result", `Call ${body.data.callid} made as ${user}.`);
  else say("make-result", `${first.code}: ${first.message}`, true);
  await refreshAll();
}

// Events, with their deliveries.

async function showEvents() {
  const { events } = await api("GET", "events");
  fill(document.querySelector("#events-table tbody"), events.slice(-50).reverse().map((e) =>
    el("tr", {}, el("td", {}, e.id), el("td", {}, when(Number(e.timestamp))), el("td", {}, e.class),
      el("td", {}, e.event), el("td", {}, e.customer), el("td", {}, e.uniqueid || e.cnumber || ""),
      el("td", {}, e.deliveries.length ? e.deliveries.map((d) =>
        `#${d.attempt} ${d.status || d.error}`).join(", ") : "none"))));
}

// Balances, transactions, numbers, text messages.

async function showBilling() {
  const [{ customers }, { transactions }, { numbers }, { messages }] = await Promise.all([
    api("GET", "customers"), api("GET", "records/transactions?limit=50"), api("GET", "records/numbers"),
    api("GET", "messages")]);
  fill(document.querySelector("#balances-table tbody"), customers.map((c) =>
    el("tr", {}, el("td", {}, `${c.id} ${c.name}`), el("td", {}, `${c.balance || "0"} ${c.currency || "USD"}`),
      el("td", {}, c.events_url || ""))));
  fill(document.querySelector("#transactions-table tbody"), transactions.slice().reverse().map((t) =>
    el("tr", {}, el("td", {}, when(t.time)), el("td", {}, t.customer), el("td", {}, t.type),
      el("td", {}, `${t.amount} ${t.currency}`), el("td", {}, t.description))));
  fill(document.querySelector("#numbers-table tbody"), numbers.map((n) =>
    el("tr", {}, el("td", {}, n.number), el("td", {}, n.ingroup), el("td", {}, n.customer || "available"),
      el("td", {}, n.description || ""), el("td", {}, n.dnumber ? `${n.dtype} ${n.dnumber}` : ""))));
  fill(document.querySelector("#messages-table tbody"), messages.slice().reverse().map((m) =>
    el("tr", {}, el("td", {}, when(m.time)), el("td", {}, m.customer), el("td", {}, m.snumber),
      el("td", {}, m.cnumber), el("td", {}, m.message))));
}

async function clearJournal() {
  await api("DELETE", "requests");
  state.lastSeq = -1;
  state.journal = [];
  document.getElementById("journal-detail").hidden = true;
  await showJournal();
}

// Namespaces: the page of another one is a link away.

async function showNamespaces() {
  const response = await fetch("/_mock/namespaces");
  if (!response.ok) return;  // an older server, or none yet
  const { namespaces } = await response.json();
  const current = BASE.startsWith("/ns/") ? BASE.slice(4) : "";
  const names = [...new Set(["", current, ...namespaces.map((n) => n.name)])];
  keepOptions("namespace", names.map((name) => [name, name || "(default)"]), current);
  document.getElementById("namespace").value = current;
}

function openNamespace(event) {
  const name = event.target.value;
  location.href = (name ? `/ns/${encodeURIComponent(name)}` : "") + "/_mock/ui/";
}

// Refreshing.

async function refreshAll() {
  const drawn = await Promise.allSettled([showOverview(), showDirectory(), showRecordings(), showJournal(),
    showFaults(), showEmails(), showCalls(), showEvents(), showBilling(), showNamespaces()]);
  const failed = drawn.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;  // after every other view is drawn
}

// While nothing changes, a poll is one small request (the overview): the other views are
// fetched only when its `changes` moved (a call, an event, a rule's hit, a stored record...).
async function poll() {
  try {
    const changed = await showOverview();
    if (changed) {
      await Promise.all([showJournal(), showFaults(), showEmails(), showRecordings(),
        showCalls(), showEvents(), showBilling(), showNamespaces()]);
    }
  }
  catch (error) { say("overview-message", "The mock does not answer: " + error.message, true); }
  setTimeout(poll, POLL_MS);
}

document.addEventListener("DOMContentLoaded", async () => {
  document.getElementById("advance-button").addEventListener("click", advanceClock);
  document.getElementById("reset-button").addEventListener("click", reset);
  document.getElementById("curl-function").addEventListener("change", showCurl);
  document.getElementById("curl-user").addEventListener("change", showCurl);
  document.getElementById("curl-copy").addEventListener("click", copyCurl);
  document.getElementById("call-form").addEventListener("submit", placeCall);
  document.getElementById("fault-form").addEventListener("submit", addFault);
  document.getElementById("make-form").addEventListener("submit", makeCall);
  document.getElementById("journal-clear").addEventListener("click", clearJournal);
  document.getElementById("namespace").addEventListener("change", openNamespace);
  for (const id of ["filter-function", "filter-user", "filter-code"]) {
    document.getElementById(id).addEventListener("input", renderJournal);
  }
  try {
    await loadFunctions();
    await refreshAll();
  } catch (error) {  // a view that fails says so; the others, and the polling, go on
    console.error("mock-enswitch dashboard:", error);
    say("overview-message", "A view could not be drawn: " + error.message, true);
  } finally {
    document.body.dataset.ready = "yes";
    setTimeout(poll, POLL_MS);
  }
});
