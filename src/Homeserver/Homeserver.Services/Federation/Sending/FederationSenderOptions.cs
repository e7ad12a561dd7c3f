namespace Homeserver.Services.Federation.Sending;

/// <summary>The federation sender's limits (the spec's transaction limits, Synapse's catch-up thresholds).</summary>
/// <param name="MaxPdusPerTransaction">The spec's limit: 50.</param>
/// <param name="MaxEdusPerTransaction">The spec's limit: 100.</param>
/// <param name="CatchUpBacklog">More queued PDUs than this for one destination: catch up instead of sending them all.</param>
/// <param name="CatchUpAfter">A destination failing for this long is caught up (Synapse: a retry interval over an hour),
/// and its ephemeral EDUs (<see cref="DroppableEduTypes"/>) are dropped.</param>
/// <param name="MaxQueuedEdus">A down destination keeps at most this many EDUs (the newest).</param>
/// <param name="LeaseDuration">How long a process may send to a destination without renewing its lease: longer than a
/// request may take.</param>
/// <param name="PollInterval">Every destination with queued work is looked at this often (work queued by another
/// process while Redis was away, a lease left by a process that died).</param>
/// <param name="MaintenanceInterval">At most this often, a destination that is backing off has its queue bounded.</param>
public sealed record FederationSenderOptions(
    int MaxPdusPerTransaction,
    int MaxEdusPerTransaction,
    int CatchUpBacklog,
    TimeSpan CatchUpAfter,
    int MaxQueuedEdus,
    TimeSpan LeaseDuration,
    TimeSpan PollInterval,
    TimeSpan MaintenanceInterval)
{
    public static readonly FederationSenderOptions Default = new(50, 100, 500, TimeSpan.FromHours(1), 5000,
        TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    /// <summary>Volatile EDUs Synapse drops for a destination down for long; device lists and to-device stay.</summary>
    public static readonly IReadOnlyCollection<string> DroppableEduTypes = ["m.typing", "m.receipt", "m.presence"];
}
