namespace Homeserver.Services.Live.Access;

/// <summary>The <see cref="LiveNames.Schedule"/> state of a room a user is joined to: its room and its content
/// (JSON text, unredacted; redacted schedules are left out).</summary>
public sealed record JoinedRoomSchedule(string RoomId, string ContentJson);

/// <summary>Reads the schedules that could make a user a live artist, in one query.</summary>
public interface IArtistScheduleReader
{
    /// <summary>The current <see cref="LiveNames.Schedule"/> state of every room <paramref name="userId"/> is joined
    /// to whose <c>artists</c> array names them.</summary>
    Task<IReadOnlyList<JoinedRoomSchedule>> GetSchedulesNamingAsync(string userId, CancellationToken cancellationToken);
}
