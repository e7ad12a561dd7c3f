// Checks one HTTP exchange against the spec: the endpoint must exist, the request body must match the operation's
// request schema, the status must be declared, the response body must match the schema declared for that status,
// and events inside it (or sent in it) must match their event type's schema. Violations name the endpoint, the
// status, the JSON path and the schema rule.
import { listEndpoints, matchEndpoints, pathIsKnown } from "./endpoints.mjs";
import { follow, pointerRef } from "./spec.mjs";
import { eventsIn, eventSchemaRefs } from "./events.mjs";

const maxViolationsPerExchange = 8;

export function createChecker(spec, apis) {
    const endpoints = listEndpoints(spec, apis);
    const compiled = new Map();

    function validatorFor(ref) {
        if (!compiled.has(ref)) compiled.set(ref, spec.ajv.compile({ $ref: ref }));
        return compiled.get(ref);
    }

    /** Validates `value` against the schema at `ref`; violations prefixed with `label` and `where`. */
    function validate(ref, value, label, where) {
        const validateFn = validatorFor(ref);
        if (validateFn(value)) return [];
        return dedupe(validateFn.errors).map((e) => `${label}: ${where}${e.instancePath || ""}${e.instancePath ? "" : " (root)"}: ${e.message} [${e.keyword} at ${shortSchemaPath(spec, e, ref)}]`);
    }

    /**
     * @param {{method: string, url: string, status: number, requestBody?: any, responseText?: string, contentType?: string}} exchange
     * @returns {{endpoint?: object, label: string, violations: string[]}}
     */
    function check(exchange) {
        const { method, url, status } = exchange;
        const pathname = new URL(url, "http://x").pathname;
        const candidates = matchEndpoints(endpoints, method, pathname);
        if (candidates.length === 0) {
            const why = pathIsKnown(endpoints, pathname) ? `the spec defines no ${method} on this path` : "the spec defines no such endpoint";
            return { label: `${method} ${pathname}`, violations: [`${method} ${pathname} -> ${status}: unknown endpoint (${why})`] };
        }
        // Where the spec defines one path twice (invites by user ID and by third-party ID), the best fit judges.
        return candidates.map((endpoint) => checkAgainst(endpoint, pathname, exchange))
            .sort((a, b) => a.violations.length - b.violations.length)[0];
    }

    function checkAgainst(endpoint, pathname, { method, status, requestBody, responseText, contentType }) {
        const label = `${method} ${endpoint.template} -> ${status}`;
        const violations = [];
        const operationRef = pointerRef(endpoint.fileUrl, endpoint.pathParts);

        if (requestBody !== undefined) {
            const requestSchema = locate(spec, operationRef, ["requestBody", "content", "application/json", "schema"]);
            if (requestSchema) violations.push(...validate(requestSchema, requestBody, label, "request body"));
        }

        const responses = endpoint.operation.responses ?? {};
        const declared = Object.keys(responses);
        const key = declared.find((k) => k === String(status)) ?? declared.find((k) => k === `${String(status)[0]}XX`) ?? (responses.default ? "default" : undefined);
        if (!key) {
            violations.push(`${label}: status ${status} is not declared for this endpoint (declared: ${declared.join(", ")})`);
            return { endpoint, label, violations };
        }

        const response = follow(spec, responses[key]);
        const jsonSchema = response?.content?.["application/json"] ? locate(spec, operationRef, ["responses", key, "content", "application/json", "schema"]) : undefined;
        let body;
        if (jsonSchema) {
            if (!/json/i.test(contentType ?? "")) violations.push(`${label}: response is ${contentType || "without a content type"}, the spec declares application/json`);
            try {
                body = JSON.parse(responseText ?? "");
            } catch {
                violations.push(`${label}: response body is not JSON: ${JSON.stringify((responseText ?? "").slice(0, 80))}`);
                return { endpoint, label, violations };
            }
            violations.push(...validate(jsonSchema, body, label, "response body"));
        }

        for (const found of eventsIn(endpoint, method, pathname, body, requestBody, status)) {
            for (const ref of eventSchemaRefs(spec, found)) violations.push(...validate(ref, found.value, label, found.where));
        }
        return { endpoint, label, violations: violations.slice(0, maxViolationsPerExchange).concat(violations.length > maxViolationsPerExchange ? [`${label}: ... and ${violations.length - maxViolationsPerExchange} more`] : []) };
    }

    return { endpoints, check, validate };
}

/** The absolute ref of the node reached from `startRef` through `parts`, following OpenAPI `$ref` objects. */
function locate(spec, startRef, parts) {
    let ref = startRef;
    let node = spec.resolve(ref);
    for (const part of parts) {
        while (node && typeof node.$ref === "string" && Object.keys(node).length === 1) {
            ref = node.$ref;
            node = spec.resolve(ref);
        }
        if (!node || node[part] === undefined) return undefined;
        node = node[part];
        ref = `${ref.includes("#") ? ref : `${ref}#`}/${part.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    }
    return ref;
}

/** The schema location of an error, relative to the spec folder (`api/client-server/sync.yaml#/...`). */
function shortSchemaPath(spec, error, rootRef) {
    const base = error.parentSchema?.$id ?? rootRef.split("#")[0];
    const where = `${error.schemaPath}`.startsWith("#") ? `${base}${error.schemaPath}` : error.schemaPath;
    const marker = spec.specDir.replace(/\\/g, "/").split("/").pop() + "/";
    const index = where.lastIndexOf(marker);
    const short = index >= 0 ? where.slice(index + marker.length) : where;
    try {
        return decodeURIComponent(short);
    } catch {
        return short;
    }
}

/** Ajv reports an anyOf/oneOf failure with every branch's errors; keep distinct messages, most specific first. */
function dedupe(errors) {
    const seen = new Set();
    return (errors ?? [])
        .filter((e) => e.keyword !== "if")
        .sort((a, b) => b.instancePath.length - a.instancePath.length)
        .filter((e) => {
            const key = `${e.instancePath} ${e.message}`;
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
        });
}
