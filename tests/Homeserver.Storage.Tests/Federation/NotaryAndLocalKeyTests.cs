using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Signing;
using Homeserver.Services.Federation.Keys;
using static Homeserver.Storage.Tests.Federation.ServerKeyHarness;

namespace Homeserver.Storage.Tests.Federation;

public sealed class NotaryAndLocalKeyTests
{
    private static readonly ServerName Remote = ServerName.Parse("remote.test");
    private static readonly SigningKey RemoteKey = SigningKey.FromSeed("r1", Seed(2));
    private static readonly SigningKey NotaryKey = SigningKey.FromSeed("n1", Seed(4));

    [Fact]
    public async Task A_notary_answer_is_the_origins_document_co_signed_by_us()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));

        var answer = await keys.Notary.QueryAsync([new ServerKeyQuery(Remote, new Dictionary<string, long?>(), null)],
            CancellationToken.None);

        var document = Element(Assert.Single(answer["server_keys"]!.AsArray())!);
        Assert.True(ServerKeyDocument.TryRead(document, Remote.Value, out _, out var error), error);
        Assert.True(JsonSigning.Verify(document, Us, OurKey.KeyId, OurKey.KeyPair.PublicKey).IsValid);
    }

    [Fact]
    public async Task A_notary_fetches_again_only_when_the_stored_keys_are_not_valid_long_enough_and_at_most_once_a_minute()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));
        await QueryAsync(keys, keys.Now + 1000);
        await QueryAsync(keys, keys.Now + 2000);
        Assert.Single(keys.Transport.Requests);

        // Asked for longer than the stored document is valid: fetched again, but not more than once per retry
        // interval; the origin now failing, the stored document is still served.
        keys.Transport.Serve(Remote.Value, Document("unreachable.test", RemoteKey, 0));
        Assert.Single((await QueryAsync(keys, keys.Now + 7_200_000))["server_keys"]!.AsArray());
        Assert.Single(keys.Transport.Requests);
        keys.Clock.Advance(ServerKeyResolver.RetryInterval);
        var answer = await QueryAsync(keys, keys.Now + 7_200_000);
        Assert.Equal(2, keys.Transport.Requests.Count);
        Assert.Single(answer["server_keys"]!.AsArray());
    }

    [Fact]
    public async Task A_notary_answers_for_itself_with_its_current_document()
    {
        await using var keys = await StartAsync();
        var answer = await keys.Notary.QueryAsync(
            [new ServerKeyQuery(ServerName.Parse(Us), new Dictionary<string, long?>(), null)], CancellationToken.None);
        var document = Element(Assert.Single(answer["server_keys"]!.AsArray())!);
        Assert.True(ServerKeyDocument.TryRead(document, Us, out var read, out var error), error);
        Assert.Equal(keys.Now + (long)LocalServerKeys.ValidityPeriod.TotalMilliseconds, read!.ValidUntilTs);
        Assert.Empty(keys.Transport.Requests);
    }

    [Fact]
    public async Task Keys_come_from_a_trusted_notary_when_its_answer_carries_its_signature()
    {
        await using var keys = await StartAsync(Trusting());
        keys.Transport.ServeNotary("notary.test", _ => Answer(NotaryKey));

        var key = await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None);

        Assert.Equal(RemoteKey.KeyPair.PublicKey, key!.PublicKey);
        Assert.Equal(["POST notary.test /_matrix/key/v2/query"], keys.Transport.Requests);
    }

    [Fact]
    public async Task A_notary_answer_not_signed_by_its_configured_key_is_ignored_and_the_origin_asked()
    {
        await using var keys = await StartAsync(Trusting());
        keys.Transport.ServeNotary("notary.test", _ => Answer(SigningKey.FromSeed("n1", Seed(9))));
        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));
        Assert.Equal(["POST notary.test /_matrix/key/v2/query", "GET remote.test /_matrix/key/v2/server"],
            keys.Transport.Requests);
    }

    [Fact]
    public async Task A_new_signing_key_makes_the_previous_one_an_old_key_expired_at_that_moment()
    {
        await using var keys = await StartAsync();
        var previous = SigningKey.FromSeed("before", Seed(7));
        await keys.LocalStore.RecordCurrentAsync(previous.KeyId, previous.KeyPair.PublicKey, keys.Now - 5000,
            CancellationToken.None);

        var document = Element(await keys.LocalKeys.GetDocumentAsync(CancellationToken.None));

        Assert.True(ServerKeyDocument.TryRead(document, Us, out var read, out var error), error);
        var old = Assert.Single(read!.Keys, k => k.IsOld);
        Assert.Equal((previous.KeyId, keys.Now), (old.KeyId, old.ExpiredTs!.Value));
        Assert.Equal(OurKey.KeyId, Assert.Single(read.Keys, k => !k.IsOld).KeyId);
        Assert.Equal(OurKey.KeyId, Assert.Single(JsonSigning.SigningKeyIds(document, Us)));
    }

    private static Dictionary<string, string?> Trusting() => new()
    {
        ["Homeserver:Federation:TrustedKeyServers:0:ServerName"] = "notary.test",
        ["Homeserver:Federation:TrustedKeyServers:0:VerifyKeys"] = $"{NotaryKey.KeyId}={NotaryKey.PublicKeyBase64}",
    };

    private static JsonElement Answer(SigningKey notarySigner)
    {
        var document = Document(Remote.Value, RemoteKey, 4_000_000_000_000);
        JsonSigning.Sign(document, "notary.test", notarySigner);
        return Element(new JsonObject { ["server_keys"] = new JsonArray(document) });
    }

    private static Task<JsonObject> QueryAsync(ServerKeyHarness keys, long minimum) =>
        keys.Notary.QueryAsync([new ServerKeyQuery(Remote, new Dictionary<string, long?>(), minimum)],
            CancellationToken.None);
}
