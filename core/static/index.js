// The home page: public reports on a clustered map and in a feed, kept current by the live feed.
import {
  api,
  categoryText,
  clusterIcon,
  connectLive,
  el,
  makeMap,
  showAlert,
  statusBadge,
  statusIcon,
  summaryNodes,
  t,
} from "./common.js";

const feed = document.getElementById("feed");
const feedError = document.getElementById("feed-error");
const feedEmpty = document.getElementById("feed-empty");
const moreButton = document.getElementById("feed-more");
const filtersForm = document.getElementById("feed-filters");
const categorySelect = document.getElementById("filter-category");
const statusSelect = document.getElementById("filter-status");
const districtSelect = document.getElementById("filter-district");

const map = makeMap("map");
const cluster = L.markerClusterGroup({
  iconCreateFunction: clusterIcon,
  showCoverageOnHover: false,
  maxClusterRadius: 50,
});
map.addLayer(cluster);

const shown = new Map(); // complaint id -> {item, marker}
let nextCursor = null;


function popup(complaint) {
  return el(
    "div",
    {},
    el("a", { className: "popup-title", href: `/complaints/${complaint.id}` }, categoryText(complaint)),
    statusBadge(complaint.status),
    el("p", {}, complaint.description),
  );
}

function feedItem(complaint) {
  return el(
    "li",
    { dataset: { id: complaint.id } },
    el("a", { className: "feed-item", href: `/complaints/${complaint.id}` }, summaryNodes(complaint)),
  );
}

// Add a complaint or refresh it in place; the feed stays newest first.
function show(complaint) {
  const known = shown.get(complaint.id);
  const item = feedItem(complaint);
  if (known) {
    known.item.replaceWith(item);
    known.marker.options.complaintStatus = complaint.status;
    known.marker.setIcon(statusIcon(complaint.status));
    known.marker.setLatLng([complaint.lat, complaint.lon]);
    known.marker.setPopupContent(popup(complaint));
    cluster.refreshClusters(known.marker);
    known.item = item;
    return;
  }
  const older = Array.from(feed.children).find((node) => Number(node.dataset.id) < complaint.id);
  feed.insertBefore(item, older || null);
  const marker = L.marker([complaint.lat, complaint.lon], {
    icon: statusIcon(complaint.status),
    complaintStatus: complaint.status,
    title: categoryText(complaint),
  }).bindPopup(popup(complaint));
  cluster.addLayer(marker);
  shown.set(complaint.id, { item, marker });
  feedEmpty.hidden = true;
}

// --- filters: what the feed and the map show; live arrivals are held to them too ------------

let areaCodes = ""; // the chosen area and every area inside it, comma-separated

function filters() {
  return { category: categorySelect.value, status: statusSelect.value, district: areaCodes };
}

function matches(complaint) {
  const chosen = filters();
  if (chosen.category && complaint.category !== chosen.category) return false;
  if (chosen.status && !chosen.status.split(",").includes(complaint.status)) return false;
  const district = complaint.routing && complaint.routing.district;
  return !chosen.district || chosen.district.split(",").includes(district);
}

function clear() {
  for (const { item, marker } of shown.values()) {
    item.remove();
    cluster.removeLayer(marker);
  }
  shown.clear();
}

async function fillFilters() {
  const categories = await api("/api/v1/categories").catch(() => []);
  for (const category of categories) {
    categorySelect.append(el("option", { value: category.code }, categoryText({ category: category.code, category_name: { id: category.name_id, en: category.name_en } })));
  }
  // Areas come from the routing plugin; without it there is no area filter.
  const areas = await api("/api/v1/routing/districts?level=city").catch(() => []);
  for (const area of areas) districtSelect.append(el("option", { value: area.code }, area.name));
  document.getElementById("filter-district-field").hidden = areas.length === 0;
}

filtersForm.addEventListener("change", async () => {
  const area = districtSelect.value;
  areaCodes = area
    ? (await api(`/api/v1/routing/districts?within=${encodeURIComponent(area)}`)).map((each) => each.code).join(",")
    : "";
  clear();
  loadPage(null);
});
filtersForm.addEventListener("submit", (event) => event.preventDefault());

async function loadPage(cursor) {
  const query = new URLSearchParams({ limit: "100" });
  for (const [name, value] of Object.entries(filters())) if (value) query.set(name, value);
  if (cursor) query.set("cursor", cursor);
  try {
    const page = await api(`/api/v1/complaints?${query}`);
    page.items.forEach(show);
    nextCursor = page.next_cursor;
    moreButton.hidden = !nextCursor;
    feedEmpty.hidden = shown.size > 0;
    showAlert(feedError, "");
    return page.items;
  } catch (problem) {
    showAlert(feedError, t("Could not load reports: {problem}", { problem: problem.message }));
    return [];
  }
}

moreButton.addEventListener("click", () => loadPage(nextCursor));

const socket = connectLive((first) => {
  if (!first) loadPage(null);
});
for (const event of ["complaint.created", "complaint.updated", "complaint.forwarded"]) {
  socket.on(event, (complaint) => {
    if (matches(complaint)) show(complaint);
    else if (shown.has(complaint.id)) {
      const { item, marker } = shown.get(complaint.id);
      item.remove();
      cluster.removeLayer(marker);
      shown.delete(complaint.id);
    }
  });
}

fillFilters();
loadPage(null).then((items) => {
  if (items.length) {
    map.fitBounds(L.latLngBounds(items.map((each) => [each.lat, each.lon])), { maxZoom: 15, padding: [20, 20] });
  }
});
