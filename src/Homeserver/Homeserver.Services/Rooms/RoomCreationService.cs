using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Rooms;

/// <summary>
/// POST /createRoom: the create event, the creator's join, power levels, the preset's join rules, history
/// visibility and guest access, initial state, name, topic and local invites, all in one write; then the invites of
/// other servers' users, through their servers.
/// </summary>
public sealed class RoomCreationService(HomeserverSettings settings, RoomWriter writer, RoomEventFactory factory,
    MembershipService memberships, RoomAliasService aliasService, IRoomAliasStore aliases, IRoomDirectoryStore directory,
    InviteBlocking inviteBlocking, Live.Access.ArtistInviteBlocking artistInvites)
{
    public sealed record Created(string RoomId, IReadOnlyList<PersistedEvent> Events);

    public async Task<Created> CreateAsync(Requester requester, CreateRoomRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        var versionId = request.RoomVersion ?? settings.Rooms.DefaultVersion;
        if (!RoomVersions.TryGet(versionId, out var version))
        {
            throw new MatrixException(ErrorCode.UnsupportedRoomVersion, $"Room version '{versionId}' is not supported");
        }

        var creator = requester.UserId.Value;
        var invites = request.Invite.Select(UserId.Parse).ToList();
        foreach (var invitee in invites)
        {
            await inviteBlocking.EnsureAcceptsInvitesAsync(invitee, cancellationToken);
            await artistInvites.EnsureMayInviteAsync(invitee, creator, requester.IsAdmin, cancellationToken);
        }

        var preset = request.Preset ?? (request.Visibility == "public" ? "public_chat" : "private_chat");
        var trusted = preset == "trusted_private_chat";

        var createContent = request.CreationContent?.DeepClone().AsObject() ?? new JsonObject();
        createContent["room_version"] = version.Id;
        if (!version.CreatorIsCreateSender)
        {
            createContent["creator"] = creator;
        }

        if (version.CreatorsHaveInfinitePower && trusted && invites.Count > 0)
        {
            createContent["additional_creators"] = new JsonArray(invites.Select(u => (JsonNode?)u.Value).ToArray());
        }

        var alias = request.RoomAliasName is null ? (RoomAlias?)null : LocalAlias(request.RoomAliasName);
        var create = factory.BuildCreate(version, new PduTemplate(EventTypes.Create, creator, "", createContent));
        var joinContent = await memberships.ProfileContentAsync(requester.UserId, Memberships.Join, null, cancellationToken);

        if (alias is { } wanted)
        {
            aliasService.CheckNamespace(requester, wanted);
        }

        // The alias is reserved before the room's first write: a taken alias creates nothing.
        if (alias is { } reserved &&
            !await aliases.TryCreateAsync(reserved.Value, create.RoomId, creator, cancellationToken))
        {
            throw new MatrixException(ErrorCode.RoomInUse, $"Room alias {reserved.Value} is already taken");
        }

        IReadOnlyList<PersistedEvent> persisted;
        try
        {
            persisted = await WriteAsync(request, version, creator, invites, preset, create, joinContent, alias,
                cancellationToken);
        }
        catch when (alias is not null)
        {
            await aliases.DeleteAsync(alias.Value.Value, CancellationToken.None);
            throw;
        }

        if (request.Visibility == "public")
        {
            await directory.SetPublicAsync(create.RoomId, true, cancellationToken);
        }

        // Another server's user hears of an invite only through their server (PUT /v2/invite), which signs it: as
        // Synapse does, it is made after the room exists, and a refusal fails the request.
        foreach (var invitee in invites.Where(u => u.Domain != settings.ServerName))
        {
            var content = await memberships.ProfileContentAsync(invitee, Memberships.Invite, null, cancellationToken);
            if (request.IsDirect)
            {
                content["is_direct"] = true;
            }

            await memberships.InviteRemoteUserAsync(create.RoomId, creator, invitee, content, cancellationToken);
        }

        return new Created(create.RoomId, persisted);
    }

    // The localpart was checked with the body (CreateRoomRequestValidator); the whole alias is checked here.
    private RoomAlias LocalAlias(string localpart) =>
        aliasService.ParseLocal("#" + localpart + ":" + settings.ServerName.Value);

    private async Task<IReadOnlyList<PersistedEvent>> WriteAsync(CreateRoomRequest request, RoomVersion version,
        string creator, List<UserId> invites, string preset, Pdu create, JsonObject joinContent, RoomAlias? alias,
        CancellationToken cancellationToken)
    {
        var trusted = preset == "trusted_private_chat";
        return await writer.CreateRoomAsync(create, first =>
        {
            var head = first;
            var events = new List<NewRoomEvent>();
            void Add(string type, string? stateKey, JsonObject content)
            {
                var pdu = factory.Build(head, new PduTemplate(type, creator, stateKey, content));
                events.Add(new NewRoomEvent(pdu));
                head = head.After(pdu);
            }

            Add(EventTypes.Member, creator, joinContent);
            Add(EventTypes.PowerLevels, "", PowerLevelsContent(version, creator, trusted ? invites : [],
                request.PowerLevelContentOverride));
            if (alias is { } canonical)
            {
                Add(DirectoryStateTypes.CanonicalAlias, "", new JsonObject { ["alias"] = canonical.Value });
            }

            Add(EventTypes.JoinRules, "", new JsonObject { ["join_rule"] = preset == "public_chat" ? "public" : "invite" });
            Add(EventTypes.HistoryVisibility, "", new JsonObject { ["history_visibility"] = "shared" });
            Add("m.room.guest_access", "",
                new JsonObject { ["guest_access"] = preset == "public_chat" ? "forbidden" : "can_join" });
            foreach (var state in request.InitialState)
            {
                Add(state.Type, state.StateKey, state.Content);
            }

            if (request.Name is not null)
            {
                Add("m.room.name", "", new JsonObject { ["name"] = request.Name });
            }

            if (request.Topic is not null)
            {
                Add("m.room.topic", "", new JsonObject
                {
                    ["topic"] = request.Topic,
                    ["m.topic"] = new JsonObject { ["m.text"] = new JsonArray(new JsonObject { ["body"] = request.Topic }) },
                });
            }

            foreach (var invitee in invites.Where(u => u.Domain == settings.ServerName))
            {
                var content = new JsonObject { ["membership"] = Memberships.Invite };
                if (request.IsDirect)
                {
                    content["is_direct"] = true;
                }

                Add(EventTypes.Member, invitee.Value, content);
            }

            return events;
        }, cancellationToken);
    }

    private static JsonObject PowerLevelsContent(RoomVersion version, string creator, IReadOnlyList<UserId> trusted,
        JsonObject? overrides)
    {
        var users = new JsonObject();
        if (!version.CreatorsHaveInfinitePower)
        {
            users[creator] = 100;
            foreach (var user in trusted)
            {
                users[user.Value] = 100;
            }
        }

        var content = new JsonObject
        {
            ["users"] = users,
            ["users_default"] = 0,
            ["events"] = new JsonObject
            {
                ["m.room.name"] = 50,
                ["m.room.power_levels"] = 100,
                ["m.room.history_visibility"] = 100,
                ["m.room.canonical_alias"] = 50,
                ["m.room.avatar"] = 50,
                ["m.room.tombstone"] = 100,
                ["m.room.server_acl"] = 100,
                ["m.room.encryption"] = 100,
            },
            ["events_default"] = 0,
            ["state_default"] = 50,
            ["ban"] = 50,
            ["kick"] = 50,
            ["redact"] = 50,
            ["invite"] = 0,
            ["notifications"] = new JsonObject { ["room"] = 50 },
        };
        foreach (var (key, value) in overrides ?? [])
        {
            content[key] = value?.DeepClone();
        }

        return content;
    }
}

