using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Push;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

/// <summary>Reading and changing push rules (Client-Server API "Push notifications": push rules).</summary>
public static class PushRuleEndpoints
{
    private const string RulePath = "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}";

    public static void MapPushRules(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/pushrules/
        app.MapGet("/_matrix/client/v3/pushrules/", async (HttpContext context, PushRulesService rules,
            CancellationToken cancellationToken) =>
            Results.Json(await rules.GetAllAsync(context.Requester().UserId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/pushrules/global/
        app.MapGet("/_matrix/client/v3/pushrules/global/", async (HttpContext context, PushRulesService rules,
            CancellationToken cancellationToken) =>
            Results.Json(await rules.GetGlobalAsync(context.Requester().UserId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
        app.MapGet(RulePath, async (HttpContext context, string kind,
            string ruleId, PushRulesService rules, CancellationToken cancellationToken) =>
            Results.Json(await rules.GetRuleAsync(context.Requester().UserId, kind, ruleId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
        app.MapPut(RulePath, async (HttpContext context, string kind, string ruleId, PushRuleEditor editor,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await editor.PutRuleAsync(context.Requester().UserId, kind, ruleId, body, Query(context, "before"),
                Query(context, "after"), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
        app.MapDelete(RulePath, async (HttpContext context, string kind, string ruleId, PushRuleEditor editor,
            CancellationToken cancellationToken) =>
        {
            await editor.DeleteRuleAsync(context.Requester().UserId, kind, ruleId, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
        app.MapGet(RulePath + "/enabled", async (HttpContext context, string kind, string ruleId,
            PushRulesService rules, CancellationToken cancellationToken) =>
        {
            var rule = await rules.FindRuleAsync(context.Requester().UserId, PushRulesService.ParseKind(kind), ruleId,
                cancellationToken);
            return Results.Json(new JsonObject { ["enabled"] = rule.Enabled });
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
        app.MapPut(RulePath + "/enabled", async (HttpContext context, string kind, string ruleId,
            PushRuleEditor editor, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await editor.SetEnabledAsync(context.Requester().UserId, kind, ruleId, body, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
        app.MapGet(RulePath + "/actions", async (HttpContext context, string kind, string ruleId,
            PushRulesService rules, CancellationToken cancellationToken) =>
        {
            var rule = await rules.FindRuleAsync(context.Requester().UserId, PushRulesService.ParseKind(kind), ruleId,
                cancellationToken);
            return Results.Json(new JsonObject { ["actions"] = new JsonArray(rule.Actions.Select(a => a?.DeepClone()).ToArray()) });
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
        app.MapPut(RulePath + "/actions", async (HttpContext context, string kind, string ruleId,
            PushRuleEditor editor, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await editor.SetActionsAsync(context.Requester().UserId, kind, ruleId, body, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}
