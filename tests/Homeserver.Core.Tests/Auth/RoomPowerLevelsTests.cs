using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class RoomPowerLevelsTests
{
    [Fact]
    public void Levels_follow_the_power_levels_event_and_its_defaults()
    {
        var room = new TestRoom(RoomVersions.V11).WithDefaults();
        room.SetPowerLevels(new JsonObject
        {
            ["users"] = new JsonObject { [Alice] = 100, [Bob] = 50 },
            ["events"] = new JsonObject { ["m.room.topic"] = 10 },
            ["notifications"] = new JsonObject { ["room"] = 60 },
        });
        var levels = RoomPowerLevels.For(room.State, RoomVersions.V11);
        Assert.Equal(50, levels.UserLevel(Bob));
        Assert.Equal(0, levels.UserLevel(Carol));
        Assert.True(levels.CanSend(Bob, "m.room.name", isState: true));
        Assert.False(levels.CanSend(Carol, "m.room.name", isState: true));
        Assert.True(levels.CanSend(Carol, "m.room.message", isState: false));
        Assert.False(levels.CanSend(Carol, "m.room.topic", isState: true));
        Assert.True(levels.CanInvite(Carol));
        Assert.True(levels.CanKick(Bob, Carol));
        Assert.False(levels.CanKick(Bob, Alice));
        Assert.True(levels.CanBan(Alice, Bob));
        Assert.True(levels.CanRedactOthers(Bob));
        Assert.False(levels.CanNotify(Bob, "room"));
        Assert.True(levels.CanNotify(Alice, "room"));
    }

    [Fact]
    public void Version_12_creators_outrank_everyone()
    {
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 100 } });
        var levels = RoomPowerLevels.For(room.State, RoomVersions.V12);
        Assert.Equal(PowerLevels.Infinite, levels.UserLevel(Alice));
        Assert.Contains(Alice, levels.Creators);
        Assert.False(levels.CanBan(Bob, Alice));
        Assert.True(levels.CanBan(Alice, Bob));
    }

    [Fact]
    public void Without_a_power_levels_event_the_creator_has_100_and_state_needs_50()
    {
        var room = new TestRoom(RoomVersions.V10);
        var levels = RoomPowerLevels.For(room.State, RoomVersions.V10);
        Assert.Equal(100, levels.UserLevel(Alice));
        Assert.Equal(0, levels.UserLevel(Bob));
        Assert.True(levels.CanSend(Alice, "m.room.name", isState: true));
        Assert.False(levels.CanSend(Bob, "m.room.name", isState: true));
        Assert.True(levels.CanSend(Bob, "m.room.message", isState: false));
        Assert.False(levels.Levels.FromEvent);
    }
}
