using System.Text.Json.Nodes;

namespace Homeserver.Services.Admin;

/// <summary>The durable readers of the event stream (<c>stream_consumers</c>: federation sender, appservice senders,
/// the gallery indexer, ...) with their cursor and the stream's head.</summary>
public interface IStreamConsumerStatusStore
{
    Task<(IReadOnlyList<StreamConsumerStatus> Consumers, long Head)> ReadAsync(CancellationToken cancellationToken);
}

public sealed record StreamConsumerStatus(string Name, long Position, long UpdatedTs);

/// <summary>
/// Synapse's <c>background_updates/status</c> answered with what we have: no database background updates exist here
/// (migrations run to completion before the server serves), so <c>current_updates</c> is empty and
/// <c>enabled</c> true; our own background work that trails the event stream is listed in <c>stream_consumers</c> with
/// each consumer's position and how many stream positions it is behind.
/// </summary>
public sealed class AdminBackgroundJobs(IStreamConsumerStatusStore store)
{
    public async Task<JsonObject> StatusAsync(CancellationToken cancellationToken)
    {
        var (consumers, head) = await store.ReadAsync(cancellationToken);
        var list = consumers.Select(c => (JsonNode?)new JsonObject
        {
            ["name"] = c.Name,
            ["position"] = c.Position,
            ["lag"] = Math.Max(0, head - c.Position),
            ["updated_ts"] = c.UpdatedTs,
        }).ToArray();
        return new JsonObject
        {
            ["enabled"] = true,
            ["current_updates"] = new JsonObject(),
            ["stream_head"] = head,
            ["stream_consumers"] = new JsonArray(list),
        };
    }
}
