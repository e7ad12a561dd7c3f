// Event reports: GET /_synapse/admin/v1/event_reports (newest first, paged by from, limit and next_token), one
// report with the reported event, and resolving it (DELETE, as Synapse does).

import { admin, segment } from "./api.js";
import { count, confirmDialog, el, fields, json, link, pager, table, time } from "./dom.js";
import { act, go, load } from "./shell.js";

const PAGE_SIZE = 50;

const reportRoom = (report) => report.name || report.canonical_alias || report.room_id;

export async function showReports(view, params) {
  const from = Number.parseInt(params.get("from") ?? "0", 10) || 0;
  const results = el("div", { testid: "report-results" }, el("p", { className: "muted" }, "Loading…"));
  view.replaceChildren(el("h2", {}, "Event reports"), results);

  await load(results, async () => {
    const answer = await admin("GET", "/v1/event_reports", { query: { from, limit: PAGE_SIZE } });
    const reports = answer.event_reports ?? [];
    const next = answer.next_token === undefined ? null : String(answer.next_token);
    const previous = from > 0 ? String(Math.max(0, from - PAGE_SIZE)) : null;
    results.replaceChildren(
      el("p", { className: "muted", testid: "report-total" }, `${count(answer.total ?? reports.length, "open report")}`),
      reports.length === 0 ? el("p", {}, "No reports.") : table([
        { title: "Report", cell: (report) => link(`/reports/${segment(String(report.id))}`, `#${report.id}`, "report-link") },
        { title: "Received", cell: (report) => time(report.received_ts) },
        { title: "Room", cell: (report) => link(`/rooms/${segment(report.room_id)}`, reportRoom(report)) },
        { title: "Sender", cell: (report) => report.sender ?? "" },
        { title: "Reporter", cell: (report) => report.user_id ?? "" },
        { title: "Reason", cell: (report) => el("span", { testid: "report-reason" }, report.reason ?? "") },
        { title: "Score", cell: (report) => (report.score === null || report.score === undefined ? "" : String(report.score)) },
      ], reports, "report-row"),
      pager(previous, next, (target) => go(`/reports?from=${encodeURIComponent(target)}`)));
  }, "report-error");
}

export async function showReport(view, reportId) {
  const detail = el("div", { testid: "report-detail" }, el("p", { className: "muted" }, "Loading…"));
  view.replaceChildren(el("p", {}, link("/reports", "← Reports")), el("h2", {}, `Report #${reportId}`), detail);

  await load(detail, async () => {
    const report = await admin("GET", `/v1/event_reports/${segment(reportId)}`);
    const output = el("div");
    const resolve = el("button", { type: "button", className: "danger", testid: "report-resolve" }, "Resolve…");
    resolve.addEventListener("click", () => act(resolve, output, async () => {
      const choice = await confirmDialog("Resolve this report?", "The report is deleted; the event stays.",
        { confirmLabel: "Resolve" });
      if (choice) {
        await admin("DELETE", `/v1/event_reports/${segment(reportId)}`);
        go("/reports", `Report #${reportId} resolved.`);
      }
    }));
    detail.replaceChildren(
      fields([
        ["Received", time(report.received_ts)],
        ["Room", link(`/rooms/${segment(report.room_id)}`, reportRoom(report), "report-room")],
        ["Event", report.event_id],
        ["Sender", report.sender ? link(`/users/${segment(report.sender)}`, report.sender) : null],
        ["Reporter", report.user_id ? link(`/users/${segment(report.user_id)}`, report.user_id) : null],
        ["Reason", el("span", { testid: "report-reason" }, report.reason ?? "")],
        ["Score", report.score === null || report.score === undefined ? null : String(report.score)],
      ], "report-fields"),
      el("div", { className: "actions" }, resolve), output,
      el("h3", {}, "Reported event"),
      report.event_json ? json(report.event_json, "report-event") : el("p", { className: "muted" }, "Not available."));
  }, "report-error");
}
