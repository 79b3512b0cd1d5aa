// The agency's live console: its reports, new ones on top the instant they arrive, filters, a
// map with the field officers, keyboard shortcuts, and the actions.
import {
  agencyName,
  api,
  categoryText,
  clearSent,
  complaintNodes,
  connectLive,
  el,
  formatTime,
  loadAgencies,
  showAlert,
  statusText,
  summaryNodes,
  t,
} from "./common.js";
import { OfficerLayer, QueueMap } from "./console-map.js";

const STATUS_ACTIONS = [
  ["acknowledged", t("Acknowledge"), t("Acknowledged."), null],
  ["in_progress", t("In progress"), t("Marked in progress."), null],
  ["waiting", t("Waiting on others"), t("Waiting: the SLA clock stops."), null],
  ["resolved", t("Resolve"), t("Resolved."), null],
  ["rejected", t("Reject"), t("Rejected."), "danger"],
  ["closed", t("Close without fix"), t("Closed."), "danger"],
];

const root = document.getElementById("console");
const myAgency = root.dataset.agency;
const seesEverything = root.dataset.role === "admin" || !myAgency;
const queue = document.getElementById("queue");
const queueError = document.getElementById("queue-error");
const queueEmpty = document.getElementById("queue-empty");
const queueNoMatch = document.getElementById("queue-no-match");
const moreButton = document.getElementById("queue-more");
const unseenCount = document.getElementById("unseen-count");
const unseenHidden = document.getElementById("unseen-hidden");
const unseenHiddenText = document.getElementById("unseen-hidden-text");
const consoleStatus = document.getElementById("console-status");
const filterForm = document.getElementById("queue-filters");
const filterStatus = document.getElementById("filter-status");
const filterCategory = document.getElementById("filter-category");
const filterArea = document.getElementById("filter-area");
const filterText = document.getElementById("filter-text");
const detail = document.getElementById("detail");
const mapPane = document.getElementById("map-pane");
const baseTitle = document.title;

const entries = new Map(); // complaint id -> {complaint, item}
const unseen = new Set();
let selectedId = null;
let nextCursor = null;
let pageRequest = 0; // only the answer to the latest page request counts
let agencies = new Map();
let panel = null; // the detail pane's parts while a report is selected

const narrowScreen = () => window.matchMedia("(max-width: 799px)").matches;

function say(message) {
  consoleStatus.textContent = message;
}

// --- filters ---------------------------------------------------------------------------------

// The list API applies them (status, category, area, words of the description); the same test
// here holds live arrivals and the reports already loaded to them. Every known report is kept,
// those not matching hidden, so that clearing a filter brings them back at once.
let areaCodes = []; // the chosen area and every area inside it
let searchTimer = null;

function filters() {
  return {
    statuses: filterStatus.value ? filterStatus.value.split(",") : [],
    category: filterCategory.value,
    areas: areaCodes,
    words: filterText.value.toLowerCase().split(/\s+/).filter(Boolean),
  };
}

function matches(complaint, { statuses, category, areas, words } = filters()) {
  if (statuses.length && !statuses.includes(complaint.status)) return false;
  if (category && complaint.category !== category) return false;
  if (areas.length && !areas.includes(complaint.routing && complaint.routing.district)) return false;
  const description = (complaint.description || "").toLowerCase();
  return words.every((word) => description.includes(word));
}

// The selected report stays in view even when it no longer matches (it was just acknowledged).
function shown(complaint, chosen = filters()) {
  return complaint.id === selectedId || matches(complaint, chosen);
}

function showEntry(complaint, item, chosen = filters()) {
  const visible = shown(complaint, chosen);
  item.hidden = !visible;
  queueMap.show(complaint, visible);
}

function applyFilters() {
  const chosen = filters();
  for (const { complaint, item } of entries.values()) showEntry(complaint, item, chosen);
  updateQueueState();
}

function listQuery() {
  const query = new URLSearchParams({ limit: "50" });
  const words = filterText.value.trim();
  if (filterStatus.value) query.set("status", filterStatus.value);
  if (filterCategory.value) query.set("category", filterCategory.value);
  if (areaCodes.length) query.set("district", areaCodes.join(","));
  if (words) query.set("q", words);
  return query;
}

// Hide at once what does not match now, then ask the API for the older ones that do.
function filtersChanged() {
  clearTimeout(searchTimer);
  applyFilters();
  nextCursor = null;
  loadPage(null);
}

// Each letter narrows what is loaded at once; the API is asked when the typing pauses.
function searchChanged() {
  applyFilters();
  clearTimeout(searchTimer);
  searchTimer = setTimeout(filtersChanged, 300);
}

