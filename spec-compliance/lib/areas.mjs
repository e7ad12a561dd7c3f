// The API areas of the report: each client-server definition file belongs to one. Server-server and
// application-service definitions are one area each.

const clientServerAreas = {
    accounts: [
        "registration", "login", "logout", "whoami", "device_management", "account-data", "profile", "capabilities",
        "versions", "wellknown", "password_management", "account_deactivation", "refresh", "login_token", "admin",
        "administrative_contact", "registration_tokens", "openid", "users", "support", "sso_login_redirect",
        "oauth_server_metadata", "tags",
    ],
    rooms: [
        "create_room", "room_send", "room_state", "rooms", "redaction", "list_joined_rooms", "message_pagination",
        "event_context", "room_event_by_timestamp", "room_upgrades", "report_content", "search", "relations",
        "threads_list", "room_initial_sync", "peeking_events", "room_summary",
    ],
    membership: ["inviting", "joining", "leaving", "kicking", "banning", "knocking", "third_party_membership"],
    directory: ["directory", "list_public_rooms", "space_hierarchy", "appservice_room_directory"],
    "receipts & typing": ["receipts", "typing", "read_markers"],
    presence: ["presence"],
    sync: ["sync", "filter", "old_sync", "notifications"],
    keys: ["keys", "cross_signing", "to_device", "key_backup"],
    push: ["pushrules", "pusher"],
    media: ["content-repo", "authed-content-repo"],
};

const byFile = new Map(Object.entries(clientServerAreas).flatMap(([area, files]) => files.map((f) => [f, area])));

/** The report area of a definition file (`api/<api>/<file>`). */
export function areaOf(api, file) {
    if (api === "server-server") return "federation";
    if (api === "application-service") return "application services";
    return byFile.get(file.replace(/\.yaml$/, "")) ?? "other";
}

/** The order of areas in the report. */
export const areaOrder = [...Object.keys(clientServerAreas), "other", "federation", "application services"];
