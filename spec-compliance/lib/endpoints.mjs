// The endpoints of the spec's OpenAPI definitions: full path templates (server basePath + path), matched against
// concrete request URLs, and grouped into the API areas of the report.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { areaOf } from "./areas.mjs";

const methods = ["get", "put", "post", "delete", "patch", "head", "options"];

/** Every operation of the given APIs (folder names under api/), most specific templates first. */
export function listEndpoints(spec, apis = ["client-server", "server-server", "application-service"]) {
    const endpoints = [];
    for (const [url, document] of spec.documents) {
        const file = fileURLToPath(url);
        const relative = path.relative(path.join(spec.specDir, "api"), file).split(path.sep);
        if (relative.length !== 2 || !apis.includes(relative[0]) || !document?.paths) continue;
        const basePath = document.servers?.[0]?.variables?.basePath?.default ?? "";
        for (const [pathTemplate, item] of Object.entries(document.paths)) {
            for (const method of methods) {
                const operation = item?.[method];
                if (!operation) continue;
                // Two definitions may share a path, told apart by a trailing space ("/invite " for third-party invites).
                const template = basePath + pathTemplate.trim();
                endpoints.push({
                    api: relative[0],
                    file: `${relative[0]}/${relative[1]}`,
                    fileUrl: url,
                    method: method.toUpperCase(),
                    template,
                    pathParts: ["paths", pathTemplate, method],
                    operation,
                    area: areaOf(relative[0], relative[1]),
                    deprecated: operation.deprecated === true,
                    regex: templateRegex(template),
                    literalLength: template.replace(/\{[^}]+\}/g, "").length,
                });
            }
        }
    }
    return endpoints.sort((a, b) => b.literalLength - a.literalLength || a.template.localeCompare(b.template));
}

/** A regex for a path template: each `{param}` is one path segment (the last may be empty: state keys). */
function templateRegex(template) {
    const source = template
        .split(/(\{[^}]+\})/)
        .map((part, index, parts) => {
            if (!part.startsWith("{")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            return index === parts.length - 2 && parts[parts.length - 1] === "" ? "([^/]*)" : "([^/]+)";
        })
        .join("");
    return new RegExp(`^${source}$`);
}

/** The endpoints a concrete request falls under (path without query): usually one, two where the spec splits one path. */
export function matchEndpoints(endpoints, method, pathname) {
    const matches = endpoints.filter((e) => e.method === method && e.regex.test(pathname));
    return matches.filter((e) => e.literalLength === matches[0].literalLength);
}

/** Whether any method of the spec serves this path (to tell "unknown path" from "wrong method"). */
export function pathIsKnown(endpoints, pathname) {
    return endpoints.some((e) => e.regex.test(pathname));
}
