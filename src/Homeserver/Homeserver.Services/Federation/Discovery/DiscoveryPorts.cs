using System.Net;

namespace Homeserver.Services.Federation.Discovery;

/// <summary>One SRV record; <see cref="Target"/> has no trailing dot.</summary>
public sealed record SrvRecord(string Target, int Port, int Priority, int Weight, TimeSpan TimeToLive);

public enum SrvLookupStatus
{
    /// <summary>The name has SRV records (<see cref="SrvLookupResult.Records"/>).</summary>
    Found,

    /// <summary>The name does not exist or has no SRV records.</summary>
    NotFound,

    /// <summary>The lookup itself failed (no answer, SERVFAIL): nothing is known.</summary>
    Failed,
}

public sealed record SrvLookupResult(SrvLookupStatus Status, IReadOnlyList<SrvRecord> Records)
{
    public static readonly SrvLookupResult NotFound = new(SrvLookupStatus.NotFound, []);
    public static readonly SrvLookupResult Failed = new(SrvLookupStatus.Failed, []);
}

/// <summary>DNS SRV queries (DnsClient in Storage; tests answer them themselves).</summary>
public interface ISrvLookup
{
    Task<SrvLookupResult> LookupAsync(string name, CancellationToken cancellationToken);
}

/// <summary>AAAA/A lookups of the hosts we connect to.</summary>
public interface IHostAddressLookup
{
    /// <summary>The addresses of <paramref name="host"/>; empty when it has none.</summary>
    Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The operating system's resolver (/etc/hosts, then DNS).</summary>
public sealed class SystemHostAddressLookup : IHostAddressLookup
{
    public async Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
    }
}

public enum WellKnownFetchOutcome
{
    /// <summary>The server answered (any status below 500); <see cref="WellKnownFetchResult.Status"/> says what.</summary>
    Response,

    /// <summary>No answer, a 5xx, a redirect loop or an oversized body: perhaps temporary (Synapse's distinction).</summary>
    TemporaryFailure,
}

/// <summary>What <c>GET https://host/.well-known/matrix/server</c> gave, before any interpretation.</summary>
/// <param name="CacheControl">The <c>Cache-Control</c> header values joined with ',', if any.</param>
/// <param name="Expires">The <c>Expires</c> header's last value, if any.</param>
public sealed record WellKnownFetchResult(
    WellKnownFetchOutcome Outcome, int Status, byte[] Body, string? CacheControl, string? Expires)
{
    public static WellKnownFetchResult Temporary { get; } = new(WellKnownFetchOutcome.TemporaryFailure, 0, [], null, null);
}

/// <summary>Fetches <c>/.well-known/matrix/server</c> of a hostname (redirects and size limit applied).</summary>
public interface IWellKnownFetcher
{
    Task<WellKnownFetchResult> FetchAsync(string hostname, CancellationToken cancellationToken);
}
