// Finds the events an exchange carries (in a response: /sync, /messages, /context, /event, /state, /members,
// /relations, /threads, /search, account data; in a request: sent messages, state, account data) and names the
// event schema each must match. Modes: "room" (a full client event; /sync ones get their room_id back, as the
// spec's own note on room_event.yaml says), "event" (account data, ephemeral, presence: the type's schema), "content"
// (only the content: stripped state, to-device, bodies of PUT send/state/account_data, GET of one state event).
import { pathToFileURL } from "node:url";
import path from "node:path";

/** @returns {{where: string, type: string, value: any, mode: "room"|"event"|"content"}[]} */
export function eventsIn(endpoint, method, pathname, body, requestBody, status) {
    const params = pathParams(endpoint, pathname);
    const route = endpoint.template.replace(/^\/_matrix\/client\/v\d+/, "");
    const found = [];
    const list = (events, where, mode, roomId) => {
        (Array.isArray(events) ? events : []).forEach((event, i) => {
            if (!event || typeof event !== "object") return;
            const value = mode === "content" ? event.content : roomId && mode === "room" ? { room_id: roomId, ...event } : event;
            found.push({ where: `${where}/${i}${mode === "content" ? "/content" : ""}`, type: event.type, value, mode });
        });
    };

    if (method === "PUT" && requestBody && typeof requestBody === "object") {
        if (route === "/rooms/{roomId}/send/{eventType}/{txnId}" || route.startsWith("/rooms/{roomId}/state/{eventType}")
            || route.endsWith("/account_data/{type}")) {
            found.push({ where: "request body", type: params.eventType ?? params.type, value: requestBody, mode: "content" });
        }
    }
    if (status !== 200 || body === undefined || method !== "GET" && route !== "/search") return found;

    switch (route) {
        case "/sync":
            list(body.account_data?.events, "response body/account_data/events", "event");
            list(body.presence?.events, "response body/presence/events", "event");
            list(body.to_device?.events, "response body/to_device/events", "content");
            for (const section of ["join", "leave"]) {
                for (const [roomId, room] of Object.entries(body.rooms?.[section] ?? {})) {
                    const where = `response body/rooms/${section}/${roomId}`;
                    list(room.timeline?.events, `${where}/timeline/events`, "room", roomId);
                    list(room.state?.events, `${where}/state/events`, "room", roomId);
                    list(room.state_after?.events, `${where}/state_after/events`, "room", roomId);
                    list(room.ephemeral?.events, `${where}/ephemeral/events`, "event");
                    list(room.account_data?.events, `${where}/account_data/events`, "event");
                }
            }
            for (const [roomId, room] of Object.entries(body.rooms?.invite ?? {})) {
                list(room.invite_state?.events, `response body/rooms/invite/${roomId}/invite_state/events`, "content");
            }
            for (const [roomId, room] of Object.entries(body.rooms?.knock ?? {})) {
                list(room.knock_state?.events, `response body/rooms/knock/${roomId}/knock_state/events`, "content");
            }
            break;
        case "/rooms/{roomId}/messages":
            list(body.chunk, "response body/chunk", "room");
            list(body.state, "response body/state", "room");
            break;
        case "/rooms/{roomId}/context/{eventId}":
            list(body.event ? [body.event] : [], "response body/event", "room");
            list(body.events_before, "response body/events_before", "room");
            list(body.events_after, "response body/events_after", "room");
            list(body.state, "response body/state", "room");
            break;
        case "/rooms/{roomId}/event/{eventId}":
            list([body], "response body", "room");
            break;
        case "/rooms/{roomId}/state":
            list(body, "response body", "room");
            break;
        case "/rooms/{roomId}/state/{eventType}/{stateKey}":
        case "/rooms/{roomId}/state/{eventType}":
            if (body.type === params.eventType && body.content && body.event_id) list([body], "response body", "room");
            else found.push({ where: "response body", type: params.eventType, value: body, mode: "content" });
            break;
        case "/rooms/{roomId}/members":
        case "/rooms/{roomId}/threads":
        case "/rooms/{roomId}/relations/{eventId}":
        case "/rooms/{roomId}/relations/{eventId}/{relType}":
        case "/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}":
            list(body.chunk, "response body/chunk", "room");
            break;
        case "/notifications":
            (body.notifications ?? []).forEach((n, i) => list(n?.event ? [n.event] : [], `response body/notifications/${i}/event`, "room"));
            break;
        case "/search":
            (body.search_categories?.room_events?.results ?? []).forEach((r, i) => {
                const where = `response body/search_categories/room_events/results/${i}`;
                list(r?.result ? [r.result] : [], `${where}/result`, "room");
                list(r?.context?.events_before, `${where}/context/events_before`, "room");
                list(r?.context?.events_after, `${where}/context/events_after`, "room");
            });
            break;
        default:
            if (route.endsWith("/account_data/{type}")) found.push({ where: "response body", type: params.type, value: body, mode: "content" });
    }
    return found;
}

/** The schema refs an event must match: its type's schema (and its msgtype's), or the core schema when redacted or unknown. */
export function eventSchemaRefs(spec, { type, value, mode }) {
    if (typeof type !== "string" || value === undefined) return [];
    const schemaDir = path.join(spec.specDir, "event-schemas", "schema");
    const fileOf = (name) => pathToFileURL(path.join(schemaDir, `${name}.yaml`)).href;
    const core = fileOf(`core-event-schema/${value && typeof value.state_key === "string" ? "state_event" : "room_event"}`);
    if (mode === "room" && value?.unsigned?.redacted_because) return [core];

    const files = [fileOf(type)];
    const msgtype = mode === "content" ? value?.msgtype : value?.content?.msgtype;
    if (type === "m.room.message" && typeof msgtype === "string") files.push(fileOf(`m.room.message$${msgtype}`));
    const known = files.filter((file) => spec.documents.has(file));
    if (known.length === 0) return mode === "room" ? [core] : [];
    return mode === "content" ? known.map((file) => `${file}#/properties/content`) : known;
}

function pathParams(endpoint, pathname) {
    const names = (endpoint.template.match(/\{[^}]+\}/g) ?? []).map((n) => n.slice(1, -1));
    const values = endpoint.regex.exec(pathname)?.slice(1) ?? [];
    return Object.fromEntries(names.map((name, i) => [name, safeDecode(values[i] ?? "")]));
}

function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    } catch {
        return value;
    }
}
