using System.Text.Json.Nodes;

namespace Homeserver.Services.Sync;

/// <summary>What a <see cref="ISyncSection"/> is given to add its part of one /sync response.</summary>
/// <param name="Request">The parsed request (since, now, filter, full_state).</param>
/// <param name="Memberships">Every room membership of the user, as read for this response.</param>
/// <param name="Response">The response being built; the stream adds or fills its top-level fields.</param>
public sealed record SyncSectionContext(SyncRequest Request, IReadOnlyList<SyncMembership> Memberships,
    JsonObject Response);

/// <summary>
/// A top-level part of /sync with its own position in the token (to-device, presence, device lists). Registered
/// in DI; <see cref="SyncService"/> reads each stream's position before the data (<see cref="IStreamPositionsReader"/>), asks each for its part, and
/// long-polls while none had anything new. A stream's writers wake syncs through <see cref="SyncNotifier"/>
/// (<see cref="SyncNotifier.NotifyUser"/>, <see cref="SyncNotifier.NotifyRoom"/>).
/// </summary>
public interface ISyncSection
{
    /// <summary>Which part of the token holds this stream's position.</summary>
    SyncStreamKind Kind { get; }

    /// <summary>Adds this stream's fields to the response.</summary>
    /// <returns>True when it added something the client has not seen (so the sync returns now).</returns>
    Task<bool> AddToResponseAsync(SyncSectionContext context, CancellationToken cancellationToken);

    /// <summary>Adds fields that never make a response worth returning on their own (key counts), once the
    /// response is going to the client: a long-poll pass that finds nothing new and waits skips this work.</summary>
    Task CompleteAsync(SyncSectionContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
