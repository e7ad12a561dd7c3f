using System.Text.Json.Nodes;
using Homeserver.Bridges.Discord.Client;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>The m.thread relation with its reply fallback (spec: Threading), thread names, and history settings.</summary>
public sealed class ThreadRelationTests
{
    private static readonly ThreadContext Thread = new("77", "$root", "$latest");

    [Fact]
    public void A_thread_message_falls_back_to_a_reply_to_the_threads_latest_event()
    {
        var content = new JsonObject();

        DiscordThreads.Relate(content, Thread, replyTo: null);

        var relates = content["m.relates_to"]!;
        Assert.Equal("m.thread", relates["rel_type"]!.GetValue<string>());
        Assert.Equal("$root", relates["event_id"]!.GetValue<string>());
        Assert.True(relates["is_falling_back"]!.GetValue<bool>());
        Assert.Equal("$latest", relates["m.in_reply_to"]!["event_id"]!.GetValue<string>());
    }

    [Fact]
    public void The_first_thread_message_falls_back_to_the_root()
    {
        var content = new JsonObject();

        DiscordThreads.Relate(content, Thread with { LatestEventId = null }, replyTo: null);

        Assert.Equal("$root", content["m.relates_to"]!["m.in_reply_to"]!["event_id"]!.GetValue<string>());
    }

    [Fact]
    public void A_real_reply_in_a_thread_is_not_falling_back()
    {
        var content = new JsonObject();

        DiscordThreads.Relate(content, Thread, replyTo: "$target");

        Assert.False(content["m.relates_to"]!["is_falling_back"]!.GetValue<bool>());
        Assert.Equal("$target", content["m.relates_to"]!["m.in_reply_to"]!["event_id"]!.GetValue<string>());
    }

    [Fact]
    public void Outside_a_thread_only_a_reply_relates()
    {
        var plain = new JsonObject();
        var reply = new JsonObject();

        DiscordThreads.Relate(plain, null, null);
        DiscordThreads.Relate(reply, null, "$target");

        Assert.Null(plain["m.relates_to"]);
        Assert.Null(reply["m.relates_to"]!["rel_type"]);
        Assert.Equal("$target", reply["m.relates_to"]!["m.in_reply_to"]!["event_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "Thread")]
    [InlineData("  first line  \nsecond", "first line")]
    public void A_thread_is_named_after_the_roots_first_line(string body, string name) =>
        Assert.Equal(name, DiscordThreads.NameFrom(body));

    [Fact]
    public void A_long_thread_name_is_cut_to_100_characters_without_splitting_a_surrogate_pair()
    {
        var name = DiscordThreads.NameFrom(new string('a', 98) + "😀😀😀");

        Assert.True(name.Length <= DiscordThreads.MaxNameLength);
        Assert.EndsWith("…", name, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(name[^2]));
    }

    [Fact]
    public void Catching_up_from_a_link_time_starts_at_the_smallest_snowflake_of_that_millisecond()
    {
        var linked = DateTimeOffset.Parse("2026-12-06T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var snowflake = ChannelHistory.SnowflakeAt(linked.ToUnixTimeMilliseconds());

        Assert.Equal(linked, snowflake.CreatedAt);
        Assert.Equal(0UL, snowflake.Value & ((1UL << 22) - 1));
        Assert.True(new Snowflake(snowflake.Value + 1).CreatedAt == linked);
    }

    [Theory]
    [InlineData(null, 50)]
    [InlineData("0", 0)]
    [InlineData("200", 200)]
    public void The_backfill_limit_defaults_to_50(string? setting, int limit)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DiscordBridge:Discord:BotToken"] = "token",
            ["DiscordBridge:Backfill:Limit"] = setting,
        }).Build();

        Assert.Equal(limit, DiscordSettings.Read(configuration).BackfillLimit);
    }

    [Fact]
    public void A_backfill_limit_that_is_no_number_is_refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DiscordBridge:Discord:BotToken"] = "token",
            ["DiscordBridge:Backfill:Limit"] = "-1",
        }).Build();

        Assert.Throws<InvalidOperationException>(() => DiscordSettings.Read(configuration));
    }
}
