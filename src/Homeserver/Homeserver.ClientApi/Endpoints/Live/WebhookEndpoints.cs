using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services;
using Homeserver.Services.Configuration;
using Homeserver.Services.Live;
using Homeserver.Services.Live.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Live;

/// <summary>Incoming webhooks of live rooms (docs/LIVE.md, "Webhooks").</summary>
public static class WebhookEndpoints
{
    private const string Prefix = LiveNames.ApiPrefix;

    public static void MapLiveWebhooks(this IEndpointRouteBuilder app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var baseUrl = new Lazy<string>(() =>
            WellKnownEndpoints.BoundUrl(app, settings.WellKnown.ClientBaseUrl).AbsoluteUri.TrimEnd('/'));

        // POST /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/webhooks
        app.MapPost(Prefix + "/rooms/{roomId}/webhooks", async (HttpContext context, string roomId,
            WebhookService webhooks, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var created = await webhooks.CreateAsync(context.Requester(), roomId, JsonFields.OptionalString(body, "name"),
                JsonFields.OptionalString(body, "avatar_url"), cancellationToken);
            var webhook = created.Webhook;
            return Results.Json(new JsonObject
            {
                ["webhook_id"] = webhook.WebhookId,
                ["user_id"] = webhook.BotUserId,
                ["url"] = $"{baseUrl.Value}{Prefix}/hooks/{webhook.WebhookId}/{created.Token}",
                ["token"] = created.Token,
            });
        }).RequireAccessToken();

        // GET /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/webhooks
        app.MapGet(Prefix + "/rooms/{roomId}/webhooks", async (HttpContext context, string roomId,
            WebhookService webhooks, CancellationToken cancellationToken) =>
        {
            var list = await webhooks.ListAsync(context.Requester(), roomId, cancellationToken);
            return Results.Json(new JsonObject
            {
                ["webhooks"] = new JsonArray(list.Select(Describe).ToArray<JsonNode?>()),
            });
        }).RequireAccessToken();

        // DELETE /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/webhooks/{webhookId}
        app.MapDelete(Prefix + "/rooms/{roomId}/webhooks/{webhookId}", async (HttpContext context, string roomId,
            string webhookId, WebhookService webhooks, CancellationToken cancellationToken) =>
        {
            await webhooks.RevokeAsync(context.Requester(), roomId, webhookId, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        // POST /_matrix/client/unstable/org.homeserver.live/hooks/{webhookId}/{token} (no access token: the URL is the secret)
        app.MapPost(Prefix + "/hooks/{webhookId}/{token}", async (HttpContext context, string webhookId, string token,
            WebhookPoster poster, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var eventId = await poster.PostAsync(webhookId, token, body, cancellationToken);
            return Results.Json(new JsonObject { ["event_id"] = eventId });
        });
    }

    private static JsonObject Describe(LiveWebhook webhook)
    {
        var json = new JsonObject
        {
            ["webhook_id"] = webhook.WebhookId,
            ["name"] = webhook.Name,
            ["user_id"] = webhook.BotUserId,
            ["created_by"] = webhook.CreatedBy,
            ["created_at"] = webhook.CreatedTs,
        };
        if (webhook.AvatarUrl is not null)
        {
            json["avatar_url"] = webhook.AvatarUrl;
        }

        return json;
    }
}
