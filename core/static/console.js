// The agency's live console: its reports, new ones on top the instant they arrive, and the actions.
import {
  agencyName,
  api,
  complaintNodes,
  connectLive,
  el,
  formatTime,
  loadAgencies,
  showAlert,
  summaryNodes,
} from "./common.js";

const STATUS_ACTIONS = [
  ["acknowledged", "Acknowledge", "Acknowledged.", null],
  ["in_progress", "In progress", "Marked in progress.", null],
  ["waiting", "Waiting on others", "Waiting: the SLA clock stops.", null],
  ["resolved", "Resolve", "Resolved.", null],
  ["rejected", "Reject", "Rejected.", "danger"],
  ["closed", "Close without fix", "Closed.", "danger"],
];

const root = document.getElementById("console");
const myAgency = root.dataset.agency;
const seesEverything = root.dataset.role === "admin" || !myAgency;
const queue = document.getElementById("queue");
const queueError = document.getElementById("queue-error");
const queueEmpty = document.getElementById("queue-empty");
const moreButton = document.getElementById("queue-more");
const unseenCount = document.getElementById("unseen-count");
const detail = document.getElementById("detail");
const baseTitle = document.title;

const entries = new Map(); // complaint id -> {complaint, item}
const unseen = new Set();
let selectedId = null;
let nextCursor = null;
let agencies = new Map();
let panel = null; // the detail pane's parts while a report is selected

// --- the queue -------------------------------------------------------------------------------

function problemText(problem) {
  const fields = problem.fields
    ? Object.entries(problem.fields).map(([name, messages]) => `${name}: ${[].concat(messages).join(" ")}`)
    : [];
  return [problem.message, ...fields].join(" ");
}

function updateUnseen() {
  unseenCount.textContent = String(unseen.size);
  document.title = unseen.size ? `(${unseen.size}) ${baseTitle}` : baseTitle;
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
      summaryNodes(complaint),
      stillOurs(complaint) ? null : el("span", { className: "meta" }, `Forwarded to ${agencyName(agencies, complaint.agency)}`),
    ),
  );
  markItem(item, complaint);
  return item;
}

function markItem(item, complaint) {
  item.classList.toggle("unseen", unseen.has(complaint.id));
  item.classList.toggle("selected", selectedId === complaint.id);
  item.classList.toggle("gone", !stillOurs(complaint));
  item.firstElementChild.setAttribute("aria-current", selectedId === complaint.id ? "true" : "false");
}

// Add a report to the queue (newest first) or refresh it in place; `arrived` marks it unseen.
function upsert(complaint, arrived = false) {
  const known = entries.get(complaint.id);
  if (!known && arrived) unseen.add(complaint.id);
  const item = queueItem(complaint);
  if (known) {
    known.item.replaceWith(item);
  } else {
    const older = Array.from(queue.children).find((node) => Number(node.dataset.id) < complaint.id);
    queue.insertBefore(item, older || null);
  }
  entries.set(complaint.id, { complaint, item });
  queueEmpty.hidden = entries.size > 0;
  updateUnseen();
}

async function loadPage(cursor, markNewerThan = Infinity) {
  const query = new URLSearchParams({ limit: "50" });
  if (cursor) query.set("cursor", cursor);
  try {
    const page = await api(`/api/v1/complaints?${query}`);
    for (const complaint of page.items) upsert(complaint, complaint.id > markNewerThan);
    nextCursor = page.next_cursor;
    moreButton.hidden = !nextCursor;
    queueEmpty.hidden = entries.size > 0;
    showAlert(queueError, "");
  } catch (problem) {
    showAlert(queueError, `Could not load the reports: ${problemText(problem)}`);
  }
}

moreButton.addEventListener("click", () => loadPage(nextCursor));

// --- the selected report ---------------------------------------------------------------------

function labelled(id, label, control) {
  return el("div", { className: "field" }, el("label", { for: id }, label), control);
}

