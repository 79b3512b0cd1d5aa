// The cameras page: the cameras this visitor may see, on a map and in a list by area, their
// status kept current by the live feed; a panel shows the chosen camera's latest frame.
// Relative, so that core's helpers are found wherever the app is mounted (/cameras/static/ → /static/).
import { api, apiToken, connectLive, el, formatTime, makeMap, showAlert, t } from "../../static/common.js";

// The server keeps a frame about this long: asking more often would only get the same one.
const REFRESH_MS = 5000;
// Each status by its name in the page's language; the API's name stays in data-status.
const STATUS_WORDS = {
  online: t("online"),
  degraded: t("degraded"),
  offline: t("offline"),
  unknown: t("unknown"),
};
const STATUSES = Object.keys(STATUS_WORDS);
const NO_AREA = t("Other");

const mapNode = document.getElementById("camera-map");
const groupsNode = document.getElementById("camera-groups");
const countNode = document.getElementById("cameras-count");
const listError = document.getElementById("cameras-error");
const listEmpty = document.getElementById("cameras-empty");
const filters = document.getElementById("camera-filters");
const searchInput = document.getElementById("camera-search");
const statusFilter = document.getElementById("camera-status-filter");
const panel = document.getElementById("camera-panel");
const panelTitle = document.getElementById("camera-panel-title");
const panelArea = document.getElementById("camera-panel-area");
const panelStatus = document.getElementById("camera-panel-status");
const panelTags = document.getElementById("camera-panel-tags");
const closeButton = document.getElementById("camera-panel-close");
const image = document.getElementById("camera-image");
const frameNote = document.getElementById("camera-frame-note");
const frameProblem = document.getElementById("camera-frame-problem");

const map = makeMap(mapNode);
const cluster = L.markerClusterGroup({
  showCoverageOnHover: false,
  maxClusterRadius: 40,
  disableClusteringAtZoom: 16,
  iconCreateFunction: (group) =>
    L.divIcon({ html: el("span", {}, group.getChildCount()), className: "cluster status-other", iconSize: [34, 34] }),
});
map.addLayer(cluster);

const cameras = new Map(); // camera id -> {camera, marker}
// The open panel: which camera, its next refresh, the fetch under way, the frame shown.
const viewer = { id: null, timer: null, controller: null, objectUrl: null, returnFocus: null };

// --- statuses ------------------------------------------------------------------------------

function knownStatus(status) {
  return STATUSES.includes(status) ? status : "unknown";
}

// A status in words beside its shape: colour is never the only sign.
function statusBadge(status) {
  const known = knownStatus(status);
  return el(
    "span",
    { className: "camera-status", dataset: { status: known } },
    el("span", { className: `camera-shape camera-${known}`, "aria-hidden": "true" }),
    el("span", { className: "camera-status-word" }, STATUS_WORDS[known]),
  );
}

function markerIcon(camera) {
  const selected = camera.id === viewer.id ? " camera-selected" : "";
  return L.divIcon({ className: `camera-pin camera-shape camera-${knownStatus(camera.status)}${selected}`, iconSize: [20, 20] });
}

function markerTitle(camera) {
  return `${camera.name}: ${STATUS_WORDS[knownStatus(camera.status)]}`;
}

// --- the list ------------------------------------------------------------------------------

function byName(a, b) {
  return a.localeCompare(b, undefined, { sensitivity: "base", numeric: true });
}

function matchesFilters(camera) {
  const status = statusFilter.value;
  if (status && knownStatus(camera.status) !== status) return false;
  const words = searchInput.value.trim().toLowerCase();
  if (!words) return true;
  const text = [camera.name, camera.area, camera.id, ...(camera.tags || [])].join(" ").toLowerCase();
  return words.split(/\s+/).every((word) => text.includes(word));
}

// Areas by name with "Other" (no area) last, each area's cameras by name.
function groupedByArea(list) {
  const groups = new Map();
  for (const camera of list) {
    const area = camera.area || NO_AREA;
    if (!groups.has(area)) groups.set(area, []);
    groups.get(area).push(camera);
  }
  for (const members of groups.values()) members.sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id));
  return Array.from(groups).sort(([a], [b]) => (a === NO_AREA) - (b === NO_AREA) || byName(a, b));
}

function listEntry(camera) {
  const tags = camera.tags && camera.tags.length ? camera.tags.join(", ") : null;
  return el(
    "li",
    { dataset: { cameraId: camera.id } },
    el(
      "button",
      {
        type: "button",
        className: "feed-item camera-entry",
        "aria-current": camera.id === viewer.id ? "true" : null,
        onclick: (event) => openCamera(camera.id, event.currentTarget, true),
      },
      el("span", { className: "title" }, camera.name),
      el("span", { className: "meta" }, statusBadge(camera.status), tags ? el("span", { className: "camera-tags" }, tags) : null),
    ),
  );
}

function entryButton(id) {
  return groupsNode.querySelector(`li[data-camera-id="${CSS.escape(id)}"] > button`);
}

