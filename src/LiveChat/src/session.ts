// The session (access token, user, device) kept in localStorage: a guest account made on the first visit, or the
// account the user logged in with.

import { createClient } from "matrix-js-sdk";

export interface Session {
  userId: string;
  accessToken: string;
  deviceId: string;
  isGuest: boolean;
}

const STORAGE_KEY = "org.homeserver.live.session";

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return session.userId && session.accessToken ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function forgetSession(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** POST /register?kind=guest: a guest account to read (and, where the room allows guests, post) without logging in. */
export async function registerGuest(baseUrl: string): Promise<Session> {
  const client = createClient({ baseUrl });
  const response = await client.registerGuest({ body: { initial_device_display_name: "Live chat (guest)" } });
  return {
    userId: response.user_id,
    accessToken: response.access_token!,
    deviceId: response.device_id!,
    isGuest: true,
  };
}

/** POST /login with m.login.password. */
export async function logIn(baseUrl: string, user: string, password: string): Promise<Session> {
  const client = createClient({ baseUrl });
  const response = await client.loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user },
    password,
    initial_device_display_name: "Live chat",
  });
  return { userId: response.user_id, accessToken: response.access_token, deviceId: response.device_id, isGuest: false };
}
