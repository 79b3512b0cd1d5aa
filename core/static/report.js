// The report form: category, description, a point on the map, photos; sent once, however often retried.
import { api, apiToken, el, makeMap, newIdempotencyKey, showAlert } from "./common.js";

const MAX_PHOTOS = 3;
const OPTIONAL_TEXT_FIELDS = ["address", "contact_name", "contact_email", "contact_phone"];
// Errors the API gives without naming a field, and the field they are about.
const ERROR_CODE_FIELDS = { unsupported_photo: "photo", photo_too_large: "photo", too_large: "photo" };
const OWN_MESSAGES = {
  category: "Choose what the problem is.",
  description: "Describe the problem in a few words (at least 3 characters).",
  lat: "Tap the map where the problem is, or use your location.",
  lon: "Tap the map where the problem is, or use your location.",
};

const form = document.getElementById("report-form");
const formError = document.getElementById("form-error");
const sendStatus = document.getElementById("send-status");
const submitButton = document.getElementById("submit");
const latInput = form.elements.lat;
const lonInput = form.elements.lon;
const photoInput = form.elements.photo;

// One key per filled form: a retry after a lost answer replays the stored report instead of
// creating a second one. A new key only once the server said the key belongs to other content.
let idempotencyKey = newIdempotencyKey();
let sending = false;

// --- categories ------------------------------------------------------------------------------

async function loadCategories() {
  const select = form.elements.category;
  try {
    const categories = await api("/api/v1/categories");
    const groups = new Map();
    for (const category of categories) {
      const group = category.group || "Other";
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(category);
    }
    const options = [el("option", { value: "" }, "Choose a category…")];
    for (const [group, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      options.push(
        el(
          "optgroup",
          { label: group },
          members.map((category) =>
            el("option", { value: category.code }, `${category.name_id} — ${category.name_en}`),
          ),
        ),
      );
    }
    select.replaceChildren(...options);
  } catch (problem) {
    select.replaceChildren(el("option", { value: "" }, "Categories unavailable"));
    showAlert(formError, `Could not load the categories: ${problem.message} Reload the page to try again.`);
  }
}

// --- location --------------------------------------------------------------------------------

const map = makeMap("report-map");
let marker = null;

function placeMarker(lat, lon) {
  if (marker) marker.setLatLng([lat, lon]);
  else marker = L.marker([lat, lon], { icon: L.divIcon({ className: "pin status-open", iconSize: [22, 22] }) }).addTo(map);
}

function setLocation(lat, lon, pan) {
  latInput.value = lat.toFixed(6);
  lonInput.value = lon.toFixed(6);
  placeMarker(lat, lon);
  if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 16));
  clearFieldError("lat");
  showLikelyDuplicates();
  clearFieldError("lon");
}

map.on("click", (event) => setLocation(event.latlng.lat, event.latlng.lng, false));

for (const input of [latInput, lonInput]) {
  input.addEventListener("change", () => {
    const lat = latInput.valueAsNumber;
    const lon = lonInput.valueAsNumber;
    if (latInput.checkValidity() && lonInput.checkValidity() && !Number.isNaN(lat) && !Number.isNaN(lon)) {
      placeMarker(lat, lon);
      map.panTo([lat, lon]);
    }
  });
}

