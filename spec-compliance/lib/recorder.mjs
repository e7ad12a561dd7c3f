// Collects the outcome of every check: each HTTP exchange (checked against the spec as it happens) and each
// flow expectation (a status or a value a flow relies on). A fetch wrapper records matrix-js-sdk's traffic too.

export function createRecorder(checker, { verbose = false, log = console.log } = {}) {
    const exchanges = [];
    const flowFailures = [];
    const skipped = [];
    let currentFlow = "setup";

    function recordExchange(exchange, source) {
        const pathname = new URL(exchange.url).pathname;
        const result = checker.check(exchange);
        // matrix-js-sdk calls some unstable (MSC) endpoints on its own; they are no part of the spec and not ours to judge.
        if (!result.endpoint && source === "js-sdk" && pathname.includes("/unstable/")) {
            skipped.push(`${exchange.method} ${pathname} -> ${exchange.status} (matrix-js-sdk, unstable endpoint, not in the spec)`);
            return result;
        }
        const entry = {
            flow: currentFlow,
            source,
            area: result.endpoint?.area ?? "unknown endpoints",
            endpoint: result.endpoint ? `${result.endpoint.method} ${result.endpoint.template}` : result.label,
            status: exchange.status,
            violations: result.violations,
        };
        exchanges.push(entry);
        if (verbose || entry.violations.length) {
            for (const v of entry.violations) log(`  FAIL [${currentFlow}] ${v}`);
            if (verbose && !entry.violations.length) log(`  ok   [${currentFlow}] ${result.label}`);
        }
        return result;
    }

    /** A fetch that records every exchange (for matrix-js-sdk's `fetchFn`). */
    function recordingFetch(source = "js-sdk") {
        return async (input, init = {}) => {
            const url = typeof input === "string" ? input : input.url ?? String(input);
            const method = (init.method ?? input.method ?? "GET").toUpperCase();
            const response = await fetch(input, init);
            const text = await response.clone().text();
            recordExchange({
                method,
                url,
                status: response.status,
                requestBody: parseJson(typeof init.body === "string" ? init.body : undefined),
                responseText: text,
                contentType: response.headers.get("content-type") ?? "",
            }, source);
            return response;
        };
    }

    return {
        recordExchange,
        recordingFetch,
        exchanges,
        flowFailures,
        skipped,
        set flow(name) {
            currentFlow = name;
        },
        get flow() {
            return currentFlow;
        },
        fail(message) {
            flowFailures.push({ flow: currentFlow, message });
            log(`  FAIL [${currentFlow}] ${message}`);
        },
    };
}

export function parseJson(text) {
    if (text === undefined || text === "") return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
