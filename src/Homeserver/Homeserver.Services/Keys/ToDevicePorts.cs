using Homeserver.Services.Accounts;

namespace Homeserver.Services.Keys;

/// <summary>One message of a send: to one device of a local user, or to all of them (<see cref="AllDevices"/>).</summary>
public sealed record ToDeviceRecipient(string UserId, string DeviceId, string Content)
{
    public const string AllDevices = "*";
}

/// <summary>A message waiting in a device's inbox, at the position of its send.</summary>
public sealed record ToDeviceMessage(long StreamId, string Sender, string Type, string Content);

/// <summary>The send-to-device inboxes of local devices, ordered by a stream of their own.</summary>
public interface IToDeviceStore
{
    /// <summary>
    /// Stores one send (a message per recipient device; <see cref="ToDeviceRecipient.AllDevices"/> fans out to the
    /// devices the user has now; unknown devices get nothing) under the sender's transaction ID in its scope (the
    /// sender is the scope's user).
    /// </summary>
    /// <returns>False when the transaction ID was used before (nothing is stored again).</returns>
    Task<bool> SendAsync(TransactionScope scope, string txnId, string type,
        IReadOnlyList<ToDeviceRecipient> recipients, long nowTs, CancellationToken cancellationToken);

    /// <summary>The newest position of the stream (every send up to it is committed).</summary>
    Task<long> GetPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the device's messages up to <paramref name="acknowledged"/> (the client has them), then returns the
    /// next ones in (acknowledged, upTo], oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<ToDeviceMessage>> AcknowledgeAndReadAsync(string userId, string deviceId, long acknowledged,
        long upTo, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the inboxes of the user's devices that no longer exist.</summary>
    Task DeleteOrphanedInboxesAsync(string userId, CancellationToken cancellationToken);
}
