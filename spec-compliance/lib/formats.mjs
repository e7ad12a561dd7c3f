// The string formats the spec's schemas use (string-formats.yaml lists them; its regexes are only comments, so
// these follow the appendix definitions it links to, on the permissive side: a format check must never reject
// a valid identifier of any room version). `uri` and `email` come from ajv-formats; int64/float are numbers.
import addFormats from "ajv-formats";

const serverName = String.raw`(\[[0-9A-Fa-f:.]+\]|[0-9]{1,3}(\.[0-9]{1,3}){3}|[A-Za-z0-9.-]{1,255})(:[0-9]{1,5})?`;

/** Regexes for the Matrix formats, after the definitions string-formats.yaml links to. */
export const matrixFormats = {
    // appendices#user-identifiers: @localpart:server_name (historical localparts allow any printable ASCII but ':').
    "mx-user-id": new RegExp(String.raw`^@[^:]*:${serverName}$`),
    // appendices#event-ids: "$" then an opaque string (with ":server" in room versions 1 and 2).
    "mx-event-id": /^\$.+$/,
    // appendices#room-ids: "!" then an opaque string (room version 12 room IDs have no server part).
    "mx-room-id": /^!.+$/,
    // appendices#room-aliases: #alias:server_name.
    "mx-room-alias": new RegExp(String.raw`^#[^:]*:${serverName}$`),
    "mx-server-name": new RegExp(`^${serverName}$`),
    // client-server-api#matrix-content-mxc-uris: mxc://<server-name>/<media-id>.
    "mx-mxc-uri": /^mxc:\/\/[^/]+\/[A-Za-z0-9_-]+$/,
    "mx-unpadded-base64": /^[A-Za-z0-9+/]*$/,
    "mx-urlsafe-unpadded-base64": /^[A-Za-z0-9_-]*$/,
};

/** Registers every format of string-formats.yaml (failing loudly on one this file does not know) and the number formats. */
export function registerFormats(ajv, declared) {
    addFormats(ajv, ["uri", "email"]);
    for (const name of Object.keys(declared ?? {})) {
        if (name === "uri" || name === "email") continue;
        if (!matrixFormats[name]) throw new Error(`string-formats.yaml declares ${name}, which formats.mjs does not know`);
    }
    for (const [name, regex] of Object.entries(matrixFormats)) ajv.addFormat(name, regex);
    ajv.addFormat("int64", {
        type: "number",
        validate: (n) => Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63,
    });
    ajv.addFormat("float", { type: "number", validate: (n) => Number.isFinite(n) });
}
