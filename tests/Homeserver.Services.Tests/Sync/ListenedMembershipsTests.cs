using Homeserver.Services.Sync;

namespace Homeserver.Services.Tests.Sync;

public sealed class ListenedMembershipsTests
{
    private static readonly IReadOnlyList<SyncMembership> Joined =
        [new SyncMembership("!room:test.local", "join", "$join", 10, false)];

    [Fact]
    public void A_request_from_a_token_the_last_read_covers_listens_on_what_it_read()
    {
        var listened = new ListenedMemberships();
        listened.Remember("@a:test.local", Joined, readAfter: 20);

        Assert.Same(Joined, listened.For("@a:test.local", Token(20)));
        Assert.Same(Joined, listened.For("@a:test.local", Token(15)));
    }

    [Fact]
    public void A_token_ahead_of_the_last_read_reads_the_memberships_again()
    {
        // A membership changed at 21 would be neither in the list nor in the response from 21.
        var listened = new ListenedMemberships();
        listened.Remember("@a:test.local", Joined, readAfter: 20);

        Assert.Null(listened.For("@a:test.local", Token(21)));
    }

    [Fact]
    public void An_initial_sync_or_an_unknown_user_reads_the_memberships()
    {
        var listened = new ListenedMemberships();
        listened.Remember("@a:test.local", Joined, readAfter: 20);

        Assert.Null(listened.For("@a:test.local", null));
        Assert.Null(listened.For("@b:test.local", Token(1)));
    }

    private static SyncToken Token(long events) => new(events, 0, 0, 0);
}