public sealed record InitialStateEvent(string Type, string StateKey, JsonObject Content);

/// <summary>
/// The createRoom request body as the spec defines it. <see cref="Parse"/> checks its JSON types; its values are
/// checked by <see cref="Validation.CreateRoomRequestValidator"/>.
/// </summary>
public sealed record CreateRoomRequest(
    string? Visibility,
    string? RoomAliasName,
    string? Name,
    string? Topic,
    IReadOnlyList<string> Invite,
    string? RoomVersion,
    JsonObject? CreationContent,
    IReadOnlyList<InitialStateEvent> InitialState,
    string? Preset,
    bool IsDirect,
    JsonObject? PowerLevelContentOverride)
{
    public static CreateRoomRequest Parse(JsonElement body)
    {
        static string? Text(JsonElement body, string name) => JsonFields.OptionalString(body, name);

        static JsonObject? Object(JsonElement body, string name) => JsonFields.OptionalObject(body, name);

        var invites = new List<string>();
        if (body.TryGetProperty("invite", out var invite) && invite.ValueKind != JsonValueKind.Null)
        {
            if (invite.ValueKind != JsonValueKind.Array || invite.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
            {
                throw new MatrixException(ErrorCode.BadJson, "'invite' must be a list of user IDs");
            }

            invites.AddRange(invite.EnumerateArray().Select(i => i.GetString()!));
        }

        var initialState = new List<InitialStateEvent>();
        if (body.TryGetProperty("initial_state", out var state) && state.ValueKind != JsonValueKind.Null)
        {
            if (state.ValueKind != JsonValueKind.Array)
            {
                throw new MatrixException(ErrorCode.BadJson, "'initial_state' must be a list");
            }

            foreach (var item in state.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || Text(item, "type") is not { } type ||
                    Object(item, "content") is not { } content)
                {
                    throw new MatrixException(ErrorCode.BadJson, "initial_state events need a type and a content object");
                }

                initialState.Add(new InitialStateEvent(type, Text(item, "state_key") ?? "", content));
            }
        }

        var isDirect = body.TryGetProperty("is_direct", out var direct) && direct.ValueKind == JsonValueKind.True;
        return new CreateRoomRequest(Text(body, "visibility"), Text(body, "room_alias_name"), Text(body, "name"), Text(body, "topic"),
            invites, Text(body, "room_version"), Object(body, "creation_content"), initialState, Text(body, "preset"), isDirect,
            Object(body, "power_level_content_override"));
    }
}
