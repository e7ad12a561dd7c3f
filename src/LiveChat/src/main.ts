// Start-up: a session (stored, or a new guest account), the SDK client syncing from the page's own origin, then the
// room or space named in the URL (or the server's default) opened as channels.

import "./style.css";
import { ClientEvent, createClient, SyncState, type MatrixClient } from "matrix-js-sdk";
import { Api } from "./api";
import { LiveApp } from "./app";
import { loadChannels, resolveRoomId, type Channel } from "./channels";
import { loadConfig, roomFromUrl } from "./config";
import { clearCrypto, startCrypto } from "./crypto";
import { el } from "./dom";
import { forgetSession, loadSession, logIn, registerGuest, saveSession, type Session } from "./session";
import { liveSyncFilter, TIMELINE_LIMIT } from "./syncFilter";
import { showLoginDialog } from "./ui/dialogs";

const baseUrl = window.location.origin;
const root = document.getElementById("app")!;

function showStatus(message: string, ...extra: HTMLElement[]): void {
  root.replaceChildren(el("p", { class: "status", "data-testid": "status" }, message), ...extra);
}

async function logInAndReload(user: string, password: string): Promise<void> {
  saveSession(await logIn(baseUrl, user, password));
  window.location.reload();
}

function waitForFirstSync(client: MatrixClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const onSync = (state: SyncState, _previous: SyncState | null, data?: { error?: Error }): void => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        client.off(ClientEvent.Sync, onSync);
        resolve();
      } else if (state === SyncState.Error && data?.error && /M_UNKNOWN_TOKEN/.test(String((data.error as { errcode?: string }).errcode ?? data.error))) {
        client.off(ClientEvent.Sync, onSync);
        reject(data.error);
      }
    };
    client.on(ClientEvent.Sync, onSync);
  });
}

async function session(): Promise<Session | null> {
  const stored = loadSession();
  if (stored) return stored;
  try {
    const guest = await registerGuest(baseUrl);
    saveSession(guest);
    return guest;
  } catch {
    return null;
  }
}

async function channelsFor(client: MatrixClient, target: string): Promise<{ channels: Channel[]; title: string }> {
  const roomId = await resolveRoomId(client, target);
  const loaded = await loadChannels(client, roomId);
  const fallback: Channel = {
    roomId, name: loaded?.title ?? target, topic: null, guestCanJoin: false, worldReadable: false, isSpace: false,
  };
  return {
    channels: loaded && loaded.channels.length > 0 ? loaded.channels : [fallback],
    title: loaded?.title ?? target,
  };
}

async function start(): Promise<void> {
  const config = await loadConfig();
  const target = roomFromUrl(window.location) ?? config.default_room;
  const current = await session();
  if (!current) {
    const loginButton = el("button", { type: "button", class: "primary", "data-testid": "login-open" }, "Log in");
    loginButton.addEventListener("click", () => showLoginDialog(logInAndReload));
    showStatus("This server does not let guests in: log in to read the chat.", loginButton);
    return;
  }
  if (!target) {
    showStatus("No room to open: name one in the address, e.g. /live/?room=%23event:server.");
    return;
  }
  const api = new Api(baseUrl, () => current.accessToken);
  const client = createClient({
    baseUrl,
    accessToken: current.accessToken,
    userId: current.userId,
    deviceId: current.deviceId,
    timelineSupport: true,
  });
  client.setGuest(current.isGuest);
  await startCrypto(client, current);
  const firstSync = waitForFirstSync(client);
  await client.startClient({ initialSyncLimit: TIMELINE_LIMIT, filter: liveSyncFilter(current.userId) });
  try {
    await firstSync;
  } catch {
    forgetSession();
    window.location.reload();
    return;
  }
  let resolved: { channels: Channel[]; title: string };
  try {
    resolved = await channelsFor(client, target);
  } catch (error) {
    showStatus(`Cannot open ${target}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const app = new LiveApp(client, api, current, {
    logIn: logInAndReload,
    logOut: async () => {
      client.stopClient();
      if (!current.isGuest) await client.logout(true).catch(() => undefined);
      await clearCrypto(client, current);
      forgetSession();
      window.location.reload();
    },
  }, resolved.title);
  root.replaceChildren(app.element);
  await app.start(resolved.channels);
}

start().catch((error: unknown) => showStatus(`Something went wrong: ${error instanceof Error ? error.message : String(error)}`));
