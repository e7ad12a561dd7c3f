using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Rooms;

/// <summary>
/// POST /rooms/{roomId}/report/{eventId}, /rooms/{roomId}/report and /users/{userId}/report: reports kept for
/// administrators. Their bodies were checked by the validators in Services/Validation.
/// </summary>
public sealed class ReportService(IReportStore reports, IRoomEventReader reader, IRoomHistoryReader history,
    RoomAccess access, IAccountStore accounts, HomeserverSettings settings, TimeProvider time)
{
    /// <summary>
    /// The reporter must be joined to the room and able to see the event (history visibility; an event of a user they
    /// ignore may still be reported). Unknown events, events of other rooms, redacted events, events the reporter
    /// cannot see and rooms they are not joined to are all M_NOT_FOUND.
    /// </summary>
    public async Task ReportEventAsync(Requester requester, string roomId, string eventId, string? reason, int? score,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var membership = await history.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken);
        if (membership?.Membership != Memberships.Join ||
            await reader.GetEventAsync(eventId, cancellationToken) is not { } reported ||
            reported.Pdu.RoomId != roomId || reported.RedactedBecause is not null ||
            (await access.FilterVisibleAsync(new RoomReader(roomId, requester.UserId.Value, RoomReadKind.Joined,
                membership, Ignoring: new HashSet<string>()), [reported], cancellationToken)).Count == 0)
        {
            throw new MatrixException(ErrorCode.NotFound, "The event was not found or you are not joined to the room");
        }

        await reports.AddAsync(new ContentReport(roomId, eventId, requester.UserId.Value, reason, score, Now()),
            cancellationToken);
    }

    /// <summary>The reporter need not be in the room; an unknown room is M_NOT_FOUND.</summary>
    public async Task ReportRoomAsync(Requester requester, string roomId, string reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "The room was not found");
        }

        await reports.AddAsync(new ContentReport(roomId, null, requester.UserId.Value, reason, null, Now()),
            cancellationToken);
    }

    /// <summary>
    /// POST /users/{userId}/report. The answer is the same whether the user exists or not (the spec allows hiding
    /// it; Synapse hides it): only reports of existing local users are kept, others are dropped silently.
    /// </summary>
    public async Task ReportUserAsync(Requester requester, string userId, string reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(reason);
        if (!UserId.TryParse(userId, out var reported, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");
        }

        if (reported.Domain != settings.ServerName ||
            await accounts.GetUserAsync(reported, cancellationToken) is null)
        {
            return;
        }

        await reports.AddUserReportAsync(new UserReport(reported.Value, requester.UserId.Value, reason, Now()),
            cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
