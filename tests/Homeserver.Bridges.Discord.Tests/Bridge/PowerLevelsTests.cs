using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>Who may link a room: the power to send state events, as the spec computes it.</summary>
public sealed class PowerLevelsTests
{
    private static JsonElement State(string roomVersion, string creator, string? powerLevels)
    {
        var create = new JsonObject
        {
            ["type"] = "m.room.create", ["state_key"] = "", ["sender"] = creator,
            ["content"] = new JsonObject { ["room_version"] = roomVersion },
        };
        var state = new JsonArray(create);
        if (powerLevels is not null)
        {
            state.Add(new JsonObject
            {
                ["type"] = "m.room.power_levels", ["state_key"] = "", ["sender"] = creator, ["content"] = JsonNode.Parse(powerLevels),
            });
        }

        return JsonDocument.Parse(state.ToJsonString()).RootElement;
    }

    [Fact]
    public void A_user_below_state_default_may_not_send_state()
    {
        var state = State("11", "@alice:hs", """{"users": {"@alice:hs": 100}, "users_default": 0}""");

        Assert.False(PowerLevels.MaySendState(state, "@bob:hs"));
        Assert.True(PowerLevels.MaySendState(state, "@alice:hs"));
    }

    [Fact]
    public void State_default_is_50_when_unspecified_and_users_default_counts()
    {
        Assert.True(PowerLevels.MaySendState(State("11", "@alice:hs", """{"users_default": 50}"""), "@bob:hs"));
        Assert.False(PowerLevels.MaySendState(State("11", "@alice:hs", """{"users_default": 49}"""), "@bob:hs"));
        Assert.True(PowerLevels.MaySendState(State("11", "@alice:hs", """{"state_default": 0}"""), "@bob:hs"));
    }

    [Fact]
    public void Room_version_12_creators_may_send_state_without_a_level()
    {
        var state = State("12", "@alice:hs", """{"users": {}, "users_default": 0}""");

        Assert.True(PowerLevels.MaySendState(state, "@alice:hs"));
        Assert.False(PowerLevels.MaySendState(state, "@bob:hs"));
        Assert.False(PowerLevels.MaySendState(State("11", "@alice:hs", """{"users": {}, "users_default": 0}"""), "@alice:hs"));
    }

    [Fact]
    public void Without_a_power_levels_event_anyone_may_send_state()
    {
        Assert.True(PowerLevels.MaySendState(State("11", "@alice:hs", null), "@bob:hs"));
    }

    [Fact]
    public void A_state_answer_that_is_not_a_list_allows_nothing()
    {
        Assert.False(PowerLevels.MaySendState(JsonDocument.Parse("""{"errcode": "M_FORBIDDEN"}""").RootElement, "@alice:hs"));
    }
}
