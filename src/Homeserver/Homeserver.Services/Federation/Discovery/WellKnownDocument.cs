using System.Globalization;
using System.Text.Json;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Discovery;

/// <summary>
/// Reading a <c>/.well-known/matrix/server</c> answer (spec: Server-Server API, "Resolving server names", step 3):
/// the delegation and how long to keep it. The numbers are Synapse's (well_known_resolver.py).
/// </summary>
public static class WellKnownDocument
{
    /// <summary>The largest body read (Synapse: 50 KiB).</summary>
    public const int MaxBodyBytes = 50 * 1024;

    /// <summary>Kept this long when the answer says nothing about caching (the spec's recommended 24 hours).</summary>
    public static readonly TimeSpan DefaultCachePeriod = TimeSpan.FromHours(24);

    /// <summary>An answer's own cache period is held within these bounds (the spec recommends at most 48 hours).</summary>
    public static readonly TimeSpan MinCachePeriod = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan MaxCachePeriod = TimeSpan.FromHours(48);

    /// <summary>No valid answer is kept this long (the spec: errors cached up to an hour).</summary>
    public static readonly TimeSpan InvalidCachePeriod = TimeSpan.FromHours(1);

    /// <summary>...or this long when the host had a valid answer recently: it is probably only down.</summary>
    public static readonly TimeSpan DownCachePeriod = TimeSpan.FromMinutes(2);

    /// <summary>How long after a valid answer expires a host still counts as having had one.</summary>
    public static readonly TimeSpan RememberHadValid = TimeSpan.FromHours(2);

    /// <summary>Default and error periods vary by ±10% so that a herd of entries does not expire together.</summary>
    public const double Jitter = 0.1;

    /// <summary>A cached answer is fetched again once this share of its period is left.</summary>
    public const double RefreshBeforeExpiryShare = 0.2;

    /// <summary>The <c>m.server</c> delegation of a 200 answer, or null with the reason it is not valid.</summary>
    public static ServerName? ParseDelegation(int status, byte[] body, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(body);
        problem = null;
        if (status != 200)
        {
            problem = $"status {status}";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("m.server", out var server) ||
                server.ValueKind != JsonValueKind.String)
            {
                problem = "no 'm.server' string in a JSON object";
                return null;
            }

            if (ServerName.TryParse(server.GetString(), out var name, out var error))
            {
                return name;
            }

            problem = "'m.server' is not a server name: " + error;
            return null;
        }
        catch (JsonException e)
        {
            problem = "not JSON: " + e.Message;
            return null;
        }
    }

    /// <summary>
    /// The cache period an answer asks for (<c>Cache-Control: no-store</c> or <c>max-age</c>, else <c>Expires</c>),
    /// held within <see cref="MinCachePeriod"/> and <see cref="MaxCachePeriod"/>; null when it asks nothing.
    /// </summary>
    public static TimeSpan? CachePeriodFromHeaders(string? cacheControl, string? expires, DateTimeOffset now)
    {
        var period = RequestedCachePeriod(cacheControl, expires, now);
        return period is { } p ? TimeSpan.FromTicks(Math.Clamp(p.Ticks, MinCachePeriod.Ticks, MaxCachePeriod.Ticks)) : null;
    }

    private static TimeSpan? RequestedCachePeriod(string? cacheControl, string? expires, DateTimeOffset now)
    {
        string? maxAge = null;
        foreach (var directive in (cacheControl ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = directive.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? directive : directive[..equals]).Trim();
            if (name.Equals("no-store", StringComparison.OrdinalIgnoreCase))
            {
                return TimeSpan.Zero;
            }

            if (name.Equals("max-age", StringComparison.OrdinalIgnoreCase) && equals >= 0)
            {
                maxAge = directive[(equals + 1)..].Trim().Trim('"');
            }
        }

        if (maxAge is not null &&
            long.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxCachePeriod.TotalSeconds));
        }

        if (expires is null)
        {
            return null;
        }

        // RFC 9111: an Expires that cannot be read (such as "0") means already expired.
        return DateTimeOffset.TryParseExact(expires.Trim(), "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var at)
            ? at - now
            : TimeSpan.Zero;
    }
}
