using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>A Discord thread as a Matrix thread in its parent channel's portal: the root event and the latest one.</summary>
public sealed record ThreadContext(string ThreadId, string RootEventId, string? LatestEventId);

/// <summary>
/// Discord threads (channel types 10-12) of linked channels as Matrix threads (spec: Threading, <c>m.thread</c>) in the
/// parent's portal. The root is the Matrix event of the thread's starter message (a thread started from a message has
/// that message's ID as its own), or else a notice "🧵 name" the bot posts once. THREAD_CREATE/UPDATE/DELETE and
/// GUILD_CREATE keep the thread table right; a message in a thread not seen yet is looked up once over REST.
/// </summary>
public sealed partial class DiscordThreads(
    ThreadStore threads,
    PortalStore portals,
    IMappingStore mappings,
    Intents intents,
    MatrixClient client,
    DiscordRestClient discord,
    ILogger<DiscordThreads> logger)
{
    /// <summary>Discord's error when a message already has a thread.</summary>
    public const int ThreadAlreadyExists = 160004;

    public const int MaxNameLength = 100;

    /// <summary>Channels looked up over REST: their parent when they are threads, null when they are not.</summary>
    private readonly ConcurrentDictionary<string, string?> _looked = new(StringComparer.Ordinal);

    /// <summary>The portal of the channel a thread belongs to; null when <paramref name="channelId"/> is no thread of a
    /// linked channel.</summary>
    public async Task<Portal?> PortalOfThreadAsync(Snowflake channelId, CancellationToken cancellationToken)
    {
        var id = channelId.ToString();
        if (await threads.ByIdAsync(id, cancellationToken) is { } known)
        {
            return await portals.ByChannelAsync(known.ChannelId, cancellationToken);
        }

        if (!_looked.TryGetValue(id, out var parent))
        {
            try
            {
                var channel = await discord.GetChannelAsync(channelId, cancellationToken);
                parent = channel.IsThread ? channel.ParentId?.ToString() : null;
                if (parent is not null && await portals.ByChannelAsync(parent, cancellationToken) is not null)
                {
                    await threads.UpsertAsync(id, parent, channel.Name, cancellationToken);
                }
            }
            catch (DiscordApiException e)
            {
                LogLookupFailed(logger, e, id);
                parent = null;
            }

            _looked[id] = parent;
        }

        return parent is null ? null : await portals.ByChannelAsync(parent, cancellationToken);
    }

    /// <summary>THREAD_CREATE/UPDATE/DELETE: records (or renames, or forgets) threads of linked channels.</summary>
    public async Task ThreadChangedAsync(ChannelDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var thread = dispatch.Channel;
        _looked.TryRemove(thread.Id.ToString(), out _);
        if (dispatch.Type == "THREAD_DELETE")
        {
            await threads.RemoveAsync(thread.Id.ToString(), cancellationToken);
            return;
        }

        await RecordAsync(thread, cancellationToken);
    }

    /// <summary>GUILD_CREATE: the guild's active threads of linked channels, which may have begun while the bridge was away.</summary>
    public async Task GuildThreadsAsync(DiscordGuild guild, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guild);
        foreach (var thread in guild.Threads ?? [])
        {
            await RecordAsync(thread, cancellationToken);
        }
    }

    /// <summary>The thread a Discord message of <paramref name="channelId"/> goes into in the portal, its root posted
    /// first when it has none; null when the message is in the portal's channel itself.</summary>
    public async Task<ThreadContext?> ContextAsync(Snowflake channelId, Portal portal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var threadId = channelId.ToString();
        if (threadId == portal.ChannelId)
        {
            return null;
        }

        var thread = await threads.ByIdAsync(threadId, cancellationToken);
        if (thread is null)
        {
            await threads.UpsertAsync(threadId, portal.ChannelId, null, cancellationToken);
            thread = new BridgedThread(threadId, portal.ChannelId, null, null, null);
        }

        if (thread.RootEventId is { } known)
        {
            return new ThreadContext(threadId, known, thread.LatestEventId);
        }

        // A thread started from a message has the message's ID; its Matrix event is the root.
        var root = await BridgedEventOfAsync(threadId, cancellationToken);
        if (root is null)
        {
            var notice = new JsonObject { ["msgtype"] = "m.notice", ["body"] = "🧵 " + (thread.Name ?? "Thread") };
            root = await intents.Bot.SendMessageAsync(portal.RoomId, notice,
                new SendOptions(TransactionIds.Stable("discord", "thread", threadId)), cancellationToken);
        }

        if (!await threads.TrySetRootAsync(threadId, root, cancellationToken) &&
            (await threads.ByIdAsync(threadId, cancellationToken))?.RootEventId is { } raced)
        {
            root = raced;
        }

        return new ThreadContext(threadId, root, thread.LatestEventId);
    }

    /// <summary>The <c>m.relates_to</c> of a message: in a thread an <c>m.thread</c> relation whose reply fallback
    /// points at the thread's latest event (<c>is_falling_back</c>) unless it is a real reply; else a plain reply.</summary>
    public static void Relate(JsonObject content, ThreadContext? thread, string? replyTo)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (thread is null)
        {
            if (replyTo is not null)
            {
                content["m.relates_to"] = new JsonObject { ["m.in_reply_to"] = new JsonObject { ["event_id"] = replyTo } };
            }

            return;
        }

        content["m.relates_to"] = new JsonObject
        {
            ["rel_type"] = "m.thread",
            ["event_id"] = thread.RootEventId,
            ["is_falling_back"] = replyTo is null,
            ["m.in_reply_to"] = new JsonObject { ["event_id"] = replyTo ?? thread.LatestEventId ?? thread.RootEventId },
        };
    }

    /// <summary>Records that Discord message <paramref name="messageId"/> is in the thread and became
    /// <paramref name="eventId"/>, now the thread's latest event.</summary>
    public async Task<ThreadContext> NoteSentAsync(ThreadContext thread, string messageId, string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thread);
        await threads.AddMessageAsync(messageId, thread.ThreadId, cancellationToken);
        await threads.SetLatestAsync(thread.ThreadId, eventId, cancellationToken);
        if (Snowflake.TryParse(messageId, out var id))
        {
            await threads.NoteBridgedAsync(thread.ThreadId, (long)id.Value, cancellationToken);
        }

        return thread with { LatestEventId = eventId };
    }

    /// <summary>The thread a Discord message lives in, or null (its channel itself).</summary>
    public async Task<Snowflake?> ThreadOfMessageAsync(string messageId, CancellationToken cancellationToken) =>
        Snowflake.TryParse(await threads.ThreadOfMessageAsync(messageId, cancellationToken), out var id) ? id : null;

    /// <summary>
    /// Matrix -&gt; Discord: the Discord thread a Matrix thread with root <paramref name="rootEventId"/> goes to, made
    /// from the root's Discord message when it has none yet (named after the root's text); null when the root is no
    /// bridged message (the message then goes to the channel itself).
    /// </summary>
    public async Task<Snowflake?> DiscordThreadForRootAsync(Portal portal, string rootEventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        if (await threads.ByRootAsync(rootEventId, cancellationToken) is { } known && known.ChannelId == portal.ChannelId)
        {
            return Snowflake.Parse(known.ThreadId);
        }

        var mapping = await mappings.FindByMatrixAsync(BridgeKinds.Relayed, rootEventId, cancellationToken) ??
                      await mappings.FindByMatrixAsync(BridgeKinds.Message, rootEventId, cancellationToken);
        if (mapping is null || !Snowflake.TryParse(mapping.RemoteId, out var messageId))
        {
            return null;
        }

        if (await threads.ThreadOfMessageAsync(mapping.RemoteId, cancellationToken) is { } inThread)
        {
            // The root is itself in a Discord thread: Discord threads do not nest, so the reply goes there.
            return Snowflake.Parse(inThread);
        }

        Snowflake threadId;
        var name = await ThreadNameAsync(portal.RoomId, rootEventId, cancellationToken);
        try
        {
            threadId = (await discord.StartThreadFromMessageAsync(Snowflake.Parse(portal.ChannelId), messageId,
                new ThreadCreate { Name = name, AutoArchiveDuration = 1440 }, cancellationToken)).Id;
        }
        catch (DiscordApiException e) when (e.Code == ThreadAlreadyExists)
        {
            threadId = messageId;
        }

        await threads.UpsertAsync(threadId.ToString(), portal.ChannelId, name, cancellationToken);
        await threads.TrySetRootAsync(threadId.ToString(), rootEventId, cancellationToken);
        return threadId;
    }

    /// <summary>Records that a message relayed into a Discord thread became that thread's latest event.</summary>
    public async Task NoteRelayedAsync(Snowflake threadId, string messageId, string eventId, CancellationToken cancellationToken)
    {
        await threads.AddMessageAsync(messageId, threadId.ToString(), cancellationToken);
        await threads.SetLatestAsync(threadId.ToString(), eventId, cancellationToken);
    }

    /// <summary>A thread name from the root's text: its first line, at most 100 characters ("Thread" when empty).</summary>
    public static string NameFrom(string? text)
    {
        var line = (text ?? "").Split('\n', 2)[0].Trim();
        if (line.Length > MaxNameLength)
        {
            line = char.IsHighSurrogate(line[MaxNameLength - 2]) ? line[..(MaxNameLength - 2)] + "…" : line[..(MaxNameLength - 1)] + "…";
        }

        return line.Length == 0 ? "Thread" : line;
    }

    private async Task RecordAsync(DiscordChannel thread, CancellationToken cancellationToken)
    {
        if (thread.IsThread && thread.ParentId is { } parent &&
            await portals.ByChannelAsync(parent.ToString(), cancellationToken) is not null)
        {
            await threads.UpsertAsync(thread.Id.ToString(), parent.ToString(), thread.Name, cancellationToken);
        }
    }

    private async Task<string?> BridgedEventOfAsync(string messageId, CancellationToken cancellationToken) =>
        (await mappings.FindByRemoteAsync(BridgeKinds.Message, messageId, cancellationToken)) is [var first, ..]
            ? first.MatrixId
            : (await mappings.FindByRemoteAsync(BridgeKinds.Relayed, messageId, cancellationToken)) is [var relayed, ..]
                ? relayed.MatrixId
                : null;

    /// <summary>The root's body (spec: GET /rooms/{roomId}/event/{eventId}) as a thread name.</summary>
    private async Task<string> ThreadNameAsync(string roomId, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var root = await client.SendJsonAsync(HttpMethod.Get,
                $"/_matrix/client/v3/rooms/{MatrixClient.Segment(roomId)}/event/{MatrixClient.Segment(eventId)}", null, null, null,
                cancellationToken);
            return NameFrom(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("content", out var content) &&
                            content.ValueKind == JsonValueKind.Object && content.TryGetProperty("body", out var body) &&
                            body.ValueKind == JsonValueKind.String
                ? body.GetString()
                : null);
        }
        catch (MatrixApiException)
        {
            return NameFrom(null);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not look up Discord channel {ChannelId}")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, string channelId);
}