async function areaChanged() {
  const area = filterArea.value;
  try {
    areaCodes = area
      ? (await api(`/api/v1/routing/districts?within=${encodeURIComponent(area)}`)).map((each) => each.code)
      : [];
  } catch (problem) {
    showAlert(queueError, t("Could not load the area: {problem}", { problem: problemText(problem) }));
    return;
  }
  if (filterArea.value === area) filtersChanged();
}

function clearFilters() {
  filterStatus.value = "";
  filterCategory.value = "";
  filterArea.value = "";
  filterText.value = "";
  areaCodes = [];
  filtersChanged();
}

function categoryOptionText(category) {
  if (category.name_id && category.name_en && category.name_id !== category.name_en) {
    return `${category.name_id} · ${category.name_en}`;
  }
  return category.name_id || category.name_en || category.code;
}

// Every category, asked once: the filter offers them, and the urgent ones (emergencies) sound
// the alarm. Empty when they could not be loaded: the filter keeps "All categories".
const categoriesLoaded = api("/api/v1/categories").catch(() => []);
let emergencies = new Set(); // codes of the urgent categories

function isEmergency(complaint) {
  return emergencies.has(complaint.category);
}

// Staff choose among their agency's own categories; an admin among all.
async function loadCategories() {
  const categories = await categoriesLoaded;
  emergencies = new Set(categories.filter((category) => category.urgent).map((category) => category.code));
  // Reports heard live before the categories came are marked now.
  for (const { complaint } of entries.values()) upsert(complaint);
  const ours = categories.filter((category) => seesEverything || category.agency === myAgency);
  ours.sort((a, b) => categoryOptionText(a).localeCompare(categoryOptionText(b)));
  filterCategory.append(...ours.map((category) => el("option", { value: category.code }, categoryOptionText(category))));
}

// Areas come from the routing plugin; without it, or without areas, there is no area filter.
async function loadAreas() {
  const areas = await api("/api/v1/routing/districts?level=city").catch(() => []);
  filterArea.append(...areas.map((area) => el("option", { value: area.code }, area.name)));
  document.getElementById("filter-area-field").hidden = areas.length === 0;
}

filterStatus.addEventListener("change", filtersChanged);
filterCategory.addEventListener("change", filtersChanged);
filterArea.addEventListener("change", areaChanged);
filterText.addEventListener("input", searchChanged);
filterForm.addEventListener("submit", (event) => {
  event.preventDefault();
  filtersChanged(); // Enter in the search field: ask now
});
filterForm.addEventListener("reset", (event) => {
  event.preventDefault();
  clearFilters();
});
document.getElementById("unseen-hidden-show").addEventListener("click", clearFilters);

// --- the queue -------------------------------------------------------------------------------

function problemText(problem) {
  const fields = problem.fields
    ? Object.entries(problem.fields).map(([name, messages]) => `${name}: ${[].concat(messages).join(" ")}`)
    : [];
  return [problem.message, ...fields].join(" ");
}

// New reports count as unseen whether or not they match the filters: the title tells of every
// arrival, and a line under the filters says how many are hidden by them.
function updateUnseen() {
  unseenCount.textContent = String(unseen.size);
  document.title = unseen.size ? `(${unseen.size}) ${baseTitle}` : baseTitle;
  const hidden = Array.from(unseen).filter((id) => entries.has(id) && entries.get(id).item.hidden).length;
  unseenHidden.hidden = hidden === 0;
  unseenHiddenText.textContent =
    hidden === 1
      ? t("1 new report does not match the filters.")
      : t("{count} new reports do not match the filters.", { count: hidden });
}

function updateQueueState() {
  const visible = Array.from(entries.values()).filter(({ item }) => !item.hidden).length;
  queueEmpty.hidden = entries.size > 0;
  queueNoMatch.hidden = entries.size === 0 || visible > 0;
  updateUnseen();
}

function stillOurs(complaint) {
  return seesEverything || complaint.agency === myAgency;
}

function queueItem(complaint) {
  const item = el(
    "li",
    { dataset: { id: complaint.id } },
    el(
      "button",
      { type: "button", className: "feed-item", onclick: () => select(complaint.id) },
      isEmergency(complaint) ? el("span", { className: "badge badge-emergency" }, t("Emergency")) : null,
      summaryNodes(complaint),
      stillOurs(complaint)
        ? null
        : el("span", { className: "meta" }, t("Forwarded to {agency}", { agency: agencyName(agencies, complaint.agency) })),
    ),
  );
  markItem(item, complaint);
  return item;
}

function markItem(item, complaint) {
  item.classList.toggle("unseen", unseen.has(complaint.id));
  item.classList.toggle("selected", selectedId === complaint.id);
  item.classList.toggle("gone", !stillOurs(complaint));
  item.classList.toggle("emergency", isEmergency(complaint));
  item.firstElementChild.setAttribute("aria-current", selectedId === complaint.id ? "true" : "false");
}

