// The report form: category and its questions, description, a point on the map, photos; sent once,
// however often retried.
import { api, apiToken, el, loadAgencies, makeMap, newIdempotencyKey, postWithProgress, showAlert, statusText, t } from "./common.js";

const MAX_PHOTOS = 3;
// Phone photos are several megabytes; this size is plenty for a crew to see the problem.
const LONGEST_SIDE = 1600;
const SMALL_ENOUGH_BYTES = 1.5 * 1024 * 1024;
const JPEG_QUALITY = 0.85;
const OPTIONAL_TEXT_FIELDS = ["address", "contact_name", "contact_email", "contact_phone"];
// Errors the API gives without naming a field, and the field they are about.
const ERROR_CODE_FIELDS = {
  unsupported_photo: "photo",
  corrupt_photo: "photo",
  photo_too_large: "photo",
  too_large: "photo",
};
const OWN_MESSAGES = {
  category: t("Choose what the problem is."),
  description: t("Describe the problem in a few words (at least 3 characters)."),
  lat: t("Tap the map where the problem is, or use your location."),
  lon: t("Tap the map where the problem is, or use your location."),
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

const categories = new Map();

async function loadCategories() {
  const select = form.elements.category;
  try {
    const [list, agencies] = await Promise.all([api("/api/v1/categories"), loadAgencies()]);
    const groups = new Map();
    for (const category of list) {
      categories.set(category.code, category);
      const agency = agencies.get(category.agency);
      const label = agency ? agency.name : category.agency;
      if (!groups.has(label)) groups.set(label, []);
      groups.get(label).push(category);
    }
    const options = [el("option", { value: "" }, t("Choose a category…"))];
    for (const [label, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      options.push(
        el(
          "optgroup",
          { label },
          members.map((category) =>
            el("option", { value: category.code }, `${category.name_id} — ${category.name_en}`),
          ),
        ),
      );
    }
    select.replaceChildren(...options);
  } catch (problem) {
    select.replaceChildren(el("option", { value: "" }, t("Categories unavailable")));
    showAlert(formError, t("Could not load the categories: {problem} Reload the page to try again.", { problem: problem.message }));
  }
}

// --- the category's extra questions ----------------------------------------------------------

const attributesBox = document.getElementById("attributes");
const INPUT_TYPES = { number: "number", datetime: "datetime-local", string: "text" };

function chosenCategory() {
  return categories.get(form.elements.category.value) || null;
}

// A question's choices are {key, name} objects or plain values.
function choices(spec) {
  return (spec.values || []).map((item) =>
    item !== null && typeof item === "object" ? { key: item.key, name: item.name ?? String(item.key) } : { key: item, name: String(item) },
  );
}

function questionLabel(spec, forId) {
  return el(
    forId ? "label" : "legend",
    forId ? { for: forId } : {},
    spec.label || spec.code,
    spec.required ? el("span", { className: "required" }, ` ${t("(required)")}`) : null,
  );
}

function questionField(spec) {
  const name = `attributes.${spec.code}`;
  const id = `attribute-${spec.code}`;
  const errorBox = el("p", { className: "field-error", id: `${name}-error`, hidden: true });
  const described = `${name}-error`;
  if (spec.datatype === "multivaluelist") {
    return el(
      "fieldset",
      { className: "field", name, "aria-describedby": described, dataset: { question: spec.code } },
      questionLabel(spec, null),
      choices(spec).map((choice, index) =>
        el(
          "div",
          { className: "checkbox" },
          el("input", { id: `${id}-${index}`, type: "checkbox", value: String(choice.key) }),
          el("label", { for: `${id}-${index}` }, choice.name),
        ),
      ),
      errorBox,
    );
  }
  let control;
  if (spec.datatype === "singlevaluelist") {
    control = el(
      "select",
      { id, name, required: spec.required, "aria-describedby": described },
      el("option", { value: "" }, spec.required ? t("Choose one…") : t("(no answer)")),
      choices(spec).map((choice) => el("option", { value: String(choice.key) }, choice.name)),
    );
  } else if (spec.datatype === "text") {
    control = el("textarea", { id, name, rows: 3, required: spec.required, "aria-describedby": described });
  } else {
    const type = INPUT_TYPES[spec.datatype] || "text";
    control = el("input", { id, name, type, step: type === "number" ? "any" : null, required: spec.required, "aria-describedby": described });
  }
  return el("div", { className: "field", dataset: { question: spec.code } }, questionLabel(spec, id), control, errorBox);
}

// --- a line to call at once -------------------------------------------------------------------

const callNowBox = document.getElementById("call-now");
const callNowLink = document.getElementById("call-now-link");

// An emergency category names a line to call (the police's): shown the moment it is chosen,
// before a word of the report is written, and still there once the report is filed.
function showCallNow() {
  const category = chosenCategory();
  const line = category && category.call_now;
  callNowBox.hidden = !line;
  if (!line) return;
  callNowLink.href = `tel:${line.number.replace(/[\s-]/g, "")}`;
  callNowLink.textContent = line.label || t("Call {number} now", { number: line.number });
}

function showQuestions() {
  const category = chosenCategory();
  const questions = (category && category.attributes) || [];
  attributesBox.replaceChildren(...questions.map(questionField));
}

function answer(spec) {
  const name = `attributes.${spec.code}`;
  const byText = new Map(choices(spec).map((choice) => [String(choice.key), choice.key]));
  if (spec.datatype === "multivaluelist") {
    const fieldset = form.elements[name];
    const checked = [...fieldset.querySelectorAll("input:checked")].map((box) => byText.get(box.value));
    return checked.length ? checked : undefined;
  }
  const control = form.elements[name];
  if (spec.datatype === "number") return Number.isNaN(control.valueAsNumber) ? undefined : control.valueAsNumber;
  const value = control.value.trim();
  if (!value) return undefined;
  if (spec.datatype === "singlevaluelist") return byText.get(value);
  // datetime-local is the resident's wall clock; the API wants a moment.
  if (spec.datatype === "datetime") return new Date(value).toISOString();
  return value;
}

function answers() {
  const category = chosenCategory();
  const found = {};
  for (const spec of (category && category.attributes) || []) {
    const value = answer(spec);
    if (value !== undefined) found[spec.code] = value;
  }
  return found;
}

// Checkbox groups have no "required" of their own in HTML.
function checkRequiredChoices() {
  let valid = true;
  const category = chosenCategory();
  for (const spec of (category && category.attributes) || []) {
    if (spec.datatype === "multivaluelist" && spec.required && answer(spec) === undefined) {
      setFieldError(`attributes.${spec.code}`, t("This question must be answered."));
      valid = false;
    }
  }
  return valid;
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
  showNearbyAssets();
  showLikelyDuplicates();
  clearFieldError("lon");
  offerPhotoLocation();
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
    setFieldError("lat", t("This browser cannot tell your location; tap the map instead."));
    return;
  }
  button.disabled = true;
  button.textContent = t("Finding you…");
  const done = () => {
    button.disabled = false;
    button.textContent = t("Use my location");
  };
  navigator.geolocation.getCurrentPosition(
    (position) => {
      done();
      setLocation(position.coords.latitude, position.coords.longitude, true);
    },
    (error) => {
      done();
      const message =
        error.code === error.PERMISSION_DENIED
          ? t("Location access was refused; tap the map where the problem is instead.")
          : t("Your location is unknown; tap the map where the problem is instead.");
      setFieldError("lat", message);
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
  if (!first) return;
  if (first.tagName === "FIELDSET") first.querySelector("input")?.focus();
  else first.focus();
}

function validityMessage(input) {
  if (OWN_MESSAGES[input.name]) return OWN_MESSAGES[input.name];
  if (input.name.startsWith("attributes.") && input.validity.valueMissing) return t("This question must be answered.");
  return input.validationMessage;
}

// What the browser can tell before sending; the API checks everything again.
function checkLocally() {
  let valid = true;
  for (const input of form.querySelectorAll("input, select, textarea")) {
    if (!input.willValidate || input.checkValidity()) continue;
    setFieldError(input.name, validityMessage(input));
    valid = false;
  }
  return checkRequiredChoices() && valid;
}

// The API names a question's error under attributes.<code>: beside that question.
function fieldMessages(fields) {
  const flat = [];
  for (const [name, messages] of Object.entries(fields)) {
    if (name === "attributes" && messages && !Array.isArray(messages) && typeof messages === "object") {
      for (const [code, problems] of Object.entries(messages)) flat.push([`attributes.${code}`, problems]);
    } else {
      flat.push([name, messages]);
    }
  }
  return flat;
}

function showProblem(problem) {
  const unplaced = [];
  const field = ERROR_CODE_FIELDS[problem.code];
  if (problem.fields) {
    for (const [name, messages] of fieldMessages(problem.fields)) {
      const text = Array.isArray(messages) ? messages.join(" ") : JSON.stringify(messages);
      if (!setFieldError(name, text)) unplaced.push(`${name}: ${text}`);
    }
  } else if (field) {
    setFieldError(field, problem.message);
  }
  if (!field || unplaced.length) showAlert(formError, [problem.message, ...unplaced].join(" "));
  focusFirstError();
}

// --- photos --------------------------------------------------------------------------------

const photoPreview = document.getElementById("photo-preview");
const photoLocationButton = document.getElementById("use-photo-location");
// Each chosen photo: the file, its preview URL, its GPS point if any, and the file to upload,
// prepared once so that a retry sends the very same bytes (the Idempotency-Key compares them).
let photos = [];

function isImage(file) {
  return file.type.startsWith("image/");
}

photoInput.addEventListener("change", () => {
  clearFieldError("photo");
  const chosen = [...photoInput.files];
  // Emptied so the same file can be chosen again after Remove, and more can be added later.
  photoInput.value = "";
  const refused = chosen.filter((file) => !isImage(file));
  const images = chosen.filter(isImage);
  const room = MAX_PHOTOS - photos.length;
  for (const file of images.slice(0, Math.max(room, 0))) photos.push(choosePhoto(file));
  const problems = [];
  if (refused.length) {
    problems.push(t("Not a photo: {names}. Choose JPEG, PNG or WebP images.", { names: refused.map((file) => file.name).join(", ") }));
  }
  if (images.length > room) problems.push(t("At most {count} photos, please.", { count: MAX_PHOTOS }));
  if (problems.length) setFieldError("photo", problems.join(" "));
  showPhotos();
});

function choosePhoto(file) {
  const photo = { file, url: URL.createObjectURL(file), point: null, decodable: true };
  photo.upload = prepareUpload(file).then(({ upload, decodable }) => {
    photo.decodable = decodable;
    if (!decodable) showPhotos();
    return upload;
  });
  gpsPoint(file).then((point) => {
    photo.point = point;
    offerPhotoLocation();
  });
  return photo;
}

async function prepareUpload(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { upload: file, decodable: false }; // the server gives its verdict on it
  }
  const longest = Math.max(bitmap.width, bitmap.height);
  if (longest <= LONGEST_SIDE && file.size <= SMALL_ENOUGH_BYTES) {
    bitmap.close();
    return { upload: file, decodable: true };
  }
  const scale = Math.min(1, LONGEST_SIDE / longest);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // transparent PNG areas would turn black in a JPEG
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  if (!blob) return { upload: file, decodable: true };
  const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return { upload: new File([blob], name, { type: "image/jpeg" }), decodable: true };
}

function removePhoto(photo) {
  URL.revokeObjectURL(photo.url);
  photos = photos.filter((each) => each !== photo);
  clearFieldError("photo");
  showPhotos();
  offerPhotoLocation();
  photoInput.focus();
}

function showPhotos() {
  photoPreview.replaceChildren(
    ...photos.map((photo, index) => {
      const number = index + 1;
      return el(
        "li",
        {},
        photo.decodable
          ? el("img", { src: photo.url, alt: t("Photo {number}: {name}", { number, name: photo.file.name }), width: 96, height: 96 })
          : el("span", { className: "photo-name" }, photo.file.name),
        el(
          "button",
          { type: "button", "aria-label": t("Remove photo {number}: {name}", { number, name: photo.file.name }), onclick: () => removePhoto(photo) },
          t("Remove"),
        ),
      );
    }),
  );
}

function locationSet() {
  return latInput.value !== "" && lonInput.value !== "";
}

function offerPhotoLocation() {
  photoLocationButton.hidden = locationSet() || !photos.some((photo) => photo.point);
}

photoLocationButton.addEventListener("click", () => {
  const photo = photos.find((each) => each.point);
  if (photo) setLocation(photo.point.lat, photo.point.lon, true);
});

// --- EXIF GPS --------------------------------------------------------------------------------

// The GPS point a camera wrote into a JPEG's EXIF (APP1 → TIFF → IFD0 → GPS IFD), or null.
async function gpsPoint(file) {
  try {
    const head = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
    const tiff = exifTiffOffset(head);
    return tiff === null ? null : readGps(head, tiff);
  } catch {
    return null; // a damaged or cut EXIF block: simply no point to offer
  }
}

function exifTiffOffset(view) {
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    const marker = view.getUint16(offset);
    if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
    const length = view.getUint16(offset + 2);
    // "Exif\0\0" after the APP1 length.
    if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966 && view.getUint16(offset + 8) === 0) {
      return offset + 10;
    }
    offset += 2 + length;
  }
  return null;
}

