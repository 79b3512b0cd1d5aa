// The field officer's phone page: duty, the position shared while on duty, offers with a
// countdown and a sound, and the job at hand with directions, photos and its status.
// Relative, so that core's helpers are found wherever the app is mounted (/officer/static/ → /static/).
import {
  ApiProblem,
  api,
  categoryText,
  clearSent,
  complaintNodes,
  connectLive,
  el,
  formatTime,
  historyList,
  loadAgencies,
  postWithProgress,
  showAlert,
  t,
} from "../../static/common.js";

const ME = "/api/v1/dispatch/officers/me";
// At most one position this often: plenty for finding the nearest officer, light on battery and data.
const SHARE_EVERY_MS = 5000;
// A phone lying still fires no new positions; ask for one now and then, or the server counts the
// last one as stale (after max_position_age_seconds, 5 minutes by default) and offers no work.
const REFRESH_EVERY_MS = 60000;
const ACK_TIMEOUT_MS = 10000;
const SELF_CHOSEN = ["available", "busy", "off_duty"];

const DUTY_TEXT = {
  available: t("You are available: new jobs can be offered to you."),
  busy: t("You are busy: no new jobs are offered to you."),
  off_duty: t("You are off duty."),
  offered: t("A job is offered to you: answer it below."),
  en_route: t("You are on your way to a job. The duty buttons return when it is done."),
  on_site: t("You are on site. The duty buttons return when the job is done."),
};
const ASSIGNMENT_TEXT = {
  accepted: t("You accepted this job: on your way."),
  on_site: t("You are on site."),
};
const WITHDRAWN_TEXT = {
  expired: t("The offer timed out and went to the next officer."),
  finished: t("The offered report was closed meanwhile: nothing to do."),
  withdrawn: t("The offered report went to another agency: nothing to do."),
};
const GEO_ERRORS = {
  1: t("Location is blocked for this site. Allow it in the browser's site settings, or dispatch cannot find you."),
  2: t("Your phone cannot find its position right now (no GPS or network signal). Still trying."),
  3: t("Finding your position takes too long. Still trying."),
};

const $ = (id) => document.getElementById(id);
const pageError = $("page-error");
const news = $("news");
const idle = $("idle");
const duty = {
  state: $("duty-state"),
  buttons: Array.from(document.querySelectorAll("[data-duty]")),
  error: $("duty-error"),
  position: $("position-state"),
  positionError: $("position-error"),
};
const offerView = {
  section: $("offer"),
  title: $("offer-title"),
  details: $("offer-details"),
  countdown: $("offer-countdown"),
  accept: $("offer-accept"),
  decline: $("offer-decline"),
  error: $("offer-error"),
};
const jobView = {
  section: $("assignment"),
  title: $("assignment-title"),
  state: $("assignment-state"),
  directions: $("directions"),
  complaint: $("assignment-complaint"),
  history: $("assignment-history"),
  photoInputs: Array.from(document.querySelectorAll(".photo-input")),
  progress: $("photo-progress"),
  photoError: $("photo-error"),
  photoDone: $("photo-done"),
  note: $("status-note"),
  statusButtons: Array.from(document.querySelectorAll("[data-status]")),
  statusError: $("status-error"),
  statusDone: $("status-done"),
};
const baseTitle = document.title;

let me = null; // the last answer of GET officers/me
let agencies = new Map();
let offer = null; // {offer, complaint, deadline: ms on this phone's clock}
const announcedOffers = new Set();
let job = null; // {assignment, complaint}
let followed = null; // the complaint whose live room this connection joined
let endingJob = false; // the officer is finishing the job himself: no "it ended" notice

// --- helpers ---------------------------------------------------------------------------------

function problemText(problem) {
  const fields = problem.fields
    ? Object.entries(problem.fields).map(([name, messages]) => `${name}: ${[].concat(messages).join(" ")}`)
    : [];
  return [problem.message, ...fields].join(" ");
}

