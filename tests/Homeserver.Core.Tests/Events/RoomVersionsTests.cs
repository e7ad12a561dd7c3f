using Homeserver.Core.Events;

namespace Homeserver.Core.Tests.Events;

public sealed class RoomVersionsTests
{
    [Fact]
    public void Versions_1_to_12_are_known_and_stable()
    {
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            RoomVersions.All.Select(v => v.Id));
        Assert.All(RoomVersions.All, v => Assert.True(v.IsStable));
        Assert.False(RoomVersions.TryGet("13", out _));
    }

    [Fact]
    public void The_capability_lists_every_version_as_stable()
    {
        Assert.Equal(12, RoomVersions.Available.Count);
        Assert.All(RoomVersions.Available.Values, stability => Assert.Equal("stable", stability));
    }

    [Fact]
    public void The_default_is_12_and_can_be_configured()
    {
        Assert.Equal("12", RoomVersions.Default.Id);
        Assert.True(RoomVersions.TryGetConfiguredDefault("10", out var configured, out _));
        Assert.Equal("10", configured.Id);
        Assert.True(RoomVersions.TryGetConfiguredDefault(null, out configured, out _));
        Assert.Equal("12", configured.Id);
        Assert.False(RoomVersions.TryGetConfiguredDefault("bogus", out _, out var error));
        Assert.Contains("bogus", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", StateResolutionAlgorithm.V1, EventIdFormat.ServerAssigned)]
    [InlineData("2", StateResolutionAlgorithm.V2, EventIdFormat.ServerAssigned)]
    [InlineData("3", StateResolutionAlgorithm.V2, EventIdFormat.ReferenceHash)]
    [InlineData("4", StateResolutionAlgorithm.V2, EventIdFormat.UrlSafeReferenceHash)]
    [InlineData("11", StateResolutionAlgorithm.V2, EventIdFormat.UrlSafeReferenceHash)]
    [InlineData("12", StateResolutionAlgorithm.V2Point1, EventIdFormat.UrlSafeReferenceHash)]
    public void State_resolution_and_event_ids_follow_the_table(string id, StateResolutionAlgorithm stateRes,
        EventIdFormat format)
    {
        RoomVersions.TryGet(id, out var version);
        Assert.Equal(stateRes, version.StateResolution);
        Assert.Equal(format, version.EventIdFormat);
    }

    [Fact]
    public void Features_appear_in_the_version_the_spec_introduces_them()
    {
        static IEnumerable<string> Where(Func<RoomVersion, bool> rule) =>
            RoomVersions.All.Where(rule).Select(v => v.Id);

        Assert.Equal(["1", "2", "3", "4", "5"], Where(v => v.HasAliasesAuthRule));
        Assert.Equal(["1", "2"], Where(v => v.HasRedactionAuthRule));
        Assert.Equal(["7", "8", "9", "10", "11", "12"], Where(v => v.AllowsKnocking));
        Assert.Equal(["8", "9", "10", "11", "12"], Where(v => v.AllowsRestrictedJoins));
        Assert.Equal(["10", "11", "12"], Where(v => v.AllowsKnockRestricted));
        Assert.Equal(["10", "11", "12"], Where(v => v.IntegerOnlyPowerLevels));
        Assert.Equal(["11", "12"], Where(v => v.CreatorIsCreateSender));
        Assert.Equal(["12"], Where(v => v.CreatorsHaveInfinitePower));
    }
}
