using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Bridges.AppService.Tests.Support;

/// <summary>One request the homeserver stand-in received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? Authorization,
    string? ContentType, byte[] Body)
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    /// <summary>The JSON body re-written compactly, without escapes for HTML characters or non-ASCII.</summary>
    public string JsonText => Json?.ToJsonString(Readable) ?? "";

    public string? UserIdParam => Query.GetValueOrDefault("user_id");
}

/// <summary>
/// A loopback stand-in for the Client-Server API calls intents make, answering as the spec says: as_token required
/// (401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN), registration with M_USER_IN_USE for a taken name, invite-only rooms
/// (403 M_FORBIDDEN on join until invited), sends idempotent per (user, transaction ID). Every request is recorded;
/// <see cref="FailNext"/> makes the next request to a path answer an error first (e.g. 429).
/// </summary>
public sealed partial class RecordingHomeserver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _asToken;
    private readonly string _serverName;
    private readonly string _botUserId;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, byte> _registered = new();
    private readonly ConcurrentDictionary<string, byte> _inviteOnlyRooms = new();
    private readonly ConcurrentDictionary<(string Room, string User), string> _memberships = new();
    private readonly ConcurrentDictionary<(string User, string Txn), string> _sent = new();
    private readonly ConcurrentQueue<(string PathPrefix, int Status, JsonObject Body)> _failures = new();
    private int _events;

    private RecordingHomeserver(WebApplication app, Registration.Registration registration, string serverName)
    {
        _app = app;
        _asToken = registration.AsToken;
        _serverName = serverName;
        _botUserId = registration.SenderUserId(serverName);
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<RecordingHomeserver> StartAsync(Registration.Registration registration, string serverName)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var port = FreePort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new RecordingHomeserver(app, registration, serverName) { Url = new Uri($"http://127.0.0.1:{port}/") };
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        return server;
    }

    public void MakeInviteOnly(string roomId) => _inviteOnlyRooms[roomId] = 0;

    public void AddRegistered(string userId) => _registered[userId] = 0;

    public void SetMembership(string roomId, string userId, string membership) => _memberships[(roomId, userId)] = membership;

    public void FailNext(string pathPrefix, int status, JsonObject body) => _failures.Enqueue((pathPrefix, status, body));

    public IReadOnlyList<RecordedRequest> RequestsTo(string pathPart) =>
        Requests.Where(r => r.Path.Contains(pathPart, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            context.Request.ContentType, buffer.ToArray());
        _requests.Enqueue(request);
        var (status, body) = Answer(request);
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(body);
    }

    private (int Status, JsonObject Body) Answer(RecordedRequest request)
    {
        if (request.Authorization is null)
        {
            return Error(401, "M_MISSING_TOKEN");
        }

        if (request.Authorization != $"Bearer {_asToken}")
        {
            return Error(401, "M_UNKNOWN_TOKEN");
        }

        if (_failures.TryPeek(out var failure) && request.Path.StartsWith(failure.PathPrefix, StringComparison.Ordinal) &&
            _failures.TryDequeue(out failure))
        {
            return (failure.Status, failure.Body);
        }

        var actor = request.UserIdParam ?? _botUserId;
        var path = request.Path;
        if (request.Method == "POST" && path == "/_matrix/client/v3/register")
        {
            var json = request.Json!.AsObject();
            if ((string?)json["type"] != "m.login.application_service")
            {
                return Error(401, "M_FORBIDDEN");
            }

            var userId = $"@{(string?)json["username"]}:{_serverName}";
            return _registered.TryAdd(userId, 0)
                ? (200, new JsonObject { ["user_id"] = userId })
                : Error(400, "M_USER_IN_USE");
        }

        if (request.Method == "POST" && JoinPath().Match(path) is { Success: true } join)
        {
            var roomId = Uri.UnescapeDataString(join.Groups[1].Value);
            if (_inviteOnlyRooms.ContainsKey(roomId) && _memberships.GetValueOrDefault((roomId, actor)) is not ("invite" or "join"))
            {
                return Error(403, "M_FORBIDDEN");
            }

            _memberships[(roomId, actor)] = "join";
            return (200, new JsonObject { ["room_id"] = roomId });
        }

        if (request.Method == "POST" && InvitePath().Match(path) is { Success: true } invite)
        {
            var roomId = Uri.UnescapeDataString(invite.Groups[1].Value);
            var invitee = (string)request.Json!["user_id"]!;
            _memberships[(roomId, invitee)] = "invite";
            return (200, new JsonObject());
        }

        if (request.Method == "PUT" && SendPath().Match(path) is { Success: true } send)
        {
            var eventId = _sent.GetOrAdd((actor, Uri.UnescapeDataString(send.Groups[1].Value)),
                _ => $"$event{Interlocked.Increment(ref _events)}");
            return (200, new JsonObject { ["event_id"] = eventId });
        }

        if (request.Method == "PUT" && StatePath().IsMatch(path))
        {
            return (200, new JsonObject { ["event_id"] = $"$event{Interlocked.Increment(ref _events)}" });
        }

        if (request.Method == "POST" && path.StartsWith("/_matrix/client/v1/appservice/", StringComparison.Ordinal) &&
            path.EndsWith("/ping", StringComparison.Ordinal))
        {
            return (200, new JsonObject { ["duration_ms"] = 12 });
        }

        if (request.Method == "POST" && path == "/_matrix/client/v3/createRoom")
        {
            return (200, new JsonObject { ["room_id"] = $"!room{Interlocked.Increment(ref _events)}:{_serverName}" });
        }

        if (request.Method == "POST" && path == "/_matrix/media/v3/upload")
        {
            return (200, new JsonObject { ["content_uri"] = $"mxc://{_serverName}/media{Interlocked.Increment(ref _events)}" });
        }

        if (request.Method == "PUT" && (path.Contains("/profile/", StringComparison.Ordinal) || path.Contains("/typing/", StringComparison.Ordinal)))
        {
            return (200, new JsonObject());
        }

        return Error(404, "M_UNRECOGNIZED");
    }

    private static (int, JsonObject) Error(int status, string errcode) =>
        (status, new JsonObject { ["errcode"] = errcode, ["error"] = errcode });

    [GeneratedRegex("^/_matrix/client/v3/join/([^/]+)$")]
    private static partial Regex JoinPath();

    [GeneratedRegex("^/_matrix/client/v3/rooms/([^/]+)/invite$")]
    private static partial Regex InvitePath();

    [GeneratedRegex("^/_matrix/client/v3/rooms/[^/]+/(?:send/[^/]+|redact/[^/]+)/([^/]+)$")]
    private static partial Regex SendPath();

    [GeneratedRegex("^/_matrix/client/v3/rooms/[^/]+/state/[^/]+/[^/]*$")]
    private static partial Regex StatePath();

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