function distanceText(metres) {
  if (metres === null || metres === undefined) return t("unknown");
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`;
}

// Over Socket.IO with its acknowledgement; the contract's error shape becomes an ApiProblem.
function ask(event, payload) {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (timedOut, answer) => {
      if (timedOut) {
        reject(new ApiProblem(0, "timeout", t("The server did not answer in time. Check your connection and try again.")));
      } else if (!answer || !answer.ok) {
        const error = (answer && answer.error) || {};
        reject(new ApiProblem(0, error.code || "refused", error.message || t("The server refused."), error.fields || null));
      } else {
        resolve(answer);
      }
    });
  });
}

// --- sound -----------------------------------------------------------------------------------

let audio = null;

// Browsers let a page make sound only after the person touched it; the duty buttons do.
function hasBeenTouched() {
  return !navigator.userActivation || navigator.userActivation.hasBeenActive;
}

function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context || !hasBeenTouched()) return;
  audio ??= new Context();
  if (audio.state === "suspended") audio.resume().catch(() => {});
}

function beep() {
  unlockAudio();
  if (audio) {
    const start = audio.currentTime + 0.05;
    for (let index = 0; index < 3; index += 1) {
      const at = start + index * 0.35;
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
      tone.connect(volume).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.3);
    }
  }
  if (navigator.vibrate && hasBeenTouched()) navigator.vibrate([200, 100, 200]);
}

document.addEventListener("pointerdown", unlockAudio);
document.addEventListener("keydown", unlockAudio);

// --- duty ------------------------------------------------------------------------------------

function renderDuty(busy = false) {
  if (!me) return;
  duty.state.textContent = DUTY_TEXT[me.state] || t("You are {state}.", { state: me.state.replaceAll("_", " ") });
  const choosable = SELF_CHOSEN.includes(me.state);
  for (const button of duty.buttons) {
    button.setAttribute("aria-pressed", String(button.dataset.duty === me.state));
    button.disabled = busy || !choosable;
  }
  if (me.state === "off_duty") stopSharing();
  else startSharing();
  renderPosition();
}

async function setDuty(state) {
  showAlert(duty.error, "");
  renderDuty(true);
  try {
    me = { ...me, ...(await api(ME, { method: "PUT", json: { state } })) };
  } catch (problem) {
    showAlert(duty.error, t("Could not change your duty: {problem}", { problem: problemText(problem) }));
    if (problem.code === "on_assignment") await loadMe();
  }
  renderDuty();
}

for (const button of duty.buttons) button.addEventListener("click", () => setDuty(button.dataset.duty));

// --- position --------------------------------------------------------------------------------

let watchId = null;
let refreshTimer = null;
let shareTimer = null;
let myFix = null; // the phone's newest position
let lastSentAt = 0;
let lastSharedAt = null;

function sharing() {
  return watchId !== null;
}

function startSharing() {
  if (sharing()) return;
  if (!navigator.geolocation) {
    showAlert(duty.positionError, t("This browser cannot tell your position, so dispatch cannot find you. Use the phone's own browser."));
    return;
  }
  const options = { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 };
  watchId = navigator.geolocation.watchPosition(heardFix, geolocationFailed, options);
  refreshTimer = setInterval(() => {
    navigator.geolocation.getCurrentPosition(heardFix, geolocationFailed, { ...options, maximumAge: 0 });
  }, REFRESH_EVERY_MS);
}

function stopSharing() {
  if (!sharing()) return;
  navigator.geolocation.clearWatch(watchId);
  clearInterval(refreshTimer);
  clearTimeout(shareTimer);
  watchId = refreshTimer = shareTimer = null;
  lastSharedAt = null;
  showAlert(duty.positionError, "");
}

function finite(value) {
  return Number.isFinite(value) ? value : null;
}

function heardFix(position) {
  const { coords } = position;
  myFix = {
    lat: coords.latitude,
    lon: coords.longitude,
    accuracy: finite(coords.accuracy),
    speed: finite(coords.speed),
    bearing: finite(coords.heading),
    timestamp: position.timestamp,
  };
  showAlert(duty.positionError, "");
  renderDirections();
  if (sharing() && !shareTimer) {
    // The first fix goes at once; later ones wait their turn, and the newest then goes.
    const wait = Math.max(0, lastSentAt + SHARE_EVERY_MS - Date.now());
    shareTimer = setTimeout(sharePosition, wait);
  }
}

function geolocationFailed(error) {
  showAlert(duty.positionError, GEO_ERRORS[error.code] || t("Your position is unknown: {problem}", { problem: error.message }));
}

async function sharePosition() {
  shareTimer = null;
  if (!sharing() || !myFix) return;
  lastSentAt = Date.now();
  try {
    if (socket.connected) await ask("dispatch.position", myFix);
    else await api(`${ME}/position`, { method: "PUT", json: myFix });
    lastSharedAt = Date.now();
    showAlert(duty.positionError, "");
  } catch (problem) {
    showAlert(duty.positionError, t("Your position was not shared: {problem}", { problem: problemText(problem) }));
  }
  renderPosition();
}

function renderPosition() {
  if (!sharing()) {
    duty.position.textContent = t("Your position is not shared while you are off duty.");
  } else if (lastSharedAt === null) {
    duty.position.textContent = t("Finding your position…");
  } else {
    const seconds = Math.max(0, Math.round((Date.now() - lastSharedAt) / 1000));
    duty.position.textContent =
      myFix && myFix.accuracy !== null
        ? t("Position shared {seconds} s ago (within {accuracy} m).", { seconds, accuracy: Math.round(myFix.accuracy) })
        : t("Position shared {seconds} s ago.", { seconds });
  }
}

// --- the offer -------------------------------------------------------------------------------

function showOffer(offered, complaint, deadline) {
  const fresh = !announcedOffers.has(offered.id);
  announcedOffers.add(offered.id);
  offer = { offer: offered, complaint, deadline: fresh || !offer ? deadline : offer.deadline };
  // Each fact keyed in English (data-fact), labelled in the page's language.
  const facts = [
    ["Distance", t("Distance"), distanceText(offered.distance_m)],
    ["Address", t("Address"), complaint.address || `${Number(complaint.lat).toFixed(5)}, ${Number(complaint.lon).toFixed(5)}`],
    ["Reported", t("Reported"), formatTime(complaint.created_at)],
  ];
  offerView.details.replaceChildren(
    el("p", { className: "offer-category" }, categoryText(complaint), ` #${complaint.id}`),
    el("p", { className: "description" }, complaint.description || ""),
    el(
      "dl",
      { className: "offer-facts" },
      facts.map(([term, label, value]) => [el("dt", {}, label), el("dd", { dataset: { fact: term } }, value)]),
    ),
  );
  showAlert(offerView.error, "");
  offerView.section.hidden = false;
  renderCountdown();
  renderIdle();
  if (!fresh) return;
  showAlert(news, "");
  document.title = [t("New job offered"), baseTitle].join(" · ");
  offerView.title.focus();
  beep();
}

