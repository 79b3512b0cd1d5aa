// One complaint, followed live: the page re-reads it whenever the server says it changed.
import { api, complaintNodes, connectLive, loadAgencies, makeMap, showAlert, statusIcon } from "./common.js";

const page = document.getElementById("complaint-page");
const complaintId = Number(page.dataset.complaintId);
const container = document.getElementById("complaint");
const errorBox = document.getElementById("complaint-error");
const mapElement = document.getElementById("complaint-map");
let map = null;
let marker = null;

function showOnMap(complaint) {
  mapElement.hidden = false;
  const point = [complaint.lat, complaint.lon];
  if (!map) {
    map = makeMap(mapElement, { center: point, zoom: 16 });
    marker = L.marker(point, { keyboard: false, icon: statusIcon(complaint.status) }).addTo(map);
    return;
  }
  marker.setIcon(statusIcon(complaint.status));
  marker.setLatLng(point);
}

async function load() {
  try {
    const [complaint, agencies] = await Promise.all([api(`/api/v1/complaints/${complaintId}`), loadAgencies()]);
    container.replaceChildren(...complaintNodes(complaint, agencies).flat(Infinity).filter(Boolean));
    container.setAttribute("aria-busy", "false");
    document.title = `${container.querySelector(".complaint-title").textContent} · smartcity`;
    showAlert(errorBox, "");
    showOnMap(complaint);
    feedback.hidden = !(page.dataset.role === "resident" && ["resolved", "closed"].includes(complaint.status) && !complaint.merged_into);
  } catch (problem) {
    container.setAttribute("aria-busy", "false");
    if (problem.status === 404) container.replaceChildren();
    showAlert(errorBox, problem.message);
  }
}

// The reporter's word on the fix: a rating (1 or 2 reopens it), or reopening with a reason.
const feedback = document.getElementById("feedback");
const feedbackError = document.getElementById("feedback-error");
const feedbackDone = document.getElementById("feedback-done");

async function sendFeedback(event, path, payload, doneText) {
  event.preventDefault();
  showAlert(feedbackError, "");
  try {
    await api(`/api/v1/complaints/${complaintId}/${path}`, { method: "POST", json: payload });
    showAlert(feedbackDone, doneText);
    event.target.reset();
    load();
  } catch (problem) {
    showAlert(feedbackError, problem.message);
  }
}

document.getElementById("rating-form").addEventListener("submit", (event) => {
  const stars = Number(event.target.elements.stars.value);
  const comment = event.target.elements.comment.value.trim();
  const done = stars <= 2 ? "Thank you. It goes back to the agency for review." : "Thank you for rating the fix.";
  sendFeedback(event, "rating", comment ? { stars, comment } : { stars }, done);
});
document.getElementById("reopen-form").addEventListener("submit", (event) => {
  const reason = event.target.elements.reason.value.trim();
  sendFeedback(event, "reopen", { reason }, "Reopened: the agency sees it again.");
});

// Following joins this connection to the complaint's room; re-read afterwards so that no change
// between the first read and the join goes unseen.
const socket = connectLive(() => {
  socket.emit("follow", { complaint_id: complaintId }, (answer) => {
    if (answer && answer.ok) load();
  });
});
for (const event of ["complaint.updated", "complaint.forwarded"]) {
  socket.on(event, (complaint) => {
    if (complaint.id === complaintId) load();
  });
}

load();
