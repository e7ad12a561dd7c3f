using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class RedactionPolicyTests
{
    private static (TestRoom Room, Pdu Message) RoomWithMessageFrom(string sender, RoomVersion version)
    {
        var room = new TestRoom(version).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        room.Join("@bob2:b.example");
        return (room, room.Send("m.room.message", sender, null, new JsonObject { ["body"] = "x" }));
    }

    private static Pdu Redaction(TestRoom room, string sender, Pdu target) =>
        room.Build(EventTypes.Redaction, sender, null,
            room.Version.RedactsInContent ? new JsonObject { ["redacts"] = target.EventId } : new JsonObject(),
            customize: j =>
            {
                if (!room.Version.RedactsInContent)
                {
                    j["redacts"] = target.EventId;
                }
            });

    [Theory]
    [InlineData("3")]
    [InlineData("10")]
    [InlineData("11")]
    [InlineData("12")]
    public void Redactions_apply_for_the_redact_level_or_the_same_server_only(string version)
    {
        RoomVersions.TryGet(version, out var v);
        var (room, message) = RoomWithMessageFrom(Bob, v);
        Assert.True(RedactionPolicy.ShouldApply(Redaction(room, Bob, message), message, room.State).IsAllowed);
        Assert.True(RedactionPolicy.ShouldApply(Redaction(room, "@bob2:b.example", message), message, room.State).IsAllowed);
        Assert.True(RedactionPolicy.ShouldApply(Redaction(room, Alice, message), message, room.State).IsAllowed);
        Assert.Contains("redact level",
            RedactionPolicy.ShouldApply(Redaction(room, Carol, message), message, room.State).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redaction_only_applies_to_the_event_it_names()
    {
        var (room, message) = RoomWithMessageFrom(Bob, RoomVersions.V11);
        var other = room.Send("m.room.message", Bob, null, new JsonObject());
        Assert.Contains("does not name",
            RedactionPolicy.ShouldApply(Redaction(room, Bob, message), other, room.State).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void In_versions_1_and_2_the_auth_rules_already_decided()
    {
        var (room, message) = RoomWithMessageFrom(Bob, RoomVersions.V1);
        Assert.True(RedactionPolicy.ShouldApply(Redaction(room, Carol, message), message, room.State).IsAllowed);
    }
}
