// The roads panel on Dishub's console: the status form of the traffic page, filled with the roads.
import { api, t } from "../../static/common.js";
import { roadStatusForm } from "./road-status-form.js";

const form = roadStatusForm(document.getElementById("road-status-form"));
try {
  const { segments } = await api("/api/v1/transport/segments");
  form.fill(segments);
} catch (problem) {
  form.showError(t("Could not load the roads: {message}", { message: problem.message }));
}