// Add a report to the queue (newest first) or refresh it in place; `arrived` marks it unseen.
// True when it is a new arrival.
function upsert(complaint, arrived = false) {
  const known = entries.get(complaint.id);
  const isNew = !known && arrived;
  if (isNew) unseen.add(complaint.id);
  const item = queueItem(complaint);
  if (known) {
    const hadFocus = known.item.contains(document.activeElement);
    known.item.replaceWith(item);
    if (hadFocus) item.firstElementChild.focus({ preventScroll: true });
  } else {
    const older = Array.from(queue.children).find((node) => Number(node.dataset.id) < complaint.id);
    queue.insertBefore(item, older || null);
  }
  entries.set(complaint.id, { complaint, item });
  showEntry(complaint, item);
  updateQueueState();
  return isNew;
}

// A page of the list with the filters; `cursor` continues the last one.
async function loadPage(cursor) {
  const request = ++pageRequest;
  const query = listQuery();
  if (cursor) query.set("cursor", cursor);
  try {
    const page = await api(`/api/v1/complaints?${query}`);
    if (request !== pageRequest) return;
    for (const complaint of page.items) upsert(complaint);
    nextCursor = page.next_cursor;
    moreButton.hidden = !nextCursor;
    updateQueueState();
    showAlert(queueError, "");
  } catch (problem) {
    if (request === pageRequest) showAlert(queueError, t("Could not load the reports: {problem}", { problem: problemText(problem) }));
  }
}

// Back after a break: what arrived meanwhile, whatever the filters, is new to the person at the
// console.
async function catchUp() {
  const newest = Math.max(0, ...entries.keys());
  try {
    const page = await api("/api/v1/complaints?limit=50");
    const arrivals = page.items.filter((complaint) => upsert(complaint, complaint.id > newest));
    announceArrivals(arrivals);
    showAlert(queueError, "");
  } catch (problem) {
    showAlert(queueError, t("Could not load the reports: {problem}", { problem: problemText(problem) }));
  }
}

moreButton.addEventListener("click", () => loadPage(nextCursor));

// --- the map ---------------------------------------------------------------------------------

const queueMap = new QueueMap(document.getElementById("console-map"), (id) => select(id));
const officers = new OfficerLayer(queueMap, {
  legend: document.getElementById("officer-legend"),
  count: document.getElementById("officer-count"),
});
mapPane.addEventListener("toggle", () => {
  if (mapPane.open) queueMap.resize();
});

// --- the selected report ---------------------------------------------------------------------

function labelled(id, label, control) {
  return el("div", { className: "field" }, el("label", { for: id }, label), control);
}

function buildPanel() {
  const info = el("div", { className: "complaint", id: "detail-info", "aria-live": "polite" }, el("p", { className: "hint" }, t("Loading…")));
  const note = el("textarea", { id: "action-note", rows: 3, maxlength: 5000, "aria-keyshortcuts": "n" });
  const notePublic = el("input", { id: "action-note-public", type: "checkbox" });
  const error = el("p", { className: "alert alert-error", role: "alert", hidden: true });
  const done = el("p", { className: "alert alert-ok", role: "status", hidden: true });
  const statusButtons = STATUS_ACTIONS.map(([status, label, , style]) =>
    el(
      "button",
      {
        type: "button",
        className: style,
        dataset: { status },
        "aria-keyshortcuts": status === "acknowledged" ? "a" : null,
        onclick: () => changeStatus(status),
      },
      label,
    ),
  );
  const noteButton = el("button", { type: "button", onclick: addNote }, t("Add note"));
  const forwardAgency = el("select", { id: "forward-agency", "aria-keyshortcuts": "f", onchange: () => fillUnits() });
  const forwardUnit = el("select", { id: "forward-unit" });
  const forwardReason = el("textarea", { id: "forward-reason", rows: 2, maxlength: 2000 });
  const forwardButton = el("button", { type: "button", onclick: forward }, t("Hand on"));
  const afterPhoto = el("input", { id: "after-photo", type: "file", accept: "image/jpeg,image/*" });
  const photoButton = el("button", { type: "button", onclick: attachAfterPhoto }, t("Attach photo"));
  const mergeInto = el("input", { id: "merge-into", type: "number", min: 1, step: 1 });
  const mergeButton = el("button", { type: "button", onclick: merge }, t("Merge"));
  const dispatchState = el("p", { id: "dispatch-state", "aria-live": "polite" });
  const dispatchButton = el("button", { type: "button", "aria-keyshortcuts": "d", onclick: dispatchNearest }, t("Send the nearest free officer"));
  const dispatchSection = el("section", { hidden: true }, el("h2", {}, t("Field officer")), dispatchState, dispatchButton);
  const duplicates = el("ul", { className: "feed" });
  const duplicatesSection = el("section", { hidden: true }, el("h2", {}, t("Likely the same problem")), duplicates);
  const actions = el(
    "section",
    { className: "stack", "aria-labelledby": "actions-title" },
    el("h2", { id: "actions-title" }, t("Act on it")),
    error,
    done,
    dispatchSection,
    labelled("action-note", t("Note (optional with a status change)"), note),
    el("div", { className: "field checkbox" }, notePublic, el("label", { for: "action-note-public" }, t("Public note: the resident sees it"))),
    el("div", { className: "actions" }, statusButtons, noteButton),
    el("h2", {}, t("Proof of the fix")),
    labelled("after-photo", t("After-photo (the camera's original file, taken on the spot)"), afterPhoto),
    photoButton,
    el("h2", {}, t("Hand on: to another agency, or to a unit")),
    labelled("forward-agency", t("Agency"), forwardAgency),
    labelled("forward-unit", t("Unit (optional)"), forwardUnit),
    labelled("forward-reason", t("Reason"), forwardReason),
    forwardButton,
    duplicatesSection,
    el("h2", {}, t("Duplicate of another report")),
    labelled("merge-into", t("Merge into report number"), mergeInto),
    mergeButton,
  );
  actions.hidden = true; // until the report is loaded and the right buttons are known
  detail.replaceChildren(info, actions);
  return {
    info, actions, note, notePublic, error, done, statusButtons, noteButton,
    forwardAgency, forwardUnit, forwardReason, forwardButton, afterPhoto, photoButton, mergeInto, mergeButton,
    duplicates, duplicatesSection, dispatchState, dispatchButton, dispatchSection,
    status: null, agency: null, unit: null, dispatchBlocked: true,
  };
}