function clearOffer() {
  offer = null;
  offerView.section.hidden = true;
  document.title = baseTitle;
  renderIdle();
}

function renderCountdown() {
  if (!offer) return;
  const left = Math.max(0, Math.ceil((offer.deadline - Date.now()) / 1000));
  const open = left > 0;
  const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  offerView.countdown.textContent = open
    ? t("Answer within {time}", { time })
    : t("Time is up: the offer goes to the next officer.");
  offerView.countdown.classList.toggle("urgent", left <= 10);
  if (!offerView.accept.dataset.busy) offerView.accept.disabled = offerView.decline.disabled = !open;
}

async function answerOffer(accept) {
  if (!offer) return;
  const id = offer.offer.id;
  showAlert(offerView.error, "");
  offerView.accept.dataset.busy = "yes";
  offerView.accept.disabled = offerView.decline.disabled = true;
  try {
    if (socket.connected) await ask(accept ? "dispatch.accept" : "dispatch.decline", { offer_id: id });
    else await api(`/api/v1/dispatch/offers/${id}/${accept ? "accept" : "decline"}`, { method: "POST" });
    clearOffer();
    showAlert(news, accept ? "" : t("Declined: the job goes to the next officer."));
    await loadMe();
    if (accept && job) jobView.title.focus();
  } catch (problem) {
    if (problem.code === "offer_closed" || problem.status === 404 || problem.code === "not_found") {
      clearOffer();
      showAlert(news, problemText(problem));
      await loadMe();
    } else {
      showAlert(offerView.error, t("Your answer did not go through: {problem}", { problem: problemText(problem) }));
    }
  } finally {
    delete offerView.accept.dataset.busy;
    renderCountdown();
  }
}