const GPS_IFD_POINTER = 0x8825;
const GPS_TAGS = { latitudeRef: 1, latitude: 2, longitudeRef: 3, longitude: 4 };

function readGps(view, tiff) {
  const little = view.getUint16(tiff) === 0x4949; // "II"; "MM" is big-endian
  const u16 = (at) => view.getUint16(at, little);
  const u32 = (at) => view.getUint32(at, little);
  const entries = (ifd) => {
    const found = new Map();
    const count = u16(ifd);
    for (let index = 0; index < count; index += 1) {
      const entry = ifd + 2 + index * 12;
      found.set(u16(entry), entry);
    }
    return found;
  };
  const ifd0 = entries(tiff + u32(tiff + 4));
  if (!ifd0.has(GPS_IFD_POINTER)) return null;
  const gps = entries(tiff + u32(ifd0.get(GPS_IFD_POINTER) + 8));
  const reference = (tag) => (gps.has(tag) ? String.fromCharCode(view.getUint8(gps.get(tag) + 8)) : "");
  // Degrees, minutes, seconds: three RATIONALs (numerator, denominator) stored at an offset.
  const degrees = (tag) => {
    if (!gps.has(tag)) return null;
    const values = tiff + u32(gps.get(tag) + 8);
    const [d, m, s] = [0, 1, 2].map((index) => {
      const denominator = u32(values + index * 8 + 4);
      return denominator ? u32(values + index * 8) / denominator : 0;
    });
    return d + m / 60 + s / 3600;
  };
  let lat = degrees(GPS_TAGS.latitude);
  let lon = degrees(GPS_TAGS.longitude);
  if (lat === null || lon === null || lat > 90 || lon > 180) return null;
  if (reference(GPS_TAGS.latitudeRef) === "S") lat = -lat;
  if (reference(GPS_TAGS.longitudeRef) === "W") lon = -lon;
  return { lat, lon };
}

