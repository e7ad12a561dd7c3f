// The runner end to end against a deliberately wrong server: its wrong answers fail the run with precise messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "run.mjs");

/** A server that gets /versions wrong, has no well-known, and fails registration with an undeclared 500. */
function wrongServer() {
    return http.createServer((request, response) => {
        const send = (status, body) => {
            response.writeHead(status, { "Content-Type": "application/json" });
            response.end(JSON.stringify(body));
        };
        if (request.url === "/_matrix/client/versions") return send(200, { versions: "v1.19" });
        if (request.url.startsWith("/_matrix/client/v3/register")) return send(500, { errcode: "M_UNKNOWN", error: "boom" });
        return send(404, { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" });
    });
}

test("the runner fails a server whose responses break the spec, naming endpoint, status, path and rule", async () => {
    const server = wrongServer();
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const jsonFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "spec-compliance-")), "result.json");
    try {
        const { code, stdout } = await new Promise((resolve) => {
            execFile(process.execPath, [runner, `http://127.0.0.1:${server.address().port}`, "--flows", "accounts", "--no-probe", "--json", jsonFile],
                (error, stdout) => resolve({ code: error ? error.code : 0, stdout }));
        });
        assert.equal(code, 1, stdout);
        assert.match(stdout, /GET \/_matrix\/client\/versions -> 200: response body\/versions: must be array \[type at api\/client-server\/versions\.yaml#/);
        assert.match(stdout, /POST \/_matrix\/client\/v3\/register -> 500: status 500 is not declared for this endpoint/);
        assert.match(stdout, /\n\d+ passed, [1-9]\d* failed\n?$/);
        const result = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
        assert.ok(result.failed >= 3, JSON.stringify(result.failures));
        assert.equal(result.table.find((row) => row.area === "accounts").failing, 2);
    } finally {
        server.close();
    }
});