offerView.accept.addEventListener("click", () => answerOffer(true));
offerView.decline.addEventListener("click", () => answerOffer(false));

// --- the job ---------------------------------------------------------------------------------

function renderDirections() {
  if (!job) return;
  const { lat, lon } = job.complaint;
  const from = myFix || (me && me.position_known ? me.position : null);
  const link = jobView.directions;
  if (from) {
    link.href = `https://www.openstreetmap.org/directions?route=${from.lat}%2C${from.lon}%3B${lat}%2C${lon}`;
    link.textContent = t("Directions from where you are");
  } else {
    link.href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
    link.textContent = t("Show the spot on the map");
  }
}

function renderJob() {
  const { assignment, complaint } = job;
  jobView.state.textContent = ASSIGNMENT_TEXT[assignment.state] || "";
  // The history goes below the buttons, out of the thumb's way.
  const nodes = el("div", {}, complaintNodes({ ...complaint, history: null }, agencies, "h3"));
  // complaintNodes heads its parts for a page of their own; here they sit under this section.
  for (const heading of nodes.querySelectorAll("h2")) heading.replaceWith(el("h3", {}, ...heading.childNodes));
  jobView.complaint.replaceChildren(...nodes.childNodes);
  jobView.history.replaceChildren(historyList(complaint.history || [], agencies));
  for (const button of jobView.statusButtons) button.disabled = button.dataset.status === complaint.status;
  renderDirections();
  jobView.section.hidden = false;
  renderIdle();
}

async function showJob(assignment) {
  const complaint = await api(`/api/v1/complaints/${assignment.complaint_id}`);
  const fresh = !job || job.assignment.complaint_id !== assignment.complaint_id;
  job = { assignment, complaint };
  if (fresh) {
    for (const alert of [jobView.photoError, jobView.photoDone, jobView.statusError, jobView.statusDone]) showAlert(alert, "");
  }
  renderJob();
  if (followed !== complaint.id) {
    // The room of the complaint tells this phone when someone else closes or moves it.
    socket.emit("follow", { complaint_id: complaint.id });
    followed = complaint.id;
  }
}

function endJob() {
  if (job && !endingJob) {
    showAlert(news, t("Your job on report #{id} ended: it was closed or went to another agency.", { id: job.complaint.id }));
  }
  job = null;
  endingJob = false;
  jobView.section.hidden = true;
  renderIdle();
}

async function uploadPhoto(input) {
  const [file] = input.files;
  if (!file || !job) return;
  const kind = input.dataset.kind;
  const id = job.complaint.id;
  const body = new FormData();
  body.append("photo", file, file.name || `${kind}.jpg`);
  body.append("kind", kind);
  showAlert(jobView.photoError, "");
  showAlert(jobView.photoDone, "");
  setPhotoBusy(true);
  try {
    const complaint = await postWithProgress(`/api/v1/complaints/${id}/photos`, body, {
      onProgress: (sent, total) => {
        if (total) jobView.progress.value = Math.round((sent / total) * 100);
      },
    });
    if (job && job.complaint.id === id) {
      job.complaint = complaint;
      renderJob();
    }
    if (kind === "after") showAlert(jobView.statusError, "");
    showAlert(jobView.photoDone, kind === "after" ? t("After photo attached: you can mark the job fixed.") : t("Before photo attached."));
  } catch (problem) {
    const values = { problem: problemText(problem) };
    showAlert(
      jobView.photoError,
      kind === "after" ? t("The after photo was not attached: {problem}", values) : t("The before photo was not attached: {problem}", values),
    );
  } finally {
    input.value = "";
    setPhotoBusy(false);
  }
}

