namespace Homeserver.Services.Accounts;

/// <summary>
/// Where a client's transaction IDs are unique (Client-Server API, "Transaction identifiers"): a user's device, or,
/// for requests an appservice makes, the appservice itself with the user it acts as, whatever device it names (as
/// Synapse keys them by appservice; the user is kept so two ghosts of one bridge cannot swallow each other's sends).
/// Stored as three columns with <c>''</c> for the part that does not apply.
/// </summary>
/// <param name="DeviceId">The device; <c>""</c> for an appservice's scope and for another server's messages.</param>
/// <param name="AppServiceId">The appservice; <c>""</c> for a device's scope.</param>
public readonly record struct TransactionScope(string UserId, string DeviceId, string AppServiceId)
{
    /// <summary>The scope of <paramref name="requester"/>'s transaction IDs.</summary>
    public static TransactionScope Of(Requester requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return requester.AppService is { } appService
            ? new TransactionScope(requester.UserId.Value, "", appService.Id)
            : new TransactionScope(requester.UserId.Value,
                requester.DeviceId ?? throw new InvalidOperationException("A user's request always has a device"), "");
    }

    /// <summary>Messages from another server, de-duplicated per sender and <c>message_id</c>.</summary>
    public static TransactionScope Remote(string sender) => new(sender, "", "");
}
