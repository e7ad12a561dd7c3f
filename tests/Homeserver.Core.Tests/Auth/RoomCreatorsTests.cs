using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class RoomCreatorsTests
{
    private static TestRoom V12Room(params string[] additional) =>
        new TestRoom(RoomVersions.V12, createContent: c =>
        {
            if (additional.Length > 0)
            {
                c["additional_creators"] = new JsonArray(additional.Select(a => JsonValue.Create(a)).ToArray<JsonNode?>());
            }
        }).WithDefaults();

    [Fact]
    public void Creators_have_infinite_power_without_being_listed()
    {
        var room = V12Room();
        room.SetPowerLevels(new JsonObject { ["state_default"] = 1000, ["users"] = new JsonObject() });
        Assert.True(room.Check(room.Build("m.room.name", Alice, "", new JsonObject())).IsAllowed);
    }

    [Fact]
    public void Creators_cannot_be_listed_in_power_levels()
    {
        var room = V12Room(Bob);
        var listingSender = room.Build(EventTypes.PowerLevels, Alice, "",
            new JsonObject { ["users"] = new JsonObject { [Alice] = 100 } });
        Assert.Contains("creator", room.Check(listingSender).Reason, StringComparison.Ordinal);
        var listingAdditional = room.Build(EventTypes.PowerLevels, Alice, "",
            new JsonObject { ["users"] = new JsonObject { [Bob] = 100 } });
        Assert.Contains("creator", room.Check(listingAdditional).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Additional_creators_are_as_powerful_as_the_sender_and_cannot_be_kicked_by_each_other()
    {
        var room = V12Room(Bob);
        room.Join(Bob);
        room.Join(Carol);
        Assert.True(room.Check(room.Member(Bob, Carol, "ban")).IsAllowed);
        Assert.False(room.Check(room.Member(Bob, Alice, "ban")).IsAllowed);
        Assert.False(room.Check(room.Member(Alice, Bob, "leave")).IsAllowed);
    }

    [Fact]
    public void Creators_cannot_be_demoted_by_anyone()
    {
        var room = V12Room();
        room.Join(Bob);
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 100 } });
        Assert.False(room.Check(room.Member(Bob, Alice, "ban")).IsAllowed);
    }

    [Theory]
    [InlineData("\"@bob:b.example\"")]
    [InlineData("[1]")]
    [InlineData("[\"bob\"]")]
    public void Additional_creators_must_be_an_array_of_user_ids(string value)
    {
        var room = new TestRoom(RoomVersions.V12, createContent: c => c["additional_creators"] = JsonNode.Parse(value));
        Assert.Contains("additional_creators", room.Check(room.Create).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Before_version_12_the_creator_has_level_100_only_until_power_levels_exist()
    {
        var room = new TestRoom(RoomVersions.V11);
        room.Join(Alice);
        room.SetJoinRule("public");
        room.Join(Bob);
        Assert.True(room.Check(room.Member(Alice, Bob, "ban")).IsAllowed);
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 100 } });
        Assert.False(room.Check(room.Member(Alice, Bob, "ban")).IsAllowed);
    }

    [Fact]
    public void Additional_creators_have_no_meaning_before_version_12()
    {
        var room = new TestRoom(RoomVersions.V11, createContent: c => c["additional_creators"] = new JsonArray(Bob)).WithDefaults();
        room.Join(Bob);
        Assert.False(room.Check(room.Member(Bob, Carol, "ban")).IsAllowed);
        Assert.True(room.Check(room.Create).IsAllowed);
    }
}
