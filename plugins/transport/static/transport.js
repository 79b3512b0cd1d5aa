// The traffic page: the road segments coloured by status on the map, the latest changes (live),
// the cameras along the roads (each segment brings those the visitor may see, when a plugin has
// cameras), and for Dishub staff a form to set a road's status, with the suggestion from the
// complaints and the cameras' tags.
// Relative, so that core's helpers are found wherever the app is mounted (/transport/static/ → /static/).
import { api, apiToken, connectLive, el, formatTime, makeMap, showAlert, t } from "../../static/common.js";
import { roadStatusForm, statusWord } from "./road-status-form.js";

const COLOURS = { lancar: "#1a7f37", padat: "#e0a800", macet: "#c62828", unknown: "#7b8794" };
const mapNode = document.getElementById("road-map");
const errorNode = document.getElementById("transport-error");
const changesNode = document.getElementById("road-changes");
const changesEmpty = document.getElementById("road-changes-empty");
const camerasNode = document.getElementById("road-cameras");
const camerasEmpty = document.getElementById("road-cameras-empty");
const camerasSection = document.getElementById("road-cameras-section");
const formNode = document.getElementById("road-status-form");

const map = makeMap(mapNode);
const roadsLayer = L.featureGroup().addTo(map);
const camerasLayer = L.layerGroup().addTo(map);
const segments = new Map(); // id -> { segment, layer }
const expiryTimers = new Map(); // id -> timeout turning a stale status unknown
let fitted = false;

function lineStyle(status) {
  return { className: "road-line", color: COLOURS[status] || COLOURS.unknown, weight: 6, opacity: 0.9, dashArray: status in COLOURS && status !== "unknown" ? null : "6 8" };
}

// GeoJSON's [lon, lat] pairs as Leaflet's [lat, lon], one array per line.
function latLngLines(geometry) {
  const lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
  return lines.map((line) => line.map(([lon, lat]) => [lat, lon]));
}

function tooltipText(segment) {
  return `${segment.name}: ${statusWord(segment.status)}`;
}

function draw(segment) {
  const known = segments.get(segment.id);
  if (known) {
    known.layer.setStyle(lineStyle(segment.status));
    known.layer.setTooltipContent(tooltipText(segment));
    known.segment = segment;
  } else {
    const layer = L.polyline(latLngLines(segment.geometry), lineStyle(segment.status));
    layer.bindTooltip(tooltipText(segment));
    layer.on("click", () => chooseInForm(segment.id));
    layer.addTo(roadsLayer);
    segments.set(segment.id, { segment, layer });
  }
  scheduleExpiry(segment);
}

// A status reads unknown once stale: the page greys it at that moment, without asking.
function scheduleExpiry(segment) {
  clearTimeout(expiryTimers.get(segment.id));
  if (!segment.status_expires_at) return;
  const wait = Date.parse(segment.status_expires_at) - Date.now();
  if (wait > 2 ** 31 - 1) return;
  expiryTimers.set(segment.id, setTimeout(() => {
    draw({ ...segment, status: "unknown", status_source: null, status_expires_at: null });
  }, Math.max(0, wait)));
}

function changeItem(segment) {
  const sourceText = segment.status_source === "suggested" ? t("confirmed from complaints") : t("set by Dishub");
  return el(
    "li",
    { className: "road-change", dataset: { segmentId: segment.id } },
    el("div", {}, el("span", { className: "road-key road-" + segment.status, "aria-hidden": "true" }), " ",
      el("span", { className: "road-word road-" + segment.status }, statusWord(segment.status)), " · ", segment.name),
    el("div", { className: "meta" }, formatTime(segment.status_set_at), segment.status !== "unknown" ? ` · ${sourceText}` : ""),
  );
}

function showChanges() {
  const changed = [...segments.values()]
    .map((entry) => entry.segment)
    .filter((segment) => segment.status_set_at)
    .sort((a, b) => Date.parse(b.status_set_at) - Date.parse(a.status_set_at));
  changesNode.replaceChildren(...changed.map(changeItem));
  changesEmpty.hidden = changed.length > 0;
}

function chooseInForm(segmentId) {
  if (form) form.choose(segmentId);
}

