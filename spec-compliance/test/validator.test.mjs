// The checker itself: wrong responses and requests are reported with endpoint, status, JSON path and schema rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSpec } from "../lib/spec.mjs";
import { createChecker } from "../lib/validator.mjs";

const checker = createChecker(loadSpec());
const check = (method, url, status, body, requestBody) => checker.check({
    method, url, status, requestBody, responseText: body === undefined ? "" : JSON.stringify(body), contentType: "application/json",
});
const event = (fields) => ({ event_id: "$e", sender: "@a:example.org", origin_server_ts: 1, ...fields });

test("a valid response has no violations", () => {
    assert.deepEqual(check("GET", "/_matrix/client/v3/account/whoami", 200, { user_id: "@a:example.org" }).violations, []);
});

test("a missing required field is reported with its path and the required rule", () => {
    const [violation] = check("POST", "/_matrix/client/v3/createRoom", 200, {}).violations;
    assert.match(violation, /^POST \/_matrix\/client\/v3\/createRoom -> 200: response body \(root\): must have required property 'room_id' \[required at api\/client-server\/create_room\.yaml#/);
});

test("a wrong type is reported with the JSON path", () => {
    const [violation] = check("GET", "/_matrix/client/v3/rooms/!r:example.org/joined_members", 200,
        { joined: { "@a:example.org": { avatar_url: null } } }).violations;
    assert.match(violation, /response body\/joined\/@a:example\.org\/avatar_url: must be string \[type at api\/client-server\/rooms\.yaml#/);
});

test("a Matrix string format is enforced", () => {
    const [violation] = check("GET", "/_matrix/client/v3/account/whoami", 200, { user_id: "not-a-user-id" }).violations;
    assert.match(violation, /response body\/user_id: must match (format "mx-user-id"|pattern "\^@")/);
});

test("an undeclared status code is a failure", () => {
    assert.deepEqual(check("GET", "/_matrix/client/v3/sync", 500, { errcode: "M_UNKNOWN", error: "boom" }).violations,
        ["GET /_matrix/client/v3/sync -> 500: status 500 is not declared for this endpoint (declared: 200)"]);
});

test("an unknown endpoint is a failure", () => {
    assert.deepEqual(check("GET", "/_matrix/client/v3/no/such/thing", 200, {}).violations,
        ["GET /_matrix/client/v3/no/such/thing -> 200: unknown endpoint (the spec defines no such endpoint)"]);
    assert.match(check("DELETE", "/_matrix/client/v3/sync", 200, {}).violations[0], /the spec defines no DELETE on this path/);
});

test("a wrong request body is reported", () => {
    const [violation] = check("POST", "/_matrix/client/v3/rooms/!r:example.org/invite", 200, {}, { user_id: 5 }).violations;
    assert.match(violation, /request body\/user_id: must be string/);
});

test("events in /sync are checked against their type's schema, with the room ID the spec says /sync leaves out", () => {
    const body = { next_batch: "s1", rooms: { join: { "!r:example.org": { timeline: { events: [event({ type: "m.room.message", content: { msgtype: "m.text" } })] } } } } };
    const violations = check("GET", "/_matrix/client/v3/sync", 200, body).violations;
    assert.ok(violations.some((v) => /timeline\/events\/0\/content: must have required property 'body' \[required at event-schemas\/schema\/m\.room\.message\.yaml#/.test(v)), violations.join("\n"));
    body.rooms.join["!r:example.org"].timeline.events[0].content.body = "hello";
    assert.deepEqual(check("GET", "/_matrix/client/v3/sync", 200, body).violations, []);
});

test("state content sent with PUT is checked against the event type's content schema", () => {
    const [violation] = check("PUT", "/_matrix/client/v3/rooms/!r:example.org/state/m.room.name/", 200, { event_id: "$e" }, { name: 5 }).violations;
    assert.match(violation, /request body\/name: must be string \[type at event-schemas\/schema\/m\.room\.name\.yaml#\/properties\/content/);
});

test("redacted events are checked against the core event schema only", () => {
    const redacted = event({ type: "m.room.message", room_id: "!r:example.org", content: {}, unsigned: { redacted_because: {} } });
    assert.deepEqual(check("GET", "/_matrix/client/v3/rooms/!r:example.org/event/$e", 200, redacted).violations, []);
});

test("where the spec defines one path twice, the fitting definition judges", () => {
    assert.deepEqual(check("POST", "/_matrix/client/v3/rooms/!r:example.org/invite", 200, {}, { user_id: "@b:example.org" }).violations, []);
    assert.deepEqual(check("POST", "/_matrix/client/v3/rooms/!r:example.org/invite", 200, {}, { id_server: "i.example.org", id_access_token: "t", medium: "email", address: "a@example.org" }).violations, []);
});
