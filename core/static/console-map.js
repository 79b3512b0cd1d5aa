// The console's map: the queue's reports in their status colours, and the agency's field
// officers where they are, moved by the live feed.
import { api, categoryText, clusterIcon, el, formatTime, makeMap, statusClass, statusText, t } from "./common.js";

const SELECTED_SIZE = 26;
const PIN_SIZE = 18;

function complaintIcon(status, selected) {
  const size = selected ? SELECTED_SIZE : PIN_SIZE;
  return L.divIcon({
    className: `pin ${statusClass(status)}${selected ? " pin-selected" : ""}`,
    iconSize: [size, size],
  });
}

// Leaflet writes a marker's title only on a fresh icon element, and setIcon reuses a divIcon's.
function retitle(marker, title) {
  marker.options.title = title;
  const element = marker.getElement();
  if (element) element.title = title;
}

function complaintTitle(complaint) {
  return t("Report #{id}: {category} ({status})", {
    id: complaint.id,
    category: categoryText(complaint),
    status: statusText(complaint.status),
  });
}


// The reports on the map; onSelect(id) when one is clicked (or Enter on a focused marker).
export class QueueMap {
  constructor(element, onSelect) {
    this.map = makeMap(element);
    this.onSelect = onSelect;
    this.cluster = L.markerClusterGroup({
      iconCreateFunction: clusterIcon,
      showCoverageOnHover: false,
      maxClusterRadius: 40,
    });
    this.map.addLayer(this.cluster);
    this.markers = new Map(); // complaint id -> marker
    this.selectedId = null;
  }

  // Place or refresh a report's marker; only `shown` ones are on the map.
  show(complaint, shown) {
    let marker = this.markers.get(complaint.id);
    const changed = Boolean(marker) && marker.options.complaint !== complaint;
    if (!marker) {
      marker = L.marker([complaint.lat, complaint.lon], {
        icon: complaintIcon(complaint.status, complaint.id === this.selectedId),
        complaintStatus: complaint.status,
        title: complaintTitle(complaint),
      });
      marker.on("click", () => this.onSelect(complaint.id));
      marker.on("keypress", (event) => {
        if (event.originalEvent.key === "Enter") this.onSelect(complaint.id);
      });
      this.markers.set(complaint.id, marker);
    } else if (changed) {
      marker.options.complaintStatus = complaint.status;
      marker.setLatLng([complaint.lat, complaint.lon]);
      marker.setIcon(complaintIcon(complaint.status, complaint.id === this.selectedId));
      retitle(marker, complaintTitle(complaint));
    }
    marker.options.complaint = complaint;
    const onMap = this.cluster.hasLayer(marker);
    if (shown && !onMap) this.cluster.addLayer(marker);
    else if (!shown && onMap) this.cluster.removeLayer(marker);
    else if (onMap && changed) this.cluster.refreshClusters(marker);
  }

  // Mark the selected report and bring it into view, out of its cluster if need be.
  select(id) {
    const previous = this.markers.get(this.selectedId);
    this.selectedId = id;
    if (previous) previous.setIcon(complaintIcon(previous.options.complaintStatus, false));
    const marker = this.markers.get(id);
    if (!marker) return;
    marker.setIcon(complaintIcon(marker.options.complaintStatus, true));
    if (this.cluster.hasLayer(marker) && this.visible()) {
      this.cluster.zoomToShowLayer(marker, () => {
        if (!this.map.getBounds().contains(marker.getLatLng())) this.map.panTo(marker.getLatLng());
      });
    }
  }

  fit() {
    const points = Array.from(this.markers.values())
      .filter((marker) => this.cluster.hasLayer(marker))
      .map((marker) => marker.getLatLng());
    if (points.length) this.map.fitBounds(L.latLngBounds(points), { maxZoom: 15, padding: [24, 24] });
  }

  visible() {
    return this.map.getContainer().offsetWidth > 0;
  }

  // After the map's box changed size (a collapsed map opened again).
  resize() {
    this.map.invalidateSize();
  }
}

