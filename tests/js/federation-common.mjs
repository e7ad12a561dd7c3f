// Matrix federation primitives written independently of the homeserver's C# Core: canonical JSON, Ed25519 through
// node's crypto, and HTTPS requests to loopback test servers (self-signed certificates accepted: loopback only).
import crypto from "node:crypto";
import https from "node:https";
import http from "node:http";

// Canonical JSON (spec appendix): keys sorted by code point, no insignificant whitespace, integers only.
export function canonical(value) {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error("canonical JSON has no floats");
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  const byCodePoint = (a, b) => {
    const x = Array.from(a), y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  };
  return "{" + Object.keys(value).sort(byCodePoint)
    .map(k => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
}

const unpadded = buffer => buffer.toString("base64").replace(/=+$/, "");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function publicKeyFromBase64(text) {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(text, "base64")]), format: "der", type: "spki" });
}

export function newKeyPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
  return { publicKey, privateKey, publicBase64: unpadded(raw) };
}

function signedBytes(object) {
  const copy = { ...object };
  delete copy.signatures;
  delete copy.unsigned;
  return Buffer.from(canonical(copy), "utf8");
}

export function signature(object, privateKey) {
  return unpadded(crypto.sign(null, signedBytes(object), privateKey));
}

export function sign(object, entity, keyId, privateKey) {
  const sig = signature(object, privateKey);
  object.signatures = object.signatures ?? {};
  object.signatures[entity] = { ...(object.signatures[entity] ?? {}), [keyId]: sig };
  return object;
}

export function verify(object, entity, keyId, publicKeyBase64) {
  const sig = object.signatures?.[entity]?.[keyId];
  if (typeof sig !== "string") return false;
  return crypto.verify(null, signedBytes(object), publicKeyFromBase64(publicKeyBase64), Buffer.from(sig, "base64"));
}

export function request(url, { method = "GET", headers = {}, body } = {}) {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, { method, headers, rejectUnauthorized: false }, res => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", chunk => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: text.length ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
