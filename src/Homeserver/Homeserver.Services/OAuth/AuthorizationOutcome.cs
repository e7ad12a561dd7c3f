namespace Homeserver.Services.OAuth;

/// <summary>What the browser gets from a step of the authorisation flow.</summary>
public abstract record AuthorizationOutcome
{
    /// <summary>The request cannot be trusted to redirect (unknown client, unregistered redirect URI, expired or
    /// foreign request): an error page in the browser, never a redirect (RFC 6749 section 4.1.2.1).</summary>
    public sealed record ErrorPage(string Message) : AuthorizationOutcome;

    /// <summary>Back to the client: its redirect URI with a code or an error, and the state.</summary>
    public sealed record Redirect(string Url) : AuthorizationOutcome;

    /// <summary>The login page, or the consent page when the browser is signed in.</summary>
    public sealed record Page(AuthorizationRequest Request, OAuthClient Client, Homeserver.Core.Identifiers.UserId? SignedInAs,
        string? Error = null) : AuthorizationOutcome;
}
