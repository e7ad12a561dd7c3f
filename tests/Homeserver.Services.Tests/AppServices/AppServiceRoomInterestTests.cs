using Homeserver.Core.AppServices;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.AppServices.Push;
using Homeserver.Services.Streams;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>Which appservices a room event interests, and the consumer's cache of rooms' members and aliases.</summary>
public sealed class AppServiceRoomInterestTests
{
    private const string Room = "!room:test.local";

    private static readonly AppServiceRegistration Users = Make("users", users: "@ghost_.*");
    private static readonly AppServiceRegistration Aliases = Make("aliases", aliases: "#irc_.*");
    private static readonly AppServiceRegistration Rooms = Make("rooms", rooms: "!room:.*");

    [Fact]
    public async Task An_event_interests_by_sender_member_target_room_id_alias_or_joined_member()
    {
        var reader = new FakeFacts { [Room] = new(["@alice:test.local"], []) };
        var interest = new AppServiceRoomInterest(reader, new ManualClock());
        await interest.PrepareAsync([At(1, Message("@alice:test.local"))], CancellationToken.None);

        Assert.False(interest.IsInterested(Users, Message("@alice:test.local")));
        Assert.True(interest.IsInterested(Users, Message("@ghost_1:test.local")));
        Assert.True(interest.IsInterested(Users, Member("@alice:test.local", "@ghost_2:test.local", "invite")));
        Assert.True(interest.IsInterested(Rooms, Message("@alice:test.local")));
        Assert.False(interest.IsInterested(Aliases, Message("@alice:test.local")));

        var withAlias = new FakeFacts { [Room] = new(["@alice:test.local", "@ghost_3:test.local"], ["#irc_chan:test.local"]) };
        var other = new AppServiceRoomInterest(withAlias, new ManualClock());
        await other.PrepareAsync([At(1, Message("@alice:test.local"))], CancellationToken.None);
        Assert.True(other.IsInterested(Aliases, Message("@alice:test.local")));
        Assert.True(other.IsInterested(Users, Message("@alice:test.local")));
    }

    [Fact]
    public async Task A_member_joining_in_the_stream_makes_later_events_interesting_without_a_read()
    {
        var reader = new FakeFacts { [Room] = new(["@alice:test.local"], []) };
        var interest = new AppServiceRoomInterest(reader, new ManualClock());
        var join = Member("@ghost_1:test.local", "@ghost_1:test.local", "join");
        await interest.PrepareAsync([At(1, Message("@alice:test.local")), At(2, join), At(3, Message("@alice:test.local"))],
            CancellationToken.None);

        Assert.False(interest.IsInterested(Users, Message("@alice:test.local")));
        interest.Apply(join);
        Assert.True(interest.IsInterested(Users, Message("@alice:test.local")));
        interest.Apply(Member("@ghost_1:test.local", "@ghost_1:test.local", "leave"));
        Assert.False(interest.IsInterested(Users, Message("@alice:test.local")));
        Assert.Equal(1, reader.Reads);
    }

    [Fact]
    public async Task Skipped_stream_positions_make_the_facts_be_read_again()
    {
        var reader = new FakeFacts { [Room] = new(["@alice:test.local"], []) };
        var interest = new AppServiceRoomInterest(reader, new ManualClock());
        await interest.PrepareAsync([At(1, Message("@alice:test.local"))], CancellationToken.None);
        await interest.PrepareAsync([At(2, Message("@alice:test.local"))], CancellationToken.None);
        Assert.Equal(1, reader.Reads);

        // Positions 3 to 9 were handled by another process: a ghost may have joined meanwhile.
        reader[Room] = new(["@alice:test.local", "@ghost_9:test.local"], []);
        await interest.PrepareAsync([At(10, Message("@alice:test.local"))], CancellationToken.None);

        Assert.Equal(2, reader.Reads);
        Assert.True(interest.IsInterested(Users, Message("@alice:test.local")));
    }

    private static AppServiceRegistration Make(string id, string? users = null, string? aliases = null, string? rooms = null) =>
        new(id, new Uri("http://127.0.0.1:1"), "as_" + id, "hs_" + id, UserId.Parse($"@{id}bot:test.local"),
            new AppServiceNamespaces(Namespaces(users), Namespaces(aliases), Namespaces(rooms)), true, [], false, false, false);

    private static List<AppServiceNamespace> Namespaces(string? regex) =>
        regex is null ? [] : [AppServiceNamespace.TryCreate(regex, false, out _)!];

    private static StreamEvent At(long position, Pdu pdu) => new(position, pdu, false);

    private static Pdu Message(string sender) => Pdu.FromTrusted($$"""
        {"type":"m.room.message","sender":"{{sender}}","room_id":"{{Room}}","content":{"body":"hi"},
         "origin_server_ts":1,"depth":1,"prev_events":[],"auth_events":[]}
        """, RoomVersions.V12, "$m" + Guid.NewGuid().ToString("N"));

    private static Pdu Member(string sender, string target, string membership) => Pdu.FromTrusted($$"""
        {"type":"m.room.member","state_key":"{{target}}","sender":"{{sender}}","room_id":"{{Room}}",
         "content":{"membership":"{{membership}}"},"origin_server_ts":1,"depth":1,"prev_events":[],"auth_events":[]}
        """, RoomVersions.V12, "$j" + Guid.NewGuid().ToString("N"));

    private sealed class FakeFacts : Dictionary<string, AppServiceRoomFacts>, IAppServiceRoomFactsReader
    {
        public int Reads { get; private set; }

        public Task<IReadOnlyDictionary<string, AppServiceRoomFacts>> GetAsync(IReadOnlyCollection<string> roomIds,
            CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<IReadOnlyDictionary<string, AppServiceRoomFacts>>(
                roomIds.Where(ContainsKey).ToDictionary(r => r, r => this[r]));
        }
    }
}
