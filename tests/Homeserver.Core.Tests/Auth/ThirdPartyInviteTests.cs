using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Signing;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class ThirdPartyInviteTests
{
    private static readonly SigningKey IdentityKey = SigningKey.FromSeed("0", Enumerable.Repeat((byte)7, 32).ToArray());
    private static readonly SigningKey OtherKey = SigningKey.FromSeed("0", Enumerable.Repeat((byte)8, 32).ToArray());

    public static TheoryData<string> AllVersions => Versions();

    private static TestRoom RoomWithPendingInvite(string version, bool keyInList = false)
    {
        var room = new TestRoom(V(version)).WithDefaults("invite");
        var content = keyInList
            ? new JsonObject { ["public_keys"] = new JsonArray(new JsonObject { ["public_key"] = IdentityKey.PublicKeyBase64 }) }
            : new JsonObject { ["public_key"] = IdentityKey.PublicKeyBase64 };
        room.Send(EventTypes.ThirdPartyInvite, Alice, "tok", content);
        return room;
    }

    private static Pdu Redeem(TestRoom room, string sender = Alice, string target = Bob, string mxid = Bob,
        string token = "tok", SigningKey? key = null, bool withSigned = true)
    {
        var signed = new JsonObject { ["mxid"] = mxid, ["token"] = token };
        JsonSigning.Sign(signed, "identity.example", key ?? IdentityKey);
        var invite = withSigned ? new JsonObject { ["signed"] = signed } : new JsonObject { ["display_name"] = "b" };
        return room.Member(sender, target, "invite", c => c["third_party_invite"] = invite);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void A_signed_third_party_invite_is_allowed(string version)
    {
        var room = RoomWithPendingInvite(version);
        Assert.True(room.Check(Redeem(room)).IsAllowed, room.Check(Redeem(room)).Reason);
    }

    [Fact]
    public void Keys_from_the_public_keys_list_are_accepted()
    {
        var room = RoomWithPendingInvite("10", keyInList: true);
        Assert.True(room.Check(Redeem(room)).IsAllowed);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Each_third_party_invite_condition_rejects(string version)
    {
        var room = RoomWithPendingInvite(version);
        Assert.Contains("no signed", room.Check(Redeem(room, withSigned: false)).Reason, StringComparison.Ordinal);
        Assert.Contains("mxid is not the invitee", room.Check(Redeem(room, mxid: Carol)).Reason, StringComparison.Ordinal);
        Assert.Contains("token", room.Check(Redeem(room, token: "other")).Reason, StringComparison.Ordinal);
        Assert.Contains("no signature", room.Check(Redeem(room, key: OtherKey)).Reason, StringComparison.Ordinal);

        room.Join(Carol);
        Assert.Contains("did not send", room.Check(Redeem(room, sender: Carol)).Reason, StringComparison.Ordinal);

        room.SetMembership(Alice, Bob, "ban");
        Assert.Contains("banned", room.Check(Redeem(room)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Signed_without_mxid_or_token_is_rejected()
    {
        var room = RoomWithPendingInvite("10");
        var invite = room.Member(Alice, Bob, "invite",
            c => c["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject { ["token"] = "tok" } });
        Assert.Contains("mxid and token", room.Check(invite).Reason, StringComparison.Ordinal);
    }
}
