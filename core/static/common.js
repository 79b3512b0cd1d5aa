// Shared by smartcity's pages: API calls, safe DOM building, statuses, the live feed, maps.
// API data only ever enters the page as text nodes and attributes, never as markup.

const tokenMeta = document.querySelector('meta[name="api-token"]');
export const apiToken = tokenMeta ? tokenMeta.content : null;
export const pageSettings = JSON.parse(document.getElementById("page-settings").textContent);
const MESSAGES = pageSettings.messages || {};

// The page's language: t("Could not load {what}", { what }) looks the English text up in the
// translations the server handed over, then fills in the {names}.
export function t(text, values = {}) {
  const translated = MESSAGES[text] || text;
  return translated.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// --- the API ---------------------------------------------------------------------------------

export class ApiProblem extends Error {
  constructor(status, code, message, fields = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

// Call the API with the page's token; resolve to the JSON body, or reject with an ApiProblem
// carrying the contract's error shape (status 0: the server was not reached).
export async function api(path, { method = "GET", json, body, headers = {} } = {}) {
  const sent = { Accept: "application/json", ...headers };
  if (apiToken) sent.Authorization = `Bearer ${apiToken}`;
  if (json !== undefined) {
    sent["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, body, headers: sent, credentials: "same-origin" });
  } catch {
    throw new ApiProblem(0, "network", t("Could not reach the server. Check your connection and try again."));
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw problemOf(response.status, data);
  return data;
}

// The contract's error shape as an ApiProblem.
function problemOf(status, data) {
  const error = (data && data.error) || {};
  return new ApiProblem(
    status,
    error.code || `http_${status}`,
    error.message || t("The server answered {status}.", { status }),
    error.fields || null,
  );
}

// api()'s POST with XMLHttpRequest, for fetch cannot tell how much of a request body has gone:
// onProgress(sent, total) as the upload goes (total 0: unknown), onUploaded() once it is all sent.
export function postWithProgress(path, body, { headers = {}, onProgress = () => {}, onUploaded = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("Accept", "application/json");
    if (apiToken) request.setRequestHeader("Authorization", `Bearer ${apiToken}`);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    request.upload.onload = onUploaded;
    request.onerror = () => reject(new ApiProblem(0, "network", t("Could not reach the server. Check your connection and try again.")));
    request.onload = () => {
      let data = null;
      try {
        data = JSON.parse(request.responseText);
      } catch {
        data = null;
      }
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(problemOf(request.status, data));
    };
    request.send(body);
  });
}

let agenciesPromise = null;

// code -> agency, fetched once per page.
export function loadAgencies() {
  agenciesPromise ??= api("/api/v1/agencies")
    .then((list) => new Map(list.map((agency) => [agency.code, agency])))
    .catch(() => new Map());
  return agenciesPromise;
}

export function agencyName(agencies, code) {
  const agency = agencies.get(code);
  return agency ? `${agency.name} (${code})` : code;
}

// A random UUID; crypto.randomUUID exists only in secure contexts (https, localhost).
export function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// --- DOM -------------------------------------------------------------------------------------

// el("a", {href: "/x", className: "y", onclick: f}, "text", childNode): children become text nodes.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// Only same-site paths and http(s) links from the API become links.
export function safeUrl(url) {
  return typeof url === "string" && /^(\/(?!\/)|https?:\/\/)/.test(url) ? url : "#";
}

// A text sent with an action is cleared once the action is done, unless the person typed on
// while it was on its way: that is a new text, not the one sent.
export function clearSent(field, sent) {
  if (field.value === sent) field.value = "";
}

export function showAlert(node, message) {
  node.textContent = message || "";
  node.hidden = !message;
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ""
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// --- complaints ------------------------------------------------------------------------------

const STATUS_GROUPS = {
  open: "open",
  acknowledged: "working",
  in_progress: "working",
  waiting: "working",
  resolved: "done",
  closed: "done",
};

export function statusClass(status) {
  return `status-${STATUS_GROUPS[status] || "other"}`;
}

export function statusText(status) {
  const names = {
    open: t("open"),
    acknowledged: t("acknowledged"),
    in_progress: t("in progress"),
    waiting: t("waiting"),
    resolved: t("resolved"),
    closed: t("closed"),
    rejected: t("rejected"),
  };
  return names[status] || String(status).replaceAll("_", " ");
}

export function statusBadge(status) {
  return el("span", { className: `badge ${statusClass(status)}`, dataset: { status } }, statusText(status));
}

export function categoryText(complaint) {
  const name = complaint.category_name || {};
  if (name.id && name.en && name.id !== name.en) return `${name.id} · ${name.en}`;
  return name.id || name.en || complaint.category;
}

// The lines of a complaint in a list: status and category, description, when and where.
export function summaryNodes(complaint) {
  const where = complaint.address ? ` · ${complaint.address}` : "";
  return [
    el("span", { className: "title" }, statusBadge(complaint.status), " ", categoryText(complaint)),
    el("span", { className: "text" }, complaint.description),
    el("span", { className: "meta" }, `#${complaint.id} · ${formatTime(complaint.created_at)}${where}`),
  ];
}

function eventText(event, agencies) {
  switch (event.kind) {
    case "created":
      return event.to_agency ? t("Reported, routed to {agency}", { agency: agencyName(agencies, event.to_agency) }) : t("Reported");
    case "status":
      return t("Status: {from} → {to}", { from: statusText(event.from_status || "?"), to: statusText(event.to_status || "?") });
    case "forwarded":
      return t("Forwarded from {from} to {to}", { from: agencyName(agencies, event.from_agency), to: agencyName(agencies, event.to_agency) }) + (event.to_unit ? `, ${event.to_unit}` : "");
    case "disposed":
      // Extraction misses a t() nested in another's arguments: each stands alone.
      return event.to_unit ? t("Handed to unit {unit}", { unit: event.to_unit }) : t("Handed to the agency as a whole");
    case "relocated":
      return t("Location corrected");
    case "merged":
      return t("Merged");
    case "rated":
      return event.to_status ? t("Rated, reopened") : t("Rated");
    case "photo":
      return t("After-photo attached");
    case "sla_breached":
      return t("Deadline missed");
    case "escalated":
      return t("Escalated");
    case "note":
      return t("Note");
    case "camera_snapshot":
      return t("Camera frame kept as evidence");
    case "dispatch_offered":
      return t("Offered to a field officer");
    case "dispatch_declined":
      return t("The officer declined");
    case "dispatch_expired":
      return t("The officer did not answer");
    case "dispatch_unanswered":
      return t("No field officer took it");
    case "dispatch_accepted":
      return t("A field officer is on the way");
    case "dispatch_on_site":
      return t("The field officer is on site");
    default:
      return statusText(event.kind);
  }
}

export function historyList(history, agencies) {
  return el(
    "ol",
    { className: "timeline" },
    history.map((event) =>
      el(
        "li",
        { dataset: { kind: event.kind } },
        el("time", { datetime: event.at }, formatTime(event.at)),
        el("span", {}, eventText(event, agencies)),
        event.actor_role && event.actor_role !== "anonymous" ? ` (${event.actor_role})` : "",
        event.note ? el("p", { className: "description" }, event.note) : null,
        event.note && !event.public ? el("span", { className: "internal" }, t("internal")) : null,
      ),
    ),
  );
}

function privacyText(privacy) {
  const texts = {
    public: t("everyone"),
    anonymous: t("everyone; the reporter is not kept"),
    confidential: t("the agency only"),
  };
  return texts[privacy] || privacy || "—";
}

function unitName(agencies, agencyCode, unitCode) {
  const agency = agencies.get(agencyCode);
  const unit = agency && (agency.units || []).find((each) => each.code === unitCode);
  return unit ? unit.name : unitCode;
}

function deadlineText(sla) {
  if (!sla || !sla.expected_at) return "—";
  const paused = sla.paused ? ` (${t("clock stopped while waiting")})` : "";
  const overdue = sla.overdue ? ` — ${t("overdue ({deadline})", { deadline: sla.overdue })}` : "";
  return `${formatTime(sla.expected_at)}${paused}${overdue}`;
}

function photoKind(kind) {
  const kinds = { photo: t("Photo"), before: t("Before-photo"), after: t("After-photo"), camera: t("Camera frame") };
  return kinds[kind] || kinds.photo;
}

// Everything about one complaint, for its page and for the console's detail pane.
export function complaintNodes(complaint, agencies, headingTag = "h1") {
  const routing = complaint.routing || {};
  const reporter = complaint.reporter;
  const facts = [
    ["Status", t("Status"), statusBadge(complaint.status)],
    ["Agency", t("Agency"), agencyName(agencies, complaint.agency) + (complaint.unit ? ` · ${unitName(agencies, complaint.agency, complaint.unit)}` : "")],
    ["Why this agency", t("Why this agency"), el("span", { className: "routing-reason" }, routing.reason || "")],
    ["Reported", t("Reported"), formatTime(complaint.created_at)],
    ["Expected by", t("Expected by"), deadlineText(complaint.sla)],
    ["Visible to", t("Visible to"), privacyText(complaint.privacy)],
    ["Address", t("Address"), complaint.address || "—"],
    ["Location", t("Location"), `${Number(complaint.lat).toFixed(5)}, ${Number(complaint.lon).toFixed(5)}`],
  ];
  if (complaint.asset_id) {
    // The single view names the asset; a list item, or an asset no plugin knows now, shows its id.
    const asset = complaint.asset;
    facts.push(["About", t("About"), asset ? `${asset.name} (${asset.id})` : complaint.asset_id]);
  }
  if (complaint.involved && complaint.involved.length) {
    facts.splice(2, 0, ["Working with", t("Working with"), complaint.involved.map((code) => agencyName(agencies, code)).join(", ")]);
  }
  if (complaint.merged_into) {
    facts.push(["Same problem as", t("Same problem as"), el("a", { href: `/complaints/${complaint.merged_into}` }, `#${complaint.merged_into}`)]);
  }
  if (complaint.rating) facts.push(["Rating", t("Rating"), `${complaint.rating} / 5`]);
  if (reporter) {
    const account = reporter.user_id ? t("account #{id}", { id: reporter.user_id }) : "";
    const contact = [reporter.name, reporter.email, reporter.phone, account].filter(Boolean).join(" · ");
    facts.push(["Reporter", t("Reporter"), contact || t("anonymous, no contact given")]);
  }
  const photos = complaint.photos || [];
  return [
    el(headingTag, { className: "complaint-title" }, categoryText(complaint), ` #${complaint.id}`),
    el(
      "dl",
      {},
      facts.map(([term, label, value]) => [el("dt", {}, label), el("dd", { dataset: { fact: term } }, value)]),
    ),
    el("h2", {}, t("Description")),
    el("p", { className: "description" }, complaint.description),
    photos.length
      ? [
          el("h2", {}, t("Photos")),
          el(
            "ul",
            { className: "photos" },
            photos.map((photo, index) =>
              el(
                "li",
                {},
                el(
                  "a",
                  { href: safeUrl(photo.url), target: "_blank", rel: "noopener" },
                  el("img", {
                    src: safeUrl(photo.thumbnail_url),
                    alt: t("{kind} {number} of report #{id}", { kind: photoKind(photo.kind), number: index + 1, id: complaint.id }),
                    loading: "lazy",
                    width: 120,
                    height: 120,
                  }),
                ),
              ),
            ),
          ),
        ]
      : null,
    camerasNearby(complaint),
    complaint.history ? [el("h2", {}, t("History")), historyList(complaint.history, agencies)] : null,
  ];
}

// The cameras a plugin lists beside the complaint (extra.cctv), with their latest frame.
function camerasNearby(complaint) {
  const cameras = (complaint.extra && complaint.extra.cctv && complaint.extra.cctv.cameras) || [];
  if (!cameras.length) return null;
  return [
    el("h2", {}, t("Cameras nearby")),
    el(
      "ul",
      { className: "cameras-nearby" },
      cameras.map((camera) =>
        el(
          "li",
          { dataset: { camera: camera.id } },
          camera.snapshot
            ? el("img", {
                src: safeUrl(camera.snapshot),
                alt: t("Latest frame of camera {name}", { name: camera.name }),
                loading: "lazy",
                width: 160,
                height: 120,
                onerror: (event) => event.target.remove(),
              })
            : null,
          el("span", { className: "title" }, camera.name),
          el(
            "span",
            { className: "meta" },
            `${Math.round(camera.distance_m)} m${camera.covers ? `, ${t("looks at this spot")}` : ""} · ${statusText(camera.status)}`,
          ),
        ),
      ),
    ),
  ];
}

// --- live feed -------------------------------------------------------------------------------

// Connect Socket.IO as this page's user; onConnect(first) runs on every (re)connection, since
// the server forgets a connection's rooms and the page may have missed events meanwhile.
export function connectLive(onConnect = () => {}) {
  const indicators = document.querySelectorAll("[data-live-indicator]");
  const show = (text, state) => {
    for (const indicator of indicators) {
      indicator.textContent = text;
      indicator.className = `live-indicator ${state}`;
      indicator.dataset.state = state;
    }
  };
  const socket = io({ auth: apiToken ? { token: apiToken } : {} });
  let first = true;
  socket.on("connect", () => {
    show(t("Live"), "live");
    onConnect(first);
    first = false;
  });
  socket.on("disconnect", () => show(t("Offline, reconnecting…"), "offline"));
  socket.on("connect_error", () => show(t("Offline, reconnecting…"), "offline"));
  return socket;
}

// --- maps ------------------------------------------------------------------------------------

export function makeMap(element, options = {}) {
  const settings = pageSettings.map;
  const map = L.map(element, { center: settings.center, zoom: settings.zoom, ...options });
  L.tileLayer(settings.tile_url, { attribution: settings.tile_attribution, maxZoom: 19 }).addTo(map);
  return map;
}

// A cluster of markers takes the colour of its most urgent report: any open one makes it red.
export function clusterIcon(group) {
  const statuses = group.getAllChildMarkers().map((marker) => marker.options.complaintStatus);
  const urgent = ["open", "acknowledged", "resolved"].find((status) =>
    statuses.some((each) => statusClass(each) === statusClass(status)),
  );
  const count = group.getChildCount();
  const size = count < 10 ? 34 : count < 100 ? 40 : 48;
  return L.divIcon({
    html: el("span", {}, count),
    className: `cluster ${statusClass(urgent || "rejected")}`,
    iconSize: [size, size],
  });
}

export function statusIcon(status) {
  return L.divIcon({ className: `pin ${statusClass(status)}`, iconSize: [18, 18] });
}