function refreshActions(complaint) {
  panel.status = complaint.status;
  panel.actions.hidden = false;
  for (const button of panel.statusButtons) button.disabled = button.dataset.status === complaint.status;
  panel.agency = complaint.agency;
  panel.unit = complaint.unit;
  const chosen = panel.forwardAgency.value || complaint.agency;
  const all = Array.from(agencies.values());
  panel.forwardAgency.replaceChildren(
    ...all.map((agency) => el("option", { value: agency.code }, forwardOptionText(agency, complaint.agency))),
  );
  panel.forwardAgency.value = chosen;
  fillUnits();
}

// An agency to hand the report on to: its name, whether it holds the report now, and whether it
// is outside the city government.
function forwardOptionText(agency, current) {
  const parts = [agency.name];
  if (agency.code === current) parts.push(t("(this agency)"));
  const name = parts.join(" ");
  return agency.external ? [name, t("outside the city government")].join(" — ") : name;
}

// The chosen unit survives a re-render (a live update of the report arrives meanwhile).
function fillUnits() {
  const chosen = panel.forwardUnit.value;
  const agency = agencies.get(panel.forwardAgency.value);
  const units = (agency && agency.units) || [];
  panel.forwardUnit.replaceChildren(
    el("option", { value: "" }, units.length ? t("The agency as a whole") : t("No units")),
    ...units.map((unit) => el("option", { value: unit.code }, unit.name)),
  );
  panel.forwardUnit.value = units.some((unit) => unit.code === chosen) ? chosen : "";
}

function setBusy(busy) {
  for (const button of [...panel.statusButtons, panel.noteButton, panel.forwardButton, panel.photoButton, panel.mergeButton, panel.dispatchButton]) button.disabled = busy;
  if (busy) return;
  for (const button of panel.statusButtons) button.disabled = button.dataset.status === panel.status;
  panel.dispatchButton.disabled = panel.dispatchBlocked;
}

async function loadDetail(id) {
  try {
    const complaint = await api(`/api/v1/complaints/${id}`);
    if (id !== selectedId) return;
    panel.info.replaceChildren(...complaintNodes(complaint, agencies, "h2").flat(Infinity).filter(Boolean));
    refreshActions(complaint);
    showDispatch(complaint);
    offerCameraEvidence();
    upsert(complaint);
    showLikelyDuplicates(complaint);
  } catch (problem) {
    if (id !== selectedId) return;
    if (problem.status === 404) {
      panel.info.replaceChildren(el("p", {}, t("Report #{id} is no longer yours to see: it was forwarded to another agency.", { id })));
      panel.actions.hidden = true;
    } else {
      showAlert(panel.error, t("Could not load report #{id}: {problem}", { id, problem: problemText(problem) }));
    }
  }
}

