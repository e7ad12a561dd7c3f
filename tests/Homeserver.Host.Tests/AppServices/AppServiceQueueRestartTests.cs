using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>
/// The appservice queue end to end across an appservice outage and a homeserver restart: what was queued before is
/// delivered after, first as the same transaction (same txnId, same body), each event exactly once and in order.
/// </summary>
public sealed class AppServiceQueueRestartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Events_queued_during_an_outage_survive_a_homeserver_restart_without_loss_or_duplication()
    {
        await using var fake = await FakeAppService.StartAsync();
        var up = true;
        var delivered = new ConcurrentQueue<AppServiceRequest>();
        fake.Handler = request =>
        {
            if (!Volatile.Read(ref up))
            {
                return Task.FromResult((500, """{"errcode":"M_UNKNOWN","error":"down"}"""));
            }

            delivered.Enqueue(request);
            return Task.FromResult((200, "{}"));
        };
        using var files = new TempDirectory();
        var registration = Path.Combine(files.Path, "bridge.yaml");
        await File.WriteAllTextAsync(registration, $"""
            id: restartbridge
            url: "{fake.Url.AbsoluteUri.TrimEnd('/')}"
            as_token: as-restart-{Guid.NewGuid():N}
            hs_token: hs-restart-{Guid.NewGuid():N}
            sender_localpart: restartbot
            namespaces:
              users:
                - regex: "@ghost_.*"
                  exclusive: false
            """);
        var settings = new Dictionary<string, string?> { ["AppServices:ConfigFiles:0"] = registration };

        var first = await LiveServer.StartAsync(settings: settings);
        var alice = await first.RegisterAsync();
        var ghost = await first.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var roomId = await alice.SharedRoomAsync(ghost);
        var marker = await SendAsync(first, alice, roomId, "before the outage");
        await Eventually.HoldsAsync(() => Task.FromResult(delivered.Any(r => Contains(r, marker))),
            "the appservice has everything from before the outage", Patience);
        Volatile.Write(ref up, false);
        var before = delivered.Count;
        var sent = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await SendAsync(first, alice, roomId, $"before restart {i}"));
        }

        var failed = await fake.NextAsync(r => r.Method == "PUT" && Contains(r, sent[0]), Patience);
        await first.DisposeAsync();

        await using var second = await LiveServer.StartAsync(first.ConnectionString, settings);
        Volatile.Write(ref up, true);
        sent.Add(await SendAsync(second, alice, roomId, "after restart"));
        await Eventually.HoldsAsync(() => Task.FromResult(delivered.Any(r => Contains(r, sent[^1]))),
            "the appservice has the message sent after the restart", Patience);

        var transactions = delivered.Skip(before)
            .Where(r => r.Path.StartsWith("/_matrix/app/v1/transactions/", StringComparison.Ordinal)).ToList();
        Assert.Equal(failed.Path, transactions[0].Path);
        Assert.Equal(failed.Body, transactions[0].Body);
        var messages = transactions
            .SelectMany(t => t.Json.GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("type").GetString() == "m.room.message")
            .Select(e => e.GetProperty("event_id").GetString()!)
            .ToList();
        Assert.Equal(sent, messages);
        Assert.Equal(transactions.Count, transactions.Select(t => t.Path).Distinct().Count());
    }

    private static bool Contains(AppServiceRequest request, string eventId) =>
        request.Path.StartsWith("/_matrix/app/v1/transactions/", StringComparison.Ordinal) &&
        request.Json.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("event_id").GetString() == eventId);

    private static async Task<string> SendAsync(LiveServer server, TestSession session, string roomId, string text)
    {
        var (status, body) = await server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = text }, session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("event_id").GetString()!;
    }
}
