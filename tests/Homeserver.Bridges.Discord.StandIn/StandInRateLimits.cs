using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>
/// The stand-in's rate limits, told to clients as Discord does (<c>X-RateLimit-Limit/Remaining/Reset/Reset-After/
/// Bucket</c>): each route pattern and major parameter (channel, guild, webhook) has <see cref="Limit"/> requests per
/// <see cref="Window"/>. A request beyond that gets a 429 and counts as a <see cref="Violations"/>. Tests can force
/// the next answer to be a 429 (per bucket or global).
/// </summary>
public sealed class StandInRateLimits(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Used, DateTimeOffset ResetAt)> _windows = new(StringComparer.Ordinal);
    private readonly Queue<(TimeSpan RetryAfter, bool Global)> _forced = new();
    private DateTimeOffset _globalUntil = DateTimeOffset.MinValue;

    public int Limit { get; set; } = 50;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests that arrived while their bucket (or the global limit) had nothing left.</summary>
    public int Violations { get; private set; }

    /// <summary>429s answered, forced or earned.</summary>
    public int TooManyRequests { get; private set; }

    /// <summary>The next request (any route) is answered 429 with <paramref name="retryAfter"/>.</summary>
    public void ForceNext(TimeSpan retryAfter, bool global = false)
    {
        lock (_lock)
        {
            _forced.Enqueue((retryAfter, global));
        }
    }

    /// <summary>Middleware (after routing): counts the request in its bucket, answers 429 when it is over.</summary>
    public async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern } || !pattern.StartsWith("/api/", StringComparison.Ordinal)
            || pattern.EndsWith("/gateway", StringComparison.Ordinal) || pattern.EndsWith("/gateway/bot", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var values = context.Request.RouteValues;
        var major = (values["channelId"] ?? values["guildId"] ?? values["webhookId"])?.ToString() ?? "";
        var route = context.Request.Method + " " + pattern;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(route)))[..16];
        var now = time.GetUtcNow();
        (TimeSpan RetryAfter, bool Global)? limited = null;
        int remaining;
        DateTimeOffset resetAt;
        lock (_lock)
        {
            var key = hash + ":" + major;
            if (!_windows.TryGetValue(key, out var window) || window.ResetAt <= now)
            {
                window = (0, now + Window);
            }

            if (_forced.TryDequeue(out var forced))
            {
                limited = forced;
                if (forced.Global)
                {
                    _globalUntil = now + forced.RetryAfter;
                }
            }
            else if (_globalUntil > now)
            {
                Violations++;
                limited = (_globalUntil - now, true);
            }
            else if (window.Used >= Limit)
            {
                Violations++;
                limited = (window.ResetAt - now, false);
            }
            else
            {
                window.Used++;
            }

            _windows[key] = window;
            remaining = Math.Max(0, Limit - window.Used);
            resetAt = window.ResetAt;
            if (limited is not null)
            {
                TooManyRequests++;
            }
        }

        var headers = context.Response.Headers;
        if (limited is not { Global: true })
        {
            headers["X-RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset"] = (resetAt.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset-After"] = Math.Max(0, (resetAt - now).TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture);
            headers["X-RateLimit-Bucket"] = hash;
        }

        if (limited is { } answer)
        {
            var retryAfter = answer.RetryAfter.TotalSeconds;
            headers["Retry-After"] = Math.Ceiling(retryAfter).ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Scope"] = answer.Global ? "global" : "user";
            if (answer.Global)
            {
                headers["X-RateLimit-Global"] = "true";
            }

            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["message"] = "You are being rate limited.", ["retry_after"] = Math.Round(retryAfter, 3), ["global"] = answer.Global,
            });
            return;
        }

        await next(context);
    }
}
