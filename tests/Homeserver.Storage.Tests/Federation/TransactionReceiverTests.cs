using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Federation.Transactions;
using Homeserver.Storage.Tests.Rooms;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>
/// <c>PUT /_matrix/federation/v1/send/{txnId}</c> below HTTP over the real store (server-server API, "Transactions",
/// "Checks performed on receipt of a PDU"): limits, idempotency, a result per PDU, signatures, content hashes,
/// server ACLs and EDU dispatch.
/// </summary>
public sealed class TransactionReceiverTests
{
    [Fact]
    public async Task Send_is_idempotent_per_origin_and_txn_id()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var first = await harness.MessageAsync("first");
        var second = await harness.MessageAsync("second", timestamp: 200_001);

        var answer = await harness.SendAsync("t1", first);
        var retried = await harness.SendAsync("t1", second);

        Assert.Equal(answer.ToJsonString(), retried.ToJsonString());
        Assert.Equal([first.EventId], answer["pdus"]!.AsObject().Select(p => p.Key));
        Assert.Null(await harness.StoredAsync(second.EventId));
        var next = await harness.SendAsync("t2", second);
        Assert.Equal([second.EventId], next["pdus"]!.AsObject().Select(p => p.Key));
        Assert.NotNull(await harness.StoredAsync(second.EventId));
    }

    [Fact]
    public async Task Each_pdu_gets_its_own_result_and_a_bad_one_does_not_fail_the_others()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var good = await harness.MessageAsync("good");
        var forged = ReceiverHarness.Json(await harness.MessageAsync("forged", timestamp: 200_001));
        forged["signatures"]![TestRemoteServer.Name]![InputRoom.RemoteKey.KeyId] = new string('A', 86);
        var forgedId = Pdu.Parse(forged, RoomVersions.V12).EventId;
        var elsewhere = ReceiverHarness.Json(await harness.MessageAsync("elsewhere", timestamp: 200_002));
        elsewhere["room_id"] = "!" + good.EventId[1..]; // a room ID of the right form that is no room of ours
        elsewhere = EventSigning.HashAndSign(elsewhere, TestRemoteServer.Name, InputRoom.RemoteKey, RoomVersions.V12);
        var elsewhereId = Pdu.Parse(elsewhere, RoomVersions.V12).EventId;

        var answer = (await harness.SendAsync("t1", [ReceiverHarness.Json(good), forged, elsewhere]))["pdus"]!;

        Assert.Empty(answer[good.EventId]!.AsObject());
        Assert.Contains("signature", answer[forgedId]!["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Unknown room", answer[elsewhereId]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(await harness.StoredAsync(good.EventId));
        Assert.Null(await harness.StoredAsync(forgedId));
    }

    [Fact]
    public async Task A_pdu_whose_content_hash_does_not_match_is_stored_redacted()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var tampered = ReceiverHarness.Json(await harness.MessageAsync("signed text"));
        tampered["content"]!["body"] = "changed on the way";
        var eventId = Pdu.Parse(tampered, RoomVersions.V12).EventId;

        var answer = (await harness.SendAsync("t1", [tampered]))["pdus"]!;

        Assert.Empty(answer[eventId]!.AsObject());
        var stored = await harness.StoredAsync(eventId);
        Assert.NotNull(stored);
        Assert.False(stored.Content.TryGetProperty("body", out _));
    }

    [Fact]
    public async Task A_pdu_that_fails_the_auth_rules_is_stored_rejected_and_its_result_carries_the_error()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var head = await harness.Room.HeadAsync();
        var levels = JsonNode.Parse(head.State[new TypeAndStateKey(EventTypes.PowerLevels, "")].Content.GetRawText())!
            .AsObject();
        levels["users"]![InputRoom.Bob] = 100; // Bob is at 50; changing the power levels takes 100
        var grab = harness.Room.Remote(InputRoom.Bob, EventTypes.PowerLevels, "", levels, head.ForwardExtremities,
            head.State, 200_000);
        var stateBefore = await harness.Room.CurrentStateAsync();

        var answer = (await harness.SendAsync("t1", grab))["pdus"]!;

        Assert.Contains("authorization rules", answer[grab.EventId]!["error"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.NotNull((await harness.Room.RowAsync(grab.EventId)).RejectedReason);
        Assert.Equal(stateBefore, await harness.Room.CurrentStateAsync());
    }

    [Fact]
    public async Task Pdus_and_edus_of_a_room_whose_acl_denies_the_origin_are_dropped()
    {
        var typing = new RecordingEduHandler("m.typing");
        var receipts = new RecordingEduHandler("m.receipt");
        await using var harness = await ReceiverHarness.StartAsync(null, typing, receipts);
        var message = await harness.MessageAsync("before the ACL reached us");
        await harness.Room.LocalAsync("m.room.server_acl", "", new JsonObject
        {
            ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray("remote.test"), ["allow_ip_literals"] = false,
        });
        var roomId = harness.Room.RoomId;
        const string otherRoom = "!otherroomotherroomotherroomotherroomotherr";

        var answer = (await harness.SendAsync("t1", [ReceiverHarness.Json(message)],
        [
            Edu("m.typing", new JsonObject { ["room_id"] = roomId, ["user_id"] = InputRoom.Bob, ["typing"] = true }),
            Edu("m.typing", new JsonObject { ["room_id"] = otherRoom, ["user_id"] = InputRoom.Bob, ["typing"] = true }),
            Edu("m.receipt", new JsonObject { [roomId] = new JsonObject(), [otherRoom] = new JsonObject() }),
        ]))["pdus"]!;

        Assert.Contains("server ACL", answer[message.EventId]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await harness.StoredAsync(message.EventId));
        Assert.Equal(otherRoom, Assert.Single(typing.Handled).Content.GetProperty("room_id").GetString());
        Assert.Equal([otherRoom], Assert.Single(receipts.Handled).Content.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_transaction_of_more_than_50_pdus_or_100_edus_is_refused()
    {
        await using var harness = await ReceiverHarness.StartAsync();
        var message = await harness.MessageAsync("one of many");

        var tooManyPdus = await Assert.ThrowsAsync<MatrixException>(() => harness.SendAsync("t1",
            Enumerable.Range(0, TransactionReceiver.MaxPdus + 1).Select(_ => (JsonNode)ReceiverHarness.Json(message))));
        var tooManyEdus = await Assert.ThrowsAsync<MatrixException>(() => harness.SendAsync("t2",
            [ReceiverHarness.Json(message)],
            Enumerable.Range(0, TransactionReceiver.MaxEdus + 1).Select(_ => Edu("m.typing", new JsonObject()))));

        Assert.Equal(ErrorCode.BadJson, tooManyPdus.Code);
        Assert.Equal(ErrorCode.BadJson, tooManyEdus.Code);
        Assert.Null(await harness.StoredAsync(message.EventId));
        var fifty = await harness.SendAsync("t3",
            Enumerable.Range(0, TransactionReceiver.MaxPdus).Select(_ => (JsonNode)ReceiverHarness.Json(message)));
        Assert.Empty(fifty["pdus"]![message.EventId]!.AsObject());
    }

    [Fact]
    public async Task Edus_go_to_the_handler_of_their_type_and_a_failing_handler_does_not_fail_the_transaction()
    {
        var typing = new RecordingEduHandler("m.typing");
        var failing = new RecordingEduHandler("m.presence", fails: true);
        await using var harness = await ReceiverHarness.StartAsync(null, failing, typing);
        var message = await harness.MessageAsync("with EDUs");

        var answer = await harness.SendAsync("t1", [ReceiverHarness.Json(message)],
        [
            Edu("m.presence", new JsonObject { ["push"] = new JsonArray() }),
            Edu("m.unknown_type", new JsonObject()),
            Edu("m.typing", new JsonObject { ["room_id"] = harness.Room.RoomId, ["user_id"] = InputRoom.Bob }),
        ]);

        Assert.Empty(answer["pdus"]![message.EventId]!.AsObject());
        var (origin, content) = Assert.Single(typing.Handled);
        Assert.Equal(ReceiverHarness.Origin, origin);
        Assert.Equal(InputRoom.Bob, content.GetProperty("user_id").GetString());
    }

    private static JsonObject Edu(string type, JsonObject content) =>
        new() { ["edu_type"] = type, ["content"] = content };
}
