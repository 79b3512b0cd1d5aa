// The garbage hot spots page: a week's hot spots as circles on the map (the more complaints, the
// bigger) and as a ranked table; picking another week asks the API again, without a reload.
// Relative, so that core's helpers are found wherever the app is mounted (/sanitation/static/ → /static/).
import { api, el, makeMap, showAlert, t } from "../../static/common.js";

const mapNode = document.getElementById("hot-spot-map");
const form = document.getElementById("hot-spot-form");
const weekInput = document.getElementById("hot-spot-week");
const windowNode = document.getElementById("hot-spot-window");
const table = document.getElementById("hot-spot-table");
const rowsNode = document.getElementById("hot-spot-rows");
const errorNode = document.getElementById("hot-spots-error");
const emptyNode = document.getElementById("hot-spots-empty");

const map = makeMap(mapNode);
const layers = L.featureGroup().addTo(map);
const circles = new Map(); // area code -> its circle
let latestRequest = 0; // only the answer to the latest question is drawn

// --- words ---------------------------------------------------------------------------------

function areaName(spot) {
  if (spot.area.name) return spot.area.name;
  return t("Around {lat}, {lon}", { lat: spot.lat.toFixed(4), lon: spot.lon.toFixed(4) });
}

function areaNote(spot, cellSize) {
  if (spot.area.kind === "cell") return t("a square of about {metres} m, in no known district", { metres: Math.round(cellSize) });
  return spot.area.code;
}

function complaintsText(count) {
  return count === 1 ? t("1 complaint") : t("{count} complaints", { count });
}

function changeText(spot) {
  if (spot.change > 0) return t("up {change} from {previous}", { change: spot.change, previous: spot.previous_count });
  if (spot.change < 0) return t("down {change} from {previous}", { change: -spot.change, previous: spot.previous_count });
  return t("as many as before ({previous})", { previous: spot.previous_count });
}

function trend(spot) {
  return spot.change > 0 ? "rising" : "steady";
}

// The window's days in the city's calendar: its time zone, the page's language.
function windowText(window, count) {
  const options = { timeZone: window.timezone, dateStyle: "medium" };
  const language = document.documentElement.lang || undefined;
  const first = new Date(window.since).toLocaleDateString(language, options);
  const last = new Date(Date.parse(window.until) - 1).toLocaleDateString(language, options);
  const spots = count === 1 ? t("1 hot spot") : t("{count} hot spots", { count });
  return t("Week {week}, {first} – {last}: {spots}.", { week: window.week, first, last, spots });
}

// --- the map -------------------------------------------------------------------------------

// Pixels; the circle's area, not its radius, grows with the count.
function radiusFor(count) {
  return 6 + 5 * Math.sqrt(count);
}

function popupNode(spot) {
  return el(
    "div",
    { className: "hot-spot-popup" },
    el("strong", { className: "popup-title" }, areaName(spot)),
    el("span", {}, complaintsText(spot.count)),
    el("span", {}, changeText(spot)),
  );
}

function drawMap(spots) {
  layers.clearLayers();
  circles.clear();
  for (const spot of spots) {
    if (spot.area.bounds) {
      layers.addLayer(L.rectangle(spot.area.bounds, { className: "hot-spot-cell", interactive: false }));
    }
    const circle = L.circleMarker([spot.lat, spot.lon], {
      radius: radiusFor(spot.count),
      className: `hot-spot-circle hot-spot-${trend(spot)}`,
      weight: 2,
      fillOpacity: 0.45,
    });
    circle.bindPopup(popupNode(spot));
    layers.addLayer(circle);
    circles.set(spot.area.code, circle);
  }
  if (spots.length) map.fitBounds(layers.getBounds(), { padding: [30, 30], maxZoom: 15 });
}

function showOnMap(code) {
  const circle = circles.get(code);
  if (!circle) return;
  mapNode.scrollIntoView({ block: "nearest" });
  map.setView(circle.getLatLng(), Math.max(map.getZoom(), 15));
  circle.openPopup();
}

// --- the table -----------------------------------------------------------------------------

function row(spot, cellSize) {
  return el(
    "tr",
    { dataset: { area: spot.area.code, trend: trend(spot) } },
    el("td", { className: "rank" }, String(spot.rank)),
    el(
      "th",
      { scope: "row" },
      el(
        "button",
        {
          type: "button",
          className: "link-button",
          title: t("Show on the map"),
          onclick: () => showOnMap(spot.area.code),
        },
        areaName(spot),
      ),
      el("span", { className: "area-note" }, areaNote(spot, cellSize)),
    ),
    el("td", { className: "number count" }, String(spot.count)),
    el(
      "td",
      { className: "number change", title: changeText(spot) },
      el("span", { className: `delta hot-spot-${trend(spot)}-text` }, signed(spot.change)),
      " ",
      el("span", { className: "before" }, t("from {previous}", { previous: spot.previous_count })),
    ),
  );
}

// +3, −2 (a minus sign), ±0: the change at a glance, its direction in words in the title.
function signed(change) {
  if (change > 0) return `+${change}`;
  if (change < 0) return `\u2212${-change}`;
  return "\u00b10";
}

function drawTable(answer) {
  rowsNode.replaceChildren(...answer.hot_spots.map((spot) => row(spot, answer.cell_size_m)));
  windowNode.textContent = windowText(answer.window, answer.hot_spots.length);
  emptyNode.textContent = t("No area had {count} or more complaints in this week.", { count: answer.min_complaints });
  emptyNode.hidden = answer.hot_spots.length > 0;
}

// --- loading -------------------------------------------------------------------------------

async function load(week) {
  const asked = ++latestRequest;
  table.setAttribute("aria-busy", "true");
  let answer;
  try {
    answer = await api(`/api/v1/sanitation/hot-spots?week=${encodeURIComponent(week)}`);
  } catch (problem) {
    if (asked !== latestRequest) return;
    table.removeAttribute("aria-busy");
    showAlert(errorNode, t("Could not load the hot spots: {problem}", { problem: problem.message }));
    return;
  }
  if (asked !== latestRequest) return;
  table.removeAttribute("aria-busy");
  showAlert(errorNode, "");
  drawTable(answer);
  drawMap(answer.hot_spots);
}

function chooseWeek() {
  if (!weekInput.reportValidity()) return;
  const week = weekInput.value;
  history.replaceState(null, "", `?week=${encodeURIComponent(week)}`);
  load(week);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  chooseWeek();
});
weekInput.addEventListener("change", () => {
  if (weekInput.checkValidity()) chooseWeek();
});

load(weekInput.value);
