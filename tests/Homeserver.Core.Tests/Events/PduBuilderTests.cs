using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using static Homeserver.Core.Tests.Auth.AuthTestData;

namespace Homeserver.Core.Tests.Events;

public sealed class PduBuilderTests
{
    private const string Alice = "@alice:a.example";
    private static readonly SigningKey Key = SigningKey.FromSeed("k", Enumerable.Repeat((byte)9, 32).ToArray());

    public static TheoryData<string> AllVersions => Versions();

    /// <summary>Builds create, join, power levels and join rules with the builder, authorising each.</summary>
    private static (List<Pdu> Events, StateMap State) BuildRoom(RoomVersion version)
    {
        var state = new StateMap();
        var events = new List<Pdu>();
        string? roomId = version.RoomIdIsCreateEventId ? null : "!room:a.example";
        var counter = 0;
        var ts = 1000L;

        void Add(string type, string? stateKey, JsonObject content)
        {
            Assert.True(PduBuilder.TryBuild(version, roomId, new PduTemplate(type, Alice, stateKey, content),
                events.Count == 0 ? [] : [events[^1]], state, ts++, "a.example", Key, out var pdu, out var error,
                localEventIdPart: $"e{++counter}"), error);
            var create = state.Get(EventTypes.Create, "") ?? pdu;
            var authEvents = pdu!.AuthEvents.Select(id => events.Single(e => e.EventId == id)).ToList();
            var result = EventAuthorizer.AuthorizeWithAuthEvents(pdu, authEvents, create);
            Assert.True(result.IsAllowed, $"{type}: {result.Reason}");
            roomId ??= pdu.RoomId;
            state.Set(pdu);
            events.Add(pdu);
        }

        var createContent = new JsonObject { ["room_version"] = version.Id };
        if (!version.CreatorIsCreateSender)
        {
            createContent["creator"] = Alice;
        }

        Add(EventTypes.Create, "", createContent);
        Add(EventTypes.Member, Alice, new JsonObject { ["membership"] = "join" });
        Add(EventTypes.PowerLevels, "", new JsonObject { ["users"] = version.CreatorsHaveInfinitePower
            ? new JsonObject()
            : new JsonObject { [Alice] = 100 } });
        Add(EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = "public" });
        return (events, state);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Built_events_pass_format_auth_and_signature_checks(string version)
    {
        var (events, _) = BuildRoom(V(version));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Depth));
        foreach (var pdu in events)
        {
            Assert.True(ReceivedEventChecks.VerifySignatures(pdu,
                (server, keyId) => server == "a.example" && keyId == Key.KeyId ? new VerifyKey(Key.KeyPair.PublicKey, null) : null)
                .IsValid);
            Assert.Same(pdu, ReceivedEventChecks.WithContentHashEnforced(pdu));
        }
    }

    [Fact]
    public void Version_12_events_never_list_the_create_event_and_earlier_ones_always_do()
    {
        var (v12, _) = BuildRoom(RoomVersions.V12);
        Assert.DoesNotContain(v12.Skip(1), e => e.AuthEvents.Contains(v12[0].EventId));
        var (v11, _) = BuildRoom(RoomVersions.V11);
        Assert.All(v11.Skip(1), e => Assert.Contains(v11[0].EventId, e.AuthEvents));
    }

    [Fact]
    public void Versions_1_and_2_reference_events_with_their_reference_hashes()
    {
        var (events, _) = BuildRoom(RoomVersions.V1);
        var join = events[1].ToJsonObject();
        var reference = join["prev_events"]![0]!.AsArray();
        Assert.Equal(events[0].EventId, reference[0]!.GetValue<string>());
        EventHashing.TryComputeReferenceHash(events[0].ToJsonObject(), RoomVersions.V1, out var hash, out _);
        Assert.Equal(Homeserver.Core.Encoding.UnpaddedBase64.Encode(hash), reference[1]!["sha256"]!.GetValue<string>());
        Assert.Equal("$e2:a.example", events[1].EventId);
    }

    [Fact]
    public void Versions_1_and_2_need_a_local_event_id_part()
    {
        Assert.False(PduBuilder.TryBuild(RoomVersions.V2, "!r:a.example",
            new PduTemplate("m.room.message", Alice, null, new JsonObject()), [], new StateMap(), 1, "a.example", Key,
            out _, out var error));
        Assert.Contains("local part", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10", true)]
    [InlineData("11", false)]
    public void Redacts_goes_top_level_before_version_11_and_into_content_from_11(string version, bool topLevel)
    {
        var (events, state) = BuildRoom(V(version));
        Assert.True(PduBuilder.TryBuild(V(version), events[0].RoomId,
            new PduTemplate(EventTypes.Redaction, Alice, null, new JsonObject()) { Redacts = "$target" },
            [events[^1]], state, 9000, "a.example", Key, out var redaction, out var error, "r1"), error);
        Assert.Equal("$target", redaction!.Redacts);
        Assert.Equal(topLevel, redaction.Json.TryGetProperty("redacts", out _));
    }

    [Fact]
    public void Oversized_events_are_refused_with_a_reason()
    {
        var (events, state) = BuildRoom(RoomVersions.V12);
        Assert.False(PduBuilder.TryBuild(RoomVersions.V12, events[0].RoomId,
            new PduTemplate("m.room.message", Alice, null, new JsonObject { ["body"] = new string('x', 70_000) }),
            [events[^1]], state, 9000, "a.example", Key, out _, out var error));
        Assert.Contains("65536", error, StringComparison.Ordinal);
    }
}
