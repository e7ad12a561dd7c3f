using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>What the auth rules need from outside Core.</summary>
public sealed class AuthOptions
{
    public static readonly AuthOptions Default = new();

    /// <summary>
    /// Whether the event is validly signed by a server (for <c>join_authorised_via_users_server</c>).
    /// Signatures are verified on receipt of a PDU, so by default the rule checks that the server's
    /// signature is present, as other homeservers do; callers may plug in a full verification.
    /// </summary>
    public Func<Pdu, string, bool> IsSignedByServer { get; init; } = HasSignatureFrom;

    private static bool HasSignatureFrom(Pdu pdu, string serverName) =>
        pdu.Json.TryGetProperty("signatures", out var signatures) &&
        signatures.ValueKind == System.Text.Json.JsonValueKind.Object &&
        signatures.TryGetProperty(serverName, out _);
}
