// One complaint, followed live: the page re-reads it, its "me too" count and its discussion
// whenever the server says it changed.
import { api, clearSent, complaintNodes, connectLive, el, formatTime, loadAgencies, makeMap, showAlert, statusIcon, t } from "./common.js";

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

// --- a line to call at once -------------------------------------------------------------------

// Statuses in which the agency still works the complaint.
const OPEN_STATUSES = ["open", "acknowledged", "in_progress", "waiting"];
const AGENCY_ROLES = ["officer", "staff", "head", "admin"];
const callNowBox = document.getElementById("call-now");
const callNowLink = document.getElementById("call-now-link");
let categoriesLoaded = null;

// code -> category, fetched once.
function loadCategories() {
  categoriesLoaded ??= api("/api/v1/categories")
    .then((list) => new Map(list.map((category) => [category.code, category])))
    .catch(() => new Map());
  return categoriesLoaded;
}

// An emergency's reporter (and whoever else follows it) is told whom to call while it is open;
// the agency's own people are the ones called.
function showCallNow(complaint, categories) {
  const category = categories.get(complaint.category);
  const line = category && category.call_now;
  const shown = Boolean(line) && OPEN_STATUSES.includes(complaint.status) && !AGENCY_ROLES.includes(page.dataset.role);
  callNowBox.hidden = !shown;
  if (!shown) return;
  callNowLink.href = `tel:${line.number.replace(/[\s-]/g, "")}`;
  callNowLink.textContent = line.label || t("Call {number} now", { number: line.number });
}

async function load() {
  try {
    const [complaint, agencies, votes, categories] = await Promise.all([
      api(`/api/v1/complaints/${complaintId}`),
      loadAgencies(),
      api(`/api/v1/complaints/${complaintId}/votes`),
      loadCategories(),
    ]);
    showCallNow(complaint, categories);
    container.replaceChildren(...complaintNodes(complaint, agencies).flat(Infinity).filter(Boolean));
    container.setAttribute("aria-busy", "false");
    document.title = `${container.querySelector(".complaint-title").textContent} · smartcity`;
    showAlert(errorBox, "");
    showOnMap(complaint);
    feedback.hidden = !(page.dataset.role === "resident" && ["resolved", "closed"].includes(complaint.status) && !complaint.merged_into);
    showVotes(complaint, votes);
    showDiscussionState(complaint);
  } catch (problem) {
    container.setAttribute("aria-busy", "false");
    if (problem.status === 404) container.replaceChildren();
    showAlert(errorBox, problem.message);
  }
}

// Re-read everything the server may have changed: the complaint, its votes, its discussion.
function refresh() {
  load();
  loadComments();
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
  const done = stars <= 2 ? t("Thank you. It goes back to the agency for review.") : t("Thank you for rating the fix.");
  sendFeedback(event, "rating", comment ? { stars, comment } : { stars }, done);
});
document.getElementById("reopen-form").addEventListener("submit", (event) => {
  const reason = event.target.elements.reason.value.trim();
  sendFeedback(event, "reopen", { reason }, t("Reopened: the agency sees it again."));
});

// --- "me too" --------------------------------------------------------------------------------

// Only while the agency still works the complaint (OPEN_STATUSES) does a "me too" count.
const userId = Number(page.dataset.userId) || null;
const meToo = document.getElementById("me-too");
const voteButton = document.getElementById("vote-button");
const voteCount = document.getElementById("vote-count");
const voteHint = document.getElementById("vote-hint");
const voteError = document.getElementById("vote-error");
let voted = false;
let votingOpen = false;
let voteSending = false;

function votesText(count) {
  if (count === 0) return t("No one else has this problem yet.");
  return count === 1 ? t("1 person has this problem too.") : t("{count} people have this problem too.", { count });
}

function showVoteButton() {
  voteButton.setAttribute("aria-pressed", String(voted));
  voteButton.classList.toggle("primary", voted);
  // A vote can always be taken back; a new one counts only while the complaint is open.
  voteButton.disabled = voteSending || (!voted && !votingOpen);
}

function showVotes(complaint, votes) {
  meToo.hidden = false;
  voteCount.textContent = votesText(votes.votes);
  if (!voteButton) return;
  const ownReport = Boolean(complaint.reporter && userId && complaint.reporter.user_id === userId);
  voteButton.hidden = ownReport;
  voted = Boolean(votes.voted);
  votingOpen = OPEN_STATUSES.includes(complaint.status) && !complaint.merged_into;
  showVoteButton();
  let hint = "";
  if (ownReport) hint = t("You reported this problem; each “me too” adds to it.");
  else if (!votingOpen && !voted) hint = t("This complaint is no longer open for “me too”.");
  showAlert(voteHint, hint);
}

