// The accountability dashboard's live parts: the agency's officers and overdue complaints on a
// map, moved by the live feed, and SLA breaches and dispatch alerts listed as they are heard.
// Everything else on the page is rendered on the server and needs no script.
// Relative, so that core's helpers are found wherever the app is mounted (/routing/static/ → /static/).
import { categoryText, connectLive, el, formatTime, makeMap, t } from "../../static/common.js";
import { OfficerLayer } from "../../static/officer-layer.js";

// Admins hear no agency's room, so their chosen agency's officers are fetched again this often.
const ADMIN_REFRESH_MS = 30000;
const BREACHES_KEPT = 100;

// --- SLA breaches and dispatch alerts --------------------------------------------------------

const breaches = document.getElementById("breaches");
const breachesEmpty = document.getElementById("breaches-empty");

function breachText(payload) {
  if (payload.deadline === "acknowledge") return t("Not acknowledged in time");
  if (payload.deadline === "resolve") return t("Not resolved in time");
  if (payload.deadline === "escalation") {
    return payload.escalation ? t("Escalated ({escalation})", { escalation: payload.escalation }) : t("Escalated (rule)");
  }
  return t("Deadline missed");
}

function dispatchAlertText(payload) {
  if (payload.reason === "refused") return t("Refused by field officers {refusals} times", { refusals: payload.refusals });
  if (payload.reason === "unanswered") return t("No field officer took it");
  return t("Dispatch needs attention");
}

function missedText(deadline, dueAt) {
  const values = { due: formatTime(dueAt) };
  return deadline === "acknowledge" ? t("not acknowledged by {due}", values) : t("not resolved by {due}", values);
}

function addBreach(kind, text, payload) {
  if (!breaches) return;
  const complaint = payload.complaint || {};
  const due = payload.due_at ? ` ${t("Due {time}.", { time: formatTime(payload.due_at) })}` : "";
  const now = new Date();
  breaches.prepend(
    el(
      "li",
      { className: "breach-entry", dataset: { kind, complaint: complaint.id } },
      el("time", { datetime: now.toISOString() }, formatTime(now.toISOString())),
      el("strong", {}, text),
      ": ",
      el("a", { href: `/complaints/${Number(complaint.id)}` }, `${categoryText(complaint)} #${complaint.id}`),
      due,
    ),
  );
  while (breaches.children.length > BREACHES_KEPT) breaches.lastElementChild.remove();
  breachesEmpty.hidden = true;
}

// --- the map ---------------------------------------------------------------------------------

const section = document.getElementById("field-work");
const map = section ? makeMap(document.getElementById("field-map")) : null;
const overdueLayer = map ? L.layerGroup().addTo(map) : null;
const overdueMarkers = new Map(); // complaint id -> marker
let fitted = false;

function complaintLink(id, text) {
  return el("a", { href: `/complaints/${Number(id)}` }, text);
}

function placeOverdue(id, lat, lon, title) {
  if (!map || overdueMarkers.has(id)) return;
  const marker = L.marker([lat, lon], {
    icon: L.divIcon({ className: "overdue-marker", iconSize: [16, 16] }),
    title,
  });
  marker.bindPopup(el("span", {}, complaintLink(id, title)));
  overdueLayer.addLayer(marker);
  overdueMarkers.set(id, marker);
  marker.getElement().dataset.complaint = id;
}

function overdueFromPage() {
  for (const item of document.querySelectorAll("#overdue li[data-complaint]")) {
    const id = Number(item.dataset.complaint);
    placeOverdue(id, Number(item.dataset.lat), Number(item.dataset.lon), item.textContent.replace(/\s+/g, " ").trim());
  }
}

