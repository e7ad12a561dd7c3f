using Homeserver.ClientApi.Http;
using Homeserver.Services.Push;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

/// <summary>Reading push rules (changing them comes with the push issue).</summary>
public static class PushRuleEndpoints
{
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
        app.MapGet("/_matrix/client/v3/pushrules/global/{kind}/{ruleId}", async (HttpContext context, string kind,
            string ruleId, PushRulesService rules, CancellationToken cancellationToken) =>
            Results.Json(await rules.GetRuleAsync(context.Requester().UserId, kind, ruleId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
