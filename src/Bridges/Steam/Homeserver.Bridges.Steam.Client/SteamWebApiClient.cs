using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.Steam.Client;

/// <summary>
/// The two Steam Web API calls the bridge needs. Each call is retried on 429 (after <c>Retry-After</c> when given,
/// else a doubling back-off) and on 5xx or connection failures (doubling back-off), at most
/// <see cref="SteamWebApiOptions.MaxAttempts"/> times; then it throws a transient <see cref="SteamApiException"/>.
/// The key goes in the query as Steam wants, and never into a log line.
/// </summary>
public sealed partial class SteamWebApiClient(HttpClient http, SteamWebApiOptions options, TimeProvider time,
    ILogger<SteamWebApiClient> logger)
{
    /// <summary>GetPlayerSummaries takes at most this many IDs per call.</summary>
    public const int SummariesBatchSize = 100;

    private readonly CallBudget _budget = new(options.DailyCallBudget, time);

    /// <summary><c>ISteamUser/GetPlayerSummaries/v2</c> for every valid ID given, in batches of 100; profiles Steam
    /// does not know are simply absent from the result.</summary>
    public async Task<IReadOnlyList<SteamPlayer>> GetPlayerSummariesAsync(IEnumerable<string> steamIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steamIds);
        var players = new List<SteamPlayer>();
        foreach (var batch in steamIds.Where(SteamId.IsSteamId64).Distinct(StringComparer.Ordinal).Chunk(SummariesBatchSize))
        {
            const string path = "ISteamUser/GetPlayerSummaries/v2/";
            using var answer = await GetAsync(path, [new("steamids", string.Join(',', batch))], cancellationToken);
            var json = await ReadJsonAsync(answer, path, cancellationToken);
            players.AddRange(SteamJson.Players(json.RootElement));
        }

        return players;
    }

    /// <summary><c>ISteamUser/GetFriendList/v1</c> with <c>relationship=friend</c>; a private list (Steam's 401)
    /// comes back as <see cref="SteamFriendList.Private"/>.</summary>
    public async Task<SteamFriendList> GetFriendListAsync(string steamId, CancellationToken cancellationToken)
    {
        if (!SteamId.IsSteamId64(steamId))
        {
            throw new ArgumentException($"'{steamId}' is not a SteamID64", nameof(steamId));
        }

        const string path = "ISteamUser/GetFriendList/v1/";
        using var answer = await GetAsync(path, [new("steamid", steamId), new("relationship", "friend")], cancellationToken,
            HttpStatusCode.Unauthorized);
        if (answer.StatusCode == HttpStatusCode.Unauthorized)
        {
            return SteamFriendList.Private;
        }

        var json = await ReadJsonAsync(answer, path, cancellationToken);
        return new SteamFriendList(false, SteamJson.Friends(json.RootElement));
    }

    /// <summary>Sends a GET until it succeeds (or answers one of <paramref name="accepted"/>), retrying what may pass.</summary>
    private async Task<HttpResponseMessage> GetAsync(string path, KeyValuePair<string, string>[] query,
        CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        var uri = BuildUri(path, query);
        for (var attempt = 1; ; attempt++)
        {
            if (!_budget.TryTake())
            {
                LogBudgetSpent(logger, path, options.DailyCallBudget);
                throw new SteamApiException($"The daily budget of {options.DailyCallBudget} Steam Web API calls is spent", null, true);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(uri, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                await WaitOrThrowAsync(path, null, BackOff(attempt), attempt, e, cancellationToken);
                continue;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                await WaitOrThrowAsync(path, null, BackOff(attempt), attempt, e, cancellationToken);
                continue;
            }

            if (response.IsSuccessStatusCode || accepted.Contains(response.StatusCode))
            {
                return response;
            }

            var status = response.StatusCode;
            var retryAfter = RetryAfter(response);
            response.Dispose();
            if (status == HttpStatusCode.TooManyRequests || (int)status >= 500)
            {
                await WaitOrThrowAsync(path, status, retryAfter ?? BackOff(attempt), attempt, null, cancellationToken);
                continue;
            }

            LogFailed(logger, path, (int)status);
            throw new SteamApiException(status == HttpStatusCode.Forbidden
                ? $"Steam refused the Web API key ({path} answered 403)"
                : $"{path} answered {(int)status}", status, false);
        }
    }

    private async Task WaitOrThrowAsync(string path, HttpStatusCode? status, TimeSpan wait, int attempt, Exception? error,
        CancellationToken cancellationToken)
    {
        var code = status is { } s ? (int)s : 0;
        if (attempt >= options.MaxAttempts || wait > options.MaxBackOff)
        {
            LogGaveUp(logger, error, path, code, attempt);
            throw new SteamApiException(
                status is null ? $"{path} could not be reached" : $"{path} answered {code} {attempt} times", status, true, error);
        }

        LogRetrying(logger, error, path, code, (long)wait.TotalMilliseconds, attempt);
        await Task.Delay(wait, time, cancellationToken);
    }

    private TimeSpan BackOff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(options.FirstBackOff.Ticks * (1L << Math.Min(attempt - 1, 20)), options.MaxBackOff.Ticks));

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private Uri BuildUri(string path, KeyValuePair<string, string>[] query)
    {
        var pairs = query.Prepend(new("key", options.Key)).Append(new("format", "json"))
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value));
        var baseUrl = options.BaseUrl.AbsoluteUri.EndsWith('/') ? options.BaseUrl : new Uri(options.BaseUrl.AbsoluteUri + "/");
        return new Uri(baseUrl, path + "?" + string.Join('&', pairs));
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new SteamApiException($"{path} answered something that is not JSON", response.StatusCode, true, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Steam Web API {Path} answered {Status} (0: no connection) on attempt {Attempt}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, Exception? exception, string path, int status, long delayMs, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Steam Web API {Path} still failing ({Status}, 0: no connection) after {Attempts} attempts; giving up until the next poll")]
    private static partial void LogGaveUp(ILogger logger, Exception? exception, string path, int status, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Steam Web API {Path} answered {Status}")]
    private static partial void LogFailed(ILogger logger, string path, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Steam Web API call to {Path} not made: the daily budget of {Budget} calls is spent")]
    private static partial void LogBudgetSpent(ILogger logger, string path, int budget);
}
