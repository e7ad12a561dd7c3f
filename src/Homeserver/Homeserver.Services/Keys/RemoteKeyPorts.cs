using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Keys;

/// <summary>
/// Device and cross-signing keys of users on other servers (federation's <c>/user/keys/query</c> and
/// <c>/user/keys/claim</c>). Registered by federation; without it, other servers are reported in <c>failures</c>.
/// Each call throws <see cref="RemoteKeyException"/> when the server gave no usable answer.
/// </summary>
public interface IRemoteKeyQueries
{
    /// <param name="deviceKeys">The request's <c>device_keys</c> for this server's users.</param>
    /// <returns>The server's answer (<c>device_keys</c>, <c>master_keys</c>, <c>self_signing_keys</c>).</returns>
    Task<JsonObject> QueryAsync(ServerName server, JsonObject deviceKeys, TimeSpan timeout,
        CancellationToken cancellationToken);

    /// <param name="oneTimeKeys">The request's <c>one_time_keys</c> for this server's users.</param>
    /// <returns>The server's answer (<c>one_time_keys</c>).</returns>
    Task<JsonObject> ClaimAsync(ServerName server, JsonObject oneTimeKeys, TimeSpan timeout,
        CancellationToken cancellationToken);
}

/// <summary>A server that could not answer a key request: what <c>failures</c> says of it.</summary>
public sealed class RemoteKeyException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}