const OFFICER_STATES = {
  available: t("available"),
  offered: t("offered a report"),
  en_route: t("on the way"),
  on_site: t("on site"),
  busy: t("busy"),
  off_duty: t("off duty"),
};

function officerStateText(state) {
  return OFFICER_STATES[state] || statusText(state);
}

function officerText(officer) {
  const values = { name: officer.name, state: officerStateText(officer.state) };
  const text = officer.position
    ? t("Officer {name}: {state}, position of {time}", { ...values, time: formatTime(officer.position.at) })
    : t("Officer {name}: {state}", values);
  return officer.position_known === false ? [text, t("(old)")].join(" ") : text;
}

function officerIcon(officer) {
  const stale = officer.position_known === false ? " officer-stale" : "";
  return L.divIcon({
    html: el("span", { className: "officer-initial", "aria-hidden": "true" }, (officer.name || "?").trim().charAt(0).toUpperCase()),
    className: `officer-pin officer-${officer.state}${stale}`,
    iconSize: [24, 24],
  });
}

// The agency's officers, when the dispatch plugin answers; without it the layer stays hidden.
export class OfficerLayer {
  constructor(queueMap, { legend, count }) {
    this.map = queueMap.map;
    this.layer = L.layerGroup();
    this.legend = legend;
    this.count = count;
    this.officers = new Map(); // officer id -> {officer, marker}
    this.available = true; // until the server says there is no dispatch plugin
    this.reloadTimer = null;
  }

  async load() {
    if (!this.available) return;
    let list;
    try {
      list = await api("/api/v1/dispatch/officers");
    } catch (problem) {
      // 404: no dispatch plugin; 400/403: no agency of one's own (an admin). Either way, no layer.
      if ([400, 403, 404].includes(problem.status)) this.disable();
      return;
    }
    const listed = new Set(list.map((officer) => officer.officer_id));
    for (const [id, { marker }] of this.officers) {
      if (!listed.has(id)) {
        this.layer.removeLayer(marker);
        this.officers.delete(id);
      }
    }
    list.forEach((officer) => this.place(officer));
    this.layer.addTo(this.map);
    this.legend.hidden = false;
    this.updateCount();
  }

  // Reload soon, once for a burst of events (states changed by offers come without officer.updated).
  reloadSoon() {
    if (!this.available || this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.load();
    }, 500);
  }

  disable() {
    this.available = false;
    this.layer.remove();
    this.legend.hidden = true;
    this.count.textContent = "";
  }

  // officer.updated, or a row of the list: the officer in full.
  place(officer) {
    if (!this.available) return;
    const known = this.officers.get(officer.officer_id);
    if (!officer.position) {
      if (known) this.layer.removeLayer(known.marker);
      this.officers.set(officer.officer_id, { officer, marker: null });
      this.updateCount();
      return;
    }
    const at = [officer.position.lat, officer.position.lon];
    let marker = known && known.marker;
    if (marker) {
      marker.setLatLng(at);
      marker.setIcon(officerIcon(officer));
      retitle(marker, officerText(officer));
    } else {
      marker = L.marker(at, { icon: officerIcon(officer), title: officerText(officer), zIndexOffset: 1000 });
      marker.bindTooltip(el("span", {}, officerText(officer)));
      this.layer.addLayer(marker);
    }
    marker.setTooltipContent(el("span", {}, officerText(officer)));
    this.officers.set(officer.officer_id, { officer, marker });
    this.updateCount();
  }

  // officer.position: {officer_id, position}.
  move({ officer_id: id, position }) {
    const known = this.officers.get(id);
    if (!known) {
      this.reloadSoon(); // an officer the console has not met yet
      return;
    }
    this.place({ ...known.officer, position, position_known: true });
  }

  updateCount() {
    const onMap = Array.from(this.officers.values()).filter(({ marker }) => marker).length;
    const officers = onMap === 1 ? t("1 field officer") : t("{count} field officers", { count: onMap });
    this.count.textContent = ` · ${officers}`;
  }
}
