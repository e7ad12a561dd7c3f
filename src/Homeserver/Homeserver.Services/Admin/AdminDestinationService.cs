using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Sending;

namespace Homeserver.Services.Admin;

/// <summary>
/// Synapse's admin view of federation destinations over our sender: the servers in <c>federation_destinations</c>,
/// their last successful stream position, and their back-off (<see cref="DestinationBackoff"/>, kept in memory by each
/// process: <c>failure_ts</c> is when the failures began, <c>retry_last_ts</c> the last failure that set the interval,
/// <c>retry_interval</c> the interval). Resetting a connection ends the back-off here and tells the other processes
/// (<see cref="RemoteServerUp"/>), which wakes the destination's queue at once.
/// </summary>
public sealed class AdminDestinationService(IAdminDestinationStore store, DestinationBackoff backoff,
    RemoteServerUp serverUp)
{
    public static readonly string[] Orders =
        ["destination", "retry_last_ts", "retry_interval", "failure_ts", "last_successful_stream_ordering"];

    public async Task<JsonObject> ListAsync(string? filter, string orderBy, bool backwards, AdminPage page,
        CancellationToken cancellationToken)
    {
        var all = (await store.ListAsync(cancellationToken))
            .Where(d => filter is null || d.Destination.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .Select(Describe)
            .ToList();
        Comparison<JsonObject> byKey = orderBy == "destination"
            ? (a, b) => string.CompareOrdinal((string?)a["destination"], (string?)b["destination"])
            : (a, b) => Compare((long?)a[orderBy], (long?)b[orderBy]);
        all.Sort((a, b) =>
        {
            var order = byKey(a, b);
            order = backwards ? -order : order;
            return order != 0 ? order : string.CompareOrdinal((string?)a["destination"], (string?)b["destination"]);
        });
        var items = all.Skip(page.From).Take(page.Limit).ToList();
        return page.Complete(new JsonObject { ["destinations"] = new JsonArray(items.ToArray<JsonNode?>()) },
            items.Count, all.Count);
    }

    public async Task<JsonObject> GetAsync(string destination, CancellationToken cancellationToken) =>
        Describe(await KnownAsync(destination, cancellationToken));

    public async Task<JsonObject> RoomsAsync(string destination, AdminPage page, bool backwards,
        CancellationToken cancellationToken)
    {
        await KnownAsync(destination, cancellationToken);
        var (rooms, total) = await store.RoomsAsync(destination, page, backwards, cancellationToken);
        var list = rooms.Select(r => (JsonNode?)new JsonObject
        {
            ["room_id"] = r.RoomId, ["stream_ordering"] = r.StreamOrdering,
        }).ToArray();
        return page.Complete(new JsonObject { ["rooms"] = new JsonArray(list) }, rooms.Count, total);
    }

    /// <summary>Ends the destination's back-off so that the sender retries now; 400 when it is not backing off.</summary>
    public async Task ResetConnectionAsync(string destination, CancellationToken cancellationToken)
    {
        await KnownAsync(destination, cancellationToken);
        if (!ServerName.TryParse(destination, out var server, out _) || backoff.StateOf(server) is null)
        {
            throw new MatrixException(ErrorCode.Unknown,
                "The retry timing does not need to be reset for this destination.", 400);
        }

        await serverUp.SeenAsync(server, cancellationToken);
    }

    private async Task<DestinationRow> KnownAsync(string destination, CancellationToken cancellationToken) =>
        await store.GetAsync(destination, cancellationToken)
        ?? throw new MatrixException(ErrorCode.NotFound, "Unknown destination");

    private JsonObject Describe(DestinationRow row)
    {
        var state = ServerName.TryParse(row.Destination, out var server, out _) ? backoff.StateOf(server) : null;
        return new JsonObject
        {
            ["destination"] = row.Destination,
            ["retry_last_ts"] = state is null ? 0 : (state.RetryAt - state.Interval).ToUnixTimeMilliseconds(),
            ["retry_interval"] = state is null ? 0 : (long)state.Interval.TotalMilliseconds,
            ["failure_ts"] = state?.FailingSince.ToUnixTimeMilliseconds(),
            ["last_successful_stream_ordering"] = row.LastSuccessfulStream,
        };
    }

    private static int Compare(long? a, long? b) =>
        (a, b) switch
        {
            (null, null) => 0,
            (null, _) => 1, // nulls last, as Postgres sorts them ascending
            (_, null) => -1,
            _ => a.Value.CompareTo(b.Value),
        };
}
