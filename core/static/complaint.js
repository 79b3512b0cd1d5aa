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
  } catch (problem) {
    container.setAttribute("aria-busy", "false");
    if (problem.status === 404) container.replaceChildren();
    showAlert(errorBox, problem.message);
  }
}

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
