// Element's login screen: matrix-js-sdk's AutoDiscovery finds the homeserver from the domain's
// /.well-known/matrix/client and checks its /versions lists a spec version the SDK supports.
// Usage: node discovery.mjs <domain, with its scheme for a plain-HTTP test server>
import { AutoDiscovery } from "matrix-js-sdk";

const [domain] = process.argv.slice(2);
if (!domain) {
    console.error("usage: node discovery.mjs <domain>");
    process.exit(2);
}

const config = await AutoDiscovery.findClientConfig(domain);
const homeserver = config["m.homeserver"];
console.log("m.homeserver:", JSON.stringify(homeserver));
if (homeserver.state !== AutoDiscovery.SUCCESS) {
    console.error(`AutoDiscovery did not succeed: ${homeserver.state} ${homeserver.error ?? ""}`);
    process.exit(1);
}
console.log(`discovered ${homeserver.base_url}: ${AutoDiscovery.SUCCESS}`);
