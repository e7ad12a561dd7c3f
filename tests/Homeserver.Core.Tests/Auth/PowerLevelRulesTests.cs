using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class PowerLevelRulesTests
{
    public static TheoryData<string> AllVersions => Versions();

    /// <summary>A room where Bob (level 50) edits power levels Alice (100, or creator in v12) set up.</summary>
    private static TestRoom Room(string version, JsonObject? extra = null)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        room.SetPowerLevels(Levels(room, 50, extra));
        return room;
    }

    private static JsonObject Levels(TestRoom room, int bobLevel, JsonObject? extra = null, int carolLevel = 10)
    {
        var users = new JsonObject { [Bob] = bobLevel, [Carol] = carolLevel };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        var content = new JsonObject { ["users"] = users, ["state_default"] = 50 };
        foreach (var (key, value) in extra ?? [])
        {
            content[key] = value?.DeepClone();
        }

        return content;
    }

    private static string Reason(TestRoom room, JsonObject content, string sender = Bob) =>
        room.Check(room.Build(EventTypes.PowerLevels, sender, "", content)).Reason;

    private static bool Allowed(TestRoom room, JsonObject content, string sender = Bob) =>
        room.Check(room.Build(EventTypes.PowerLevels, sender, "", content)).IsAllowed;

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void The_first_power_levels_event_is_allowed(string version)
    {
        var room = new TestRoom(V(version));
        room.Join(Alice);
        Assert.True(Allowed(room, new JsonObject { ["ban"] = 100 }, Alice));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Users_keys_must_be_user_ids_with_integer_levels(string version)
    {
        var room = Room(version);
        Assert.Contains("not a user ID", Reason(room, new JsonObject { ["users"] = new JsonObject { ["bob"] = 1 } }),
            StringComparison.Ordinal);
        Assert.Contains("not an integer", Reason(room, new JsonObject { ["users"] = new JsonObject { [Bob] = "x" } }),
            StringComparison.Ordinal);
        Assert.Contains("must be an object", Reason(room, new JsonObject { ["users"] = new JsonArray() }),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("9", true)]
    [InlineData("10", false)]
    [InlineData("12", false)]
    public void String_levels_are_accepted_only_before_version_10(string version, bool allowed)
    {
        var room = Room(version);
        var content = Levels(room, 50);
        content["users"]![Bob] = "50";
        content["events_default"] = "0";
        Assert.Equal(allowed, Allowed(room, content));
    }

    [Theory]
    [InlineData("9", true)]
    [InlineData("10", false)]
    public void String_user_levels_are_rejected_from_version_10(string version, bool allowed)
    {
        var room = Room(version);
        var content = Levels(room, 50);
        content["users"]![Carol] = "10";
        Assert.Equal(allowed, Allowed(room, content));
    }

    [Theory]
    [InlineData("ban")]
    [InlineData("kick")]
    [InlineData("redact")]
    [InlineData("invite")]
    [InlineData("users_default")]
    [InlineData("events_default")]
    [InlineData("state_default")]
    public void From_version_10_single_levels_must_be_integers(string key)
    {
        var room = Room("10");
        var content = Levels(room, 50);
        content[key] = "5";
        Assert.Contains($"{key} must be an integer", Reason(room, content), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("notifications")]
    public void From_version_10_event_and_notification_levels_must_be_objects_of_integers(string key)
    {
        var room = Room("10");
        var content = Levels(room, 50);
        content[key] = new JsonObject { ["x"] = "5" };
        Assert.Contains("object of integers", Reason(room, content), StringComparison.Ordinal);
        content[key] = new JsonArray();
        Assert.Contains("object of integers", Reason(room, content), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Single_levels_can_change_only_between_values_at_or_below_the_sender(string version)
    {
        var room = Room(version, new JsonObject { ["ban"] = 60, ["kick"] = 40 });
        Assert.Contains("changing ban", Reason(room, Levels(room, 50, new JsonObject { ["ban"] = 40, ["kick"] = 40 })),
            StringComparison.Ordinal);
        Assert.Contains("changing kick", Reason(room, Levels(room, 50, new JsonObject { ["ban"] = 60, ["kick"] = 55 })),
            StringComparison.Ordinal);
        Assert.True(Allowed(room, Levels(room, 50, new JsonObject { ["ban"] = 60, ["kick"] = 45 })));
        Assert.Contains("changing kick", Reason(room, Levels(room, 50, new JsonObject { ["ban"] = 60, ["kick"] = 51 })),
            StringComparison.Ordinal);
        Assert.True(Allowed(room, Levels(room, 50, new JsonObject { ["ban"] = 60 })), "removing kick (40) is allowed");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Event_levels_above_the_sender_cannot_be_added_changed_or_removed(string version)
    {
        var room = Room(version, new JsonObject { ["events"] = new JsonObject { ["m.high"] = 80, ["m.low"] = 10 } });
        JsonObject WithEvents(JsonObject events) => Levels(room, 50, new JsonObject { ["events"] = events });

        Assert.Contains("events.m.high", Reason(room, WithEvents(new JsonObject { ["m.low"] = 10 })), StringComparison.Ordinal);
        Assert.Contains("events.m.high", Reason(room, WithEvents(new JsonObject { ["m.high"] = 40, ["m.low"] = 10 })),
            StringComparison.Ordinal);
        Assert.Contains("events.m.new", Reason(room,
            WithEvents(new JsonObject { ["m.high"] = 80, ["m.low"] = 10, ["m.new"] = 51 })), StringComparison.Ordinal);
        Assert.True(Allowed(room, WithEvents(new JsonObject { ["m.high"] = 80, ["m.low"] = 50, ["m.new"] = 50 })));
    }

    [Theory]
    [InlineData("5", true)]
    [InlineData("6", false)]
    [InlineData("12", false)]
    public void Notification_levels_are_checked_from_version_6(string version, bool allowed)
    {
        var room = Room(version, new JsonObject { ["notifications"] = new JsonObject { ["room"] = 80 } });
        var content = Levels(room, 50, new JsonObject { ["notifications"] = new JsonObject { ["room"] = 20 } });
        Assert.Equal(allowed, Allowed(room, content));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Users_at_or_above_the_sender_cannot_be_changed_or_removed(string version)
    {
        var room = Room(version);
        var content = Levels(room, 50, carolLevel: 50);
        room.SetPowerLevels(content);
        Assert.Contains($"level of {Carol}", Reason(room, Levels(room, 50, carolLevel: 10)), StringComparison.Ordinal);
        var removed = Levels(room, 50);
        removed["users"]!.AsObject().Remove(Carol);
        Assert.Contains($"level of {Carol}", Reason(room, removed), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Users_cannot_be_raised_above_the_sender_but_senders_may_lower_themselves(string version)
    {
        var room = Room(version);
        Assert.Contains($"give {Carol}", Reason(room, Levels(room, 50, carolLevel: 51)), StringComparison.Ordinal);
        Assert.True(Allowed(room, Levels(room, 50, carolLevel: 50)));
        Assert.True(Allowed(room, Levels(room, 20)));
        Assert.False(Allowed(room, Levels(room, 60)));
    }
}
