using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Admin.Export;

/// <summary>
/// One local user's data as a single JSON document (GDPR access; modelled on Synapse's <c>export_data</c> admin
/// command): the account and profile, third-party IDs (none are stored), devices and the connections last seen on
/// them, global and per-room account data, push rules, pushers, filters, the media they uploaded, then every room
/// (<see cref="UserRoomExport"/>). Written with a <see cref="Utf8JsonWriter"/> flushed as it goes: the rooms' events
/// are never all in memory. Used by <c>homeserver export-user</c> and the admin API's <c>export_data</c>.
/// </summary>
public sealed class UserDataExport(
    HomeserverSettings settings,
    IAdminUserStore users,
    IProfileStore profiles,
    ISessionStore sessions,
    ISyncReader syncReader,
    PushRulesService pushRules,
    IPusherStore pushers,
    IFilterStore filters,
    IAdminMediaStore media,
    IRoomEventReader events,
    UserRoomExport rooms,
    TimeProvider time)
{
    private const int MediaPageSize = 100;

    /// <summary>The local user <paramref name="userId"/> names: 400 M_INVALID_PARAM for a malformed or remote user,
    /// 404 M_NOT_FOUND for one that does not exist. Checked before anything is written.</summary>
    public async Task<UserId> RequireLocalUserAsync(string userId, CancellationToken cancellationToken)
    {
        if (!UserId.TryParse(userId, out var target, out _))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Invalid user id");
        }

        if (target.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Can only look up local users");
        }

        return await users.GetAsync(target, cancellationToken) is null ? throw AdminTargets.UserNotFound() : target;
    }

    public async Task WriteAsync(UserId target, Stream output, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        // Read before the memberships, so that a membership read covers every event up to it.
        var upTo = await events.GetCurrentStreamAsync(cancellationToken);
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("user_id", target.Value);
        writer.WriteNumber("exported_at", time.GetUtcNow().ToUnixTimeMilliseconds());
        Write(writer, "account", AdminUserJson.Full(user));
        var profile = await profiles.GetAsync(target, cancellationToken);
        Write(writer, "profile", profile is null ? new JsonObject() : ProfileService.ToJson(profile));
        writer.WriteStartArray("threepids");
        writer.WriteEndArray();
        await WriteDevicesAsync(writer, target, cancellationToken);
        await WriteAccountDataAsync(writer, target, cancellationToken);
        Write(writer, "push_rules", await pushRules.GetAllAsync(target, cancellationToken));
        await WritePushersAsync(writer, target, cancellationToken);
        await WriteFiltersAsync(writer, target, cancellationToken);
        await WriteMediaAsync(writer, target, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        // Events are read as the user sees them, from no device of theirs: "" is no device's transaction scope, so no
        // transaction_id is shown.
        var asUser = new Requester(target, "", user.IsGuest, IsAdmin: false, AccessTokenId: null);
        await rooms.WriteAsync(writer, asUser, upTo, cancellationToken);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static void Write(Utf8JsonWriter writer, string name, JsonNode node)
    {
        writer.WritePropertyName(name);
        node.WriteTo(writer);
    }

    // Synapse writes the devices, then the connections (address, time) seen on them; no user agent is kept here.
    private async Task WriteDevicesAsync(Utf8JsonWriter writer, UserId target, CancellationToken cancellationToken)
    {
        var devices = await sessions.GetDevicesAsync(target, cancellationToken);
        writer.WriteStartArray("devices");
        foreach (var device in devices)
        {
            writer.WriteStartObject();
            writer.WriteString("device_id", device.DeviceId);
            writer.WriteString("display_name", device.DisplayName);
            WriteNumberOrNull(writer, "last_seen_ts", device.LastSeenTs);
            writer.WriteString("last_seen_ip", device.LastSeenIp);
            writer.WriteString("user_id", target.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("connections");
        foreach (var device in devices.Where(d => d.LastSeenIp is not null || d.LastSeenTs is not null))
        {
            writer.WriteStartObject();
            writer.WriteString("device_id", device.DeviceId);
            writer.WriteString("ip", device.LastSeenIp);
            WriteNumberOrNull(writer, "last_seen", device.LastSeenTs);
            writer.WriteNull("user_agent");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private async Task WriteAccountDataAsync(Utf8JsonWriter writer, UserId target, CancellationToken cancellationToken)
    {
        var upTo = await syncReader.GetAccountDataStreamAsync(cancellationToken);
        var all = await syncReader.GetAccountDataAsync(target.Value, 0, upTo, cancellationToken);
        writer.WriteStartObject("account_data");
        writer.WriteStartObject("global");
        foreach (var entry in all.Where(a => a.RoomId.Length == 0).OrderBy(a => a.Type, StringComparer.Ordinal))
        {
            writer.WritePropertyName(entry.Type);
            writer.WriteRawValue(entry.Content);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("rooms");
        foreach (var room in all.Where(a => a.RoomId.Length > 0).GroupBy(a => a.RoomId, StringComparer.Ordinal)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(room.Key);
            foreach (var entry in room.OrderBy(a => a.Type, StringComparer.Ordinal))
            {
                writer.WritePropertyName(entry.Type);
                writer.WriteRawValue(entry.Content);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private async Task WritePushersAsync(Utf8JsonWriter writer, UserId target, CancellationToken cancellationToken)
    {
        writer.WriteStartArray("pushers");
        foreach (var pusher in await pushers.GetForUserAsync(target.Value, cancellationToken))
        {
            writer.WriteStartObject();
            writer.WriteString("app_id", pusher.AppId);
            writer.WriteString("pushkey", pusher.PushKey);
            writer.WriteString("kind", pusher.Kind);
            writer.WriteString("app_display_name", pusher.AppDisplayName);
            writer.WriteString("device_display_name", pusher.DeviceDisplayName);
            writer.WriteString("profile_tag", pusher.ProfileTag);
            writer.WriteString("lang", pusher.Lang);
            writer.WriteString("device_id", pusher.DeviceId);
            writer.WriteNumber("pushkey_ts", pusher.PushKeyTs);
            writer.WritePropertyName("data");
            writer.WriteRawValue(pusher.DataJson);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private async Task WriteFiltersAsync(Utf8JsonWriter writer, UserId target, CancellationToken cancellationToken)
    {
        writer.WriteStartArray("filters");
        foreach (var (filterId, filterJson) in await filters.GetAllAsync(target.Value, cancellationToken))
        {
            writer.WriteStartObject();
            writer.WriteString("filter_id", filterId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WritePropertyName("filter");
            writer.WriteRawValue(filterJson);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private async Task WriteMediaAsync(Utf8JsonWriter writer, UserId target, CancellationToken cancellationToken)
    {
        writer.WriteStartArray("media");
        for (var from = 0; ; from += MediaPageSize)
        {
            var (page, total) = await media.ListByUploaderAsync(target.Value, AdminMediaOrder.CreatedTs,
                backwards: false, new AdminPage(from, MediaPageSize), cancellationToken);
            foreach (var item in page)
            {
                writer.WriteStartObject();
                writer.WriteString("media_id", item.MediaId);
                writer.WriteString("media_type", item.ContentType);
                WriteNumberOrNull(writer, "media_length", item.SizeBytes);
                writer.WriteString("upload_name", item.UploadName);
                writer.WriteNumber("created_ts", item.CreatedTs);
                writer.WriteNumber("last_access_ts", item.LastAccessTs);
                writer.WriteString("quarantined_by", item.QuarantinedBy);
                writer.WriteString("sha256", item.Sha256);
                writer.WriteEndObject();
            }

            if (page.Count == 0 || from + MediaPageSize >= total)
            {
                break;
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
