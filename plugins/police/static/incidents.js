// The incident map: the police's open complaints on a map and in a list, emergencies marked,
// kept current by the agency's live feed (the room its console hears too).
// Relative, so that core's helpers are found wherever the app is mounted (/police/static/ → /static/).
import { api, categoryText, connectLive, el, makeMap, showAlert, statusBadge, statusClass, summaryNodes, t } from "../../static/common.js";

const OPEN_STATUSES = ["open", "acknowledged", "in_progress", "waiting"];
const PAGE_SIZE = 200;
// A map with more pins than this is no longer read at a glance; the console lists the rest.
const MOST_PAGES = 5;

const page = document.getElementById("incidents-page");
const agency = page.dataset.agency;
const list = document.getElementById("incidents");
const count = document.getElementById("incident-count");
const errorBox = document.getElementById("incidents-error");
const moreHint = document.getElementById("incidents-more");

const map = makeMap("incident-map");
const pins = L.layerGroup().addTo(map);
const shown = new Map(); // complaint id -> {item, marker}
let emergencies = new Set(); // codes of the urgent categories
let fitted = false;

function isEmergency(complaint) {
  return emergencies.has(complaint.category);
}

function isIncident(complaint) {
  return complaint.agency === agency && OPEN_STATUSES.includes(complaint.status);
}

function emergencyBadge(complaint) {
  return isEmergency(complaint) ? el("span", { className: "badge incident-emergency-badge" }, t("Emergency")) : null;
}

function popup(complaint) {
  return el(
    "div",
    {},
    el("a", { className: "popup-title", href: `/complaints/${complaint.id}` }, `${categoryText(complaint)} #${complaint.id}`),
    statusBadge(complaint.status),
    " ",
    emergencyBadge(complaint),
    el("p", {}, complaint.description),
  );
}

function pinIcon(complaint) {
  const emergency = isEmergency(complaint) ? " incident-emergency" : "";
  return L.divIcon({ className: `pin ${statusClass(complaint.status)}${emergency}`, iconSize: [20, 20] });
}

function listItem(complaint) {
  return el(
    "li",
    { dataset: { id: complaint.id }, className: isEmergency(complaint) ? "incident-emergency-item" : null },
    el("a", { className: "feed-item", href: `/complaints/${complaint.id}` }, emergencyBadge(complaint), summaryNodes(complaint)),
  );
}

// Place, refresh or take away one complaint: only the agency's open ones are incidents.
function show(complaint) {
  const known = shown.get(complaint.id);
  if (known) {
    pins.removeLayer(known.marker);
    known.item.remove();
    shown.delete(complaint.id);
  }
  if (!isIncident(complaint)) return;
  const marker = L.marker([complaint.lat, complaint.lon], {
    icon: pinIcon(complaint),
    title: `${categoryText(complaint)} #${complaint.id}`,
  }).bindPopup(() => popup(complaint));
  pins.addLayer(marker);
  marker.getElement().dataset.complaint = complaint.id;
  const item = listItem(complaint);
  const older = Array.from(list.children).find((node) => Number(node.dataset.id) < complaint.id);
  list.insertBefore(item, older || null);
  shown.set(complaint.id, { item, marker });
}

function showCount() {
  const open = shown.size;
  const emergencyCount = Array.from(list.querySelectorAll(".incident-emergency-item")).length;
  if (open === 0) count.textContent = t("No open incident.");
  else if (open === 1) count.textContent = emergencyCount ? t("1 open incident, an emergency.") : t("1 open incident.");
  else if (!emergencyCount) count.textContent = t("{count} open incidents.", { count: open });
  else count.textContent = t("{count} open incidents, {emergencies} of them emergencies.", { count: open, emergencies: emergencyCount });
}

function fitOnce() {
  if (fitted || shown.size === 0) return;
  fitted = true;
  const bounds = L.latLngBounds(Array.from(shown.values(), ({ marker }) => marker.getLatLng()));
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
}

async function loadEmergencies() {
  const categories = await api("/api/v1/categories").catch(() => []);
  emergencies = new Set(categories.filter((category) => category.urgent).map((category) => category.code));
}

// Everything open now, newest first; again after a lost connection, which may have missed events.
async function load() {
  const query = new URLSearchParams({ agency, status: OPEN_STATUSES.join(","), limit: String(PAGE_SIZE) });
  const found = [];
  let cursor = null;
  try {
    for (let read = 0; read < MOST_PAGES; read += 1) {
      if (cursor) query.set("cursor", cursor);
      const result = await api(`/api/v1/complaints?${query}`);
      found.push(...result.items);
      cursor = result.next_cursor;
      if (!cursor) break;
    }
  } catch (problem) {
    showAlert(errorBox, t("Could not load the incidents: {problem}", { problem: problem.message }));
    return;
  }
  showAlert(errorBox, "");
  pins.clearLayers();
  list.replaceChildren();
  shown.clear();
  for (const complaint of found) show(complaint);
  moreHint.hidden = !cursor;
  showCount();
  fitOnce();
}

function heard(complaint) {
  show(complaint);
  showCount();
}

const socket = connectLive((first) => {
  if (!first) load();
});
for (const event of ["complaint.created", "complaint.updated", "complaint.forwarded"]) {
  socket.on(event, heard);
}

loadEmergencies().then(load);
