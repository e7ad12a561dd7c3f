// Media, from the spec's Content repository section. When the server does not know the endpoints (404
// M_UNRECOGNIZED), the flow stops without a failure: the probe lists every media endpoint as not implemented.
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
}
