using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.Discord.Client.Rest;

internal static partial class DiscordRestLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Waiting {WaitMs} ms for the rate limit of {Route}")]
    public static partial void Waiting(ILogger logger, RouteKey route, double waitMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Discord answered 429 to {Route}: retrying after {RetryAfterMs} ms (global: {Global})")]
    public static partial void RateLimited(ILogger logger, RouteKey route, double retryAfterMs, bool global);
}