function buildPanel() {
  const info = el("div", { className: "complaint", id: "detail-info", "aria-live": "polite" }, el("p", { className: "hint" }, "Loading…"));
  const note = el("textarea", { id: "action-note", rows: 3, maxlength: 5000 });
  const notePublic = el("input", { id: "action-note-public", type: "checkbox" });
  const error = el("p", { className: "alert alert-error", role: "alert", hidden: true });
  const done = el("p", { className: "alert alert-ok", role: "status", hidden: true });
  const statusButtons = STATUS_ACTIONS.map(([status, label, , style]) =>
    el("button", { type: "button", className: style, dataset: { status }, onclick: () => changeStatus(status) }, label),
  );
  const noteButton = el("button", { type: "button", onclick: addNote }, "Add note");
  const forwardAgency = el("select", { id: "forward-agency", onchange: () => fillUnits() });
  const forwardUnit = el("select", { id: "forward-unit" });
  const forwardReason = el("textarea", { id: "forward-reason", rows: 2, maxlength: 2000 });
  const forwardButton = el("button", { type: "button", onclick: forward }, "Hand on");
  const afterPhoto = el("input", { id: "after-photo", type: "file", accept: "image/jpeg,image/*" });
  const photoButton = el("button", { type: "button", onclick: attachAfterPhoto }, "Attach photo");
  const mergeInto = el("input", { id: "merge-into", type: "number", min: 1, step: 1 });
  const mergeButton = el("button", { type: "button", onclick: merge }, "Merge");
  const dispatchState = el("p", { id: "dispatch-state", "aria-live": "polite" });
  const dispatchButton = el("button", { type: "button", onclick: dispatchNearest }, "Send the nearest free officer");
  const dispatchSection = el("section", { hidden: true }, el("h2", {}, "Field officer"), dispatchState, dispatchButton);
  const duplicates = el("ul", { className: "feed" });
  const duplicatesSection = el("section", { hidden: true }, el("h2", {}, "Likely the same problem"), duplicates);
  const actions = el(
    "section",
    { className: "stack", "aria-labelledby": "actions-title" },
    el("h2", { id: "actions-title" }, "Act on it"),
    error,
    done,
    dispatchSection,
    labelled("action-note", "Note (optional with a status change)", note),
    el("div", { className: "field checkbox" }, notePublic, el("label", { for: "action-note-public" }, "Public note: the resident sees it")),
    el("div", { className: "actions" }, statusButtons, noteButton),
    el("h2", {}, "Proof of the fix"),
    labelled("after-photo", "After-photo (the camera's original file, taken on the spot)", afterPhoto),
    photoButton,
    el("h2", {}, "Hand on: to another agency, or to a unit"),
    labelled("forward-agency", "Agency", forwardAgency),
    labelled("forward-unit", "Unit (optional)", forwardUnit),
    labelled("forward-reason", "Reason", forwardReason),
    forwardButton,
    duplicatesSection,
    el("h2", {}, "Duplicate of another report"),
    labelled("merge-into", "Merge into report number", mergeInto),
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
    ...all.map((agency) =>
      el("option", { value: agency.code }, `${agency.name}${agency.code === complaint.agency ? " (this agency)" : ""}${agency.external ? " — outside the city government" : ""}`),
    ),
  );
  panel.forwardAgency.value = chosen;
  fillUnits();
}

// The chosen unit survives a re-render (a live update of the report arrives meanwhile).
function fillUnits() {
  const chosen = panel.forwardUnit.value;
  const agency = agencies.get(panel.forwardAgency.value);
  const units = (agency && agency.units) || [];
  panel.forwardUnit.replaceChildren(
    el("option", { value: "" }, units.length ? "The agency as a whole" : "No units"),
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
      panel.info.replaceChildren(el("p", {}, `Report #${id} is no longer yours to see: it was forwarded to another agency.`));
      panel.actions.hidden = true;
    } else {
      showAlert(panel.error, `Could not load report #${id}: ${problemText(problem)}`);
    }
  }
}

async function select(id) {
  selectedId = id;
  unseen.delete(id);
  for (const { complaint, item } of entries.values()) markItem(item, complaint);
  updateUnseen();
  panel = buildPanel();
  if (window.matchMedia("(max-width: 799px)").matches) detail.scrollIntoView({ block: "start" });
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
  const note = panel.note.value.trim();
  const payload = { status, note_public: panel.notePublic.checked };
  if (note) payload.note = note;
  const [, , doneText] = STATUS_ACTIONS.find(([each]) => each === status);
  if (await act(`/api/v1/complaints/${selectedId}`, "PATCH", payload, doneText)) panel.note.value = "";
}

async function addNote() {
  const note = panel.note.value.trim();
  if (!note) {
    showAlert(panel.error, "Write the note first.");
    panel.note.focus();
    return;
  }
  const payload = { note, note_public: panel.notePublic.checked };
  if (await act(`/api/v1/complaints/${selectedId}`, "PATCH", payload, "Note added.")) panel.note.value = "";
}

async function forward() {
  const agency = panel.forwardAgency.value;
  const unit = panel.forwardUnit.value || null;
  const reason = panel.forwardReason.value.trim();
  if (reason.length < 3) {
    showAlert(panel.error, "Give a reason (at least 3 characters).");
    return;
  }
  const id = selectedId;
  const where = unit ? `${agencyName(agencies, agency)}, ${panel.forwardUnit.selectedOptions[0].textContent}` : agencyName(agencies, agency);
  if (await act(`/api/v1/complaints/${id}/forward`, "POST", { agency, unit, reason }, `Handed on to ${where}.`)) {
    panel.forwardReason.value = "";
  }
}

