// Which spec endpoints the server does not implement: each client-server endpoint the flows did not reach is
// requested once with placeholder path parameters (and `{}` as the body of POST/PUT). "Not implemented" means the
// server's router does not know it: 404 with M_UNRECOGNIZED (or a non-JSON 404), or 405. Anything else (401, 400,
// 403, 404 M_NOT_FOUND...) means a handler ran. Probe answers are not schema-checked: their requests are nonsense.

const placeholders = {
    roomId: (ctx) => `!probe:${ctx.serverName}`,
    roomIdOrAlias: (ctx) => `!probe:${ctx.serverName}`,
    roomAlias: (ctx) => `#probe:${ctx.serverName}`,
    userId: (ctx, session) => session.userId,
    eventId: () => "$probe",
    serverName: (ctx) => ctx.serverName,
    deviceId: () => "PROBEDEVICE",
    kind: () => "override",
    ruleId: () => ".m.rule.master",
    receiptType: () => "m.read",
};

/** Probes every client-server endpoint no flow exercised; returns those the server does not implement. */
export async function probeUnimplemented(ctx, checker, exercised) {
    const session = await ctx.register("probe");
    const notImplemented = [];
    // Endpoints that end the probing session go last.
    const seen = new Set(exercised);
    const targets = checker.endpoints
        .filter((x) => x.api === "client-server" && !seen.has(`${x.method} ${x.template}`) && seen.add(`${x.method} ${x.template}`))
        .sort((a, b) => Number(/logout|deactivate/.test(a.template)) - Number(/logout|deactivate/.test(b.template)));
    for (const endpoint of targets) {
        const path = endpoint.template.replace(/\{([^}]+)\}/g, (_, name) =>
            encodeURIComponent(placeholders[name]?.(ctx, session) ?? "probe"));
        const init = { method: endpoint.method, headers: { Authorization: `Bearer ${session.accessToken}` } };
        if (endpoint.method === "POST" || endpoint.method === "PUT") {
            init.headers["Content-Type"] = "application/json";
            init.body = "{}";
        }
        const response = await fetch(ctx.baseUrl + path, { ...init, redirect: "manual" });
        const text = await response.text();
        let errcode;
        try {
            errcode = JSON.parse(text).errcode;
        } catch {
            errcode = undefined;
        }
        const unrecognised = (response.status === 404 && (errcode === "M_UNRECOGNIZED" || errcode === undefined)) || response.status === 405;
        if (unrecognised) {
            notImplemented.push({ area: endpoint.area, endpoint: `${endpoint.method} ${endpoint.template}`, deprecated: endpoint.deprecated, status: response.status, errcode });
        }
    }
    return notImplemented.sort((a, b) => a.area.localeCompare(b.area) || a.endpoint.localeCompare(b.endpoint));
}
