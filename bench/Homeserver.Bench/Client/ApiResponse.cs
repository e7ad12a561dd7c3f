using System.Text.Json;

namespace Homeserver.Bench.Client;

/// <summary>One HTTP answer: status, the Matrix errcode when there is one, and the JSON body (default when none).</summary>
public sealed record ApiResponse(int Status, string? ErrCode, JsonElement Body)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>How errors are counted in reports: "429 M_LIMIT_EXCEEDED", "502", "exception HttpRequestException".</summary>
    public string ErrorKey => ErrCode is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status} {ErrCode}";

    /// <summary>The server's <c>retry_after_ms</c> on a 429, if any.</summary>
    public TimeSpan? RetryAfter =>
        Status == 429 && Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("retry_after_ms", out var ms) &&
        ms.TryGetInt64(out var value)
            ? TimeSpan.FromMilliseconds(Math.Clamp(value, 0, 60_000))
            : Status == 429 ? TimeSpan.FromSeconds(1) : null;

    public string? StringProperty(string property) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public override string ToString() => $"{Status} {ErrCode} {(Body.ValueKind == JsonValueKind.Undefined ? "" : Body.GetRawText())}";
}

/// <summary>A user's logged-in device.</summary>
public sealed record Session(string UserId, string AccessToken);

/// <summary>Setup failed (users, rooms, joins): the run cannot measure anything meaningful.</summary>
public sealed class BenchSetupException : Exception
{
    public BenchSetupException(string message) : base(message)
    {
    }

    public BenchSetupException(string message, Exception inner) : base(message, inner)
    {
    }

    public BenchSetupException()
    {
    }
}
