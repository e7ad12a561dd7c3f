// A real third-party appservice (matrix-appservice-bridge 11, the library most Node bridges are built on) against our
// homeserver: its bot accepts invites, and for every text message a user sends in a room it is in, a ghost
// (@_asb_echo:<domain>, registered and joined by the library itself) replies "echo: <body>".
// Usage: node appservice-bridge.mjs <homeserverUrl> <domain> <registrationYaml> <port>
// Prints "listening" once its HTTP listener is up and "replied <eventId>" after each reply.
import { Bridge, Logger } from "matrix-appservice-bridge";

const [homeserverUrl, domain, registrationPath, portText] = process.argv.slice(2);
if (!portText) {
    console.error("usage: node appservice-bridge.mjs <homeserverUrl> <domain> <registrationYaml> <port>");
    process.exit(2);
}

Logger.configure({ console: process.env.ASB_VERBOSE === "1" ? "debug" : "error" });
const ghost = `@_asb_echo:${domain}`;
const timeout = setTimeout(() => { console.error("timed out"); process.exit(1); }, 170_000);

const bridge = new Bridge({
    homeserverUrl,
    domain,
    registration: registrationPath,
    disableStores: true,
    disableContext: true,
    suppressEcho: true,
    controller: {
        onUserQuery: () => ({}),
        onEvent: async (request) => {
            const event = request.getData();
            try {
                if (event.type === "m.room.member" && event.state_key === bridge.getBot().getUserId() &&
                    event.content?.membership === "invite") {
                    await bridge.getIntent().join(event.room_id);
                    console.log(`joined ${event.room_id}`);
                } else if (event.type === "m.room.message" && typeof event.content?.body === "string" &&
                    !event.sender.startsWith("@_asb_")) {
                    const { event_id } = await bridge.getIntent(ghost).sendText(event.room_id, `echo: ${event.content.body}`);
                    console.log(`replied ${event_id}`);
                }
            } catch (error) {
                console.error(`failed on ${event.type} ${event.event_id}: ${error?.stack ?? error}`);
            }
        },
    },
});

await bridge.run(Number(portText));
console.log("listening");
process.on("SIGTERM", async () => { clearTimeout(timeout); await bridge.close?.(); process.exit(0); });

