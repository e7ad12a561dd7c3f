using Homeserver.Services.Sync.Sliding;

namespace Homeserver.Services.Tests.Sync.Sliding;

public sealed class SlidingRoomListTests
{
    private const string Me = "@me:x";

    private static SlidingRoomRow Row(string roomId, string membership, long stream, long? bump, string sender = Me,
        bool encrypted = false, string? type = null, bool forgotten = false) =>
        new(roomId, membership, "$" + roomId, stream, forgotten, sender, bump, Math.Max(stream, bump ?? 0), encrypted, type);

    private static List<string> Ids(IEnumerable<SlidingRoomRow> rows) => rows.Select(r => r.RoomId).ToList();

    [Fact]
    public void Rooms_sort_by_their_latest_bump_or_membership_newest_first()
    {
        var rows = new[] { Row("!old", "join", 1, 5), Row("!new", "join", 2, 50), Row("!invite", "invite", 30, null) };
        Assert.Equal(["!new", "!invite", "!old"], Ids(SlidingRoomList.Candidates(rows, Me, 100, _ => false)));
    }

    [Fact]
    public void A_room_the_user_left_is_listed_only_when_already_sent_but_a_kick_or_ban_always_is()
    {
        var rows = new[]
        {
            Row("!left", "leave", 3, 3), Row("!kicked", "leave", 4, 4, sender: "@mod:x"), Row("!banned", "ban", 5, 5, sender: "@mod:x"),
            Row("!forgotten", "leave", 6, 6, sender: "@mod:x", forgotten: true),
        };
        Assert.Equal(["!banned", "!kicked"], Ids(SlidingRoomList.Candidates(rows, Me, 100, _ => false)));
        Assert.Contains("!left", Ids(SlidingRoomList.Candidates(rows, Me, 100, id => id == "!left")));
    }

    [Fact]
    public void A_membership_after_the_response_position_waits_for_the_next_response() =>
        Assert.Empty(SlidingRoomList.Candidates([Row("!later", "join", 101, 101)], Me, 100, _ => false));

    [Fact]
    public void Filters_combine_and_null_room_types_match_rooms_without_a_type()
    {
        var rows = new List<SlidingRoomRow>
        {
            Row("!dm", "join", 5, 5, encrypted: true), Row("!space", "join", 4, 4, type: "m.space"),
            Row("!plain", "join", 3, 3), Row("!invite", "invite", 2, null),
        };
        var dms = new HashSet<string> { "!dm" };
        List<string> Filter(SlidingRoomFilter f, IReadOnlySet<string>? children = null) =>
            Ids(SlidingRoomList.Filter(rows, f, dms, children));

        Assert.Equal(["!dm"], Filter(SlidingRoomFilter.None with { IsDm = true }));
        Assert.Equal(["!space", "!plain", "!invite"], Filter(SlidingRoomFilter.None with { IsDm = false }));
        Assert.Equal(["!invite"], Filter(SlidingRoomFilter.None with { IsInvite = true }));
        Assert.Equal(["!dm"], Filter(SlidingRoomFilter.None with { IsEncrypted = true }));
        Assert.Equal(["!dm", "!plain", "!invite"], Filter(SlidingRoomFilter.None with { RoomTypes = [null] }));
        Assert.Equal(["!dm", "!plain", "!invite"], Filter(SlidingRoomFilter.None with { NotRoomTypes = ["m.space"] }));
        Assert.Empty(Filter(SlidingRoomFilter.None with { RoomTypes = ["m.space"], NotRoomTypes = ["m.space"] }));
        Assert.Equal(["!plain"], Filter(SlidingRoomFilter.None, new HashSet<string> { "!plain" }));
    }

    [Fact]
    public void Ranges_are_inclusive_may_overlap_and_stop_at_the_end_of_the_list()
    {
        var rows = Enumerable.Range(0, 5).Select(i => Row("!" + i, "join", 10 - i, 10 - i)).ToList();
        Assert.Equal(["!0", "!1"], Ids(SlidingRoomList.Window(rows, [(0, 1)])));
        Assert.Equal(["!0", "!1", "!2", "!4"], Ids(SlidingRoomList.Window(rows, [(1, 2), (0, 1), (4, 99)])));
        Assert.Equal(5, SlidingRoomList.Window(rows, null).Count);
    }
}
