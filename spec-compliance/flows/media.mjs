// Media, from the spec's Content repository section. When the server does not know the endpoints (404
// M_UNRECOGNIZED), the flow stops without a failure: the probe lists every media endpoint as not implemented.
import http from "node:http";
import { cs } from "../lib/client.mjs";

export const name = "media";

export async function run(ctx) {
    const alice = await ctx.register("media");
    const config = await fetch(`${ctx.baseUrl}${cs("/media/config", "v1")}`, { headers: { Authorization: `Bearer ${alice.accessToken}` } });
    if (config.status === 404 || config.status === 405) {
        ctx.recorder.skipped.push(`media: GET ${cs("/media/config", "v1")} -> ${config.status}: media is not implemented, the flow is skipped`);
        return;
    }
    await alice.get(cs("/media/config", "v1"));
    const upload = await alice.request("POST", "/_matrix/media/v3/upload", {
        query: { filename: "spec.txt" },
        headers: { "Content-Type": "text/plain" },
        rawBody: "checked against the spec",
    });
    const [server, mediaId] = upload.body.content_uri.slice("mxc://".length).split("/");
    await alice.get(cs(`/media/download/${server}/${mediaId}`, "v1"));
    await alice.get(cs(`/media/download/${server}/${mediaId}/spec.txt`, "v1"));
    await previewUrl(ctx, alice);
}

// A 1x1 PNG.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

// preview_url of a page served here on 127.0.0.1. Servers refuse loopback by default (SSRF protection), so the
// exchange is judged only when the server was told to allow it (ours: Homeserver__Media__UrlPreview__AllowedRanges__0=
// 127.0.0.1/32); otherwise it is listed under "Not judged".
async function previewUrl(ctx, alice) {
    const page = `<html><head><title>Spec page</title><meta property="og:title" content="Spec compliance">
        <meta property="og:description" content="A page to preview"><meta property="og:image" content="/image.png">
        </head><body><p>Text</p></body></html>`;
    const server = http.createServer((request, response) => {
        if (request.url === "/image.png") {
            response.writeHead(200, { "Content-Type": "image/png" }).end(png);
        } else {
            response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
        }
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
        const url = `http://127.0.0.1:${server.address().port}/page`;
        const probe = await fetch(`${ctx.baseUrl}${cs("/media/preview_url", "v1")}?url=${encodeURIComponent(url)}`, {
            headers: { Authorization: `Bearer ${alice.accessToken}` },
        });
        if (probe.status !== 200) {
            ctx.recorder.skipped.push(`media: GET ${cs("/media/preview_url", "v1")} of a loopback page -> ${probe.status}: the server does not preview loopback addresses, not judged`);
            return;
        }
        await alice.get(cs("/media/preview_url", "v1"), { query: { url } });
        await alice.get("/_matrix/media/v3/preview_url", { query: { url, ts: String(Date.now()) } });
    } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
    }
}