async function loadSegments() {
  try {
    const { segments: found } = await api("/api/v1/transport/segments");
    found.forEach(draw);
    showChanges();
    if (form) form.fill(found);
    if (!fitted && roadsLayer.getLayers().length) {
      map.fitBounds(roadsLayer.getBounds(), { padding: [16, 16] });
      fitted = true;
    }
    showAlert(errorNode, "");
    showCameras(found);
  } catch (problem) {
    showAlert(errorNode, t("Could not load the roads: {message}", { message: problem.message }));
  }
}

// The segments list the cameras along them (a live change does not: it goes to everyone). A
// camera along two roads is listed once, with the nearer. Without a camera plugin the page has
// no cameras section.
function showCameras(found) {
  const nearest = new Map(); // camera id -> { camera, road }
  for (const segment of found) {
    for (const camera of segment.cameras || []) {
      const known = nearest.get(camera.id);
      if (!known || camera.distance_m < known.camera.distance_m) nearest.set(camera.id, { camera, road: segment });
    }
  }
  if (!camerasSection) return;
  const along = [...nearest.values()].sort((a, b) => a.camera.name.localeCompare(b.camera.name));
  const items = along.map(cameraItem);
  camerasNode.replaceChildren(...items.map((item) => el("li", {}, item)));
  camerasLayer.clearLayers();
  along.forEach(({ camera }, index) => {
    L.circleMarker([camera.lat, camera.lon], { radius: 5, color: "#1f4e9c", fillOpacity: 0.8, className: "road-camera" })
      .bindTooltip(camera.name)
      .on("click", () => openCamera(items[index]))
      .addTo(camerasLayer);
  });
  camerasEmpty.hidden = along.length > 0;
}

// A camera's item opens on its latest picture, asked for only then: a list of cameras opened
// all at once would ask every camera for a frame.
function cameraItem({ camera, road }) {
  const picture = el("div", { className: "road-camera-picture" });
  const item = el(
    "details",
    { className: "road-camera-item", dataset: { camera: camera.id } },
    el("summary", {}, camera.name, ` · ${road.name}`, camera.tags.length ? ` (${camera.tags.join(", ")})` : ""),
    picture,
  );
  item.addEventListener("toggle", () => {
    if (item.open) showPicture(camera, picture);
    else picture.replaceChildren();
  });
  return item;
}

function openCamera(item) {
  item.open = true;
  item.scrollIntoView({ block: "nearest" });
}

async function showPicture(camera, picture) {
  const allCameras = el("a", { href: "/cameras" }, t("All cameras"));
  if (!camera.snapshot) {
    picture.replaceChildren(el("p", { className: "hint" }, t("This camera gives no still pictures."), " ", allCameras));
    return;
  }
  const note = el("p", { className: "hint", role: "status" }, t("Loading the latest picture…"));
  picture.replaceChildren(note);
  const headers = apiToken ? { Authorization: `Bearer ${apiToken}` } : {};
  let problem = null;
  try {
    // A new query each time, so that neither the browser nor a proxy answers from its cache.
    const response = await fetch(`${camera.snapshot}?t=${Date.now()}`, { headers, credentials: "same-origin" });
    if (response.ok && (response.headers.get("Content-Type") || "").startsWith("image/")) {
      const frame = await response.blob();
      if (picture.firstChild !== note) return; // closed, or opened again, meanwhile
      const image = el("img", { src: URL.createObjectURL(frame), alt: t("Latest picture from {name}", { name: camera.name }) });
      image.addEventListener("load", () => URL.revokeObjectURL(image.src), { once: true });
      picture.replaceChildren(image, el("p", { className: "hint" }, allCameras));
      return;
    }
    problem = t("No picture from this camera right now.");
  } catch {
    problem = t("Could not reach the server. Check your connection and try again.");
  }
  if (picture.firstChild === note) picture.replaceChildren(el("p", { className: "hint" }, problem, " ", allCameras));
}

function received(segment) {
  draw(segment);
  showChanges();
}

const form = formNode ? roadStatusForm(formNode, { onSaved: received }) : null;

loadSegments();
// After a lost connection the page may have missed changes: ask again.
const socket = connectLive((first) => (first ? null : loadSegments()));
socket.on("transport.segment", received);
