// Logs in with matrix-js-sdk (Element's engine) as a real client would, then checks whoami and logs out.
// Usage: node login.mjs <baseUrl> <user> <password>
import * as sdk from "matrix-js-sdk";

const [baseUrl, user, password] = process.argv.slice(2);
if (!baseUrl || !user || !password) {
    console.error("usage: node login.mjs <baseUrl> <user> <password>");
    process.exit(2);
}

const anonymous = sdk.createClient({ baseUrl });
const flows = await anonymous.loginFlows();
console.log("login flows:", flows.flows.map((f) => f.type).join(", "));

const response = await anonymous.loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user },
    password,
    initial_device_display_name: "matrix-js-sdk check",
});
console.log(`logged in as ${response.user_id} on device ${response.device_id}`);

const client = sdk.createClient({
    baseUrl,
    accessToken: response.access_token,
    userId: response.user_id,
    deviceId: response.device_id,
});
const whoami = await client.whoami();
if (whoami.user_id !== response.user_id || whoami.device_id !== response.device_id) {
    throw new Error(`whoami disagrees: ${JSON.stringify(whoami)}`);
}
console.log("whoami:", JSON.stringify(whoami));

await client.logout(true);
try {
    await client.whoami();
    throw new Error("the token still works after logout");
} catch (e) {
    if (e.errcode !== "M_UNKNOWN_TOKEN") throw e;
    console.log("after logout: M_UNKNOWN_TOKEN, as expected");
}