async function select(id) {
  selectedId = id;
  unseen.delete(id);
  const chosen = filters();
  for (const { complaint, item } of entries.values()) {
    markItem(item, complaint);
    showEntry(complaint, item, chosen); // the one selected before may no longer match
  }
  updateQueueState();
  queueMap.select(id);
  panel = buildPanel();
  if (narrowScreen()) detail.scrollIntoView({ block: "start" });
  else if (entries.has(id)) entries.get(id).item.scrollIntoView({ block: "nearest" });
  await loadDetail(id);
}

// Send one action for the selected report; on success re-read it for its new history.
async function act(path, method, payload, doneText, body) {
  const id = selectedId;
  showAlert(panel.error, "");
  showAlert(panel.done, "");
  setBusy(true);
  try {
    await api(path, { method, json: payload, body });
    if (id !== selectedId) return;
    showAlert(panel.done, doneText);
    await loadDetail(id);
    return true;
  } catch (problem) {
    if (id === selectedId) showAlert(panel.error, problemText(problem));
    return false;
  } finally {
    if (id === selectedId) setBusy(false);
  }
}

async function changeStatus(status) {
  const sent = panel.note.value;
  const note = sent.trim();
  const payload = { status, note_public: panel.notePublic.checked };
  if (note) payload.note = note;
  const [, , doneText] = STATUS_ACTIONS.find(([each]) => each === status);
  if (await act(`/api/v1/complaints/${selectedId}`, "PATCH", payload, doneText)) clearSent(panel.note, sent);
}

async function addNote() {
  const sent = panel.note.value;
  const note = sent.trim();
  if (!note) {
    showAlert(panel.error, t("Write the note first."));
    panel.note.focus();
    return;
  }
  const payload = { note, note_public: panel.notePublic.checked };
  if (await act(`/api/v1/complaints/${selectedId}`, "PATCH", payload, t("Note added."))) clearSent(panel.note, sent);
}

async function forward() {
  const agency = panel.forwardAgency.value;
  const unit = panel.forwardUnit.value || null;
  const sent = panel.forwardReason.value;
  const reason = sent.trim();
  if (reason.length < 3) {
    showAlert(panel.error, t("Give a reason (at least 3 characters)."));
    return;
  }
  const id = selectedId;
  const where = unit ? `${agencyName(agencies, agency)}, ${panel.forwardUnit.selectedOptions[0].textContent}` : agencyName(agencies, agency);
  if (await act(`/api/v1/complaints/${id}/forward`, "POST", { agency, unit, reason }, t("Handed on to {where}.", { where }))) {
    clearSent(panel.forwardReason, sent);
  }
}

async function attachAfterPhoto() {
  const [file] = panel.afterPhoto.files;
  if (!file) {
    showAlert(panel.error, t("Choose the photo of the fixed spot first."));
    return;
  }
  const body = new FormData();
  body.append("photo", file, file.name);
  if (await act(`/api/v1/complaints/${selectedId}/photos`, "POST", undefined, t("Photo attached: the report can be resolved."), body)) {
    panel.afterPhoto.value = "";
  }
}

// Open reports of the same category close by: the same problem reported twice, to merge.
async function showLikelyDuplicates(complaint) {
  const query = new URLSearchParams({ category: complaint.category, lat: complaint.lat, lon: complaint.lon });
  let found = [];
  try {
    found = (await api(`/api/v1/complaints/duplicates?${query}`)).filter((other) => other.id !== complaint.id);
  } catch {
    return; // a hint only
  }
  if (complaint.id !== selectedId) return;
  panel.duplicates.replaceChildren(
    ...found.map((other) =>
      el(
        "li",
        {},
        el("a", { href: `/complaints/${other.id}`, target: "_blank", rel: "noopener" }, `#${other.id} ${other.description}`),
        " — " + t("{distance} m away", { distance: Math.round(other.distance_m) }) + " ",
        el("button", { type: "button", onclick: () => { panel.mergeInto.value = other.id; merge(); } }, t("Merge into #{id}", { id: other.id })),
      ),
    ),
  );
  panel.duplicatesSection.hidden = found.length === 0;
}

async function merge() {
  const into = Number(panel.mergeInto.value);
  if (!Number.isInteger(into) || into < 1) {
    showAlert(panel.error, t("Give the number of the report to keep."));
    return;
  }
  await act(`/api/v1/complaints/${selectedId}/merge`, "POST", { into }, t("Merged into #{id}; its reporters follow #{id} now.", { id: into }));
}

// --- field officers (when the dispatch plugin is on) -----------------------------------------