// A breach heard live: the complaint joins the overdue ones, on the map and in the list.
function noteOverdue(payload) {
  const complaint = payload.complaint || {};
  const scope = section && section.dataset.agency;
  if (!map || overdueMarkers.has(complaint.id) || (scope && complaint.agency !== scope)) return;
  if (payload.deadline !== "acknowledge" && payload.deadline !== "resolve") return;
  const title = `${categoryText(complaint)} #${complaint.id}: ${missedText(payload.deadline, payload.due_at)}`;
  if (section.hidden) {
    section.hidden = false; // hidden for want of officers and of overdue complaints until now
    map.invalidateSize();
  }
  placeOverdue(complaint.id, complaint.lat, complaint.lon, title);
  const list = document.getElementById("overdue");
  list.prepend(
    el(
      "li",
      { dataset: { complaint: complaint.id } },
      complaintLink(complaint.id, `${categoryText(complaint)} #${complaint.id}`),
      `: ${missedText(payload.deadline, payload.due_at)}`,
    ),
  );
  document.getElementById("overdue-empty").hidden = true;
  document.getElementById("overdue-details").hidden = false;
  // Only a complete list tells a newly overdue complaint from one of those not listed.
  if (list.hasAttribute("data-complete")) {
    const figure = document.querySelector("[data-figure=overdue]");
    figure.classList.add("today-overdue");
    for (const count of [document.getElementById("overdue-count"), figure.querySelector("dd")]) {
      count.textContent = String(Number(count.textContent) + 1);
    }
  }
}

// --- officers --------------------------------------------------------------------------------

const officersState = document.getElementById("officers-state");
const agencyChoice = document.getElementById("officers-agency");
let refreshTimer = null;

const officers = map
  ? new OfficerLayer(map, {
      agency: section.dataset.agency,
      list: document.getElementById("officers"),
      onChange: describeOfficers,
      onDisabled: hideOfficers,
      onProblem: (problem) => {
        officersState.textContent = t("Officers could not be loaded: {problem}", { problem: problem.message });
      },
    })
  : null;

function describeOfficers(list) {
  const located = list.filter((officer) => officer.position).length;
  const values = { count: list.length, located };
  if (!officers.agency) officersState.textContent = t("Choose an agency to see its officers.");
  else if (!list.length) officersState.textContent = t("No officer of this agency has gone on duty yet.");
  else if (list.length === 1) officersState.textContent = t("1 officer, {located} on the map.", values);
  else officersState.textContent = t("{count} officers, {located} on the map.", values);
}

// No dispatch plugin: the map still shows the overdue complaints, if there are any.
function hideOfficers() {
  for (const part of section.querySelectorAll(".officers-only")) part.hidden = true;
  if (agencyChoice) agencyChoice.closest(".officers-of").hidden = true;
  if (!overdueMarkers.size) section.hidden = true;
}

function loadOfficers() {
  return officers.load().then(fitOnce);
}

// Once, when the officers are first known: the view takes in them and the overdue complaints.
function fitOnce() {
  if (fitted) return;
  const points = [...overdueLayer.getLayers(), ...officers.markers.getLayers()].map((marker) => marker.getLatLng());
  if (!points.length) return;
  map.fitBounds(L.latLngBounds(points), { maxZoom: 15, padding: [24, 24] });
  fitted = true;
}

function chooseAgency() {
  fitted = false;
  clearInterval(refreshTimer);
  if (agencyChoice.value) refreshTimer = setInterval(loadOfficers, ADMIN_REFRESH_MS);
  officers.setAgency(agencyChoice.value).then(fitOnce);
}

// --- start -----------------------------------------------------------------------------------

if (map) {
  overdueFromPage();
  if (agencyChoice) agencyChoice.addEventListener("change", chooseAgency);
  loadOfficers();
}

const socket = connectLive((first) => {
  // Positions and duty changes missed while disconnected: read the list again.
  if (!first && map) loadOfficers();
});
socket.on("officer.position", (payload) => officers?.move(payload));
socket.on("officer.updated", (officer) => officers?.place(officer));
socket.on("sla.breached", (payload) => {
  addBreach("sla", breachText(payload), payload);
  noteOverdue(payload);
});
socket.on("dispatch.alert", (payload) => addBreach("dispatch", dispatchAlertText(payload), payload));
