namespace Homeserver.Bridges.Steam.Client;

/// <summary>
/// Where the Steam Web API is and how to call it: the base URL (<c>https://api.steampowered.com</c>, or a stand-in),
/// the Web API key, and how hard to retry a 429 or 5xx before giving the failure to the caller.
/// </summary>
public sealed class SteamWebApiOptions
{
    public static readonly Uri DefaultBaseUrl = new("https://api.steampowered.com/");

    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    public required string Key { get; init; }

    /// <summary>Attempts per call, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first wait after a 5xx or a 429 without <c>Retry-After</c>; doubled on each further attempt.</summary>
    public TimeSpan FirstBackOff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>No single wait is longer (a <c>Retry-After</c> asking for more ends the call instead).</summary>
    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Calls allowed per UTC day (Valve's terms say 100,000); 0 for no budget.</summary>
    public int DailyCallBudget { get; init; } = 100_000;
}