// --- the asset it is about ----------------------------------------------------------------------

const assetsBox = document.getElementById("assets");
const assetList = document.getElementById("asset-list");
const assetLayer = L.layerGroup().addTo(map);
let assetsAsked = "";
let pickedAsset = null;

function pointQuery(category) {
  return new URLSearchParams({ category, lat: latInput.value, lon: lonInput.value }).toString();
}

function locationReady() {
  return latInput.checkValidity() && lonInput.checkValidity() && latInput.value !== "" && lonInput.value !== "";
}

// The streetlights, drains, bridges ... near the pin that a report of the category can be about:
// picking one sends the crew straight to it and shows the reports about that same one.
async function showNearbyAssets() {
  const category = form.elements.category.value;
  if (!category || !locationReady()) return;
  const query = pointQuery(category);
  if (query === assetsAsked) return;
  assetsAsked = query;
  let found = [];
  try {
    found = await api(`/api/v1/assets/nearby?${query}`);
  } catch {
    found = []; // only a help: the report can be sent without it
  }
  if (query !== assetsAsked) return;
  if (pickedAsset && !found.some((asset) => asset.id === pickedAsset.id)) pickedAsset = null;
  const choice = (asset, index) =>
    el(
      "div",
      { className: "checkbox" },
      el("input", { id: `asset-${index}`, type: "radio", name: "asset_id", value: asset ? asset.id : "", checked: (pickedAsset && pickedAsset.id) === (asset && asset.id) }),
      el("label", { for: `asset-${index}` }, asset ? t("{name} · {distance} m", { name: asset.name, distance: Math.round(asset.distance_m) }) : t("None of these, or not sure")),
    );
  assetList.replaceChildren(choice(null, "none"), ...found.map(choice));
  for (const input of assetList.querySelectorAll("input")) {
    input.addEventListener("change", () => pickAsset(found.find((asset) => asset.id === input.value) || null));
  }
  assetLayer.clearLayers();
  for (const asset of found) {
    L.circleMarker([asset.lat, asset.lon], { radius: 7, className: "asset-marker" })
      .bindTooltip(asset.name)
      .on("click", () => pickAsset(asset))
      .addTo(assetLayer);
  }
  assetsBox.hidden = found.length === 0;
}

