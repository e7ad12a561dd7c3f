using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Account data a user keeps for itself, global and per room, visible to no one else, and deleted when the account
/// is deactivated (as Synapse does: it may hold ignored users, secrets' metadata, client settings).
/// </summary>
public sealed class AccountDataService(IAccountDataStore store, IEnumerable<IAccountDataObserver> observers)
    : IAccountDeactivationHook
{
    private readonly IAccountDataObserver[] _observers = observers.ToArray();

    /// <summary>Types the server maintains through their own APIs (read markers, push rules): clients may read them
    /// here but not write them (the spec's 405 for m.fully_read; Synapse does the same for m.push_rules).</summary>
    public static readonly IReadOnlySet<string> ServerManagedTypes =
        new HashSet<string>(StringComparer.Ordinal) { "m.fully_read", "m.push_rules" };

    /// <param name="roomId">Null for global account data.</param>
    /// <param name="content">Already known to be a JSON object.</param>
    /// <returns>The stream position of the write.</returns>
    public async Task<long> SetAsync(Requester requester, string userId, string? roomId, string type,
        JsonElement content, CancellationToken cancellationToken)
    {
        var room = Check(requester, userId, roomId, "change");
        if (ServerManagedTypes.Contains(type))
        {
            throw new MatrixException(ErrorCode.BadJson, $"Cannot set {type} through this API", 405);
        }

        var position = await store.PutAsync(requester.UserId, room, type, content.GetRawText(), cancellationToken);
        foreach (var observer in _observers)
        {
            observer.OnAccountDataChanged(requester.UserId.Value);
        }

        return position;
    }

    /// <returns>The JSON object as it was stored.</returns>
    public async Task<string> GetAsync(Requester requester, string userId, string? roomId, string type,
        CancellationToken cancellationToken)
    {
        var room = Check(requester, userId, roomId, "read");
        return await store.GetAsync(requester.UserId, room, type, cancellationToken)
               ?? throw new MatrixException(ErrorCode.NotFound,
                   room is null ? "Account data not found" : "Room account data not found");
    }

    public async Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken)
    {
        await store.DeleteAllAsync(userId, cancellationToken);
        foreach (var observer in _observers)
        {
            observer.OnAccountDataChanged(userId.Value);
        }
    }

    private static RoomId? Check(Requester requester, string userId, string? roomId, string verb)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, $"Cannot {verb} account data of other users");
        }

        if (roomId is null)
        {
            return null;
        }

        return RoomId.TryParse(roomId, out var room, out var error)
            ? room
            : throw new MatrixException(ErrorCode.InvalidParam, $"'{roomId}' is not a valid room ID: {error}");
    }
}
