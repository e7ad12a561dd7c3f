using Homeserver.Bridges.AppService.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;

namespace Homeserver.Bridges.Discord;

/// <summary>A Matrix user's name and avatar in a room (their member event), for relaying them through a webhook.</summary>
public sealed record MatrixProfile(string DisplayName, string? AvatarUrl);

/// <summary>
/// What the bridge reads from the homeserver as the bot: room state (who may link a room), member profiles, an event's
/// sender, and media (spec: GET /_matrix/client/v1/media/download) to relay to Discord.
/// </summary>
public sealed class MatrixReads(MatrixClient client, AppServiceHttpClient http)
{
    private const string ClientV3 = "/_matrix/client/v3";

    /// <summary>The largest file relayed to Discord (Discord's own limit for bots without boosts is lower still).</summary>
    public const long MaxMediaBytes = 25 * 1024 * 1024;

    /// <summary>Whether <paramref name="userId"/> may send state events in the room (spec: GET /rooms/{roomId}/state;
    /// room version 12 creators always may).</summary>
    public async Task<bool> CanSendStateAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        var state = await client.SendJsonAsync(HttpMethod.Get, $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/state", null, null, null,
            cancellationToken);
        return PowerLevels.MaySendState(state, userId);
    }

    /// <summary>The user's display name and avatar in the room (spec: GET /rooms/{roomId}/state/m.room.member/{userId}).</summary>
    public async Task<MatrixProfile> MemberProfileAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await client.SendJsonAsync(HttpMethod.Get,
                $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/state/m.room.member/{MatrixClient.Segment(userId)}", null, null, null,
                cancellationToken);
            var name = Text(content, "displayname");
            return new MatrixProfile(string.IsNullOrWhiteSpace(name) ? userId : name, Text(content, "avatar_url"));
        }
        catch (MatrixApiException)
        {
            return new MatrixProfile(userId, null);
        }
    }

    /// <summary>The sender of an event (spec: GET /rooms/{roomId}/event/{eventId}), or null when it cannot be read.</summary>
    public async Task<string?> SenderOfAsync(string roomId, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await client.SendJsonAsync(HttpMethod.Get,
                $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/event/{MatrixClient.Segment(eventId)}", null, null, null, cancellationToken);
            return Text(answer, "sender");
        }
        catch (MatrixApiException)
        {
            return null;
        }
    }

    /// <summary>The public HTTP URL of an <c>mxc://</c> URI (what Discord fetches a webhook's avatar from).</summary>
    public Uri? HttpUrlOf(string? mxc) => MxcParts(mxc) is (var server, var media)
        ? new Uri(client.Options.HomeserverUrl, $"/_matrix/media/v3/download/{Uri.EscapeDataString(server)}/{Uri.EscapeDataString(media)}")
        : null;

    /// <summary>Downloads an <c>mxc://</c> file as the bot; null when it is not an mxc URI, missing, or too large.</summary>
    public async Task<(byte[] Content, string ContentType)?> DownloadAsync(string? mxc, CancellationToken cancellationToken)
    {
        if (MxcParts(mxc) is not (var server, var media))
        {
            return null;
        }

        var url = new Uri(client.Options.HomeserverUrl,
            $"/_matrix/client/v1/media/download/{Uri.EscapeDataString(server)}/{Uri.EscapeDataString(media)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Options.AsToken);
        using var response = await http.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxMediaBytes)
        {
            return null;
        }

        var content = await BoundedBody.ReadAsync(response.Content, MaxMediaBytes, cancellationToken);
        return content is null ? null : (content, response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream");
    }

    private static (string Server, string Media)? MxcParts(string? mxc)
    {
        if (mxc is null || !mxc.StartsWith("mxc://", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = mxc["mxc://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < rest.Length - 1 && rest.IndexOf('/', slash + 1) < 0 ? (rest[..slash], rest[(slash + 1)..]) : null;
    }

    private static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
