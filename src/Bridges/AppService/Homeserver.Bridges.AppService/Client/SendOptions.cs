namespace Homeserver.Bridges.AppService.Client;

/// <summary>
/// Options of a send. <see cref="TransactionId"/>: a stable one makes a send idempotent across restarts (the
/// homeserver answers a repeat with the first event ID); null takes a fresh one. <see cref="Timestamp"/>: the
/// remote message's time in ms since the epoch (<c>?ts=</c>), so bridged history keeps its times.
/// </summary>
public sealed record SendOptions(string? TransactionId = null, long? Timestamp = null);