async function attachAfterPhoto() {
  const [file] = panel.afterPhoto.files;
  if (!file) {
    showAlert(panel.error, "Choose the photo of the fixed spot first.");
    return;
  }
  const body = new FormData();
  body.append("photo", file, file.name);
  if (await act(`/api/v1/complaints/${selectedId}/photos`, "POST", undefined, "Photo attached: the report can be resolved.", body)) {
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
        ` — ${Math.round(other.distance_m)} m away `,
        el("button", { type: "button", onclick: () => { panel.mergeInto.value = other.id; merge(); } }, `Merge into #${other.id}`),
      ),
    ),
  );
  panel.duplicatesSection.hidden = found.length === 0;
}

async function merge() {
  const into = Number(panel.mergeInto.value);
  if (!Number.isInteger(into) || into < 1) {
    showAlert(panel.error, "Give the number of the report to keep.");
    return;
  }
  await act(`/api/v1/complaints/${selectedId}/merge`, "POST", { into }, `Merged into #${into}; its reporters follow #${into} now.`);
}

// --- field officers (when the dispatch plugin is on) -----------------------------------------

const DISPATCH_TEXT = {
  offering: (a) => {
    const away = a.offer && a.offer.distance_m !== null ? `, ${Math.round(a.offer.distance_m)} m away` : "";
    const until = a.offer ? ` Answer due by ${formatTime(a.offer.expires_at)}.` : "";
    return `Offered to ${a.officer_name}${away}.${until}`;
  },
  accepted: (a) => `${a.officer_name} accepted and is on the way.`,
  on_site: (a) => `${a.officer_name} is on site.`,
  unanswered: (a) => `Nobody took it (${a.refusals} refused or did not answer). Send again when officers are free.`,
  finished: (a) => `Done: ${a.officer_name || "the officer"} is free again.`,
  withdrawn: () => "The offer was withdrawn when the report left the agency.",
};
const ENDED = ["resolved", "closed", "rejected"];

function showDispatch(complaint) {
  const dispatch = complaint.extra && complaint.extra.dispatch;
  panel.dispatchSection.hidden = !dispatch;
  if (!dispatch) return;
  const assignment = dispatch.assignment;
  panel.dispatchState.textContent = assignment ? DISPATCH_TEXT[assignment.state](assignment) : "No officer sent yet.";
  const sent = assignment && ["offering", "accepted", "on_site"].includes(assignment.state);
  panel.dispatchBlocked = Boolean(sent) || ENDED.includes(complaint.status);
  panel.dispatchButton.disabled = panel.dispatchBlocked;
}

async function dispatchNearest() {
  await act(`/api/v1/dispatch/complaints/${selectedId}`, "POST", {}, "Offered to the nearest free officer.");
}

// --- camera evidence (when the cctv plugin lists cameras nearby) ----------------------------

function offerCameraEvidence() {
  // Only cameras that showed a frame: one without (no still source, or down) has none to keep.
  for (const item of panel.info.querySelectorAll(".cameras-nearby li[data-camera]:has(img)")) {
    const cameraId = item.dataset.camera;
    item.append(
      el("button", { type: "button", onclick: () => keepFrame(cameraId) }, "Keep this frame as evidence"),
    );
  }
}

async function keepFrame(cameraId) {
  await act(`/api/v1/cctv/complaints/${selectedId}/evidence`, "POST", { camera_id: cameraId }, `Frame of camera ${cameraId} kept on the report.`);
}

// --- live ------------------------------------------------------------------------------------

function heard(complaint, arrived) {
  upsert(complaint, arrived);
  if (complaint.id === selectedId) loadDetail(complaint.id);
}

const socket = connectLive((first) => {
  // Back after a break: what arrived meanwhile is new to the person at the console.
  if (!first) loadPage(null, Math.max(0, ...entries.keys()));
});
socket.on("complaint.created", (complaint) => heard(complaint, true));
socket.on("complaint.updated", (complaint) => heard(complaint, false));
socket.on("complaint.forwarded", (complaint) => heard(complaint, stillOurs(complaint)));
for (const event of ["dispatch.updated", "dispatch.accepted"]) {
  socket.on(event, (assignment) => {
    if (assignment.complaint_id === selectedId) loadDetail(selectedId);
  });
}

loadAgencies().then((known) => {
  agencies = known;
  return loadPage(null);
});