// The pin moves onto the asset picked; the list stays as it was asked for.
function pickAsset(asset) {
  pickedAsset = asset;
  clearFieldError("asset_id");
  for (const input of assetList.querySelectorAll("input")) input.checked = input.value === (asset ? asset.id : "");
  if (!asset) {
    showLikelyDuplicates();
    return;
  }
  latInput.value = asset.lat.toFixed(6);
  lonInput.value = asset.lon.toFixed(6);
  placeMarker(asset.lat, asset.lon);
  assetsAsked = pointQuery(form.elements.category.value);
  showLikelyDuplicates();
}

function forgetAssets() {
  pickedAsset = null;
  assetsAsked = "";
  assetLayer.clearLayers();
  assetList.replaceChildren();
  assetsBox.hidden = true;
}

// --- likely duplicates ---------------------------------------------------------------------------

const duplicatesSection = document.getElementById("duplicates");
const duplicateList = document.getElementById("duplicate-list");
let duplicatesAsked = "";

// Open reports of the same category a few metres away: the resident can follow one ("me too")
// instead of filing the same problem twice.
async function showLikelyDuplicates() {
  const category = form.elements.category.value;
  if (!category || !locationReady()) return;
  const query = pointQuery(category) + (pickedAsset ? `&${new URLSearchParams({ asset_id: pickedAsset.id })}` : "");
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
        ` — ${
          pickedAsset && complaint.asset_id === pickedAsset.id
            ? t("the same one, {status}", { status: statusText(complaint.status) })
            : t("{distance} m away, {status}", { distance: Math.round(complaint.distance_m), status: statusText(complaint.status) })
        } `,
        apiToken ? meTooButton(complaint) : null,
      ),
    ),
  );
  duplicatesSection.hidden = found.length === 0;
}

