using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.AppServices;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.AppServices;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>
/// Room aliases: /directory/room/{roomAlias}, /rooms/{roomId}/aliases, resolving aliases for joins, and the
/// validation of new aliases in m.room.canonical_alias. Other servers' aliases are asked of their server
/// (<see cref="IRemoteRoomDirectory"/>, registered by federation; not found without it).
/// </summary>
public sealed class RoomAliasService(HomeserverSettings settings, IRoomAliasStore aliases, IRoomEventReader reader,
    AppServiceRegistry appServices, IRemoteRoomDirectory? remote = null,
    AppServices.AppServiceQueries? appServiceQueries = null)
{
    /// <summary>PUT /directory/room/{roomAlias}: members of the room (or server admins) may add aliases to it, and
    /// appservices (members or not) aliases of their namespaces; an exclusive namespace is its appservice's alone.</summary>
    public async Task CreateAsync(Requester requester, string alias, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var parsed = ParseLocal(alias);
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        }

        CheckNamespace(requester, parsed);
        if (!requester.IsAdmin && requester.AppService is null &&
            (await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken))?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You must be in the room to give it an alias");
        }

        if (!await aliases.TryCreateAsync(parsed.Value, roomId, requester.UserId.Value, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Unknown, $"Room alias {parsed.Value} already exists", 409);
        }
    }

    /// <summary>GET /directory/room/{roomAlias} (and federation's /query/directory for local aliases): the room and
    /// the servers of its joined members, this one first; another server's alias as that server answers.</summary>
    public async Task<JsonObject> GetAsync(string alias, CancellationToken cancellationToken)
    {
        var parsed = Parse(alias);
        string roomId;
        IReadOnlyList<ServerName> servers;
        if (parsed.Domain == settings.ServerName)
        {
            roomId = await ResolveAsync(alias, cancellationToken);
            servers = await RoomServers.JoinedAsync(reader, roomId, settings.ServerName, cancellationToken);
        }
        else
        {
            var answer = await QueryRemoteAsync(parsed, cancellationToken);
            (roomId, servers) = (answer.RoomId.Value, answer.Servers);
        }

        return new JsonObject
        {
            ["room_id"] = roomId,
            ["servers"] = new JsonArray(servers.Select(s => (JsonNode?)s.Value).ToArray()),
        };
    }

    private Task<RemoteAlias> QueryRemoteAsync(RoomAlias alias, CancellationToken cancellationToken) =>
        remote is null
            ? throw new MatrixException(ErrorCode.NotFound, $"Room alias {alias.Value} not found (federation is off)")
            : remote.QueryAliasAsync(alias, cancellationToken);

    /// <summary>
    /// DELETE /directory/room/{roomAlias}: the alias's creator, a user with the power to send m.room.canonical_alias
    /// in its room, or a server admin. The room's canonical alias event is left as it is.
    /// </summary>
    public async Task DeleteAsync(Requester requester, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var parsed = ParseLocal(alias);
        var entry = await aliases.GetAsync(parsed.Value, cancellationToken)
                    ?? throw new MatrixException(ErrorCode.NotFound, $"Room alias {parsed.Value} not found");
        if (requester.AppService is null)
        {
            CheckNamespace(requester, parsed);
        }

        var user = requester.UserId.Value;
        if (entry.Creator != user && !requester.IsAdmin &&
            !await CanChangeCanonicalAliasAsync(entry.RoomId, user, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden,
                "Only the alias's creator, a room moderator or a server admin may delete it");
        }

        if (!await aliases.DeleteAsync(parsed.Value, cancellationToken))
        {
            throw new MatrixException(ErrorCode.NotFound, $"Room alias {parsed.Value} not found");
        }
    }

    /// <summary>400 M_EXCLUSIVE when appservice namespaces keep <paramref name="requester"/> from this alias.</summary>
    public void CheckNamespace(Requester requester, RoomAlias alias) =>
        AppServiceNamespaceRules.CheckAlias(appServices, requester, alias.Value);

    /// <summary>GET /rooms/{roomId}/aliases: for members, anyone when the room is world-readable, and server admins.</summary>
    public async Task<IReadOnlyList<string>> GetRoomAliasesAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!requester.IsAdmin &&
            (await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken))?.Membership != Memberships.Join)
        {
            var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
            if (StateString(state, EventTypes.HistoryVisibility, "history_visibility") != "world_readable")
            {
                throw new MatrixException(ErrorCode.Forbidden, "You are not in this room");
            }
        }

        return await aliases.GetAliasesOfRoomAsync(roomId, cancellationToken);
    }

    /// <summary>A room ID as it is, or the room a local alias points to (/join/{roomIdOrAlias}).</summary>
    public async Task<string> ResolveRoomIdOrAliasAsync(string roomIdOrAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomIdOrAlias);
        return roomIdOrAlias.StartsWith('#') ? await ResolveAsync(roomIdOrAlias, cancellationToken)
            : roomIdOrAlias.StartsWith('!') ? roomIdOrAlias
            : throw new MatrixException(ErrorCode.InvalidParam, "Expected a room ID (!...) or a room alias (#...)");
    }

    /// <summary>The room of an alias; another server's alias is asked of that server.</summary>
    public async Task<string> ResolveAsync(string alias, CancellationToken cancellationToken)
    {
        var parsed = Parse(alias);
        if (parsed.Domain != settings.ServerName)
        {
            return (await QueryRemoteAsync(parsed, cancellationToken)).RoomId.Value;
        }

        var entry = await aliases.GetAsync(parsed.Value, cancellationToken);
        if (entry is null && appServiceQueries is not null &&
            await appServiceQueries.QueryAliasAsync(parsed.Value, cancellationToken))
        {
            entry = await aliases.GetAsync(parsed.Value, cancellationToken); // the appservice made it meanwhile
        }

        return entry?.RoomId ?? throw new MatrixException(ErrorCode.NotFound, $"Room alias {parsed.Value} not found");
    }

    /// <summary>
    /// Before m.room.canonical_alias is sent: aliases new to the event must be valid (M_INVALID_PARAM) and point to
    /// the room (M_BAD_ALIAS). Aliases already in the current event, or being removed, are not checked.
    /// </summary>
    public async Task ValidateCanonicalAliasAsync(string roomId, JsonObject content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var listed = new List<string>();
        if (content["alias"] is { } alias)
        {
            listed.Add(alias.GetValueKind() == JsonValueKind.String ? alias.GetValue<string>()
                : throw new MatrixException(ErrorCode.InvalidParam, "'alias' must be a room alias"));
        }

        if (content["alt_aliases"] is { } alt)
        {
            if (alt is not JsonArray array || array.Any(a => a?.GetValueKind() != JsonValueKind.String))
            {
                throw new MatrixException(ErrorCode.InvalidParam, "'alt_aliases' must be a list of room aliases");
            }

            listed.AddRange(array.Select(a => a!.GetValue<string>()));
        }

        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        var existing = state.FirstOrDefault(s => s.Pdu.Type == DirectoryStateTypes.CanonicalAlias && s.Pdu.StateKey == "");
        var known = existing is null || existing.RedactedBecause is not null ? [] : ListedAliases(existing.Pdu.Content);
        foreach (var text in listed.Where(a => !known.Contains(a)))
        {
            var parsed = Parse(text);
            if (parsed.Domain != settings.ServerName)
            {
                // Needs federation (its own issue): resolve it on its server; until then it cannot be shown to point here.
                throw new MatrixException(ErrorCode.BadAlias, $"The alias '{text}' cannot be checked: it is another server's");
            }

            if ((await aliases.GetAsync(parsed.Value, cancellationToken))?.RoomId != roomId)
            {
                throw new MatrixException(ErrorCode.BadAlias, $"The alias '{text}' does not point to this room");
            }
        }
    }

    /// <summary>Parses an alias of this server: M_INVALID_PARAM for a malformed one or another server's.</summary>
    public RoomAlias ParseLocal(string alias)
    {
        var parsed = Parse(alias);
        return parsed.Domain == settings.ServerName ? parsed
            : throw new MatrixException(ErrorCode.InvalidParam, $"Room alias {parsed.Value} does not belong to this server");
    }

    private static RoomAlias Parse(string alias) =>
        RoomAlias.TryParse(alias, out var parsed, out var error) ? parsed
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid room alias: {error}");

    private async Task<bool> CanChangeCanonicalAliasAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        var version = await reader.GetRoomVersionAsync(roomId, cancellationToken);
        if (version is null)
        {
            return false;
        }

        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        return DirectoryPermissions.CanChangeCanonicalAlias(state, version, userId);
    }

    private static HashSet<string> ListedAliases(JsonElement content)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (content.ValueKind != JsonValueKind.Object)
        {
            return found;
        }

        if (content.TryGetProperty("alias", out var alias) && alias.ValueKind == JsonValueKind.String)
        {
            found.Add(alias.GetString()!);
        }

        if (content.TryGetProperty("alt_aliases", out var alt) && alt.ValueKind == JsonValueKind.Array)
        {
            found.UnionWith(alt.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!));
        }

        return found;
    }

    internal static string? StateString(IReadOnlyList<StoredEvent> state, string type, string property) =>
        state.FirstOrDefault(s => s.Pdu.Type == type && s.Pdu.StateKey == "") is { RedactedBecause: null } found
            ? found.Pdu.ContentString(property)
            : null;
}

/// <summary>Who may manage a room's aliases and its place in the directory.</summary>
public static class DirectoryPermissions
{
    /// <summary>The power to send m.room.canonical_alias in the room's current state.</summary>
    public static bool CanChangeCanonicalAlias(IReadOnlyList<StoredEvent> state, RoomVersion version, string userId)
    {
        ArgumentNullException.ThrowIfNull(state);
        var levels = RoomPowerLevels.For(new StateMap(state.Select(s => s.Pdu)), version);
        return levels.CanSend(userId, DirectoryStateTypes.CanonicalAlias, isState: true);
    }
}