function setPhotoBusy(busy) {
  jobView.progress.value = 0;
  jobView.progress.hidden = !busy;
  jobView.section.setAttribute("aria-busy", String(busy));
  for (const input of jobView.photoInputs) {
    input.disabled = busy;
    input.labels[0].classList.toggle("busy", busy);
  }
}

for (const input of jobView.photoInputs) input.addEventListener("change", () => uploadPhoto(input));

async function changeStatus(status) {
  if (!job) return;
  const id = job.complaint.id;
  const sent = jobView.note.value;
  const note = sent.trim();
  const json = note ? { status, note, note_public: true } : { status };
  showAlert(jobView.statusError, "");
  showAlert(jobView.statusDone, "");
  for (const button of jobView.statusButtons) button.disabled = true;
  // Its own live echo must not read as someone else closing the job.
  endingJob = status === "resolved";
  try {
    const complaint = await api(`/api/v1/complaints/${id}`, { method: "PATCH", json });
    clearSent(jobView.note, sent);
    if (status === "resolved") {
      await loadMe();
      showAlert(news, [t("Report #{id} is fixed.", { id }), DUTY_TEXT[me.state] || ""].join(" "));
      news.focus();
      return;
    }
    job.complaint = complaint;
    showAlert(jobView.statusDone, t("Marked: you are working on it."));
  } catch (problem) {
    endingJob = false;
    const hint = problem.code === "after_photo_required" ? t("Take it with “After photo” above.") : "";
    showAlert(jobView.statusError, [problemText(problem), hint].filter(Boolean).join(" "));
  }
  if (job) renderJob();
}

for (const button of jobView.statusButtons) button.addEventListener("click", () => changeStatus(button.dataset.status));

// --- loading and the live feed ---------------------------------------------------------------

function renderIdle() {
  idle.hidden = Boolean(offer || job) || !me;
}

async function loadMe() {
  try {
    me = await api(ME);
  } catch (problem) {
    showAlert(pageError, t("Could not load your duty and jobs: {problem}", { problem: problemText(problem) }));
    return;
  }
  showAlert(pageError, "");
  renderDuty();
  try {
    if (me.offer) {
      const complaint = await api(`/api/v1/complaints/${me.offer.complaint_id}`);
      if (me.offer) showOffer(me.offer, complaint, Date.parse(me.offer.expires_at));
    } else if (offer) {
      clearOffer();
    }
    if (me.assignment) await showJob(me.assignment);
    else endJob();
  } catch (problem) {
    showAlert(pageError, t("Could not load the report: {problem}", { problem: problemText(problem) }));
  }
  renderIdle();
}

const socket = connectLive((first) => {
  if (first) return;
  // A new connection has no rooms but the server's; events may have been missed meanwhile.
  followed = null;
  loadMe();
});

socket.on("dispatch.offer", ({ offer: offered, complaint }) => {
  // Measured on this phone's clock from the moment it arrived: the phone's clock may be off.
  const answerTime = Date.parse(offered.expires_at) - Date.parse(offered.offered_at);
  showOffer(offered, complaint, Date.now() + answerTime);
  loadMe();
});
socket.on("dispatch.withdrawn", ({ offer_id: offerId, reason }) => {
  if (offer && offer.offer.id === offerId) {
    clearOffer();
    showAlert(news, WITHDRAWN_TEXT[reason] || t("The offer was withdrawn."));
  }
  loadMe();
});
socket.on("dispatch.accepted", () => loadMe());
for (const event of ["complaint.updated", "complaint.forwarded"]) {
  socket.on(event, (complaint) => {
    if (job && complaint.id === job.complaint.id && !endingJob) loadMe();
  });
}

setInterval(() => {
  renderPosition();
  renderCountdown();
}, 1000);

loadAgencies().then((known) => {
  agencies = known;
  return loadMe();
});