const DISPATCH_TEXT = {
  offering: (a) => {
    const officer = a.officer_name;
    const offered =
      a.offer && a.offer.distance_m !== null
        ? t("Offered to {officer}, {distance} m away.", { officer, distance: Math.round(a.offer.distance_m) })
        : t("Offered to {officer}.", { officer });
    if (!a.offer) return offered;
    return [offered, t("Answer due by {time}.", { time: formatTime(a.offer.expires_at) })].join(" ");
  },
  accepted: (a) => t("{officer} accepted and is on the way.", { officer: a.officer_name }),
  on_site: (a) => t("{officer} is on site.", { officer: a.officer_name }),
  unanswered: (a) =>
    t("Nobody took it ({refusals} refused or did not answer). Send again when officers are free.", { refusals: a.refusals }),
  finished: (a) =>
    a.officer_name ? t("Done: {officer} is free again.", { officer: a.officer_name }) : t("Done: the officer is free again."),
  withdrawn: () => t("The offer was withdrawn when the report left the agency."),
};
const ENDED = ["resolved", "closed", "rejected"];

function showDispatch(complaint) {
  const dispatch = complaint.extra && complaint.extra.dispatch;
  panel.dispatchSection.hidden = !dispatch;
  if (!dispatch) return;
  const assignment = dispatch.assignment;
  panel.dispatchState.textContent = assignment ? DISPATCH_TEXT[assignment.state](assignment) : t("No officer sent yet.");
  const sent = assignment && ["offering", "accepted", "on_site"].includes(assignment.state);
  panel.dispatchBlocked = Boolean(sent) || ENDED.includes(complaint.status);
  panel.dispatchButton.disabled = panel.dispatchBlocked;
}

async function dispatchNearest() {
  await act(`/api/v1/dispatch/complaints/${selectedId}`, "POST", {}, t("Offered to the nearest free officer."));
}

// --- camera evidence (when the cctv plugin lists cameras nearby) ----------------------------

function offerCameraEvidence() {
  // Only cameras that showed a frame: one without (no still source, or down) has none to keep.
  for (const item of panel.info.querySelectorAll(".cameras-nearby li[data-camera]:has(img)")) {
    const cameraId = item.dataset.camera;
    item.append(
      el("button", { type: "button", onclick: () => keepFrame(cameraId) }, t("Keep this frame as evidence")),
    );
  }
}

async function keepFrame(cameraId) {
  await act(
    `/api/v1/cctv/complaints/${selectedId}/evidence`,
    "POST",
    { camera_id: cameraId },
    t("Frame of camera {camera} kept on the report.", { camera: cameraId }),
  );
}

// --- telling of new reports: a beep, and a notification while the tab is hidden -----------

const soundOn = document.getElementById("sound-on");
const notifyButton = document.getElementById("notify-button");
const notifyState = document.getElementById("notify-state");
const SOUND_SETTING = "smartcity.console.beep";
let audio = null;

function readSetting(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage refused (private mode): the default stands
  }
}

function keepSetting(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // as above
  }
}

soundOn.checked = readSetting(SOUND_SETTING) !== "off";
soundOn.addEventListener("change", () => keepSetting(SOUND_SETTING, soundOn.checked ? "on" : "off"));

// Browsers start sound only after the person has used the page: the first click or key wakes it.
function wakeAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  audio ??= new Context();
  if (audio.state === "suspended") audio.resume().catch(() => {});
}
document.addEventListener("pointerdown", wakeAudio);
document.addEventListener("keydown", wakeAudio);

function soundAllowed() {
  return soundOn.checked && audio && audio.state === "running";
}

// One tone of `seconds`, faded in and out so that it does not click.
function tone(frequency, start, seconds, wave, loudness) {
  const oscillator = audio.createOscillator();
  const volume = audio.createGain();
  oscillator.type = wave;
  oscillator.frequency.value = frequency;
  volume.gain.setValueAtTime(0.0001, start);
  volume.gain.exponentialRampToValueAtTime(loudness, start + 0.02);
  volume.gain.exponentialRampToValueAtTime(0.0001, start + seconds - 0.05);
  oscillator.connect(volume).connect(audio.destination);
  oscillator.start(start);
  oscillator.stop(start + seconds);
}

function beep() {
  if (soundAllowed()) tone(880, audio.currentTime, 0.3, "sine", 0.25);
}

// An emergency is not another beep: a two-tone siren, harsher and longer, heard across the
// duty room and told apart from an ordinary report without looking.
const SIREN_TONES = [988, 659];
const SIREN_CYCLES = 3;
const SIREN_TONE_SECONDS = 0.25;

function alarm() {
  if (!soundAllowed()) return;
  const start = audio.currentTime;
  for (let index = 0; index < SIREN_CYCLES * SIREN_TONES.length; index += 1) {
    const frequency = SIREN_TONES[index % SIREN_TONES.length];
    tone(frequency, start + index * SIREN_TONE_SECONDS, SIREN_TONE_SECONDS, "square", 0.35);
  }
}

