// The results: a table per API area (endpoints exercised / schema-valid / failing), the spec endpoints the server
// does not implement, the failures, and the final "N passed, N failed" line; the same as JSON.
import { areaOrder } from "./areas.mjs";

/** Summarises the recorder and the probe into one result object (also the --json output). */
export function summarise(recorder, notImplemented, meta) {
    const areas = new Map();
    const area = (name) => {
        if (!areas.has(name)) areas.set(name, { area: name, endpoints: new Map(), exchanges: 0, failedExchanges: 0 });
        return areas.get(name);
    };
    for (const x of recorder.exchanges) {
        const a = area(x.area);
        a.exchanges++;
        if (x.violations.length) a.failedExchanges++;
        const endpoint = a.endpoints.get(x.endpoint) ?? { endpoint: x.endpoint, statuses: new Set(), violations: [] };
        endpoint.statuses.add(x.status);
        endpoint.violations.push(...x.violations);
        a.endpoints.set(x.endpoint, endpoint);
    }
    for (const ni of notImplemented) area(ni.area);

    const table = [...areas.values()]
        .sort((a, b) => rank(a.area) - rank(b.area))
        .map((a) => {
            const endpoints = [...a.endpoints.values()];
            return {
                area: a.area,
                exercised: endpoints.length,
                schemaValid: endpoints.filter((x) => x.violations.length === 0).length,
                failing: endpoints.filter((x) => x.violations.length > 0).length,
                exchanges: a.exchanges,
                notImplemented: notImplemented.filter((n) => n.area === a.area).length,
                endpoints: endpoints.map((x) => ({ endpoint: x.endpoint, statuses: [...x.statuses].sort(), violations: [...new Set(x.violations)] })),
            };
        });
    const failures = [
        ...recorder.exchanges.flatMap((x) => x.violations.map((v) => ({ flow: x.flow, kind: "schema", message: v }))),
        ...recorder.flowFailures.map((f) => ({ flow: f.flow, kind: "flow", message: f.message })),
    ];
    const failed = recorder.exchanges.filter((x) => x.violations.length).length + recorder.flowFailures.length;
    const passed = recorder.exchanges.length - recorder.exchanges.filter((x) => x.violations.length).length;
    return { ...meta, passed, failed, table, notImplemented, failures, skipped: recorder.skipped };
}

function rank(area) {
    const index = areaOrder.indexOf(area);
    return index < 0 ? areaOrder.length : index;
}

/** The human-readable report. */
export function formatReport(result) {
    const lines = [];
    const header = ["area", "endpoints exercised", "schema-valid", "failing", "exchanges", "not implemented"];
    const rows = result.table.map((r) => [r.area, r.exercised, r.schemaValid, r.failing, r.exchanges, r.notImplemented].map(String));
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
    lines.push("", `Spec compliance of ${result.baseUrl} against Matrix spec data ${result.specVersion}`, "");
    lines.push(line(header), `|${widths.map((w, i) => (i === 0 ? "-" : "").padEnd(w + 1, "-") + (i === 0 ? "-" : ":")).join("|")}|`);
    rows.forEach((r) => lines.push(line(r)));

    lines.push("", `Not implemented (${result.notImplemented.length} spec endpoints answer 404 M_UNRECOGNIZED or 405):`);
    for (const n of result.notImplemented) lines.push(`  ${n.area.padEnd(20)} ${n.endpoint}${n.deprecated ? " (deprecated)" : ""}  [${n.status}${n.errcode ? ` ${n.errcode}` : ""}]`);
    if (result.skipped.length) {
        lines.push("", "Not judged:");
        for (const s of [...new Set(result.skipped)]) lines.push(`  ${s}`);
    }
    if (result.failures.length) {
        lines.push("", "Failures:");
        for (const f of result.failures) lines.push(`  [${f.flow}] ${f.message}`);
    }
    lines.push("", `${result.passed} passed, ${result.failed} failed`);
    return lines.join("\n");
}