// Rebuild the list and the markers shown; a focused entry keeps the focus.
function render() {
  const focusedId = document.activeElement?.closest?.("#camera-groups li")?.dataset.cameraId;
  const shown = Array.from(cameras.values(), (known) => known.camera).filter(matchesFilters);
  groupsNode.replaceChildren(
    ...groupedByArea(shown).map(([area, members], index) =>
      el(
        "section",
        { className: "camera-group", "aria-labelledby": `camera-area-${index}` },
        el("h2", { id: `camera-area-${index}` }, area, el("span", { className: "count" }, ` (${members.length})`)),
        el("ul", { className: "feed camera-list" }, members.map(listEntry)),
      ),
    ),
  );
  cluster.clearLayers();
  cluster.addLayers(shown.map((camera) => cameras.get(camera.id).marker));
  const total = cameras.size;
  countNode.textContent = cameraCount(shown.length, total);
  listEmpty.hidden = shown.length > 0;
  if (focusedId) entryButton(focusedId)?.focus();
}

function cameraCount(shown, total) {
  if (shown !== total) return t("{shown} of {total} cameras", { shown, total });
  return total === 1 ? t("1 camera") : t("{total} cameras", { total });
}

// --- cameras and their markers -------------------------------------------------------------

function remember(camera) {
  const known = cameras.get(camera.id);
  if (known) {
    known.camera = camera;
    known.marker.setLatLng([camera.lat, camera.lon]);
    refreshMarker(known);
    return;
  }
  const marker = L.marker([camera.lat, camera.lon], { icon: markerIcon(camera), title: markerTitle(camera) });
  marker.on("click", () => openCamera(camera.id, marker.getElement(), false));
  cameras.set(camera.id, { camera, marker });
}

function refreshMarker(known) {
  const title = markerTitle(known.camera);
  known.marker.options.title = title;
  known.marker.setIcon(markerIcon(known.camera));
  known.marker.getElement()?.setAttribute("title", title); // Leaflet sets it on a new icon only
  if (cluster.hasLayer(known.marker)) cluster.refreshClusters(known.marker);
}

async function loadCameras() {
  let list;
  try {
    list = await api("/api/v1/cctv/cameras");
  } catch (problem) {
    showAlert(listError, t("Could not load the cameras: {problem}", { problem: problem.message }));
    return [];
  }
  showAlert(listError, "");
  const listed = new Set(list.map((camera) => camera.id));
  for (const [id, known] of cameras) {
    if (!listed.has(id)) {
      cluster.removeLayer(known.marker);
      cameras.delete(id);
    }
  }
  list.forEach(remember);
  render();
  if (viewer.id !== null) {
    if (cameras.has(viewer.id)) showFacts(cameras.get(viewer.id).camera);
    else closePanel();
  }
  return list;
}

// A status change heard live: the marker, the list entry and the panel follow it.
function statusChanged(change) {
  const known = cameras.get(change.camera_id);
  if (!known) {
    loadCameras(); // a camera this page has not listed yet
    return;
  }
  const wasShown = matchesFilters(known.camera);
  known.camera = { ...known.camera, status: change.status, status_changed_at: change.changed_at };
  refreshMarker(known);
  if (matchesFilters(known.camera) !== wasShown) {
    render();
  } else {
    entryButton(change.camera_id)?.querySelector(".camera-status")?.replaceWith(statusBadge(change.status));
  }
  if (viewer.id === change.camera_id) {
    showFacts(known.camera);
    if (viewer.timer !== null) scheduleFrame(0); // it may have come back: look now
  }
}

// --- the panel -----------------------------------------------------------------------------

function showFacts(camera) {
  panelTitle.textContent = camera.name;
  panelArea.textContent = camera.area || NO_AREA;
  const since = camera.status_changed_at ? formatTime(camera.status_changed_at) : "";
  const sinceText = since ? el("span", { className: "since" }, ` ${t("since {time}", { time: since })}`) : "";
  panelStatus.replaceChildren(statusBadge(camera.status), sinceText);
  panelTags.textContent = camera.tags && camera.tags.length ? camera.tags.join(", ") : t("none");
  image.alt = t("Latest picture from {name}", { name: camera.name });
}

function openCamera(id, opener, fromList) {
  const known = cameras.get(id);
  if (!known) return;
  const previous = viewer.id;
  stopFrames();
  clearFrame();
  viewer.id = id;
  viewer.returnFocus = opener;
  if (previous !== null && cameras.has(previous)) refreshMarker(cameras.get(previous));
  refreshMarker(known);
  for (const button of groupsNode.querySelectorAll("button[aria-current]")) button.removeAttribute("aria-current");
  entryButton(id)?.setAttribute("aria-current", "true");
  showFacts(known.camera);
  showProblem("");
  frameNote.textContent = known.camera.snapshot ? t("Loading the latest picture…") : "";
  panel.hidden = false;
  panelTitle.focus();
  if (fromList && cluster.hasLayer(known.marker)) cluster.zoomToShowLayer(known.marker);
  scheduleFrame(0);
}

