// Loads the spec's machine-readable data (OpenAPI 3.1 definitions, event schemas, shared schemas) and
// registers every file with one Ajv (JSON Schema 2020-12) instance under its file:// URL. Every `$ref` is
// rewritten to an absolute URL first, so a schema compiled from inside any file resolves its references
// across files (`definitions/...yaml`, `../../event-schemas/...`, `#/components/...`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import yaml from "js-yaml";
import Ajv2020 from "ajv/dist/2020.js";
import { registerFormats } from "./formats.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The spec data folder: MATRIX_SPEC_DIR, else the copy in spec-compliance/matrix-spec. */
export function defaultSpecDir() {
    return process.env.MATRIX_SPEC_DIR || path.join(here, "..", "matrix-spec");
}

/** Every file of the spec data, parsed, with its `$ref`s made absolute; and an Ajv that knows them all. */
export function loadSpec(specDir = defaultSpecDir()) {
    if (!fs.existsSync(path.join(specDir, "api"))) {
        throw new Error(`no spec data in ${specDir} (expected api/, event-schemas/, string-formats.yaml)`);
    }
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, verbose: true });
    registerFormats(ajv, yaml.load(fs.readFileSync(path.join(specDir, "string-formats.yaml"), "utf8")));
    const documents = new Map();
    for (const file of yamlFiles(specDir)) {
        const url = pathToFileURL(file).href;
        const document = absoluteRefs(yaml.load(fs.readFileSync(file, "utf8")), url);
        documents.set(url, document);
        ajv.addSchema(document, url);
    }
    return { specDir, ajv, documents, resolve: (ref) => resolveRef(documents, ref) };
}

function* yamlFiles(directory) {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) yield* yamlFiles(full);
        else if (entry.name.endsWith(".yaml") && entry.name !== "string-formats.yaml") yield full;
    }
}

/** A copy of `node` whose `$ref`s are absolute URLs, relative ones read against `base`. */
function absoluteRefs(node, base) {
    if (Array.isArray(node)) return node.map((item) => absoluteRefs(item, base));
    if (node === null || typeof node !== "object") return node;
    const result = {};
    for (const [key, value] of Object.entries(node)) {
        result[key] = key === "$ref" && typeof value === "string" ? new URL(value, base).href : absoluteRefs(value, base);
    }
    // Ajv would read a nested "$id" as a new base; the spec uses none, and examples must never count.
    delete result.$id;
    return result;
}

/** The node an absolute `$ref` points at (file URL plus optional JSON pointer), or undefined. */
export function resolveRef(documents, ref) {
    const [fileUrl, pointer = ""] = ref.split("#");
    let node = documents.get(fileUrl);
    for (const part of pointer.split("/").filter(Boolean)) {
        if (node === undefined) return undefined;
        node = node[decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return node;
}

/** Follows `$ref`s of OpenAPI objects (responses, request bodies, parameters) until a real object. */
export function follow(spec, node) {
    let current = node;
    for (let hops = 0; current && typeof current.$ref === "string" && hops < 10; hops++) {
        current = spec.resolve(current.$ref);
    }
    return current;
}

/** The JSON pointer (as a $ref URL) of a location inside a document. */
export function pointerRef(fileUrl, parts) {
    return `${fileUrl}#/${parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
}
