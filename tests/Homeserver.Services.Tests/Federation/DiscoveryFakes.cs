using System.Text;
using Homeserver.Services.Federation.Discovery;

namespace Homeserver.Services.Tests.Federation;

/// <summary>SRV answers given by the test; counts the queries.</summary>
internal sealed class FakeSrvLookup : ISrvLookup
{
    public Dictionary<string, SrvLookupResult> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Queries { get; } = [];

    public void Add(string name, params SrvRecord[] records) =>
        Answers[name] = new SrvLookupResult(SrvLookupStatus.Found, records);

    public Task<SrvLookupResult> LookupAsync(string name, CancellationToken cancellationToken)
    {
        lock (Queries)
        {
            Queries.Add(name);
        }

        return Task.FromResult(Answers.GetValueOrDefault(name, SrvLookupResult.NotFound));
    }
}

/// <summary>Well-known answers given by the test; counts the fetches.</summary>
internal sealed class FakeWellKnownFetcher : IWellKnownFetcher
{
    public Dictionary<string, WellKnownFetchResult> Answers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Fetches { get; } = [];

    /// <summary>When set, fetches wait for it (to see concurrent callers share one fetch).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void Delegate(string host, string server, string? cacheControl = null, string? expires = null) =>
        Answers[host] = Json(200, $"{{\"m.server\":\"{server}\"}}", cacheControl, expires);

    public static WellKnownFetchResult Json(int status, string body, string? cacheControl = null, string? expires = null) =>
        new(WellKnownFetchOutcome.Response, status, Encoding.UTF8.GetBytes(body), cacheControl, expires);

    public async Task<WellKnownFetchResult> FetchAsync(string hostname, CancellationToken cancellationToken)
    {
        lock (Fetches)
        {
            Fetches.Add(hostname);
        }

        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Answers.GetValueOrDefault(hostname, Json(404, "{\"errcode\":\"M_NOT_FOUND\"}"));
    }
}

/// <summary>A <see cref="Random"/> that answers what the test says (the middle of every range by default).</summary>
internal sealed class ScriptedRandom : Random
{
    private readonly Queue<long> _picks = new();

    /// <summary>The next <see cref="NextInt64(long, long)"/> answers, in order.</summary>
    public void Pick(params long[] values)
    {
        foreach (var value in values)
        {
            _picks.Enqueue(value);
        }
    }

    public double Double { get; set; } = 0.5;

    public override double NextDouble() => Double;

    public override long NextInt64(long minValue, long maxValue)
    {
        var value = _picks.Count > 0 ? _picks.Dequeue() : minValue;
        Assert.InRange(value, minValue, maxValue - 1);
        return value;
    }

    public override int Next(int minValue, int maxValue) => minValue; // Shuffle: keeps the order
}
