using System.Text.Json;

namespace Homeserver.Bridges.AppService.Events;

/// <summary><c>m.room.message</c> (and <c>m.sticker</c>): the body, its HTML form, media and relations.</summary>
public sealed record RoomMessageEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public string? MessageType => JsonRead.String(Content, "msgtype");

    public string Body => JsonRead.String(Content, "body") ?? "";

    public string? Format => JsonRead.String(Content, "format");

    /// <summary>The HTML body when <see cref="Format"/> is <c>org.matrix.custom.html</c>, else null.</summary>
    public string? FormattedBody => Format == "org.matrix.custom.html" ? JsonRead.String(Content, "formatted_body") : null;

    /// <summary>The <c>mxc://</c> URI of an image, file, audio or video message (unencrypted media).</summary>
    public string? Url => JsonRead.String(Content, "url");

    public Relation? RelatesTo => Relation.From(Content);

    /// <summary>An edit (<c>rel_type: m.replace</c>) carries the replacement in <c>m.new_content</c>.</summary>
    public bool IsEdit => RelatesTo?.RelationType == "m.replace";

    public JsonElement? NewContent => JsonRead.Object(Content, "m.new_content");

    /// <summary>The event this replies to (not a thread fallback).</summary>
    public string? ReplyTo => RelatesTo is { IsFallingBack: false, InReplyToEventId: { } id } ? id : null;

    /// <summary>The thread root when the message is in a thread.</summary>
    public string? ThreadRoot => RelatesTo is { RelationType: "m.thread", EventId: { } root } ? root : null;
}

/// <summary><c>m.room.member</c>: <see cref="MatrixEvent.StateKey"/> is the user whose membership changes.</summary>
public sealed record RoomMemberEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public string? Membership => JsonRead.String(Content, "membership");

    public string? DisplayName => JsonRead.String(Content, "displayname");

    public string? AvatarUrl => JsonRead.String(Content, "avatar_url");

    public string? Reason => JsonRead.String(Content, "reason");

    public bool IsDirect => JsonRead.Boolean(Content, "is_direct") ?? false;
}

/// <summary><c>m.reaction</c>: an annotation of <see cref="TargetEventId"/> with <see cref="Key"/>.</summary>
public sealed record ReactionEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public string? TargetEventId => Relation.From(Content) is { RelationType: "m.annotation" } r ? r.EventId : null;

    public string? Key => Relation.From(Content) is { RelationType: "m.annotation" } r ? r.Key : null;
}

/// <summary><c>m.room.redaction</c>: <c>redacts</c> is top-level before room version 11 and in content from it.</summary>
public sealed record RedactionEvent(JsonElement Raw, string Type) : MatrixEvent(Raw, Type)
{
    public string? Redacts => JsonRead.String(Content, "redacts") ?? JsonRead.String(Raw, "redacts");

    public string? Reason => JsonRead.String(Content, "reason");
}
