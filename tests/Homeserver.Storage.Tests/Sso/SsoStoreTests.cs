using Homeserver.Core.Identifiers;
using Homeserver.Services.Sso;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Sso;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Sso;

/// <summary>The tables of migration 0048: external ID links, sign-in sessions, used nonces.</summary>
public sealed class SsoStoreTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:test.local");
    private static readonly UserId Bob = UserId.Parse("@bob:test.local");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task An_identity_links_to_one_account_and_an_account_to_one_identity_per_provider()
    {
        await using var dataSource = await DatabaseAsync();
        var links = new ExternalIdStore(dataSource);

        Assert.True(await links.TryLinkAsync("steam", "76561198000000001", Alice, 10, None));
        Assert.False(await links.TryLinkAsync("steam", "76561198000000001", Bob, 11, None));
        Assert.False(await links.TryLinkAsync("steam", "76561198000000002", Alice, 12, None));
        Assert.True(await links.TryLinkAsync("other", "76561198000000001", Bob, 13, None));

        Assert.Equal(Alice, await links.GetUserAsync("steam", "76561198000000001", None));
        Assert.Equal(Bob, await links.GetUserAsync("other", "76561198000000001", None));
        Assert.Null(await links.GetUserAsync("steam", "76561198000000002", None));
    }

    [Fact]
    public async Task Links_are_listed_per_provider_in_link_order_after_a_position()
    {
        await using var dataSource = await DatabaseAsync();
        var links = new ExternalIdStore(dataSource);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => links.TryLinkAsync(i % 2 == 0 ? "steam" : "other",
            $"id{i}", UserId.Parse($"@u{i}:test.local"), i, None)));

        var all = await links.ListAsync("steam", 0, 10, None);
        var after = await links.ListAsync("steam", all[0].Position, 1, None);

        Assert.Equal(3, all.Count);
        Assert.All(all, l => Assert.Equal("steam", l.AuthProvider));
        Assert.Equal(all.Select(l => l.Position).Order(), all.Select(l => l.Position));
        Assert.Equal(all[1], Assert.Single(after));
        Assert.Empty(await links.ListAsync("steam", all[^1].Position, 10, None));
    }

    [Fact]
    public async Task A_session_is_taken_once_by_its_browser_before_it_expires()
    {
        await using var dataSource = await DatabaseAsync();
        var sessions = new SsoSessionStore(dataSource);
        var session = new SsoSession("steam", "https://client.example/", "https://hs.example/cb?session=s");
        await sessions.AddAsync([1], [7], session, 1_000, 2_000, None);
        await sessions.AddAsync([2], [7], session, 1_000, 2_000, None);

        Assert.Null(await sessions.TakeAsync([1], [8], 1_500, None));
        Assert.Equal(session, await sessions.TakeAsync([1], [7], 1_500, None));
        Assert.Null(await sessions.TakeAsync([1], [7], 1_500, None));
        Assert.Null(await sessions.TakeAsync([2], [7], 2_000, None));
    }

    [Fact]
    public async Task A_nonce_is_used_once_until_it_is_forgotten()
    {
        await using var dataSource = await DatabaseAsync();
        var sessions = new SsoSessionStore(dataSource);

        var uses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            sessions.TryUseNonceAsync("steam", "2026-12-05T22:00:00Zabc", 1_000, 2_000, None)));

        Assert.Single(uses, used => used);
        Assert.True(await sessions.TryUseNonceAsync("other", "2026-12-05T22:00:00Zabc", 1_000, 2_000, None));
        Assert.True(await sessions.TryUseNonceAsync("steam", "2026-12-05T22:00:00Zabc", 2_000, 3_000, None));
    }

    private static async Task<NpgsqlDataSource> DatabaseAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        await using var command = dataSource.CreateCommand("INSERT INTO users (user_id, created_ts) VALUES " +
            string.Join(',', new[] { "@alice", "@bob", "@u0", "@u1", "@u2", "@u3", "@u4", "@u5" }
                .Select(u => $"('{u}:test.local', 0)")));
        await command.ExecuteNonQueryAsync();
        return dataSource;
    }
}