const canNotify = "Notification" in window;

function showNotifyState() {
  if (!canNotify) return;
  const permission = Notification.permission;
  notifyButton.hidden = permission !== "default";
  notifyState.hidden = permission === "default";
  notifyState.textContent =
    permission === "granted"
      ? t("Notifications on while this tab is in the background.")
      : t("Notifications are blocked for this site in the browser's settings.");
}

// Asked only when the person clicks: never on load.
notifyButton.addEventListener("click", async () => {
  await Notification.requestPermission();
  showNotifyState();
  if (notifyButton.hidden) say(notifyState.textContent);
});
showNotifyState();

// An emergency leads the notification, which stays until it is dealt with.
function notify(arrivals) {
  if (!canNotify || Notification.permission !== "granted" || !document.hidden) return;
  const emergency = arrivals.find(isEmergency);
  const first = emergency || arrivals[0];
  let title = arrivals.length === 1 ? t("New report #{id}", { id: first.id }) : t("{count} new reports", { count: arrivals.length });
  if (emergency) title = t("Emergency: report #{id}", { id: emergency.id });
  const notification = new Notification(title, {
    body: `${categoryText(first)}: ${first.description}`.slice(0, 200),
    tag: `smartcity-console-${first.id}`,
    requireInteraction: Boolean(emergency),
  });
  notification.onclick = () => {
    window.focus();
    select(first.id);
    notification.close();
  };
}

// Said once in the status line: the queue itself is not a live region, or every change of the
// filters would read the whole list out. Which arrivals are emergencies is known once the
// categories are.
async function announceArrivals(arrivals) {
  if (!arrivals.length) return;
  await categoriesLoaded;
  const emergency = arrivals.find(isEmergency);
  if (emergency) {
    announceEmergency(emergency);
    notify(arrivals);
    return;
  }
  const [first] = arrivals;
  const hidden = arrivals.some((complaint) => !matches(complaint));
  const values = { id: first.id, category: categoryText(first), count: arrivals.length };
  if (arrivals.length === 1) {
    say(hidden ? t("New report #{id}: {category}, not shown with these filters.", values) : t("New report #{id}: {category}.", values));
  } else {
    say(hidden ? t("{count} new reports, not shown with these filters.", values) : t("{count} new reports.", values));
  }
  beep();
  notify(arrivals);
}

function announceEmergency(complaint) {
  const values = { id: complaint.id, category: categoryText(complaint) };
  say(
    matches(complaint)
      ? t("Emergency: report #{id}, {category}.", values)
      : t("Emergency: report #{id}, {category}, not shown with these filters.", values),
  );
  alarm();
}

// --- alerts for the agency's head: missed deadlines, dispatches nobody took ---------------

const headAlerts = document.getElementById("head-alerts");
const MAX_HEAD_ALERTS = 5;

function reportName(complaint) {
  return t("report #{id} ({category})", { id: complaint.id, category: categoryText(complaint) });
}

// The deadline missed, with its time when the alert gives it.
const DEADLINE_MISSED = {
  acknowledge: (values) =>
    values.due
      ? t("Deadline missed: {report} was not acknowledged by {due}.", values)
      : t("Deadline missed: {report} was not acknowledged.", values),
  resolve: (values) =>
    values.due
      ? t("Deadline missed: {report} was not resolved by {due}.", values)
      : t("Deadline missed: {report} was not resolved.", values),
};

const HEAD_ALERT_TEXT = {
  "sla.breached": ({ deadline, due_at: due, escalation, complaint }) => {
    const report = reportName(complaint);
    if (deadline === "escalation") return t("Escalated ({escalation}): {report}.", { escalation, report });
    const missed = DEADLINE_MISSED[deadline];
    return missed ? missed({ report, due: due ? formatTime(due) : "" }) : t("Deadline missed: {report}.", { report });
  },
  "dispatch.alert": ({ reason, refusals, complaint }) =>
    reason === "refused"
      ? t("No officer takes {report}: {refusals} refused.", { report: reportName(complaint), refusals })
      : t("Nobody took {report}: no free officer left to ask ({refusals} refused or did not answer).", {
          report: reportName(complaint),
          refusals,
        }),
};

function showHeadAlert(event, message) {
  const complaint = message && message.complaint;
  if (!complaint) return;
  const key = `${event}:${complaint.id}`;
  const earlier = Array.from(headAlerts.children).find((node) => node.dataset.key === key);
  const banner = el(
    "div",
    { className: "banner", dataset: { key, complaint: complaint.id, event } },
    el("button", { type: "button", className: "banner-open", onclick: () => select(complaint.id) }, HEAD_ALERT_TEXT[event](message)),
    el(
      "button",
      {
        type: "button",
        className: "banner-dismiss",
        "aria-label": t("Dismiss the alert about report #{id}", { id: complaint.id }),
        onclick: () => banner.remove(),
      },
      t("Dismiss"),
    ),
  );
  if (earlier) earlier.remove();
  headAlerts.prepend(banner);
  while (headAlerts.children.length > MAX_HEAD_ALERTS) headAlerts.lastElementChild.remove();
  beep();
}

