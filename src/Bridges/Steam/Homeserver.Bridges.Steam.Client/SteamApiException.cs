using System.Net;

namespace Homeserver.Bridges.Steam.Client;

/// <summary>
/// A Steam Web API call that failed for good: an error status after the retries (<see cref="Status"/>), an answer
/// that is not the JSON expected, or the day's call budget spent. <see cref="IsTransient"/> says whether trying
/// again later may help (429, 5xx, connection failures, the budget).
/// </summary>
public sealed class SteamApiException(string message, HttpStatusCode? status, bool isTransient, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public bool IsTransient { get; } = isTransient;
}
