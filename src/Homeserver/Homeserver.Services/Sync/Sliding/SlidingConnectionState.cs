using System.Text.Json;
using System.Text.Json.Serialization;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>What a room was last sent with on a connection: the membership, the event position its timeline and state
/// were sent up to, and the room config (to notice when the client asks for more).</summary>
public sealed record SentRoom(
    [property: JsonPropertyName("m")] string Membership,
    [property: JsonPropertyName("at")] long SentUpTo,
    [property: JsonPropertyName("tl")] int TimelineLimit,
    [property: JsonPropertyName("rs")] string RequiredState);

/// <summary>
/// A connection's state at one <c>pos</c>: rooms sent so far, the room subscriptions (kept until unsubscribed, as
/// matrix-js-sdk sends each subscription once), and the list counts last sent.
/// </summary>
public sealed class SlidingConnectionState
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    [JsonPropertyName("rooms")]
    public Dictionary<string, SentRoom> Rooms { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Room ID to the subscription's JSON as the client sent it.</summary>
    [JsonPropertyName("subs")]
    public Dictionary<string, string> Subscriptions { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("counts")]
    public Dictionary<string, int> ListCounts { get; init; } = new(StringComparer.Ordinal);

    public string Serialize() => JsonSerializer.Serialize(this, Options);

    public static SlidingConnectionState Deserialize(string json)
    {
        var state = JsonSerializer.Deserialize<SlidingConnectionState>(json, Options) ?? new SlidingConnectionState();
        return new SlidingConnectionState
        {
            Rooms = new Dictionary<string, SentRoom>(state.Rooms, StringComparer.Ordinal),
            Subscriptions = new Dictionary<string, string>(state.Subscriptions, StringComparer.Ordinal),
            ListCounts = new Dictionary<string, int>(state.ListCounts, StringComparer.Ordinal),
        };
    }
}
