using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Admin;

/// <summary>
/// Synapse's event-report admin API: the reports users made of events, listed with paging and filters, one with the
/// reported event, and deletion, which is how an administrator resolves a report (Synapse has no other resolution:
/// no status, no resolver).
/// </summary>
public sealed class EventReportAdmin(IEventReportAdminStore store)
{
    public async Task<JsonObject> ListAsync(EventReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (reports, total) = await store.ListAsync(query, cancellationToken);
        var response = new JsonObject
        {
            ["event_reports"] = new JsonArray(reports.Select(r => (JsonNode)ToJson(r)).ToArray()),
        };
        // Synapse gives this list's next_token as a number, unlike most of its lists.
        return query.Page.Complete(response, reports.Count, total, tokenAsString: false);
    }

    public async Task<JsonObject> GetAsync(string reportId, CancellationToken cancellationToken)
    {
        var found = await store.GetAsync(ParseId(reportId), cancellationToken) ?? throw NotFound();
        var json = ToJson(found.Report);
        json["event_json"] = found.EventJson is null ? null : JsonNode.Parse(found.EventJson);
        return json;
    }

    public async Task DeleteAsync(string reportId, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(ParseId(reportId), cancellationToken))
        {
            throw NotFound();
        }
    }

    private static JsonObject ToJson(EventReport report) => new()
    {
        ["id"] = report.Id,
        ["received_ts"] = report.ReceivedTs,
        ["room_id"] = report.RoomId,
        ["event_id"] = report.EventId,
        ["user_id"] = report.Reporter,
        ["score"] = report.Score,
        ["reason"] = report.Reason,
        ["sender"] = report.Sender,
        ["canonical_alias"] = report.CanonicalAlias,
        ["name"] = report.Name,
    };

    private static long ParseId(string reportId) =>
        long.TryParse(reportId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id >= 0
            ? id
            : throw new MatrixException(ErrorCode.InvalidParam,
                "The report_id parameter must be a string representing a positive integer.");

    private static MatrixException NotFound() => new(ErrorCode.NotFound, "Event report not found");
}
