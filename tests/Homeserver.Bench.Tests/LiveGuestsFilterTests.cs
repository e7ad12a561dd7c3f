using System.Globalization;
using System.Text.RegularExpressions;
using Homeserver.Bench.Scenarios;
using Homeserver.Testing;

namespace Homeserver.Bench.Tests;

/// <summary>The live-guests scenario's guests sync as the live web client's pages do.</summary>
public sealed partial class LiveGuestsFilterTests
{
    [Fact]
    public void Guests_ask_for_the_timeline_limit_of_the_live_web_client()
    {
        var source = File.ReadAllText(RepositoryFiles.PathOf("src/LiveChat/src/syncFilter.ts"));

        var match = TimelineLimitDeclaration().Match(source);

        Assert.True(match.Success, "TIMELINE_LIMIT not found in syncFilter.ts");
        Assert.Equal(LiveGuestsScenario.TimelineLimit, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"export const TIMELINE_LIMIT = (\d+);")]
    private static partial Regex TimelineLimitDeclaration();
}
