#!/usr/bin/env node
// The spec check as a line-oriented service, for tests in other languages (tests/Homeserver.Host.Tests uses it):
// each stdin line is one exchange as JSON
//   {"method": "GET", "path": "/_matrix/client/v3/sync?since=x", "status": 200, "body": {...}, "requestBody": {...}}
// (body: the response body, JSON or omitted; requestBody: optional), and each answer is one stdout line
//   {"endpoint": "GET /_matrix/client/v3/sync", "violations": ["GET /_matrix/client/v3/sync -> 200: response body/...: ..."]}
import readline from "node:readline";
import { loadSpec } from "./lib/spec.mjs";
import { createChecker } from "./lib/validator.mjs";

const checker = createChecker(loadSpec());
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
    if (!line.trim()) continue;
    let answer;
    try {
        const { method, path, status, body, requestBody } = JSON.parse(line);
        const result = checker.check({
            method: String(method).toUpperCase(),
            url: new URL(path, "http://localhost").href,
            status,
            requestBody,
            responseText: body === undefined ? "" : JSON.stringify(body),
            contentType: body === undefined ? "" : "application/json",
        });
        answer = { endpoint: result.endpoint ? `${result.endpoint.method} ${result.endpoint.template}` : null, violations: result.violations };
    } catch (error) {
        answer = { endpoint: null, violations: [`validate.mjs could not check this exchange: ${error?.message ?? error}`] };
    }
    process.stdout.write(`${JSON.stringify(answer)}\n`);
}