voteButton?.addEventListener("click", async () => {
  showAlert(voteError, "");
  voteSending = true;
  showVoteButton();
  try {
    const votes = await api(`/api/v1/complaints/${complaintId}/votes`, { method: voted ? "DELETE" : "POST" });
    voted = Boolean(votes.voted);
    voteCount.textContent = votesText(votes.votes);
  } catch (problem) {
    showAlert(voteError, problem.message);
  } finally {
    voteSending = false;
    showVoteButton();
  }
});

// --- discussion ------------------------------------------------------------------------------

const discussion = document.getElementById("discussion");
const commentList = document.getElementById("comment-list");
const commentsEmpty = document.getElementById("comments-empty");
const commentsError = document.getElementById("comments-error");
const moreComments = document.getElementById("more-comments");
const commentForm = document.getElementById("comment-form");
const discussionClosed = document.getElementById("discussion-closed");
const ROLE_NAMES = {
  resident: t("resident"),
  officer: t("field officer"),
  staff: t("agency staff"),
  head: t("agency head"),
  admin: t("city administrator"),
};
// Statuses whose discussion is over (a merged complaint is closed too).
const DISCUSSION_OVER = ["closed", "rejected"];
let commentPages = 1;
let commentsAsked = 0;

function showDiscussionState(complaint) {
  discussion.hidden = false;
  if (!commentForm) return;
  const over = DISCUSSION_OVER.includes(complaint.status) || Boolean(complaint.merged_into);
  commentForm.hidden = over;
  discussionClosed.hidden = !over;
}

function commentItem(comment) {
  return el(
    "li",
    { dataset: { commentId: comment.id } },
    el(
      "p",
      { className: "hint" },
      el("strong", {}, comment.author),
      ` (${ROLE_NAMES[comment.author_role] || comment.author_role}) · `,
      el("time", { datetime: comment.created_at }, formatTime(comment.created_at)),
    ),
    el("p", { className: "description" }, comment.body),
    comment.can_hide
      ? el(
          "button",
          { type: "button", className: "danger", "aria-label": t("Remove the comment of {author}", { author: comment.author }), onclick: () => hideComment(comment) },
          t("Remove"),
        )
      : null,
  );
}

// Read every page the visitor has opened again: a live update may have added a comment to the
// last one, or hidden one from any.
async function loadComments() {
  const asked = ++commentsAsked;
  const shown = [];
  let cursor = null;
  try {
    for (let read = 0; read < commentPages; read += 1) {
      const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
      const result = await api(`/api/v1/complaints/${complaintId}/comments${query}`);
      shown.push(...result.items);
      cursor = result.next_cursor;
      if (!cursor) break;
    }
  } catch (problem) {
    if (asked === commentsAsked && problem.status !== 404) showAlert(commentsError, problem.message);
    return;
  }
  if (asked !== commentsAsked) return; // a newer read is under way
  showAlert(commentsError, "");
  commentList.replaceChildren(...shown.map(commentItem));
  commentsEmpty.hidden = shown.length > 0;
  moreComments.hidden = !cursor;
}

moreComments.addEventListener("click", () => {
  commentPages += 1;
  loadComments();
});

async function hideComment(comment) {
  showAlert(commentsError, "");
  try {
    await api(`/api/v1/complaints/${complaintId}/comments/${comment.id}`, { method: "DELETE" });
    loadComments();
  } catch (problem) {
    showAlert(commentsError, problem.message);
  }
}

function setCommentError(message) {
  const body = commentForm.elements.body;
  showAlert(document.getElementById("comment-body-error"), message);
  if (message) body.setAttribute("aria-invalid", "true");
  else body.removeAttribute("aria-invalid");
}

commentForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = commentForm.elements.body;
  const send = document.getElementById("comment-send");
  const sent = body.value;
  const text = sent.trim();
  if (!text) {
    setCommentError(t("Write something first."));
    body.focus();
    return;
  }
  setCommentError("");
  send.disabled = true;
  try {
    await api(`/api/v1/complaints/${complaintId}/comments`, { method: "POST", json: { body: text } });
    clearSent(body, sent);
    loadComments();
  } catch (problem) {
    const messages = problem.fields && problem.fields.body;
    setCommentError(messages ? [].concat(messages).join(" ") : problem.message);
    body.focus();
  } finally {
    send.disabled = false;
  }
});

// --- live ------------------------------------------------------------------------------------

// Following joins this connection to the complaint's room; re-read afterwards so that no change
// between the first read and the join goes unseen.
const socket = connectLive(() => {
  socket.emit("follow", { complaint_id: complaintId }, (answer) => {
    if (answer && answer.ok) refresh();
  });
});
for (const event of ["complaint.updated", "complaint.forwarded"]) {
  socket.on(event, (complaint) => {
    if (complaint.id === complaintId) refresh();
  });
}

refresh();
