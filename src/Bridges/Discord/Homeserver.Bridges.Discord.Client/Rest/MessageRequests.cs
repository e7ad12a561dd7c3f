using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>The body of a message create or edit (and, with <see cref="Username"/>/<see cref="AvatarUrl"/>, of a
/// webhook execute). Null fields are left out.</summary>
public sealed record MessageCreate
{
    public string? Content { get; init; }

    public string? Nonce { get; init; }

    public bool? Tts { get; init; }

    /// <summary>Makes the message a reply.</summary>
    public DiscordMessageReference? MessageReference { get; init; }

    public AllowedMentions? AllowedMentions { get; init; }

    public int? Flags { get; init; }

    /// <summary>Webhook execute only: the name shown as the author.</summary>
    public string? Username { get; init; }

    /// <summary>Webhook execute only: the avatar shown.</summary>
    public string? AvatarUrl { get; init; }

    /// <summary>Webhook execute into a forum channel: the new thread's name.</summary>
    public string? ThreadName { get; init; }

    /// <summary>Filled in from the files sent with the message (one entry per file, by index).</summary>
    public IReadOnlyList<AttachmentPart>? Attachments { get; init; }
}

/// <summary>Which mentions in the content notify (<c>parse</c>: "users", "roles", "everyone").</summary>
public sealed record AllowedMentions
{
    public IReadOnlyList<string>? Parse { get; init; }

    public IReadOnlyList<Snowflake>? Users { get; init; }

    public IReadOnlyList<Snowflake>? Roles { get; init; }

    public bool? RepliedUser { get; init; }

    /// <summary>No mention notifies anyone (bridged text must not ping @everyone).</summary>
    public static AllowedMentions None { get; } = new() { Parse = [] };
}

/// <summary>The <c>attachments</c> entry that names a file sent as <c>files[Id]</c>.</summary>
public sealed record AttachmentPart
{
    public long Id { get; init; }

    public string Filename { get; init; } = "";

    public string? Description { get; init; }
}

/// <summary>A file to upload with a message.</summary>
public sealed record FileUpload(string Filename, ReadOnlyMemory<byte> Content, string ContentType = "application/octet-stream",
    string? Description = null);

/// <summary>The body of a thread create (from a message or on its own).</summary>
public sealed record ThreadCreate
{
    public required string Name { get; init; }

    public int? AutoArchiveDuration { get; init; }

    /// <summary>Without a message: the thread's type (11 public, 12 private).</summary>
    public DiscordChannelType? Type { get; init; }
}
