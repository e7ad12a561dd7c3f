using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Federation.Keys;

namespace Homeserver.Services.Tests.Federation;

public sealed class RemotePduVerifierTests
{
    private static readonly SigningKey RemoteKey = SigningKey.FromSeed("a1", new byte[32]);
    private static readonly RoomVersion Version = RoomVersions.V10;

    [Fact]
    public async Task A_signed_event_with_its_hash_is_kept_as_it_came()
    {
        var verified = await new RemotePduVerifier(new Keys()).VerifyAsync(Signed(), Version, CancellationToken.None);
        Assert.True(verified.IsValid, verified.Error);
        Assert.False(verified.Redacted);
        Assert.Equal("hello", verified.Pdu!.Content.GetProperty("body").GetString());
    }

    [Fact]
    public async Task An_event_whose_content_hash_does_not_match_is_kept_redacted()
    {
        var tampered = Signed();
        tampered["content"]!["body"] = "changed after signing";
        var verified = await new RemotePduVerifier(new Keys()).VerifyAsync(tampered, Version, CancellationToken.None);
        Assert.True(verified.IsValid, verified.Error);
        Assert.True(verified.Redacted);
        Assert.False(verified.Pdu!.Content.TryGetProperty("body", out _));
    }

    [Fact]
    public async Task An_event_signed_with_an_unknown_key_or_not_by_the_senders_server_is_dropped()
    {
        var unknownKey = await new RemotePduVerifier(new Keys(known: false))
            .VerifyAsync(Signed(), Version, CancellationToken.None);
        Assert.False(unknownKey.IsValid);

        var wrongSigner = Signed(signer: "other.test");
        var verified = await new RemotePduVerifier(new Keys()).VerifyAsync(wrongSigner, Version, CancellationToken.None);
        Assert.False(verified.IsValid);
        Assert.Contains("remote.test", verified.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_signed_with_a_key_expired_before_it_was_sent_is_dropped()
    {
        var verified = await new RemotePduVerifier(new Keys(validUntil: 1_000))
            .VerifyAsync(Signed(), Version, CancellationToken.None);
        Assert.False(verified.IsValid);
    }

    private static JsonObject Signed(string signer = "remote.test")
    {
        var pdu = new JsonObject
        {
            ["room_id"] = "!room:remote.test",
            ["sender"] = "@alice:remote.test",
            ["type"] = "m.room.message",
            ["content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = "hello" },
            ["origin_server_ts"] = 1_700_000_000_000,
            ["depth"] = 5,
            ["prev_events"] = new JsonArray("$prev"),
            ["auth_events"] = new JsonArray("$create"),
        };
        return EventSigning.HashAndSign(pdu, signer, RemoteKey, Version);
    }

    private sealed class Keys(bool known = true, long validUntil = long.MaxValue) : IServerKeyResolver
    {
        public Task<ServerVerifyKey?> GetVerifyKeyAsync(ServerName server, string keyId, long? validAtTs,
            CancellationToken cancellationToken) =>
            Task.FromResult(known && keyId == RemoteKey.KeyId
                ? new ServerVerifyKey(keyId, RemoteKey.KeyPair.PublicKey, validUntil, false)
                : null);
    }
}
