// What every flow gets: the server, an anonymous raw client, registration of fresh users through user-interactive
// auth (the dummy stage), expectations that record a failure without stopping the flow, and matrix-js-sdk clients
// whose traffic is recorded too.
import { RawClient, cs } from "./client.mjs";

export const password = "spec compliance password 1";
let users = 0;
const runId = Date.now().toString(36);

export function createContext(baseUrl, recorder) {
    const anonymous = new RawClient(baseUrl, recorder);
    const context = {
        baseUrl,
        recorder,
        anonymous,
        serverName: undefined,

        /** A username no other run uses. */
        uniqueName(prefix = "user") {
            return `${prefix}_${runId}_${++users}`;
        },

        /** Registers a user through UIA (first request: 401 with the flows; second: the dummy stage) and returns its client. */
        async register(prefix = "user", extra = {}) {
            const username = context.uniqueName(prefix);
            const first = await anonymous.post(cs("/register"), { username, password }, { expect: 401 });
            context.expect(first.body?.flows?.some((f) => f.stages.includes("m.login.dummy")), "registration offers the m.login.dummy stage");
            const { body } = await anonymous.post(cs("/register"), {
                username,
                password,
                initial_device_display_name: `${prefix} device`,
                auth: { type: "m.login.dummy", session: first.body?.session },
                ...extra,
            });
            context.serverName ??= body.user_id.slice(body.user_id.indexOf(":") + 1);
            return anonymous.as({ accessToken: body.access_token, userId: body.user_id, deviceId: body.device_id });
        },

        /** Records a flow failure when `condition` is false; the flow goes on. */
        expect(condition, message) {
            if (!condition) recorder.fail(`expected: ${message}`);
            return Boolean(condition);
        },

        /** A matrix-js-sdk client for a session, its traffic recorded and checked like the raw client's. */
        async sdkClient(session) {
            const sdk = await import("matrix-js-sdk");
            sdk.logger?.setLevel?.("warn", false);
            return sdk.createClient({
                baseUrl,
                logger: quiet,
                accessToken: session?.accessToken,
                userId: session?.userId,
                deviceId: session?.deviceId,
                fetchFn: recorder.recordingFetch("js-sdk"),
            });
        },

        /** Polls `probe` until it returns a truthy value (or the time is up, then undefined). */
        async eventually(probe, timeoutMs = 5000) {
            const end = Date.now() + timeoutMs;
            for (;;) {
                const value = await probe();
                if (value || Date.now() > end) return value || undefined;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        },
    };
    return context;
}

// matrix-js-sdk logs every step; only its warnings and errors are worth reading here.
const quiet = { debug() {}, info() {}, log() {}, warn: console.warn, error: console.error, trace() {}, getChild: () => quiet };

// matrix-js-sdk 43 uses Promise.withResolvers, which Node 20 (Debian's) lacks.
Promise.withResolvers ??= function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
};
