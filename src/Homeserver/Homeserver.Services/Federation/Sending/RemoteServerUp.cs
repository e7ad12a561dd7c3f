using System.Collections.Concurrent;
using System.Text;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Federation.Sending;

/// <summary>
/// A request signed by another server shows it is up (Synapse's <c>authenticate_request</c>): its back-off ends, which
/// wakes its queue (<see cref="DestinationBackoff.Recovered"/>), so a server back from downtime is caught up at once
/// instead of after the rest of its back-off. Other processes (whose back-off for it is their own) are told on
/// <see cref="Channel"/>, at most once per <see cref="PublishInterval"/> per server: a server that talks to us keeps
/// telling them, and a busy one does not cost a message per request.
/// </summary>
public sealed class RemoteServerUp(DestinationBackoff backoff, ISharedStore shared, TimeProvider time)
{
    public const string Channel = "federation.up";

    public static readonly TimeSpan PublishInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<ServerName, DateTimeOffset> _published = new();

    /// <summary>An authenticated request from <paramref name="origin"/> arrived.</summary>
    public async ValueTask SeenAsync(ServerName origin, CancellationToken cancellationToken)
    {
        backoff.RecordSuccess(origin);
        if (!shared.IsShared)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_published.TryGetValue(origin, out var last) && now - last < PublishInterval)
        {
            return;
        }

        _published[origin] = now;
        await shared.PublishAsync(Channel, Encoding.UTF8.GetBytes(origin.Value), cancellationToken);
    }

    /// <summary>A message of <see cref="Channel"/>: another process heard from the server.</summary>
    public void OnUpMessage(ReadOnlyMemory<byte> message)
    {
        if (ServerName.TryParse(Encoding.UTF8.GetString(message.Span), out var origin, out _))
        {
            backoff.RecordSuccess(origin);
        }
    }
}
