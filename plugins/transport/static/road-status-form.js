// The form Dishub's staff set a road's status with, on /transport and on their console: the
// roads to choose from, the suggestion from the complaints and the cameras' tags, and the PUT.
// Relative, so that core's helpers are found wherever the app is mounted (/transport/static/ → /static/).
import { api, el, formatTime, showAlert, t } from "../../static/common.js";

export function statusWord(status) {
  return { lancar: t("lancar"), padat: t("padat"), macet: t("macet") }[status] || t("unknown");
}

// `onSaved(segment)` hears of each status set. Returns `fill(segments)` (the roads to choose
// from, with the cameras along each), `choose(segmentId)` and `showError(message)`.
export function roadStatusForm(form, { onSaved = () => {} } = {}) {
  const segmentSelect = form.querySelector("#road-segment");
  const statusSelect = form.querySelector("#road-status");
  const suggestionNode = form.querySelector("#road-suggestion");
  const errorNode = form.querySelector("#road-status-error");
  const camerasAlong = new Map(); // segment id -> the cameras along it, nearest first
  let suggested = null; // { segment, status } the staff may confirm

  function showError(message) {
    showAlert(errorNode, message);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const segmentId = segmentSelect.value;
    const status = statusSelect.value;
    const source = suggested && suggested.segment === segmentId && suggested.status === status ? "suggested" : "staff";
    try {
      const saved = await api(`/api/v1/transport/segments/${encodeURIComponent(segmentId)}/status`, { method: "PUT", json: { status, source } });
      suggestionNode.textContent = t("Saved.");
      showError("");
      onSaved(saved);
    } catch (problem) {
      showError(problem.message);
    }
  });

  form.querySelector("#road-suggest").addEventListener("click", async () => {
    const segmentId = segmentSelect.value;
    try {
      const found = await api(`/api/v1/transport/segments/${encodeURIComponent(segmentId)}/suggestion`);
      suggested = { segment: segmentId, status: found.status };
      statusSelect.value = found.status;
      const said = [t("{count} traffic complaints within {metres} m since {since}: {status}.", {
        count: found.complaints, metres: Math.round(found.near_m), since: formatTime(found.since), status: statusWord(found.complaints_status),
      })];
      // A camera tagged with a status word votes for it; the worst of all is suggested.
      if (found.camera_votes.length) {
        const votes = found.camera_votes.map((vote) => `${vote.name} (${statusWord(vote.status)})`).join(", ");
        said.push(t("Cameras along it tagged: {cameras}.", { cameras: votes }));
        said.push(t("Suggested: {status}.", { status: statusWord(found.status) }));
      }
      // The staff look at the cameras before confirming.
      const cameras = (camerasAlong.get(segmentId) || []).map((camera) => camera.name).join(", ");
      if (cameras) said.push(t("Check the cameras along it: {cameras}.", { cameras }));
      suggestionNode.textContent = said.join(" ");
      showError("");
    } catch (problem) {
      showError(problem.message);
    }
  });

  return {
    fill(segments) {
      const chosen = segmentSelect.value;
      camerasAlong.clear();
      for (const segment of segments) camerasAlong.set(segment.id, segment.cameras || []);
      const sorted = [...segments].sort((a, b) => a.name.localeCompare(b.name));
      segmentSelect.replaceChildren(...sorted.map((segment) => el("option", { value: segment.id }, segment.name)));
      if (chosen) segmentSelect.value = chosen;
    },
    choose(segmentId) {
      segmentSelect.value = segmentId;
      suggestionNode.textContent = "";
    },
    showError,
  };
}
