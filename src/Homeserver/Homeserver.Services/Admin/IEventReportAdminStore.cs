namespace Homeserver.Services.Admin;

/// <summary>The reports of events (<c>POST /rooms/{roomId}/report/{eventId}</c>) as administrators read and
/// resolve them; reports of whole rooms and of users are not event reports.</summary>
public interface IEventReportAdminStore
{
    Task<(IReadOnlyList<EventReport> Reports, long Total)> ListAsync(EventReportQuery query,
        CancellationToken cancellationToken);

    /// <summary>The report with the reported event's JSON; null when there is no such event report.</summary>
    Task<(EventReport Report, string? EventJson)?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>False when there is no such event report.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);
}

/// <param name="ReporterContains">Synapse's <c>user_id</c>: a substring of the reporter's ID.</param>
/// <param name="RoomContains">Synapse's <c>room_id</c>: a substring of the room's ID.</param>
/// <param name="EventSender">Synapse's <c>event_sender_user_id</c>: exactly the reported event's sender.</param>
/// <param name="NewestFirst">Synapse's <c>dir=b</c>, its default.</param>
public sealed record EventReportQuery(AdminPage Page, bool NewestFirst, string? ReporterContains,
    string? RoomContains, string? EventSender);

/// <param name="Sender">The reported event's sender; null when the event is not known here.</param>
/// <param name="CanonicalAlias">The room's canonical alias and name now, as Synapse shows them.</param>
public sealed record EventReport(long Id, long ReceivedTs, string RoomId, string EventId, string Reporter,
    int? Score, string? Reason, string? Sender, string? CanonicalAlias, string? Name);
