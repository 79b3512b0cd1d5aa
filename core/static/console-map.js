// The console's map: the queue's reports in their status colours, and the agency's field
// officers where they are, moved by the live feed.
import { categoryText, clusterIcon, makeMap, statusClass, statusText, t } from "./common.js";
import { OfficerLayer as AgencyOfficerLayer } from "./officer-layer.js";

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

// console.js's officers: the agency's own on the queue's map (officer-layer.js), counted in the
// map's heading. Without the dispatch plugin (404), or without an agency of one's own (400, 403:
// an admin), the layer, its key and its count stay hidden.
export class OfficerLayer extends AgencyOfficerLayer {
  constructor(queueMap, { legend, count }) {
    super(queueMap.map, {
      unavailableStatuses: [400, 403, 404],
      onChange: (officers) => {
        const onMap = officers.filter((officer) => officer.position).length;
        legend.hidden = false;
        count.textContent = ` · ${onMap === 1 ? t("1 field officer") : t("{count} field officers", { count: onMap })}`;
      },
      onDisabled: () => {
        legend.hidden = true;
        count.textContent = "";
      },
    });
  }
}
