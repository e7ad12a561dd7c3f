// Which room or space to open: `?room=` in the page's URL (alias or room ID), else the server's default from
// /live/config.json (Live:DefaultRoom).

export interface LiveConfig {
  default_room: string | null;
}

export function roomFromUrl(location: Location): string | null {
  const room = new URLSearchParams(location.search).get("room");
  return room && (room.startsWith("#") || room.startsWith("!")) ? room : null;
}

export async function loadConfig(): Promise<LiveConfig> {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) return { default_room: null };
    const body = (await response.json()) as Partial<LiveConfig>;
    return { default_room: typeof body.default_room === "string" ? body.default_room : null };
  } catch {
    return { default_room: null };
  }
}
