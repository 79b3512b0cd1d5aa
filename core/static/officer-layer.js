// The field officers of one agency on a Leaflet map, for the console and the head's dashboard:
// each a square with the officer's initial in the colour of their state, moved by the live feed,
// and, where the page has one, a list that names them.
import { api, el, formatTime, statusText, t } from "./common.js";

const OFFICER_STATES = {
  available: t("available"),
  offered: t("offered a report"),
  en_route: t("on the way"),
  on_site: t("on site"),
  busy: t("busy"),
  off_duty: t("off duty"),
};

// Offers change officers' states in bursts and without officer.updated: one reload for a burst.
const RELOAD_DELAY_MS = 500;
const PIN_SIZE = 24;

function officerStateText(state) {
  return OFFICER_STATES[state] || statusText(state);
}

function officerText(officer) {
  const values = { name: officer.name, state: officerStateText(officer.state) };
  if (!officer.position) return t("Officer {name}: {state}, position unknown", values);
  const text = t("Officer {name}: {state}, position of {time}", { ...values, time: formatTime(officer.position.at) });
  return officer.position_known === false ? [text, t("(old)")].join(" ") : text;
}

function officerIcon(officer) {
  const stale = officer.position_known === false ? " officer-stale" : "";
  return L.divIcon({
    html: el("span", { className: "officer-initial", "aria-hidden": "true" }, (officer.name || "?").trim().charAt(0).toUpperCase()),
    className: `officer-pin officer-${officer.state}${stale}`,
    iconSize: [PIN_SIZE, PIN_SIZE],
  });
}

// Options, all optional:
// - agency: null for one's own agency's officers, an agency's code for that agency's, "" for none;
// - list: an element given one item per officer, its text the marker's; the markers are then
//   pictures, out of the keyboard's way, since the list names every officer to everyone;
// - unavailableStatuses: the API's answers meaning this page has no officers to show (404: no
//   dispatch plugin); on one of them the layer disables itself for good;
// - onChange(officers): after each load and each live change, with every officer known, on the
//   map or not; onDisabled(); onProblem(problem): a load failed otherwise.
export class OfficerLayer {
  constructor(map, { agency = null, list = null, unavailableStatuses = [404], onChange, onDisabled, onProblem } = {}) {
    this.agency = agency;
    this.list = list;
    this.unavailableStatuses = unavailableStatuses;
    this.onChange = onChange || (() => {});
    this.onDisabled = onDisabled || (() => {});
    this.onProblem = onProblem || (() => {});
    this.markers = L.layerGroup().addTo(map);
    this.officers = new Map(); // officer id -> {officer, marker, item}
    this.available = true; // until the server says there is nothing to show
    this.loading = null;
    this.reloadTimer = null;
  }

  // One request at a time: a load asked for while one is under way is that one.
  load() {
    if (!this.loading) {
      const loading = this.fetchAndShow().finally(() => {
        if (this.loading === loading) this.loading = null;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  reloadSoon() {
    if (!this.available || this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.load();
    }, RELOAD_DELAY_MS);
  }

  // Another agency's officers (an admin's choice): the shown ones go at once.
  setAgency(agency) {
    this.agency = agency;
    this.clear();
    this.loading = null; // a load under way is for the agency before; its answer is dropped
    return this.load();
  }

  disable() {
    this.available = false;
    this.clear();
    this.markers.remove();
    this.onDisabled();
  }

  // officer.updated, the officer in full.
  place(officer) {
    if (!this.available || !this.isShown(officer)) return;
    this.show(officer);
    this.changed();
  }

  // officer.position: {officer_id, position}.
  move({ officer_id: id, position }) {
    const known = this.officers.get(id);
    if (known) this.place({ ...known.officer, position, position_known: true });
    else this.reloadSoon(); // an officer not met yet: the list is old
  }

  async fetchAndShow() {
    if (!this.available) return;
    const agency = this.agency;
    let list = [];
    if (agency !== "") {
      try {
        list = await api(agency ? `/api/v1/dispatch/officers?agency=${encodeURIComponent(agency)}` : "/api/v1/dispatch/officers");
      } catch (problem) {
        if (agency !== this.agency) return;
        if (this.unavailableStatuses.includes(problem.status)) this.disable();
        else this.onProblem(problem);
        return;
      }
    }
    if (agency !== this.agency || !this.available) return;
    const listed = new Set(list.map((officer) => officer.officer_id));
    for (const id of this.officers.keys()) {
      if (!listed.has(id)) this.forget(id);
    }
    list.forEach((officer) => this.show(officer));
    this.changed();
  }

  isShown(officer) {
    return this.agency === null || officer.agency === this.agency;
  }

  show(officer) {
    const id = officer.officer_id;
    const known = this.officers.get(id) || {};
    const text = officerText(officer);
    const marker = officer.position ? this.pin(known.marker, officer, text) : null;
    if (known.marker && !marker) this.markers.removeLayer(known.marker);
    let item = known.item || null;
    if (this.list && !item) item = this.list.appendChild(el("li", { dataset: { officer: id } }));
    if (item) item.textContent = text;
    this.officers.set(id, { officer, marker, item });
  }

  pin(marker, officer, text) {
    const at = [officer.position.lat, officer.position.lon];
    if (marker) {
      marker.setLatLng(at);
      marker.setIcon(officerIcon(officer));
    } else {
      marker = L.marker(at, { icon: officerIcon(officer), zIndexOffset: 1000, keyboard: !this.list });
      marker.bindTooltip("");
      this.markers.addLayer(marker);
    }
    marker.setTooltipContent(el("span", {}, text));
    // Leaflet writes a title only on a fresh icon element, and setIcon reuses a divIcon's.
    marker.options.title = text;
    const element = marker.getElement();
    element.title = text;
    Object.assign(element.dataset, { officer: officer.officer_id, state: officer.state });
    return marker;
  }

  forget(id) {
    const { marker, item } = this.officers.get(id);
    if (marker) this.markers.removeLayer(marker);
    if (item) item.remove();
    this.officers.delete(id);
  }

  clear() {
    for (const id of Array.from(this.officers.keys())) this.forget(id);
  }

  changed() {
    this.onChange(Array.from(this.officers.values(), ({ officer }) => officer));
  }
}
