// A test-only remote server written independently of the homeserver's Core: it serves its own key document on
// loopback (server name 127.0.0.1:<port>) and sends X-Matrix signed requests to the homeserver's federation listener:
// one correctly signed, one with a wrong signature, one for another destination, one unsigned. Prints the outcomes.
// Usage: node federation-remote.mjs <federation base URL> <destination server name> <user ID to query>
import http from "node:http";
import { newKeyPair, request, sign, signature } from "./federation-common.mjs";

const [base, destination, userId] = process.argv.slice(2);
const keyId = "ed25519:node1";
const keys = newKeyPair();

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/_matrix/key/v2/server") {
    const document = sign({
      server_name: origin,
      valid_until_ts: Date.now() + 3_600_000,
      verify_keys: { [keyId]: { key: keys.publicBase64 } },
      old_verify_keys: {},
    }, origin, keyId, keys.privateKey);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(document));
  } else {
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ errcode: "M_UNRECOGNIZED", error: "not here" }));
  }
});
await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
const origin = `127.0.0.1:${server.address().port}`;

const quote = value => `"${value.replace(/(["\\])/g, "\\$1")}"`;
function authorization(method, uri, dest, signedUri = uri) {
  const sig = signature({ method, uri: signedUri, origin, destination: dest }, keys.privateKey);
  // Spaces after commas and upper-case names are allowed by the grammar; a sender may write them.
  return `X-Matrix origin=${quote(origin)}, destination=${quote(dest)}, Key=${quote(keyId)}, sig=${quote(sig)}`;
}

const uri = `/_matrix/federation/v1/query/profile?user_id=${encodeURIComponent(userId)}`;
const outcomes = {};
outcomes.signed = await request(base + uri, { headers: { Authorization: authorization("GET", uri, destination) } });
outcomes.wrongSignature = await request(base + uri,
  { headers: { Authorization: authorization("GET", uri, destination, uri + "&x=1") } });
outcomes.otherDestination = await request(base + uri,
  { headers: { Authorization: authorization("GET", uri, "other.example") } });
outcomes.unsigned = await request(base + uri);
console.log("OUTCOMES " + JSON.stringify(outcomes));
server.close();
