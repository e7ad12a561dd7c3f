using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.OAuth;

/// <summary>
/// The authorisation code flow in the browser (spec "Authorisation code flow"): checks the authorisation request,
/// signs the browser in with an existing account's password, and on consent redirects back with a single-use code.
/// </summary>
public sealed class OAuthAuthorizationService(
    IOAuthClientStore clients,
    IAuthorizationRequestStore requests,
    IBrowserSessionStore browserSessions,
    IAccountStore accounts,
    LoginService logins,
    TimeProvider time)
{
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public const string CodePrefix = "moc_";
    private const int MaxStateLength = 2000;

    /// <summary>GET on the authorization endpoint with its query parameters (each at most once).</summary>
    public async Task<AuthorizationOutcome> StartAsync(IReadOnlyDictionary<string, string> query, BrowserSession session,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(session);
        var clientId = query.GetValueOrDefault("client_id");
        var client = string.IsNullOrEmpty(clientId) ? null : await clients.GetAsync(clientId, cancellationToken);
        if (client is null)
        {
            return new AuthorizationOutcome.ErrorPage("The application that sent you here is not registered with this server.");
        }

        var redirectUri = query.GetValueOrDefault("redirect_uri");
        if (RedirectUris.Match(client.Metadata.RedirectUris, client.Metadata.Native, redirectUri) is null)
        {
            return new AuthorizationOutcome.ErrorPage("The application asked to return to an address it did not register.");
        }

        var state = query.GetValueOrDefault("state");
        var responseMode = query.GetValueOrDefault("response_mode") ?? CallbackUrl.Query;
        if (responseMode is not (CallbackUrl.Query or CallbackUrl.Fragment))
        {
            return Fail(redirectUri!, CallbackUrl.Query, state, OAuthException.InvalidRequest, "response_mode must be query or fragment");
        }

        var problem = RequestProblem(query, client, state);
        if (problem is not null)
        {
            return Fail(redirectUri!, responseMode, state, problem.Value.Error, problem.Value.Description);
        }

        var scope = OAuthScope.Parse(query.GetValueOrDefault("scope"), out var scopeProblem);
        if (scope is null)
        {
            return Fail(redirectUri!, responseMode, state, OAuthException.InvalidScope, scopeProblem);
        }

        var now = time.GetUtcNow();
        var request = new AuthorizationRequest(Tokens.NewSessionId(), client.ClientId, redirectUri!, scope.ToString(),
            scope.DeviceId, state, responseMode, query["code_challenge"], session.SessionHash,
            (now + RequestLifetime).ToUnixTimeMilliseconds(), null);
        await requests.AddAsync(request, now.ToUnixTimeMilliseconds(), cancellationToken);
        return new AuthorizationOutcome.Page(request, client, session.UserId);
    }

    /// <summary>Shows the request again (after signing in or out): the login or the consent page.</summary>
    public async Task<AuthorizationOutcome> ResumeAsync(string? requestId, BrowserSession session,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var found = await FindAsync(requestId, session, cancellationToken);
        return found is { } f ? new AuthorizationOutcome.Page(f.Request, f.Client, session.UserId) : Expired;
    }

    /// <summary>The login form: signs the browser in when the password is right, else the login page again with why.</summary>
    public async Task<AuthorizationOutcome> LogInAsync(string? requestId, BrowserSession session, string? user,
        string? password, string clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (await FindAsync(requestId, session, cancellationToken) is not { } found)
        {
            return Expired;
        }

        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrEmpty(password))
        {
            return new AuthorizationOutcome.Page(found.Request, found.Client, null, "Enter your username and password.");
        }

        UserId userId;
        try
        {
            userId = await logins.VerifyPasswordAsync(user.Trim(), password, clientAddress, cancellationToken);
        }
        catch (MatrixException e) when (e.Code == ErrorCode.LimitExceeded)
        {
            return new AuthorizationOutcome.Page(found.Request, found.Client, null, "Too many attempts; wait a little and try again.");
        }
        catch (MatrixException e) when (e.Code == ErrorCode.UserDeactivated)
        {
            return new AuthorizationOutcome.Page(found.Request, found.Client, null, "This account has been deactivated.");
        }
        catch (MatrixException)
        {
            return new AuthorizationOutcome.Page(found.Request, found.Client, null, "Wrong username or password.");
        }

        await browserSessions.SetUserAsync(session.SessionHash, userId, cancellationToken);
        return new AuthorizationOutcome.Page(found.Request, found.Client, userId);
    }

    public async Task<AuthorizationOutcome> LogOutAsync(string? requestId, BrowserSession session,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await browserSessions.SetUserAsync(session.SessionHash, null, cancellationToken);
        return await ResumeAsync(requestId, session with { UserId = null }, cancellationToken);
    }

    /// <summary>The consent form: back to the client with a code (allowed) or <c>access_denied</c>.</summary>
    public async Task<AuthorizationOutcome> DecideAsync(string? requestId, BrowserSession session, bool allow,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (await FindAsync(requestId, session, cancellationToken) is not { } found)
        {
            return Expired;
        }

        var request = found.Request;
        if (!allow)
        {
            return Fail(request.RedirectUri, request.ResponseMode, request.State, "access_denied", "The user declined the request");
        }

        if (session.UserId is not { } userId)
        {
            return new AuthorizationOutcome.Page(request, found.Client, null, "Sign in first.");
        }

        var account = await accounts.GetUserAsync(userId, cancellationToken);
        if (account is not { Deactivated: false })
        {
            return new AuthorizationOutcome.ErrorPage("This account has been deactivated.");
        }

        var code = Tokens.New(CodePrefix);
        var now = time.GetUtcNow();
        if (!await requests.SetCodeAsync(request.RequestId, userId, Tokens.Hash(code),
                (now + CodeLifetime).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), cancellationToken))
        {
            return new AuthorizationOutcome.ErrorPage("This sign-in request was already answered. Start again from the application.");
        }

        return new AuthorizationOutcome.Redirect(CallbackUrl.Build(request.RedirectUri, request.ResponseMode,
            [new("code", code), new("state", request.State)]));
    }

    private static readonly AuthorizationOutcome Expired =
        new AuthorizationOutcome.ErrorPage("This sign-in request has expired or belongs to another browser. Start again from the application.");

    private static (string Error, string Description)? RequestProblem(IReadOnlyDictionary<string, string> query,
        OAuthClient client, string? state)
    {
        if (state is { Length: > MaxStateLength })
        {
            return (OAuthException.InvalidRequest, "state is too long");
        }

        if (query.GetValueOrDefault("response_type") != "code")
        {
            return ("unsupported_response_type", "Only response_type=code is supported");
        }

        if (!client.Metadata.Allows(OAuthClientMetadata.AuthorizationCode))
        {
            return ("unauthorized_client", "The client did not register the authorization_code grant");
        }

        if (query.GetValueOrDefault("code_challenge_method") != Pkce.S256)
        {
            return (OAuthException.InvalidRequest, "PKCE is required, with code_challenge_method=S256");
        }

        return Pkce.IsWellFormed(query.GetValueOrDefault("code_challenge"))
            ? null
            : (OAuthException.InvalidRequest, "code_challenge must be 43 to 128 characters of base64url");
    }

    private static AuthorizationOutcome.Redirect Fail(string redirectUri, string responseMode, string? state,
        string error, string description) =>
        new(CallbackUrl.Error(redirectUri, responseMode, state, error, description));

    // A request is only usable from the browser session that opened it.
    private async Task<(AuthorizationRequest Request, OAuthClient Client)?> FindAsync(string? requestId,
        BrowserSession session, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(requestId) || requestId.Length > 64)
        {
            return null;
        }

        var request = await requests.GetAsync(requestId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        if (request is null || !request.SessionHash.AsSpan().SequenceEqual(session.SessionHash))
        {
            return null;
        }

        var client = await clients.GetAsync(request.ClientId, cancellationToken);
        return client is null ? null : (request, client);
    }
}
