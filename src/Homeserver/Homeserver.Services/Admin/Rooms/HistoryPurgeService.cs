using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Admin.Rooms;

/// <summary>
/// POST /_synapse/admin/v1/purge_history/{roomId}[/{eventId}]: removes a room's events older than an event or a
/// time, in the background (<c>purge_id</c>), sparing the state (so the current state and every remaining event's
/// state stay whole), the forward extremities and, unless <c>delete_local_events</c>, local users' events.
/// </summary>
public sealed class HistoryPurgeService(AdminRoomJobs jobs, IAdminRoomJobStore jobStore, IRoomPurgeStore purge,
    IRoomEventReader reader, IRoomHistoryReader history, HomeserverSettings settings)
{
    /// <param name="eventId">Purge events before this one (path or <c>purge_up_to_event_id</c>).</param>
    /// <param name="upToTs">Otherwise, events sent before this time.</param>
    public async Task<string> StartAsync(string roomId, string? eventId, long? upToTs, bool deleteLocalEvents,
        CancellationToken cancellationToken)
    {
        long beforeStream;
        if (eventId is not null)
        {
            var stored = await reader.GetEventAsync(eventId, cancellationToken) ??
                         throw new MatrixException(ErrorCode.NotFound, "Could not find event " + eventId);
            if (stored.Pdu.RoomId != roomId)
            {
                throw new MatrixException(ErrorCode.Unknown, "Event is for wrong room.", 400);
            }

            beforeStream = stored.StreamOrdering ??
                           throw new MatrixException(ErrorCode.Unknown, "Event is not in the room's timeline.", 400);
        }
        else if (upToTs is { } ts)
        {
            // The first event at or after the time bounds the purge: everything before it goes.
            var after = await history.GetEventsByTimestampAsync(roomId, ts, true, 1, cancellationToken);
            var before = await history.GetEventsByTimestampAsync(roomId, ts - 1, false, 1, cancellationToken);
            if (before.Count == 0)
            {
                throw new MatrixException(ErrorCode.NotFound, "there is no event to be purged");
            }

            beforeStream = after.Count > 0 && after[0].StreamOrdering is { } first ? first : long.MaxValue;
        }
        else
        {
            throw new MatrixException(ErrorCode.BadJson, "must specify purge_up_to_event_id or purge_up_to_ts");
        }

        return await jobs.StartAsync(AdminRoomJobs.PurgeHistory, roomId, async ct =>
        {
            await purge.PurgeHistoryAsync(roomId, beforeStream, deleteLocalEvents, settings.ServerName.Value, ct);
            return null;
        }, cancellationToken);
    }

    /// <summary>GET /v1/purge_history_status/{purgeId}: active, complete or failed (with the error).</summary>
    public async Task<JsonObject> GetStatusAsync(string purgeId, CancellationToken cancellationToken)
    {
        if (await jobStore.GetAsync(purgeId, cancellationToken) is not { Kind: AdminRoomJobs.PurgeHistory } job)
        {
            throw new MatrixException(ErrorCode.NotFound, $"purge id '{purgeId}' not found");
        }

        var status = new JsonObject { ["status"] = job.Status is "complete" or "failed" ? job.Status : "active" };
        if (job.Error is not null)
        {
            status["error"] = job.Error;
        }

        return status;
    }
}
