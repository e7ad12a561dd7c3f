using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

/// <summary>The auth rules return a result for any content, however odd, and never throw.</summary>
public sealed class MalformedContentTests
{
    public static TheoryData<string> AllVersions => Versions();

    private static readonly string[] OddValues = ["null", "1", "-5", "\"x\"", "[]", "[1,\"a\",null]", "{}", "{\"a\":{}}", "true"];

    private static readonly (string Type, string? StateKey, string Field)[] Targets =
    [
        (EventTypes.Member, Bob, "membership"),
        (EventTypes.Member, Bob, "third_party_invite"),
        (EventTypes.Member, Bob, "join_authorised_via_users_server"),
        (EventTypes.PowerLevels, "", "users"),
        (EventTypes.PowerLevels, "", "events"),
        (EventTypes.PowerLevels, "", "notifications"),
        (EventTypes.PowerLevels, "", "ban"),
        (EventTypes.PowerLevels, "", "users_default"),
        (EventTypes.JoinRules, "", "join_rule"),
        (EventTypes.Create, "", "room_version"),
        (EventTypes.Create, "", "additional_creators"),
        (EventTypes.Create, "", "m.federate"),
        (EventTypes.Redaction, null, "redacts"),
        (EventTypes.ThirdPartyInvite, "tok", "public_keys"),
    ];

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Odd_content_values_give_a_result_not_an_exception(string version)
    {
        foreach (var (type, stateKey, field) in Targets)
        {
            foreach (var odd in OddValues)
            {
                var room = new TestRoom(V(version)).WithDefaults();
                room.Join(Bob);
                var content = new JsonObject { ["membership"] = "join", [field] = JsonNode.Parse(odd) };
                var pdu = room.Build(type, type == EventTypes.Member ? Bob : Alice, stateKey, content,
                    prev: type == EventTypes.Create ? [] : null);
                var result = room.Check(pdu);
                Assert.False(string.IsNullOrEmpty(result.Reason), $"{type}.{field} = {odd}");
                Assert.False(result.Reason.StartsWith("malformed", StringComparison.Ordinal), $"{type}.{field} = {odd}: {result.Reason}");

                // Odd values in the room's own state must not break later checks either.
                if (type != EventTypes.Create && pdu.IsState)
                {
                    room.Apply(pdu);
                    var next = room.Build("m.room.message", Bob, null, new JsonObject());
                    Assert.False(string.IsNullOrEmpty(room.Check(next).Reason), $"after {type}.{field} = {odd}");
                }
            }
        }
    }
}
