using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Streams;

namespace Homeserver.Services.Live.Gallery;

/// <summary>
/// Fills the gallery index from the durable event stream (every process's events, in order, at least once): each
/// timeline event's entries (<see cref="GalleryExtractor"/>) keyed by its stream position, and a redaction removes the
/// entries of the event it redacted once the store applied it. A batch handed again adds and removes nothing new.
/// Soft-failed events are not part of the room and are skipped.
/// </summary>
public sealed class GalleryIndexer(IGalleryStore store, IRoomEventReader reader) : IEventStreamConsumer
{
    public string Name => "live_gallery";

    public async Task HandleAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = new List<GalleryRow>();
        var redacted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var streamEvent in events)
        {
            if (streamEvent.SoftFailed || streamEvent.Position <= 0)
            {
                continue;
            }

            var pdu = streamEvent.Pdu;
            if (pdu.Type == EventTypes.Redaction)
            {
                if (pdu.Redacts is { } target)
                {
                    redacted.Add(target);
                }

                continue;
            }

            var items = GalleryExtractor.Extract(pdu.Type, pdu.Content);
            for (var i = 0; i < items.Count; i++)
            {
                rows.Add(new GalleryRow(pdu.RoomId, streamEvent.Position, i, pdu.EventId, items[i].Kind, items[i].Url));
            }
        }

        if (rows.Count > 0)
        {
            await store.AddAsync(rows, cancellationToken);
        }

        if (redacted.Count > 0)
        {
            // The store decides whether a redaction applies (it marks the target); the index follows what it decided.
            var applied = (await reader.GetEventsAsync(redacted, cancellationToken))
                .Where(e => e.RedactedBecause is not null).Select(e => e.Pdu.EventId).ToList();
            if (applied.Count > 0)
            {
                await store.RemoveEventsAsync(applied, cancellationToken);
            }
        }
    }
}
