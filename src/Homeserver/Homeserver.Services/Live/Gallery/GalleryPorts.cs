namespace Homeserver.Services.Live.Gallery;

/// <summary>One indexed gallery entry: the <paramref name="Index"/>th entry of the event at <paramref name="Position"/>.</summary>
public sealed record GalleryRow(string RoomId, long Position, int Index, string EventId, string Kind, string Url)
{
    public GalleryPosition Key => new(Position, Index);
}

/// <summary>Where a page stopped: entries come newest event first, and within an event in index order.</summary>
public readonly record struct GalleryPosition(long Position, int Index);

/// <summary>Which entries a page lists (the <c>kind</c> query parameter).</summary>
public enum GalleryFilter
{
    All,
    Links,
    Media,
}

/// <summary>The gallery index (<c>live_gallery_items</c>), filled from the event stream by <see cref="GalleryIndexer"/>.</summary>
public interface IGalleryStore
{
    /// <summary>Adds the rows; rows already there (a batch handed again) are left as they are.</summary>
    Task AddAsync(IReadOnlyList<GalleryRow> rows, CancellationToken cancellationToken);

    /// <summary>Removes every entry of the events (they were redacted).</summary>
    Task RemoveEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> entries of the room passing <paramref name="filter"/>, newest event first, after
    /// <paramref name="after"/> in that order (from the newest when null).
    /// </summary>
    Task<IReadOnlyList<GalleryRow>> ReadAsync(string roomId, GalleryFilter filter, GalleryPosition? after, int limit,
        CancellationToken cancellationToken);
}
