using System.Text.Json.Nodes;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Accounts;

/// <summary>
/// A user-interactive auth 401: the flows, params and session, the stages completed so far, and an
/// errcode/error when the last attempt at a stage failed. The body is the spec's, not the standard error.
/// </summary>
public sealed class UiaChallengeException : Exception
{
    public UiaChallengeException(IReadOnlyList<UiaFlow> flows, string session, IReadOnlyList<string> completed,
        ErrorCode? error = null, string? errorMessage = null)
        : base(errorMessage ?? "Additional authentication is required")
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(completed);
        var body = new JsonObject();
        if (error is { } code)
        {
            body["errcode"] = code.Code;
            body["error"] = errorMessage;
        }

        if (completed.Count > 0)
        {
            body["completed"] = new JsonArray(completed.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        }

        body["flows"] = new JsonArray(flows.Select(f => (JsonNode?)new JsonObject
        {
            ["stages"] = new JsonArray(f.Stages.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        }).ToArray());
        body["params"] = new JsonObject();
        body["session"] = session;
        Body = body;
    }

    public UiaChallengeException()
        : this([], "", [])
    {
    }

    public UiaChallengeException(string message)
        : this([], "", [], null, message)
    {
    }

    public UiaChallengeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Body = new JsonObject();
    }

    public JsonObject Body { get; }
}

public sealed record UiaFlow(params IReadOnlyList<string> Stages);

public static class UiaStages
{
    public const string Dummy = "m.login.dummy";
    public const string Password = "m.login.password";
    public const string RegistrationToken = "m.login.registration_token";

    /// <summary>Approved in the account management web UI (MSC4312, spec v1.17), for sessions of the OAuth 2.0 API.</summary>
    public const string OAuth = "m.oauth";
}
