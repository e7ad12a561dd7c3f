using System.Net;
using System.Text.Json;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class PostgresTransactionEndpointTests() : TransactionEndpointTests(DatabaseDialect.Postgres);

public sealed class SqliteTransactionEndpointTests() : TransactionEndpointTests(DatabaseDialect.Sqlite);

/// <summary>The transaction endpoint over each kind of store (the restart tests reopen the same database).</summary>
public abstract class TransactionEndpointTests(DatabaseDialect dialect)
{
    [Fact]
    public async Task Transaction_without_hs_token_is_401_M_UNAUTHORIZED_and_not_handled()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        var response = await service.PutTransactionAsync("1", TestEvents.Transaction([TestEvents.Message("$a", "hi")]), token: null);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "M_UNAUTHORIZED");
        Assert.Empty(service.Receiver.Received);
    }

    [Fact]
    public async Task Transaction_with_wrong_hs_token_is_403_M_FORBIDDEN_and_not_handled()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        var response = await service.PutTransactionAsync("1", TestEvents.Transaction([TestEvents.Message("$a", "hi")]), token: "wrong");

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Empty(service.Receiver.Received);
    }

    [Fact]
    public async Task Hs_token_in_the_legacy_access_token_parameter_is_accepted()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        var response = await service.SendAsync(HttpMethod.Put,
            $"/_matrix/app/v1/transactions/1?access_token={Uri.EscapeDataString(service.Registration.HsToken)}",
            TestEvents.Transaction([TestEvents.Message("$a", "hi")]), token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(service.Receiver.Received);
    }

    [Fact]
    public async Task Events_then_ephemeral_are_handed_over_in_order_with_types()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        var response = await service.PutTransactionAsync("1", TestEvents.Transaction(
            [TestEvents.Message("$1", "one"), TestEvents.Member("$2", "@bob:example.org", "join"), TestEvents.Message("$3", "three")],
            [TestEvents.Typing("!room:example.org", "@alice:example.org")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var received = service.Receiver.Received;
        Assert.Collection(received,
            e => Assert.Equal("one", Assert.IsType<RoomMessageEvent>(e).Body),
            e => Assert.Equal("join", Assert.IsType<RoomMemberEvent>(e).Membership),
            e => Assert.Equal("three", Assert.IsType<RoomMessageEvent>(e).Body),
            e => Assert.Equal(["@alice:example.org"], Assert.IsType<TypingEvent>(e).UserIds));
        Assert.True(received[3].IsEphemeral);
        Assert.False(received[0].IsEphemeral);
    }

    [Fact]
    public async Task Unstable_msc2409_ephemeral_is_handed_over_and_not_twice_when_both_keys_are_sent()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        await service.PutTransactionAsync("1", TestEvents.Transaction([], [TestEvents.Typing("!a:example.org", "@x:example.org")],
            ephemeralKey: "de.sorunome.msc2409.ephemeral"));
        var both = JsonSerializer.Deserialize<Dictionary<string, object>>(
            TestEvents.Transaction([], [TestEvents.Typing("!b:example.org", "@x:example.org")]))!;
        both["de.sorunome.msc2409.ephemeral"] = both["ephemeral"];
        await service.PutTransactionAsync("2", JsonSerializer.Serialize(both));

        Assert.Equal(["!a:example.org", "!b:example.org"], service.Receiver.Received.Select(e => e.RoomId));
    }

    [Fact]
    public async Task Retried_transaction_is_not_handled_twice()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());
        var body = TestEvents.Transaction([TestEvents.Message("$1", "once")]);

        var first = await service.PutTransactionAsync("txn-7", body);
        var retry = await service.PutTransactionAsync("txn-7", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Single(service.Receiver.Received);
    }

    [Fact]
    public async Task Retried_transaction_is_not_handled_twice_after_a_restart()
    {
        var database = await NewDatabaseAsync();
        var registration = TestAppService.NewRegistration();
        var body = TestEvents.Transaction([TestEvents.Message("$1", "once")]);
        await using (var before = await TestAppService.StartAsync(database, registration))
        {
            Assert.Equal(HttpStatusCode.OK, (await before.PutTransactionAsync("txn-7", body)).StatusCode);
            Assert.Single(before.Receiver.Received);
        }

        await using var after = await TestAppService.StartAsync(database, registration);
        Assert.Equal(HttpStatusCode.OK, (await after.PutTransactionAsync("txn-7", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.PutTransactionAsync("txn-8", TestEvents.Transaction([TestEvents.Message("$2", "new")]))).StatusCode);

        Assert.Equal(["new"], after.Receiver.Received.Select(e => ((RoomMessageEvent)e).Body));
    }

    [Fact]
    public async Task Transaction_cut_off_midway_resumes_after_the_last_handled_event_on_retry()
    {
        var database = await NewDatabaseAsync();
        var registration = TestAppService.NewRegistration();
        var body = TestEvents.Transaction([TestEvents.Message("$1", "one"), TestEvents.Message("$2", "two"), TestEvents.Message("$3", "three")]);
        var secondStarted = new TaskCompletionSource();
        var blocking = new RecordingReceiver
        {
            Before = async (e, ct) =>
            {
                if (e.EventId == "$2")
                {
                    secondStarted.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
            },
        };
        await using (var before = await TestAppService.StartAsync(database, registration, receiver: blocking))
        {
            using var abort = new CancellationTokenSource();
            var pending = before.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/_matrix/app/v1/transactions/t1")
            {
                Content = new StringContent(body),
                Headers = { Authorization = new("Bearer", registration.HsToken) },
            }, abort.Token);
            await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));
            await abort.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
            Assert.Equal(["$1"], blocking.Received.Select(e => e.EventId));
        }

        await using var after = await TestAppService.StartAsync(database, registration);
        Assert.Equal(HttpStatusCode.OK, (await after.PutTransactionAsync("t1", body)).StatusCode);

        Assert.Equal(["$2", "$3"], after.Receiver.Received.Select(e => e.EventId));
    }

    [Fact]
    public async Task Completed_transactions_are_remembered_for_the_retention_period_then_forgotten()
    {
        var clock = new ManualClock();
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync(),
            configure: s => s.AddSingleton<TimeProvider>(clock));
        var old = TestEvents.Transaction([TestEvents.Message("$old", "x")]);
        await service.PutTransactionAsync("old", old);

        clock.Advance(TimeSpan.FromDays(6));
        await service.PutTransactionAsync("b", TestEvents.Transaction([]));
        await service.PutTransactionAsync("old", old);
        Assert.Single(service.Receiver.Received);

        clock.Advance(TimeSpan.FromDays(2));
        await service.PutTransactionAsync("c", TestEvents.Transaction([]));
        await service.PutTransactionAsync("old", old);
        Assert.Equal(2, service.Receiver.Received.Count);
    }

    [Fact]
    public async Task A_failing_receiver_does_not_fail_the_transaction_or_stop_later_events()
    {
        var receiver = new RecordingReceiver
        {
            Before = (e, _) => e.EventId == "$bad" ? throw new InvalidOperationException("handler bug") : Task.CompletedTask,
        };
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync(), receiver: receiver);

        var response = await service.PutTransactionAsync("1", TestEvents.Transaction([TestEvents.Message("$bad", "x"), TestEvents.Message("$ok", "y")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["$ok"], receiver.Received.Select(e => e.EventId));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"events\": [")]
    [InlineData("")]
    public async Task Body_that_is_not_json_is_400_M_NOT_JSON(string body)
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        await AssertErrorAsync(await service.PutTransactionAsync("1", body), HttpStatusCode.BadRequest, "M_NOT_JSON");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{}")]
    [InlineData("{\"events\": {}}")]
    [InlineData("{\"events\": \"x\"}")]
    public async Task Json_that_is_not_a_transaction_is_400_M_BAD_JSON_and_not_recorded(string body)
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        await AssertErrorAsync(await service.PutTransactionAsync("1", body), HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Equal(HttpStatusCode.OK, (await service.PutTransactionAsync("1", TestEvents.Transaction([TestEvents.Message("$1", "x")]))).StatusCode);
        Assert.Single(service.Receiver.Received);
    }

    [Fact]
    public async Task Hostile_entries_are_skipped_and_never_give_a_500()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());
        const string body = """
            {"events": [1, "x", null, [], {}, {"type": 5}, {"type": "m.room.message", "content": "no"},
              {"type": "m.room.message", "content": {"body": 7, "msgtype": [], "m.relates_to": "x"}},
              {"type": "m.room.member", "state_key": 3, "content": {"membership": {}}},
              {"type": "m.receipt", "content": {"$e": {"m.read": {"@u:x": 5}}, "$f": 3}},
              {"type": "m.room.redaction", "redacts": 1, "content": null}],
             "ephemeral": [{"type": "m.presence", "content": {"presence": 1, "last_active_ago": "x"}}, 7]}
            """;

        var response = await service.PutTransactionAsync("1", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = service.Receiver.Received;
        Assert.Equal(["m.room.message", "m.room.message", "m.room.member", "m.receipt", "m.room.redaction", "m.presence"],
            received.Select(e => e.Type));
        var message = Assert.IsType<RoomMessageEvent>(received[1]);
        Assert.Equal("", message.Body);
        Assert.Null(message.MessageType);
        Assert.Null(message.RelatesTo);
        Assert.IsNotType<RoomMemberEvent>(received[2]);
        Assert.Equal([new Receipt("$e", "m.read", "@u:x", null, null)], ((ReceiptEvent)received[3]).Receipts);
        Assert.Null(((RedactionEvent)received[4]).Redacts);
        Assert.Null(((PresenceEvent)received[5]).Presence);
    }

    [Fact]
    public async Task Legacy_unprefixed_transaction_path_is_served()
    {
        await using var service = await TestAppService.StartAsync(await NewDatabaseAsync());

        var response = await service.PutTransactionAsync("1", TestEvents.Transaction([TestEvents.Message("$1", "x")]), prefix: "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(service.Receiver.Received);
    }

    private Task<AppServiceDatabaseSettings> NewDatabaseAsync() => TestDatabases.NewAsync(dialect);

    internal static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errcode)
    {
        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(errcode, body.RootElement.GetProperty("errcode").GetString());
        Assert.Equal(JsonValueKind.String, body.RootElement.GetProperty("error").ValueKind);
    }
}