// Signed in, "me too" right here: counted on that report, whose news the resident now follows.
function meTooButton(complaint) {
  const button = el("button", { type: "button", "aria-label": t("Me too: #{id}", { id: complaint.id }) }, t("Me too"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const votes = await api(`/api/v1/complaints/${complaint.id}/votes`, { method: "POST" });
      const counted =
        votes.votes === 1
          ? t("Counted: 1 person has this problem too. You follow #{id} now; no need to send a report of your own.", { id: complaint.id })
          : t("Counted: {count} people have this problem too. You follow #{id} now; no need to send a report of your own.", {
              count: votes.votes,
              id: complaint.id,
            });
      button.replaceWith(el("span", { role: "status" }, counted));
    } catch (problem) {
      button.disabled = false;
      showAlert(formError, problem.message);
    }
  });
  return button;
}

form.elements.category.addEventListener("change", () => {
  showCallNow();
  showQuestions();
  forgetAssets();
  showNearbyAssets();
  showLikelyDuplicates();
});
for (const input of [latInput, lonInput]) {
  input.addEventListener("change", showNearbyAssets);
  input.addEventListener("change", showLikelyDuplicates);
  input.addEventListener("change", offerPhotoLocation);
}

// --- sending ---------------------------------------------------------------------------------

async function formData() {
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
  if (pickedAsset) data.append("asset_id", pickedAsset.id);
  const answered = answers();
  if (Object.keys(answered).length) data.append("attributes", JSON.stringify(answered));
  for (const upload of await Promise.all(photos.map((photo) => photo.upload))) data.append("photo", upload, upload.name);
  return data;
}

