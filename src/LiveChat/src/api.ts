// Raw Client-Server API calls (fetch on the page's origin) for what the SDK does not cover or hides: the
// org.homeserver.live endpoints (docs/LIVE.md) and sends whose refusals the UI must show as they are (the SDK's
// scheduler would retry an M_LIMIT_EXCEEDED silently).

export const LIVE_PREFIX = "/_matrix/client/unstable/org.homeserver.live";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The endpoint is not on this server (not merged or turned off). */
  get unrecognized(): boolean {
    return this.errcode === "M_UNRECOGNIZED" || (this.status === 404 && this.errcode === "M_NOT_FOUND" && !this.body.error);
  }
}

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly accessToken: () => string | null,
  ) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = {};
    }
    if (!response.ok) {
      const errcode = typeof json.errcode === "string" ? json.errcode : `HTTP_${response.status}`;
      const message = typeof json.error === "string" ? json.error : response.statusText;
      throw new ApiError(response.status, errcode, message, json);
    }
    return json as T;
  }

  /** Bytes of an authenticated media download (/_matrix/client/v1/media), as a blob. */
  async media(path: string): Promise<Blob> {
    const token = this.accessToken();
    const response = await fetch(this.baseUrl + path, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText, {});
    return response.blob();
  }
}

export function roomPath(roomId: string, rest: string): string {
  return `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}${rest}`;
}

export function livePath(roomId: string, rest: string): string {
  return `${LIVE_PREFIX}/rooms/${encodeURIComponent(roomId)}${rest}`;
}

let transactionCounter = 0;

export function newTransactionId(): string {
  transactionCounter += 1;
  return `live${Date.now()}.${transactionCounter}.${Math.random().toString(36).slice(2, 8)}`;
}
