// Raw HTTP (fetch) for flows where exact status codes matter. Every exchange goes through the recorder; a
// status other than the expected one is a flow failure (with the errcode and error the server gave).
import { parseJson } from "./recorder.mjs";

export class ExpectationError extends Error {}

export class RawClient {
    constructor(baseUrl, recorder, { accessToken, userId, deviceId } = {}) {
        this.baseUrl = baseUrl.replace(/\/+$/, "");
        this.recorder = recorder;
        this.accessToken = accessToken;
        this.userId = userId;
        this.deviceId = deviceId;
    }

    /** The same server, another session. */
    as(session) {
        return new RawClient(this.baseUrl, this.recorder, session);
    }

    /**
     * One request. `path` is relative to the server root and already encoded; `expect` is the status (or statuses)
     * the flow needs: anything else throws an ExpectationError (recorded by the flow runner).
     */
    async request(method, path, { body, rawBody, query, expect = 200, token = this.accessToken, headers = {} } = {}) {
        const url = new URL(this.baseUrl + path);
        for (const [key, value] of Object.entries(query ?? {})) {
            if (value !== undefined) url.searchParams.set(key, typeof value === "string" ? value : JSON.stringify(value));
        }
        const init = { method, headers: { ...headers } };
        if (token) init.headers.Authorization = `Bearer ${token}`;
        if (body !== undefined) {
            init.headers["Content-Type"] = "application/json";
            init.body = JSON.stringify(body);
        } else if (rawBody !== undefined) {
            init.body = rawBody;
        }
        const response = await fetch(url, init);
        const text = await response.text();
        const contentType = response.headers.get("content-type") ?? "";
        this.recorder.recordExchange({ method, url: url.href, status: response.status, requestBody: body, responseText: text, contentType }, "raw");
        const json = parseJson(text);
        const expected = Array.isArray(expect) ? expect : [expect];
        if (!expected.includes(response.status)) {
            throw new ExpectationError(`${method} ${url.pathname}: expected ${expected.join(" or ")}, got ${response.status} ${json?.errcode ?? ""} ${json?.error ?? text.slice(0, 120)}`.trim());
        }
        return { status: response.status, body: json, text, headers: response.headers };
    }

    get(path, options) {
        return this.request("GET", path, options);
    }

    post(path, body = {}, options = {}) {
        return this.request("POST", path, { ...options, body });
    }

    put(path, body = {}, options = {}) {
        return this.request("PUT", path, { ...options, body });
    }

    delete(path, options = {}) {
        return this.request("DELETE", path, options);
    }
}

/** Client-server API path under /_matrix/client/v3 (or another version). */
export const cs = (path, version = "v3") => `/_matrix/client/${version}${path}`;

/** A path segment, encoded. */
export const e = encodeURIComponent;
