// The homeserver's HTTP APIs as the admin page uses them: the client API to sign in and out, Synapse's admin API for
// everything else. The access token lives in sessionStorage: it ends with the tab.

const TOKEN_KEY = "homeserver-admin.token";
const USER_KEY = "homeserver-admin.user";

/** An error answer of the server: its HTTP status, Matrix errcode and message. */
export class ApiError extends Error {
  constructor(status, errcode, message) {
    super(message);
    this.status = status;
    this.errcode = errcode;
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get userId() { return sessionStorage.getItem(USER_KEY); },
  save(token, userId) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, userId);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

/** A path segment: IDs such as @user:server and !room:server are escaped whole. */
export const segment = (value) => encodeURIComponent(value);

/**
 * One call: `query` values that are undefined, null or "" are left out; `body` is sent as JSON. Resolves to the JSON
 * answer, rejects with an ApiError.
 */
export async function call(method, path, { query = {}, body, auth = true } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") {
      url.searchParams.set(name, String(value));
    }
  }

  const headers = {};
  if (auth && session.token) {
    headers.Authorization = `Bearer ${session.token}`;
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }

  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, "M_CONNECTION", `The server cannot be reached (${error.message})`);
  }

  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.errcode ?? "M_UNKNOWN", json?.error ?? `HTTP ${response.status}`);
  }
  return json ?? {};
}

/** A call to Synapse's admin API: `path` is what follows /_synapse/admin (e.g. "/v2/users"). */
export const admin = (method, path, options) => call(method, `/_synapse/admin${path}`, options);

/** Signs in with a password and keeps the session; resolves to the user ID. */
export async function signIn(user, password) {
  const answer = await call("POST", "/_matrix/client/v3/login", {
    auth: false,
    body: {
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
      initial_device_display_name: "Admin page",
    },
  });
  session.save(answer.access_token, answer.user_id);
  return answer.user_id;
}

/** Ends the session on the server (its access token stops working) and here, even when the server cannot be told. */
export async function signOut() {
  try {
    if (session.token) {
      await call("POST", "/_matrix/client/v3/logout", { body: {} });
    }
  } finally {
    session.clear();
  }
}
