using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>The <c>m.oauth</c> stage's params (spec "OAuth authentication"): the account management URL where the
/// user approves the action, naming the UIA session the approval completes.</summary>
internal static class OAuthUia
{
    public static bool Offers(UiaChallengeException challenge) =>
        challenge.Body["flows"] is JsonArray flows && flows.Any(flow => flow?["stages"] is JsonArray stages &&
            stages.Any(stage => stage?.GetValue<string>() == UiaStages.OAuth));

    public static void AddParams(UiaChallengeException challenge, Uri baseUrl, string action)
    {
        var session = challenge.Body["session"]?.GetValue<string>() ?? "";
        var url = baseUrl.AbsoluteUri.TrimEnd('/') + AccountPages.Path + "?action=" + Uri.EscapeDataString(action) +
                  "&session=" + Uri.EscapeDataString(session);
        if (challenge.Body["params"] is JsonObject parameters)
        {
            parameters[UiaStages.OAuth] = new JsonObject { ["url"] = url };
        }
    }
}