document.getElementById("use-location").addEventListener("click", (event) => {
  const button = event.currentTarget;
  if (!navigator.geolocation) {
    setFieldError("lat", "This browser cannot tell your location; tap the map instead.");
    return;
  }
  button.disabled = true;
  button.textContent = "Finding you…";
  const done = () => {
    button.disabled = false;
    button.textContent = "Use my location";
  };
  navigator.geolocation.getCurrentPosition(
    (position) => {
      done();
      setLocation(position.coords.latitude, position.coords.longitude, true);
    },
    (error) => {
      done();
      const reason = error.code === error.PERMISSION_DENIED ? "Location access was refused" : "Your location is unknown";
      setFieldError("lat", `${reason}; tap the map where the problem is instead.`);
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
});

// --- errors ----------------------------------------------------------------------------------

function setFieldError(name, message) {
  const box = document.getElementById(`${name}-error`);
  const input = form.elements[name];
  if (!box) return false;
  showAlert(box, message);
  if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
  return true;
}

function clearFieldError(name) {
  setFieldError(name, "");
  const input = form.elements[name];
  if (input && input.removeAttribute) input.removeAttribute("aria-invalid");
}

function clearErrors() {
  showAlert(formError, "");
  for (const box of form.querySelectorAll(".field-error")) clearFieldError(box.id.replace(/-error$/, ""));
}

function focusFirstError() {
  const first = form.querySelector("[aria-invalid='true']");
  if (first) first.focus();
}

// What the browser can tell before sending; the API checks everything again.
function checkLocally() {
  let valid = true;
  for (const input of form.querySelectorAll("input, select, textarea")) {
    if (!input.willValidate || input.checkValidity()) continue;
    setFieldError(input.name, OWN_MESSAGES[input.name] || input.validationMessage);
    valid = false;
  }
  if (photoInput.files.length > MAX_PHOTOS) {
    setFieldError("photo", `At most ${MAX_PHOTOS} photos, please; you chose ${photoInput.files.length}.`);
    valid = false;
  }
  return valid;
}

function showProblem(problem) {
  const unplaced = [];
  const field = ERROR_CODE_FIELDS[problem.code];
  if (problem.fields) {
    for (const [name, messages] of Object.entries(problem.fields)) {
      const text = Array.isArray(messages) ? messages.join(" ") : JSON.stringify(messages);
      if (!setFieldError(name, text)) unplaced.push(`${name}: ${text}`);
    }
  } else if (field) {
    setFieldError(field, problem.message);
  }
  if (!field || unplaced.length) showAlert(formError, [problem.message, ...unplaced].join(" "));
  focusFirstError();
}

photoInput.addEventListener("change", () => {
  clearFieldError("photo");
  if (photoInput.files.length > MAX_PHOTOS) setFieldError("photo", `At most ${MAX_PHOTOS} photos, please.`);
});

// --- likely duplicates ---------------------------------------------------------------------------

const duplicatesSection = document.getElementById("duplicates");
const duplicateList = document.getElementById("duplicate-list");
let duplicatesAsked = "";

// Open reports of the same category a few metres away: the resident can follow one ("me too")
// instead of filing the same problem twice.
async function showLikelyDuplicates() {
  const category = form.elements.category.value;
  if (!category || !latInput.checkValidity() || !lonInput.checkValidity() || !latInput.value || !lonInput.value) return;
  const query = new URLSearchParams({ category, lat: latInput.value, lon: lonInput.value }).toString();
  if (query === duplicatesAsked) return;
  duplicatesAsked = query;
  let found = [];
  try {
    found = await api(`/api/v1/complaints/duplicates?${query}`);
  } catch {
    return; // only a hint: the report can be sent without it
  }
  if (query !== duplicatesAsked) return;
  duplicateList.replaceChildren(
    ...found.map((complaint) =>
      el(
        "li",
        {},
        el("a", { href: `/complaints/${complaint.id}` }, `#${complaint.id} ${complaint.description}`),
        ` — ${Math.round(complaint.distance_m)} m away, ${complaint.status.replace("_", " ")} `,
        apiToken ? meTooButton(complaint) : null,
      ),
    ),
  );
  duplicatesSection.hidden = found.length === 0;
}

// Signed in, "me too" right here: counted on that report, whose news the resident now follows.
function meTooButton(complaint) {
  const button = el("button", { type: "button", "aria-label": `Me too: #${complaint.id}` }, "Me too");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const votes = await api(`/api/v1/complaints/${complaint.id}/votes`, { method: "POST" });
      const others = votes.votes === 1 ? "1 person has" : `${votes.votes} people have`;
      button.replaceWith(el("span", { role: "status" }, `Counted: ${others} this problem too. You follow #${complaint.id} now; no need to send a report of your own.`));
    } catch (problem) {
      button.disabled = false;
      showAlert(formError, problem.message);
    }
  });
  return button;
}

form.elements.category.addEventListener("change", showLikelyDuplicates);
for (const input of [latInput, lonInput]) input.addEventListener("change", showLikelyDuplicates);

// --- sending ---------------------------------------------------------------------------------

function formData() {
  const data = new FormData();
  data.append("category", form.elements.category.value);
  data.append("description", form.elements.description.value.trim());
  data.append("lat", latInput.value);
  data.append("lon", lonInput.value);
  for (const name of OPTIONAL_TEXT_FIELDS) {
    const value = form.elements[name].value.trim();
    if (value) data.append(name, value);
  }
  data.append("privacy", form.elements.privacy.value);
  for (const file of photoInput.files) data.append("photo", file, file.name);
  return data;
}

function setSending(state, label) {
  sending = state;
  submitButton.disabled = state;
  submitButton.textContent = label;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (sending) return;
  clearErrors();
  if (!checkLocally()) {
    showAlert(formError, "Some answers need a look before sending.");
    focusFirstError();
    return;
  }
  setSending(true, "Sending…");
  sendStatus.textContent = "Sending your report…";
  try {
    const complaint = await api("/api/v1/complaints", {
      method: "POST",
      body: formData(),
      headers: { "Idempotency-Key": idempotencyKey },
    });
    sendStatus.textContent = `Report #${complaint.id} received.`;
    window.location.assign(`/complaints/${complaint.id}`);
  } catch (problem) {
    sendStatus.textContent = "";
    if (problem.code === "idempotency_key_reused") {
      // An earlier send of this form arrived before it was changed; sending again files the
      // changed form as a report of its own.
      idempotencyKey = newIdempotencyKey();
      showAlert(formError, "An earlier send of this report already arrived, before you changed it. Press Send to file the changed report as a new one.");
    } else if (problem.status === 0) {
      showAlert(formError, "Could not reach the server. Your report is kept here: press Send again, it will not be filed twice.");
    } else {
      showProblem(problem);
    }
    setSending(false, "Send again");
  }
});

loadCategories();
