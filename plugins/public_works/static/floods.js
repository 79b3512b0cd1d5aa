// The flood page: the flood reports of the last hours as a heat layer (the deeper the water, the
// hotter) and as a list, newest first; new reports join both live, without a reload.
// Relative, so that core's helpers are found wherever the app is mounted (/floods/static/ → /static/).
import { api, connectLive, el, formatTime, makeMap, showAlert, t } from "../../static/common.js";

// Water this deep (cm) or deeper is the hottest; a report without a depth weighs as shallow.
const DEEPEST_CM = 80;
const UNKNOWN_WEIGHT = 0.15;
const MIN_WEIGHT = 0.1;
// The legend's scale (floods.css) shows the same colours.
const GRADIENT = { 0.2: "#90caf9", 0.45: "#1e88e5", 0.7: "#f9a825", 1.0: "#c62828" };
const PRUNE_EVERY_MS = 60_000;

const root = document.getElementById("floods");
const hours = Number(root.dataset.hours);
const listNode = document.getElementById("flood-list");
const emptyNode = document.getElementById("flood-list-empty");
const errorNode = document.getElementById("floods-error");

const map = makeMap(document.getElementById("flood-map"));
// maxZoom: at the city's zoom levels a report counts fully (leaflet.heat fades points below it).
const heat = L.heatLayer([], { radius: 28, blur: 18, maxZoom: 10, max: 1, minOpacity: 0.3, gradient: GRADIENT }).addTo(map);
const floods = new Map(); // complaint id -> flood
let windowHours = hours;
let fitted = false;

function weight(flood) {
  if (flood.depth_cm === null || flood.depth_cm === undefined) return UNKNOWN_WEIGHT;
  return Math.min(1, Math.max(MIN_WEIGHT, flood.depth_cm / DEEPEST_CM));
}

function depthText(flood) {
  if (flood.depth_cm === null || flood.depth_cm === undefined) return t("depth unknown");
  return t("{depth} cm", { depth: Math.round(flood.depth_cm) });
}

function placeText(flood) {
  return flood.address || `${Number(flood.lat).toFixed(4)}, ${Number(flood.lon).toFixed(4)}`;
}

function depthClass(flood) {
  const weighed = weight(flood);
  if (flood.depth_cm === null || flood.depth_cm === undefined) return "flood-depth-unknown";
  return weighed >= 0.6 ? "flood-depth-deep" : weighed >= 0.3 ? "flood-depth-medium" : "flood-depth-shallow";
}

function floodItem(flood) {
  return el(
    "li",
    { className: "flood-item", dataset: { complaintId: flood.id } },
    el("span", { className: `flood-depth ${depthClass(flood)}` }, depthText(flood)),
    el("a", { className: "flood-place", href: `/complaints/${flood.id}` }, placeText(flood)),
    el("span", { className: "meta" }, `#${flood.id} · `, el("time", { datetime: flood.created_at }, formatTime(flood.created_at))),
  );
}

function redraw() {
  const latest = [...floods.values()].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  heat.setLatLngs(latest.map((flood) => [flood.lat, flood.lon, weight(flood)]));
  listNode.replaceChildren(...latest.map(floodItem));
  emptyNode.hidden = latest.length > 0;
}

// The window slides: reports older than it leave the map.
function prune() {
  const since = Date.now() - windowHours * 3_600_000;
  for (const [id, flood] of floods) if (Date.parse(flood.created_at) < since) floods.delete(id);
}

async function load() {
  try {
    const found = await api(`/api/v1/public_works/floods?hours=${encodeURIComponent(hours)}`);
    windowHours = found.window.hours;
    floods.clear();
    for (const flood of found.floods) floods.set(flood.id, flood);
    redraw();
    if (!fitted && found.floods.length) {
      map.fitBounds(L.latLngBounds(found.floods.map((flood) => [flood.lat, flood.lon])), { maxZoom: 14, padding: [24, 24] });
      fitted = true;
    }
    showAlert(errorNode, "");
  } catch (problem) {
    showAlert(errorNode, t("Could not load the flood reports: {message}", { message: problem.message }));
  }
}

// A complaint of the live feed, as the flood API shows it.
function asFlood(complaint) {
  const depth = (complaint.attributes || {}).water_depth_cm;
  return {
    id: complaint.id,
    lat: complaint.lat,
    lon: complaint.lon,
    address: complaint.address,
    depth_cm: typeof depth === "number" && depth >= 0 ? depth : null,
    status: complaint.status,
    created_at: complaint.created_at,
  };
}

function shown(complaint) {
  return complaint.category === "flooding" && complaint.status !== "rejected" && !complaint.merged_into;
}

function received(complaint) {
  if (shown(complaint)) floods.set(complaint.id, asFlood(complaint));
  else floods.delete(complaint.id);
  prune();
  redraw();
}

load();
setInterval(() => {
  prune();
  redraw();
}, PRUNE_EVERY_MS);
// After a lost connection the page may have missed reports: ask again.
const socket = connectLive((first) => (first ? null : load()));
socket.on("complaint.created", (complaint) => {
  if (shown(complaint)) received(complaint);
});
socket.on("complaint.updated", (complaint) => {
  if (floods.has(complaint.id)) received(complaint);
});