// Close the panel; the focus goes back to what opened it (its list entry if that is gone).
function closePanel() {
  const id = viewer.id;
  if (id === null) return;
  stopFrames();
  clearFrame();
  viewer.id = null;
  if (cameras.has(id)) refreshMarker(cameras.get(id));
  for (const button of groupsNode.querySelectorAll("button[aria-current]")) button.removeAttribute("aria-current");
  panel.hidden = true;
  const opener = viewer.returnFocus && viewer.returnFocus.isConnected ? viewer.returnFocus : entryButton(id);
  viewer.returnFocus = null;
  (opener || searchInput).focus();
}

function showProblem(message) {
  const current = frameProblem.textContent;
  if (message === current) return;
  frameProblem.replaceChildren(message ? el("p", { className: "alert alert-error" }, message) : "");
}

function clearFrame() {
  image.hidden = true;
  image.removeAttribute("src");
  if (viewer.objectUrl) URL.revokeObjectURL(viewer.objectUrl);
  viewer.objectUrl = null;
  frameNote.textContent = "";
}

function showFrame(blob, ageSeconds, stale) {
  const previous = viewer.objectUrl;
  viewer.objectUrl = URL.createObjectURL(blob);
  image.src = viewer.objectUrl;
  image.hidden = false;
  if (previous) URL.revokeObjectURL(previous);
  showProblem("");
  frameNote.textContent = stale
    ? t("Last frame {seconds} s old: the camera is not answering right now.", { seconds: ageSeconds })
    : t("Live picture, refreshed every {seconds} s.", { seconds: REFRESH_MS / 1000 });
}

// --- refreshing frames ---------------------------------------------------------------------

function stopFrames() {
  clearTimeout(viewer.timer);
  viewer.timer = null;
  viewer.controller?.abort();
  viewer.controller = null;
}

// Fetch the next frame after `delay` ms, only while the panel is open and the page is seen.
function scheduleFrame(delay) {
  clearTimeout(viewer.timer);
  viewer.timer = null;
  if (viewer.id === null || document.hidden) return;
  viewer.timer = setTimeout(loadFrame, delay);
}

// What one snapshot request gave: a frame, or a problem to tell; and whether to try again.
async function frameOutcome(response) {
  const type = response.headers.get("Content-Type") || "";
  if (response.ok && type.startsWith("image/")) {
    return {
      blob: await response.blob(),
      age: Math.max(0, Math.round(Number(response.headers.get("Age")) || 0)),
      stale: response.headers.get("X-Snapshot-Stale") === "true",
      again: true,
    };
  }
  const body = await response.json().catch(() => null);
  const code = body && body.error ? body.error.code : null;
  if (response.status === 503) {
    return { problem: t("This camera is down: it sends no picture right now. Trying again every few seconds."), again: true };
  }
  if (code === "no_frames") return { problem: t("This camera gives no still pictures."), again: false };
  if (response.status === 404) return { problem: t("This camera is no longer available."), again: false };
  return { problem: t("Could not load the picture: the server answered {status}.", { status: response.status }), again: true };
}

async function loadFrame() {
  viewer.timer = null;
  const known = cameras.get(viewer.id);
  if (!known) return;
  if (!known.camera.snapshot) {
    showProblem(t("This camera gives no still pictures."));
    return;
  }
  const controller = new AbortController();
  viewer.controller = controller;
  const headers = apiToken ? { Authorization: `Bearer ${apiToken}` } : {};
  // A new query each time, so that neither the browser nor a proxy answers from its cache.
  const url = `${known.camera.snapshot}?t=${Date.now()}`;
  let outcome;
  try {
    const response = await fetch(url, { headers, credentials: "same-origin", signal: controller.signal });
    outcome = await frameOutcome(response);
  } catch {
    outcome = { problem: t("Could not reach the server. Trying again…"), again: true };
  }
  if (viewer.controller !== controller) return; // closed, hidden or another camera meanwhile
  viewer.controller = null;
  if (outcome.blob) {
    showFrame(outcome.blob, outcome.age, outcome.stale);
  } else {
    clearFrame();
    showProblem(outcome.problem);
  }
  if (outcome.again) scheduleFrame(REFRESH_MS);
}

// --- wiring --------------------------------------------------------------------------------

closeButton.addEventListener("click", closePanel);
panel.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closePanel();
});
document.addEventListener("visibilitychange", () => {
  if (document.hidden) stopFrames();
  else if (viewer.id !== null) scheduleFrame(0);
});
filters.addEventListener("submit", (event) => event.preventDefault());
searchInput.addEventListener("input", render);
statusFilter.addEventListener("change", render);

const socket = connectLive((first) => {
  if (!first) loadCameras();
});
socket.on("camera.status", statusChanged);

loadCameras().then((list) => {
  if (list.length) {
    map.fitBounds(L.latLngBounds(list.map((camera) => [camera.lat, camera.lon])), { maxZoom: 15, padding: [20, 20] });
  }
});