// --- keyboard shortcuts ----------------------------------------------------------------------

const shortcutsHelp = document.getElementById("shortcuts");
const shortcutsToggle = document.getElementById("shortcuts-toggle");
const NOT_TYPING = new Set(["checkbox", "radio", "button", "submit", "reset", "image", "color", "range"]);

function toggleShortcuts(open = shortcutsHelp.hidden) {
  shortcutsHelp.hidden = !open;
  shortcutsToggle.setAttribute("aria-expanded", String(open));
}
shortcutsToggle.addEventListener("click", () => toggleShortcuts());

function typingIn(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName)) return true;
  return target.tagName === "INPUT" && !NOT_TYPING.has(target.type);
}

// j/k: the next or previous report shown in the queue; focus follows for screen readers.
function step(offset) {
  const items = Array.from(queue.children).filter((item) => !item.hidden);
  if (!items.length) {
    say(t("No report in the queue."));
    return;
  }
  const current = items.findIndex((item) => Number(item.dataset.id) === selectedId);
  const target = current === -1 ? 0 : current + offset;
  if (target < 0 || target >= items.length) {
    say(target < 0 ? t("This is the newest report.") : t("This is the last report loaded."));
    return;
  }
  say("");
  items[target].firstElementChild.focus({ preventScroll: narrowScreen() });
  select(Number(items[target].dataset.id));
}

// The selected report's loaded actions, or null with a word to the person.
function readyPanel() {
  if (panel && !panel.actions.hidden) return panel;
  say(selectedId === null ? t("Select a report first: j or k.") : t("The report is still loading."));
  return null;
}

function acknowledgeSelected() {
  if (!readyPanel()) return;
  const button = panel.statusButtons.find((each) => each.dataset.status === "acknowledged");
  if (panel.status === "acknowledged") say(t("Report #{id} is already acknowledged.", { id: selectedId }));
  else if (!button.disabled) button.click();
}

function dispatchSelected() {
  if (!readyPanel()) return;
  if (panel.dispatchSection.hidden) say(t("Field dispatch is not available for this report."));
  else if (panel.dispatchBlocked) say(t("An officer is on it already, or the report is finished."));
  else panel.dispatchButton.click();
}

const SHORTCUTS = {
  j: () => step(1),
  k: () => step(-1),
  a: acknowledgeSelected,
  n: () => readyPanel() && panel.note.focus(),
  f: () => readyPanel() && panel.forwardAgency.focus(),
  d: dispatchSelected,
  "/": () => filterText.focus(),
  "?": () => toggleShortcuts(),
};

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  if (typingIn(event.target)) return;
  if (event.key === "Escape" && !shortcutsHelp.hidden) {
    toggleShortcuts(false);
    shortcutsToggle.focus();
    return;
  }
  const shortcut = SHORTCUTS[event.key];
  if (!shortcut) return;
  event.preventDefault(); // no "n" typed into the note it focuses
  shortcut();
});
document.getElementById("queue-next").addEventListener("click", () => step(1));
document.getElementById("queue-previous").addEventListener("click", () => step(-1));

// --- live ------------------------------------------------------------------------------------

function heard(complaint, arrived) {
  if (upsert(complaint, arrived)) announceArrivals([complaint]);
  if (complaint.id === selectedId) loadDetail(complaint.id);
}

const socket = connectLive((first) => {
  if (first) return;
  catchUp();
  officers.load();
});
socket.on("complaint.created", (complaint) => heard(complaint, true));
socket.on("complaint.updated", (complaint) => heard(complaint, false));
socket.on("complaint.forwarded", (complaint) => heard(complaint, stillOurs(complaint)));
for (const event of ["dispatch.updated", "dispatch.accepted"]) {
  socket.on(event, (assignment) => {
    if (assignment.complaint_id === selectedId) loadDetail(selectedId);
    officers.reloadSoon(); // offers change officers' states without officer.updated
  });
}
socket.on("officer.position", (message) => officers.move(message));
socket.on("officer.updated", (officer) => officers.place(officer));
for (const event of ["sla.breached", "dispatch.alert"]) {
  socket.on(event, (message) => showHeadAlert(event, message));
}

Promise.all([loadAgencies(), loadCategories(), loadAreas()]).then(async ([known]) => {
  agencies = known;
  await loadPage(null);
  queueMap.fit();
});
if (myAgency) officers.load();
