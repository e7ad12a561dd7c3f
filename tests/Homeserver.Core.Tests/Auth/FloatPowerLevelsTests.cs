using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

/// <summary>
/// Room versions 1 to 5 do not enforce canonical JSON, so power levels may be floats; they are
/// truncated toward zero (the spec's "floaty power levels", Synapse's <c>int()</c>): 50.57 reads as 50.
/// </summary>
public sealed class FloatPowerLevelsTests
{
    public static TheoryData<string> LenientVersions => Versions(v => !v.StrictCanonicalJson);

    private static JsonObject FloatyLevels() => new()
    {
        ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50.57, [Carol] = 49.99, [Dave] = 5.114698E1 },
        ["state_default"] = 50.0,
        ["ban"] = 50.9,
    };

    [Theory]
    [MemberData(nameof(LenientVersions))]
    public void The_specs_floaty_power_levels_event_is_valid_and_levels_truncate(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        var floaty = room.Build(EventTypes.PowerLevels, Alice, "", FloatyLevels());
        Assert.True(room.Check(floaty).IsAllowed, room.Check(floaty).Reason);
        room.Apply(floaty);

        var levels = RoomPowerLevels.For(room.State, room.Version);
        Assert.Equal(50, levels.UserLevel(Bob));
        Assert.Equal(49, levels.UserLevel(Carol));
        Assert.Equal(51, levels.UserLevel(Dave));
        Assert.Equal(50, levels.Levels.StateDefault);
        Assert.Equal(50, levels.Levels.Ban);
        Assert.True(room.Check(room.Build("m.room.name", Bob, "", new JsonObject())).IsAllowed);
        Assert.False(room.Check(room.Build("m.room.name", Carol, "", new JsonObject())).IsAllowed);
        Assert.True(room.Check(room.Member(Bob, Carol, "ban")).IsAllowed);
    }

    [Theory]
    [MemberData(nameof(LenientVersions))]
    public void A_change_between_floats_that_truncate_alike_is_no_change(string version)
    {
        // Bob (50) may rewrite his peer Carol's 50.2 as 50.9: both read as 50, so nothing changed.
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50, [Carol] = 50.2 } });
        var rewrite = room.Build(EventTypes.PowerLevels, Bob, "",
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50, [Carol] = 50.9 } });
        Assert.True(room.Check(rewrite).IsAllowed, room.Check(rewrite).Reason);
    }
}
