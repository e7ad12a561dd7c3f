using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Tests.Sync;

public sealed class SyncRoomSummariesTests
{
    private const string Room = "!channel:example.org";

    [Fact]
    public async Task Syncs_woken_together_share_one_read_and_each_user_is_left_out_of_their_own_heroes()
    {
        var reader = new FakeSummaryReader(new RoomMemberSummary(7, 1,
            ["@a:x", "@b:x", "@c:x", "@d:x", "@e:x", "@f:x"], []));
        var summaries = new SyncRoomSummaries(reader);
        var positionsRead = Stopwatch.GetTimestamp();

        var forA = await summaries.GetAsync(Room, "@a:x", positionsRead, CancellationToken.None);
        var forF = await summaries.GetAsync(Room, "@f:x", positionsRead, CancellationToken.None);
        var forOutsider = await summaries.GetAsync(Room, "@z:x", positionsRead, CancellationToken.None);

        Assert.Equal(1, reader.Reads);
        Assert.Equal(["@b:x", "@c:x", "@d:x", "@e:x", "@f:x"], Heroes(forA));
        Assert.Equal(["@a:x", "@b:x", "@c:x", "@d:x", "@e:x"], Heroes(forF));
        Assert.Equal(["@a:x", "@b:x", "@c:x", "@d:x", "@e:x"], Heroes(forOutsider));
        Assert.Equal(7, forF["m.joined_member_count"]!.GetValue<int>());
        Assert.Equal(1, forF["m.invited_member_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_user_alone_with_departed_members_gets_them_as_heroes_without_themself()
    {
        var reader = new FakeSummaryReader(new RoomMemberSummary(1, 0, ["@me:x"], ["@gone:x"]));
        var summaries = new SyncRoomSummaries(reader);

        var summary = await summaries.GetAsync(Room, "@me:x", Stopwatch.GetTimestamp(), CancellationToken.None);

        Assert.Equal(["@gone:x"], Heroes(summary));
    }

    [Fact]
    public async Task A_sync_whose_positions_were_read_after_a_read_started_does_not_share_it()
    {
        var reader = new FakeSummaryReader(new RoomMemberSummary(2, 0, ["@a:x", "@b:x"], []));
        var summaries = new SyncRoomSummaries(reader);
        await summaries.GetAsync(Room, "@a:x", Stopwatch.GetTimestamp(), CancellationToken.None);

        await summaries.GetAsync(Room, "@b:x", Stopwatch.GetTimestamp() + 1, CancellationToken.None);

        Assert.Equal(2, reader.Reads);
    }

    private static List<string> Heroes(JsonObject summary) =>
        summary["m.heroes"]!.AsArray().Select(h => h!.GetValue<string>()).ToList();

    private sealed class FakeSummaryReader(RoomMemberSummary summary) : ISyncReader
    {
        public int Reads { get; private set; }

        public Task<RoomMemberSummary> GetMemberSummaryAsync(string roomId, string userId, int heroes,
            CancellationToken cancellationToken)
        {
            Reads++;
            // As the store does: the first heroes other than userId.
            return Task.FromResult(summary with
            {
                PresentHeroes = summary.PresentHeroes.Where(h => h != userId).Take(heroes).ToList(),
                DepartedHeroes = summary.DepartedHeroes.Where(h => h != userId).Take(heroes).ToList(),
            });
        }

        public Task<IReadOnlyList<SyncMembership>> GetMembershipsAsync(string userId,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<AccountDataChange>> GetAccountDataAsync(string userId, long since, long upTo,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> GetAccountDataStreamAsync(CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<(SyncMembership Membership, bool HasEvents)>> GetMembershipsWithActivityAsync(
            string userId, long since, long upTo, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
