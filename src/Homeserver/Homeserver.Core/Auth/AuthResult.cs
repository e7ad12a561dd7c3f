namespace Homeserver.Core.Auth;

/// <summary>The outcome of the authorization rules: allowed or rejected, with the rule's reason.</summary>
public readonly record struct AuthResult(bool IsAllowed, string Reason)
{
    public static AuthResult Allow(string reason) => new(true, reason);

    public static AuthResult Reject(string reason) => new(false, reason);

    public override string ToString() => (IsAllowed ? "allowed: " : "rejected: ") + Reason;
}
