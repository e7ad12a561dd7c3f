using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Social;

/// <summary>
/// Room tags (<c>/user/{userId}/rooms/{roomId}/tags</c>): kept as the <c>m.tag</c> room account data
/// <c>{"tags": {tag: {order?}}}</c>, so they reach the user's clients in /sync like any room account data. Only the
/// user may read or change them.
/// </summary>
public sealed class RoomTagService(IAccountDataStore store, StoredJson stored, IEnumerable<IAccountDataObserver> observers)
{
    public const string TagType = "m.tag";
    public const int MaxTagBytes = 255;

    private readonly IAccountDataObserver[] _observers = observers.ToArray();

    /// <returns><c>{"tags": {...}}</c>, empty when the room has none.</returns>
    public async Task<JsonObject> GetAsync(Requester requester, string userId, string roomId,
        CancellationToken cancellationToken)
    {
        var (user, room) = Check(requester, userId, roomId);
        var content = await store.GetAsync(user, room, TagType, cancellationToken);
        return new JsonObject { ["tags"] = TagsOf(content, user) };
    }

    /// <param name="body">The tag's content: an object whose <c>order</c>, when given, is a number from 0 to 1.</param>
    public async Task PutAsync(Requester requester, string userId, string roomId, string tag, JsonElement body,
        CancellationToken cancellationToken)
    {
        var (user, room) = Check(requester, userId, roomId);
        CheckTag(tag);
        if (body.TryGetProperty("order", out var order))
        {
            if (order.ValueKind != JsonValueKind.Number)
            {
                throw new MatrixException(ErrorCode.BadJson, "'order' must be a number");
            }

            if (order.GetDouble() is < 0 or > 1)
            {
                throw new MatrixException(ErrorCode.InvalidParam, "'order' must be between 0 and 1");
            }
        }

        var value = JsonNode.Parse(body.GetRawText());
        await ChangeAsync(user, room, tags => tags[tag] = value, cancellationToken);
    }

    /// <summary>Removing a tag the room does not have succeeds (as Synapse).</summary>
    public async Task DeleteAsync(Requester requester, string userId, string roomId, string tag,
        CancellationToken cancellationToken)
    {
        var (user, room) = Check(requester, userId, roomId);
        CheckTag(tag);
        await ChangeAsync(user, room, tags => tags.Remove(tag), cancellationToken);
    }

    private async Task ChangeAsync(UserId user, RoomId room, Action<JsonObject> change,
        CancellationToken cancellationToken)
    {
        await store.UpdateAsync(user, room, TagType, current =>
        {
            var content = current is null ? new JsonObject() : stored.ParseObject(current, "account data", TagType,
                user.Value) ?? new JsonObject();
            var tags = content["tags"] as JsonObject ?? new JsonObject();
            content["tags"] = tags;
            change(tags);
            return content.ToJsonString();
        }, cancellationToken);
        foreach (var observer in _observers)
        {
            observer.OnAccountDataChanged(user.Value);
        }
    }

    private JsonObject TagsOf(string? content, UserId user) =>
        (content is null ? null : stored.ParseObject(content, "account data", TagType, user.Value))?["tags"]
            is JsonObject tags
            ? (JsonObject)tags.DeepClone()
            : new JsonObject();

    private static (UserId User, RoomId Room) Check(Requester requester, string userId, string roomId)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Cannot read or change the tags of other users");
        }

        return RoomId.TryParse(roomId, out var room, out var error)
            ? (requester.UserId, room)
            : throw new MatrixException(ErrorCode.InvalidParam, $"'{roomId}' is not a valid room ID: {error}");
    }

    private static void CheckTag(string tag)
    {
        if (tag.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(tag) > MaxTagBytes)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"A tag is 1 to {MaxTagBytes} bytes");
        }
    }
}
