// Checks a homeserver's key document (GET /_matrix/key/v2/server) and its notary answer about itself with node's
// own Ed25519 and canonical JSON. Usage: node federation-keys.mjs <federation base URL> <server name>
import { request, verify } from "./federation-common.mjs";

const [base, serverName] = process.argv.slice(2);

function check(document, label) {
  if (document.server_name !== serverName) throw new Error(`${label}: server_name is ${document.server_name}`);
  if (!Number.isInteger(document.valid_until_ts)) throw new Error(`${label}: no valid_until_ts`);
  const signedBy = Object.keys(document.signatures?.[serverName] ?? {});
  const verified = signedBy.filter(keyId => document.verify_keys[keyId] &&
    verify(document, serverName, keyId, document.verify_keys[keyId].key));
  if (verified.length === 0 || verified.length !== signedBy.length) {
    throw new Error(`${label}: signatures ${signedBy} do not all verify`);
  }
  for (const keyId of verified) console.log(`${label}: verified ${keyId} valid_until_ts=${document.valid_until_ts}`);
  // A tampered copy must not verify: the check above is not vacuous.
  const tampered = { ...document, valid_until_ts: document.valid_until_ts + 1 };
  if (verify(tampered, serverName, verified[0], document.verify_keys[verified[0]].key)) {
    throw new Error(`${label}: a tampered document verifies`);
  }
}

const own = await request(`${base}/_matrix/key/v2/server`);
if (own.status !== 200) throw new Error(`key/v2/server answered ${own.status}`);
check(own.body, "server");

const notary = await request(`${base}/_matrix/key/v2/query/${encodeURIComponent(serverName)}`);
if (notary.status !== 200 || notary.body.server_keys.length !== 1) {
  throw new Error(`key/v2/query answered ${notary.status} ${JSON.stringify(notary.body)}`);
}
check(notary.body.server_keys[0], "notary");
