using Homeserver.Services.Push;

namespace Homeserver.Services.Tests.Push;

public sealed class PushActionBulkTests
{
    private const string Notify = "[\"notify\"]";
    private const string Highlight = "[\"notify\",{\"set_tweak\":\"highlight\"}]";

    [Fact]
    public void The_action_most_members_share_becomes_one_row_and_everyone_else_an_exception()
    {
        var decided = new EventPushActions(
        [
            new PushAction("@b:x", "main", true, false, Notify),
            new PushAction("@c:x", "main", true, false, Notify),
            new PushAction("@d:x", "main", true, true, Highlight),
            new PushAction("@e:x", "main", true, false, Notify),
        ], ["@a:x", "@b:x", "@c:x", "@d:x", "@e:x", "@muted:x"]);

        var split = PushActionBulk.Split(decided);

        Assert.Equal(new SharedPushAction("main", Notify), split.Bulk);
        Assert.Equal(["@d:x"], split.Explicit.Select(a => a.UserId));
        Assert.Equal(["@a:x", "@d:x", "@muted:x"], split.Exceptions);
    }

    [Fact]
    public void Actions_not_decided_on_the_current_membership_are_kept_one_by_one()
    {
        var decided = new EventPushActions([new PushAction("@b:x", "main", true, false, Notify)]);

        var split = PushActionBulk.Split(decided);

        Assert.Null(split.Bulk);
        Assert.Single(split.Explicit);
        Assert.Empty(split.Exceptions);
    }

    [Fact]
    public void No_shared_row_when_it_would_leave_out_more_members_than_it_stands_for()
    {
        var decided = new EventPushActions([new PushAction("@b:x", "main", true, false, Notify)],
            ["@a:x", "@b:x", "@c:x"]);

        Assert.Null(PushActionBulk.Split(decided).Bulk);
    }

    [Fact]
    public void Highlights_and_invitees_are_never_shared()
    {
        var decided = new EventPushActions(
        [
            new PushAction("@b:x", "main", true, true, Highlight),
            new PushAction("@c:x", "main", true, true, Highlight),
            new PushAction("@invitee:x", "main", true, false, Notify),
        ], ["@a:x", "@b:x", "@c:x"]);

        var split = PushActionBulk.Split(decided);

        Assert.Null(split.Bulk);
        Assert.Equal(3, split.Explicit.Count);
    }
}
