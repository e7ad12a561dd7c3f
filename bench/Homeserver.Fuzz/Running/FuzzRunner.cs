using System.Globalization;
using Homeserver.Fuzz.Generation;
using Homeserver.Fuzz.Spec;

namespace Homeserver.Fuzz.Running;

/// <summary>
/// A whole fuzz run: read the spec, set up users and rooms, find the endpoints the server implements, send the
/// generated requests in batches (repairing between some), then check that every user's /sync still answers 200.
/// </summary>
public static class FuzzRunner
{
    private const int BatchSize = 50;

    public static async Task<FuzzReport> RunAsync(FuzzOptions options, TextWriter progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var report = new FuzzReport { Seed = options.Seed };
        await progress.WriteLineAsync($"fuzz: seed {options.Seed}, {options.Requests} requests, {options.Concurrency} at once, spec {options.SpecDirectory}");
        var documents = new SpecDocuments(options.SpecDirectory);
        var endpoints = SpecEndpoints.Read(documents);
        using var http = new FuzzHttp(options.BaseUrl, options.RequestTimeout, options.Concurrency + 2);
        var runId = Guid.NewGuid().ToString("N")[..6];
        var setup = new FuzzSetup(http, runId);
        var context = await setup.RunAsync(options.Users, ct);
        var probe = await setup.RegisterAsync("probe", ct);
        var (implemented, notImplemented) =
            await EndpointDiscovery.DiscoverAsync(http, probe, context.ServerName, endpoints, ct);
        report.NotImplemented.AddRange(notImplemented.Select(e => e.Key));
        await progress.WriteLineAsync($"fuzz: {endpoints.Count} client-server endpoints in the spec, {implemented.Count} implemented; {context.Rooms.Count} rooms set up");

        var generator = new RequestGenerator(documents, implemented, context, options.Seed);
        var sent = 0;
        var nextRepair = options.RepairEvery;
        while (sent < options.Requests)
        {
            var batch = new List<FuzzRequest>();
            for (var i = 0; i < BatchSize && sent + i < options.Requests; i++)
            {
                batch.Add(generator.Next());
            }

            var sessions = context.Sessions.ToList();
            await Parallel.ForEachAsync(batch,
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
                async (request, token) =>
                    report.Record(request, await SendAsync(http, setup, sessions, request, token)));
            sent += batch.Count;
            if (sent >= nextRepair && sent < options.Requests)
            {
                nextRepair += options.RepairEvery;
                await setup.RepairAsync(context, ct);
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"fuzz: {sent}/{options.Requests}, 5xx so far {report.ServerErrors.Count}"));
            }
        }

        await CheckSyncAsync(http, setup, context, report, ct);
        return report;
    }

    private static async Task<FuzzResponse> SendAsync(FuzzHttp http, FuzzSetup setup, List<FuzzSession> sessions,
        FuzzRequest request, CancellationToken ct)
    {
        var token = request.Token switch
        {
            TokenUse.Requester => sessions[request.Requester].AccessToken,
            TokenUse.Disposable => (await setup.RegisterAsync("x", ct)).AccessToken,
            TokenUse.Bogus => "syt_fuzz_bogus_token",
            _ => null,
        };
        return await http.SendAsync(request.Method, request.PathAndQuery, token, request.ContentType, request.Body, ct);
    }

    /// <summary>A stored value that breaks /sync is the worst outcome: every user's initial and incremental sync must answer 200.</summary>
    private static async Task CheckSyncAsync(FuzzHttp http, FuzzSetup setup, FuzzContext context, FuzzReport report,
        CancellationToken ct)
    {
        await setup.RepairAsync(context, ct);
        for (var i = 0; i < context.Sessions.Count; i++)
        {
            var session = context.Sessions[i];
            var since = Uri.EscapeDataString(context.SyncTokens[i % context.SyncTokens.Count]);
            foreach (var path in new[]
                     {
                         "/_matrix/client/v3/sync?timeout=0",
                         $"/_matrix/client/v3/sync?timeout=0&since={since}",
                         "/_matrix/client/v3/sync?timeout=0&full_state=true",
                     })
            {
                var response = await http.JsonAsync("GET", path, session.AccessToken, null, ct);
                if (response.Status != 200)
                {
                    report.SyncFailures.Add($"{session.UserId} GET {path} -> {response.Status} {response.Failure} " +
                                            (response.Body.Length > 400 ? response.Body[..400] : response.Body));
                }
            }
        }
    }
}
