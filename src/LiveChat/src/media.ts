// Media through the authenticated endpoints (/_matrix/client/v1/media): the bytes are fetched with the access token
// and shown from blob: URLs (the CSP allows img-src blob:), and uploads with their previews.

import type { MatrixClient } from "matrix-js-sdk";
import type { Api } from "./api";

const blobUrls = new Map<string, Promise<string>>();

function mediaPath(mxc: string, kind: "download" | "thumbnail"): string | null {
  const match = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(mxc);
  if (!match) return null;
  const base = `/_matrix/client/v1/media/${kind}/${encodeURIComponent(match[1])}/${encodeURIComponent(match[2])}`;
  return kind === "thumbnail" ? `${base}?width=640&height=480&method=scale` : base;
}

/** A blob: URL for the media (a thumbnail for pictures), fetched once per page. */
export function mediaBlobUrl(api: Api, mxc: string, thumbnail: boolean): Promise<string> {
  const key = `${thumbnail ? "t" : "d"}:${mxc}`;
  let url = blobUrls.get(key);
  if (!url) {
    const path = mediaPath(mxc, thumbnail ? "thumbnail" : "download");
    url = path
      ? api.media(path).then(
          (blob) => URL.createObjectURL(blob),
          async (error: unknown) => {
            // Some media has no thumbnail (e.g. a GIF the server will not scale): fall back to the original.
            const download = mediaPath(mxc, "download");
            if (!thumbnail || !download) throw error;
            return URL.createObjectURL(await api.media(download));
          },
        )
      : Promise.reject(new Error("not an mxc:// URI"));
    blobUrls.set(key, url);
    url.catch(() => blobUrls.delete(key));
  }
  return url;
}

export interface UploadedContent {
  msgtype: "m.image" | "m.video" | "m.audio" | "m.file";
  body: string;
  url: string;
  info: Record<string, unknown>;
}

function imageSize(file: File): Promise<{ w: number; h: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => {
      resolve({ w: image.naturalWidth, h: image.naturalHeight });
      URL.revokeObjectURL(url);
    };
    image.onerror = () => {
      resolve(null);
      URL.revokeObjectURL(url);
    };
    image.src = url;
  });
}

function messageType(mimetype: string): UploadedContent["msgtype"] {
  if (mimetype.startsWith("image/")) return "m.image";
  if (mimetype.startsWith("video/")) return "m.video";
  if (mimetype.startsWith("audio/")) return "m.audio";
  return "m.file";
}

export async function upload(client: MatrixClient, file: File): Promise<UploadedContent> {
  const mimetype = file.type || "application/octet-stream";
  const response = await client.uploadContent(file, { name: file.name, type: mimetype, includeFilename: true });
  const msgtype = messageType(mimetype);
  const info: Record<string, unknown> = { mimetype, size: file.size };
  if (msgtype === "m.image") Object.assign(info, (await imageSize(file)) ?? {});
  return { msgtype, body: file.name, url: response.content_uri, info };
}
