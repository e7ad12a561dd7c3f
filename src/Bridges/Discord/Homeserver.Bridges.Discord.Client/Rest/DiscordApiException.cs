using System.Net;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>Discord refused a request: the HTTP status, Discord's JSON error code (e.g. 10008 unknown message) and
/// message.</summary>
public sealed class DiscordApiException : Exception
{
    public DiscordApiException(HttpStatusCode status, int code, string message, string route)
        : base($"Discord answered {(int)status} to {route}: {message} (code {code})")
    {
        Status = status;
        Code = code;
        DiscordMessage = message;
    }

    public DiscordApiException()
    {
    }

    public DiscordApiException(string message) : base(message)
    {
    }

    public DiscordApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public HttpStatusCode Status { get; }

    public int Code { get; }

    public string DiscordMessage { get; } = "";
}

/// <summary>Settings of <see cref="DiscordRestClient"/>.</summary>
public sealed record DiscordRestOptions
{
    public required string BotToken { get; init; }

    /// <summary>Discord's REST base, with the version (a stand-in's in tests).</summary>
    public Uri ApiBaseUrl { get; init; } = new("https://discord.com/api/v10/");

    /// <summary>How often one request is retried after 429 answers before it fails.</summary>
    public int MaxRateLimitRetries { get; init; } = 5;

    /// <summary>The longest wait a 429 may impose before the request fails instead (a misbehaving server must not park
    /// the bridge for hours).</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);
}
