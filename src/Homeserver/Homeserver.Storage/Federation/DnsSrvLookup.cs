using System.Net;
using DnsClient;
using Homeserver.Services.Federation.Discovery;

namespace Homeserver.Storage.Federation;

/// <summary>
/// SRV queries through DnsClient (the system's name servers). The DnsClient package stays in this one file.
/// A name that does not exist, has no SRV records or whose server does not implement the query has none
/// (<see cref="SrvLookupStatus.NotFound"/>, as Synapse); no answer or a server failure is <see cref="SrvLookupStatus.Failed"/>.
/// </summary>
public sealed class DnsSrvLookup : ISrvLookup
{
    private readonly LookupClient _client;

    public DnsSrvLookup()
        : this(new LookupClientOptions())
    {
    }

    /// <summary>Asks the given name servers instead of the system's (tests: one on loopback).</summary>
    internal DnsSrvLookup(params IPEndPoint[] nameServers)
        : this(new LookupClientOptions(nameServers))
    {
    }

    private DnsSrvLookup(LookupClientOptions options)
    {
        options.Timeout = TimeSpan.FromSeconds(5);
        options.Retries = 2;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.UseCache = false; // SrvResolver keeps answers for their TTL
        _client = new LookupClient(options);
    }

    public async Task<SrvLookupResult> LookupAsync(string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException)
        {
            return SrvLookupResult.Failed;
        }

        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                break;
            case DnsHeaderResponseCode.NotExistentDomain or DnsHeaderResponseCode.NotImplemented:
                return SrvLookupResult.NotFound;
            default:
                return SrvLookupResult.Failed;
        }

        var records = response.Answers.SrvRecords()
            .Select(r => new SrvRecord(TargetOf(r), r.Port, r.Priority, r.Weight, TimeSpan.FromSeconds(r.TimeToLive)))
            .ToArray();
        return records.Length == 0 ? SrvLookupResult.NotFound : new SrvLookupResult(SrvLookupStatus.Found, records);
    }

    private static string TargetOf(DnsClient.Protocol.SrvRecord record) =>
        record.Target.Value is "." ? "." : record.Target.Value.TrimEnd('.');
}