// --- upload progress -------------------------------------------------------------------------

const uploadBox = document.getElementById("upload");
const uploadBar = document.getElementById("upload-progress");
const uploadLabel = document.getElementById("upload-label");

function showUpload(sent, total) {
  uploadBox.hidden = false;
  if (total) {
    const percent = Math.round((sent / total) * 100);
    uploadBar.value = percent;
    uploadLabel.textContent = t("Sending your report: {percent}%", { percent });
  } else {
    uploadBar.removeAttribute("value"); // indeterminate until the browser knows the size
    uploadLabel.textContent = t("Sending your report…");
  }
}

function uploaded() {
  uploadBar.value = 100;
  uploadLabel.textContent = t("Sent; waiting for the answer…");
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
    showAlert(formError, t("Some answers need a look before sending."));
    focusFirstError();
    return;
  }
  setSending(true, t("Sending…"));
  sendStatus.textContent = t("Sending your report…");
  try {
    const body = await formData();
    showUpload(0, 0);
    const complaint = await postWithProgress("/api/v1/complaints", body, {
      headers: { "Idempotency-Key": idempotencyKey },
      onProgress: showUpload,
      onUploaded: uploaded,
    });
    sendStatus.textContent = t("Report #{id} received.", { id: complaint.id });
    if (chosenCategory() && chosenCategory().call_now) showFiledEmergency(complaint);
    else window.location.assign(`/complaints/${complaint.id}`);
  } catch (problem) {
    sendStatus.textContent = "";
    uploadBox.hidden = true;
    if (problem.code === "idempotency_key_reused") {
      // An earlier send of this form arrived before it was changed; sending again files the
      // changed form as a report of its own.
      idempotencyKey = newIdempotencyKey();
      showAlert(
        formError,
        t("An earlier send of this report already arrived, before you changed it. Press “Send again” to file the changed report as a new one."),
      );
    } else if (problem.status === 0) {
      showAlert(formError, t("Could not reach the server. Your report is kept here: press Send again, it will not be filed twice."));
    } else {
      showProblem(problem);
    }
    setSending(false, t("Send again"));
  }
});

// An emergency's reporter stays here, the line to call in front of them, rather than wait for
// another page; they follow the report from a link if they may see it (a confidential report
// sent anonymously is the agency's alone).
function showFiledEmergency(complaint) {
  const sent = document.getElementById("report-sent");
  const mayFollow = complaint.public || (apiToken && !complaint.anonymous);
  sent.replaceChildren(t("Report #{id} received.", { id: complaint.id }));
  if (mayFollow) {
    sent.append(" ", el("a", { href: `/complaints/${complaint.id}` }, t("Follow report #{id}", { id: complaint.id })));
  }
  sent.hidden = false;
  form.hidden = true;
  sent.focus();
}

loadCategories();
