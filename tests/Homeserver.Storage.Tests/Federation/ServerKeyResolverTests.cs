using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using static Homeserver.Storage.Tests.Federation.ServerKeyHarness;

namespace Homeserver.Storage.Tests.Federation;

public sealed class ServerKeyResolverTests
{
    private static readonly ServerName Remote = ServerName.Parse("remote.test");
    private static readonly SigningKey RemoteKey = SigningKey.FromSeed("r1", Seed(2));
    private static readonly SigningKey RotatedKey = SigningKey.FromSeed("r2", Seed(3));

    [Fact]
    public async Task An_unknown_key_is_fetched_once_and_then_served_from_the_store()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));

        var first = await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None);
        var second = await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None);

        Assert.Equal(RemoteKey.KeyPair.PublicKey, first!.PublicKey);
        Assert.Equal(RemoteKey.KeyPair.PublicKey, second!.PublicKey);
        Assert.Equal(["GET remote.test /_matrix/key/v2/server"], keys.Transport.Requests);
    }

    [Fact]
    public async Task A_key_not_in_the_stored_document_is_fetched_again_after_a_rotation()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));
        Assert.NotNull(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));

        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RotatedKey, keys.Now + 3_600_000,
            new PublishedKey(RemoteKey.KeyId, RemoteKey.KeyPair.PublicKey, keys.Now)));
        var rotated = await keys.Resolver.GetVerifyKeyAsync(Remote, RotatedKey.KeyId, keys.Now, CancellationToken.None);

        Assert.Equal(RotatedKey.KeyPair.PublicKey, rotated!.PublicKey);
        Assert.Equal(2, keys.Transport.Requests.Count);
    }

    [Fact]
    public async Task A_key_asked_for_in_vain_is_not_fetched_again_until_the_retry_interval_passed()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));

        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, "ed25519:nope", keys.Now, CancellationToken.None));
        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, "ed25519:nope", keys.Now, CancellationToken.None));
        Assert.Single(keys.Transport.Requests);

        keys.Clock.Advance(Services.Federation.Keys.ServerKeyResolver.RetryInterval);
        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, "ed25519:nope", keys.Now, CancellationToken.None));
        Assert.Equal(2, keys.Transport.Requests.Count);
    }

    [Fact]
    public async Task An_expired_key_is_refetched_for_a_later_time_but_serves_room_versions_without_expiry()
    {
        await using var keys = await StartAsync();
        var validUntil = keys.Now + 1000;
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, validUntil));
        Assert.NotNull(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));

        keys.Clock.Advance(TimeSpan.FromHours(2));
        // The origin still serves the old document: the key is not valid now...
        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));
        Assert.Equal(2, keys.Transport.Requests.Count);
        // ...but room versions 1 to 4 ignore valid_until_ts, and an event sent before it is still checked by it.
        Assert.NotNull(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, null, CancellationToken.None));
        Assert.NotNull(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, validUntil - 1,
            CancellationToken.None));

        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));
        keys.Clock.Advance(Services.Federation.Keys.ServerKeyResolver.RetryInterval);
        Assert.NotNull(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));
    }

    [Fact]
    public async Task Validity_is_capped_at_seven_days_after_the_fetch()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + (long)TimeSpan.FromDays(365).TotalMilliseconds));
        var key = await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None);
        Assert.Equal(keys.Now + (long)TimeSpan.FromDays(7).TotalMilliseconds, key!.ValidUntilTs);
    }

    [Fact]
    public async Task A_document_naming_another_server_or_badly_signed_is_not_stored()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document("other.test", RemoteKey, keys.Now + 3_600_000));
        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));

        var forged = Document(Remote.Value, RemoteKey, keys.Now + 3_600_000);
        forged["verify_keys"]![RemoteKey.KeyId]!["key"] = RotatedKey.PublicKeyBase64;
        keys.Transport.Serve(Remote.Value, forged);
        keys.Clock.Advance(Services.Federation.Keys.ServerKeyResolver.RetryInterval);
        Assert.Null(await keys.Resolver.GetVerifyKeyAsync(Remote, RemoteKey.KeyId, keys.Now, CancellationToken.None));
        Assert.Empty(await keys.Store.GetAsync(Remote.Value, CancellationToken.None));
    }

    [Fact]
    public async Task The_longest_validity_is_kept_when_a_shorter_document_arrives_later()
    {
        await using var keys = await StartAsync();
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 3_600_000));
        await keys.Fetcher.FetchAsync(Remote, [], keys.Now, viaNotaries: false, CancellationToken.None);
        keys.Transport.Serve(Remote.Value, Document(Remote.Value, RemoteKey, keys.Now + 60_000));
        await keys.Fetcher.FetchAsync(Remote, [], keys.Now, viaNotaries: false, CancellationToken.None);

        var stored = Assert.Single(await keys.Store.GetAsync(Remote.Value, CancellationToken.None));
        Assert.Equal(keys.Now + 3_600_000, stored.ValidUntilTs);
    }

    [Fact]
    public async Task Our_own_keys_resolve_without_fetching()
    {
        await using var keys = await StartAsync();
        var key = await keys.Resolver.GetVerifyKeyAsync(ServerName.Parse(Us), OurKey.KeyId, keys.Now,
            CancellationToken.None);
        Assert.Equal(OurKey.KeyPair.PublicKey, key!.PublicKey);
        Assert.Empty(keys.Transport.Requests);
    }
}
