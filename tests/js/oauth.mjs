// The OAuth 2.0 API with matrix-js-sdk's OAuth helpers, as a native client would use them: discover the server
// metadata, register the client, build the authorization URL, complete the code grant, refresh and log out (revoke).
// The person in the browser is the test: this prints "AUTHORIZE <url>" and waits for "CALLBACK <url>" on stdin.
// A wrong PKCE verifier, a reused code and a revoked token must all be refused.
// Usage: node oauth.mjs <baseUrl> <redirectUri (http://127.0.0.1:PORT/callback)>
import * as readline from "node:readline";
import * as sdk from "matrix-js-sdk";
import { TokenRefresher } from "matrix-js-sdk/lib/oauth/tokenRefresher.js";

const [baseUrl, redirectUri] = process.argv.slice(2);
if (!baseUrl || !redirectUri) {
    console.error("usage: node oauth.mjs <baseUrl> <redirectUri>");
    process.exit(2);
}

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function authorize(oauth, state) {
    const url = await oauth.generateAuthorizationCodeGrantUrl(state, redirectUri, "fragment");
    console.log(`AUTHORIZE ${url}`);
    const { value } = await lines.next();
    const callback = new URL(value.replace(/^CALLBACK /, ""));
    const params = new URLSearchParams(callback.hash.slice(1));
    if (params.get("state") !== state) throw new Error(`state not echoed: ${callback}`);
    if (!params.get("code")) throw new Error(`no code: ${callback}`);
    return params.get("code");
}

async function refused(what, action) {
    try {
        await action();
    } catch (e) {
        console.log(`${what} refused: ${e.constructor.name} ${e.errcode ?? e.error ?? e.message}`);
        return;
    }
    throw new Error(`${what} was accepted`);
}

const anonymous = sdk.createClient({ baseUrl });
const metadata = await anonymous.getAuthMetadata();
console.log(`discovered issuer ${metadata.issuer}`);
const clientId = await sdk.OAuth2.registerClient(metadata, {
    client_name: "js-sdk OAuth check",
    client_uri: "https://client.example/",
    redirect_uris: [new URL("/callback", "http://127.0.0.1").toString()],
    application_type: "native",
});
console.log(`registered client ${clientId}`);

// First round: the code is exchanged with another verifier than the one its challenge came from.
const first = new sdk.OAuth2(metadata, { clientId });
const firstCode = await authorize(first, "state-one");
const impostor = new sdk.OAuth2(metadata, { clientId, deviceId: first.context.deviceId });
await refused("wrong PKCE verifier", () => impostor.completeAuthorizationCodeGrant(firstCode, redirectUri));

// Second round: the real thing.
const oauth = new sdk.OAuth2(metadata, { clientId });
const code = await authorize(oauth, "state-two");
const tokens = await oauth.completeAuthorizationCodeGrant(code, redirectUri);
console.log(`token_type ${tokens.token_type}, scope ${tokens.scope}, expires_in ${tokens.expires_in}`);

let current = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
const client = sdk.createClient({
    baseUrl,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    deviceId: oauth.context.deviceId,
    oauthClientId: clientId,
    onTokenRefresh: (t) => { current = t; },
});
const whoami = await client.whoami();
if (whoami.device_id !== oauth.context.deviceId) throw new Error(`device ${whoami.device_id} is not the scoped one`);
console.log(`whoami ${whoami.user_id} on the scoped device`);

const refresher = new TokenRefresher(oauth, (t) => { current = t; });
const refreshed = await refresher.refreshTokens(current.refreshToken);
const afterRefresh = sdk.createClient({ baseUrl, accessToken: refreshed.accessToken });
console.log(`refreshed: whoami ${(await afterRefresh.whoami()).user_id}`);

// The SDK refreshes by itself when the server no longer knows its access token.
const stale = sdk.createClient({
    baseUrl,
    accessToken: "mat_not_a_token_any_more",
    refreshToken: refreshed.refreshToken,
    deviceId: oauth.context.deviceId,
    oauthClientId: clientId,
    onTokenRefresh: (t) => { current = t; },
});
console.log(`sdk refreshed on its own: whoami ${(await stale.whoami()).user_id}, new token ${current.accessToken !== refreshed.accessToken}`);

await refused("reused code", () => oauth.completeAuthorizationCodeGrant(code, redirectUri));
await refused("token after the code was replayed", () => stale.whoami());

// Third round: log out through the revocation endpoint.
const third = new sdk.OAuth2(metadata, { clientId });
const thirdTokens = await third.completeAuthorizationCodeGrant(await authorize(third, "state-three"), redirectUri);
const loggedIn = sdk.createClient({
    baseUrl,
    accessToken: thirdTokens.access_token,
    refreshToken: thirdTokens.refresh_token,
    deviceId: third.context.deviceId,
    oauthClientId: clientId,
    onTokenRefresh: () => {},
});
await loggedIn.whoami();
await loggedIn.logout();
await refused("revoked access token", () => sdk.createClient({ baseUrl, accessToken: thirdTokens.access_token }).whoami());
await refused("revoked refresh token", () => new TokenRefresher(third, () => {}).refreshTokens(thirdTokens.refresh_token));
console.log("OAUTH DONE");
process.exit(0);
