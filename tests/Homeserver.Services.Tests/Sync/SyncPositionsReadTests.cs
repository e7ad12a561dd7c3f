using Homeserver.Services.Sync;

namespace Homeserver.Services.Tests.Sync;

public sealed class SyncPositionsReadTests
{
    [Fact]
    public void A_pass_at_the_positions_read_shares_reads_started_after_them()
    {
        var read = new SyncPositionsRead(new SyncToken(10, 3), MembershipsChangedAt: 9, ReadAt: 1234);

        Assert.Equal(1234, read.SharesReadsFrom(read.Now.Max(new SyncToken(8, 5))));
    }

    [Fact]
    public void A_pass_whose_token_is_ahead_of_the_read_shares_nothing()
    {
        // The token came from another process that had seen event 12; a read started after this one's positions (10)
        // need not see it.
        var read = new SyncPositionsRead(new SyncToken(10, 3), MembershipsChangedAt: 9, ReadAt: 1234);

        Assert.Null(read.SharesReadsFrom(read.Now.Max(new SyncToken(12, 3))));
    }
}
