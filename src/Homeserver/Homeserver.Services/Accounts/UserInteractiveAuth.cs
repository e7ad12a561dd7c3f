using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Accounts;

/// <summary>
/// The user-interactive authentication API: sessions that remember completed stages across requests,
/// flows completed in order, and the stages this server offers (dummy, password, registration token).
/// </summary>
public sealed class UserInteractiveAuth(
    IUiaSessionStore sessions,
    IAccountStore accounts,
    IRegistrationTokenStore registrationTokens,
    PasswordCheck passwords,
    RateLimiterSet rateLimiters,
    HomeserverSettings settings,
    TimeProvider time)
{
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(24);

    /// <summary>The request whose <c>auth</c> is being checked.</summary>
    /// <param name="ClientAddress">For the per-address limit of password stages.</param>
    public sealed record Request(JsonElement Body, string Method, string Path, Requester? Requester,
        string ClientAddress = "unknown");

    /// <summary>
    /// Returns the completed session (the request may proceed; the session is spent), or throws a
    /// <see cref="UiaChallengeException"/> (401) or a <see cref="MatrixException"/>.
    /// </summary>
    public async Task<UiaSession> AuthenticateAsync(IReadOnlyList<UiaFlow> flows, Request request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!request.Body.TryGetProperty("auth", out var auth) || auth.ValueKind != JsonValueKind.Object)
        {
            var fresh = await StartSessionAsync(request, now, cancellationToken);
            throw new UiaChallengeException(flows, fresh.SessionId, []);
        }

        RejectGuessWhileLimited(auth, request);
        var session = await LoadOrStartSessionAsync(auth, request, now, cancellationToken);
        var completed = session.Completed.ToList();
        var registrationToken = session.RegistrationToken;
        if (auth.TryGetProperty("type", out var typeElement) &&
            typeElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw new MatrixException(ErrorCode.BadJson, "auth.type must be a string");
        }

        if (typeElement.ValueKind == JsonValueKind.String && typeElement.GetString() is { } type &&
            !completed.Contains(type))
        {
            if (!flows.Any(f => IsNextStage(f, completed, type)))
            {
                throw new UiaChallengeException(flows, session.SessionId, completed, ErrorCode.Forbidden,
                    $"'{type}' is not the next stage of any offered flow");
            }

            var failure = await TryStageAsync(type, auth, request, cancellationToken);
            if (failure is not null)
            {
                throw new UiaChallengeException(flows, session.SessionId, completed, failure.Value.Code,
                    failure.Value.Message);
            }

            if (type == UiaStages.RegistrationToken)
            {
                registrationToken = auth.GetProperty("token").GetString();
            }

            completed.Add(type);
            await sessions.AddCompletedStageAsync(session.SessionId, type, registrationToken, cancellationToken);
        }

        if (!flows.Any(f => f.Stages.All(completed.Contains)))
        {
            throw new UiaChallengeException(flows, session.SessionId, completed);
        }

        await sessions.DeleteAsync(session.SessionId, cancellationToken);
        return session with { Completed = completed, RegistrationToken = registrationToken };
    }

    /// <summary>
    /// Completes the <c>m.oauth</c> stage of <paramref name="sessionId"/> once its user approved it in the browser
    /// (signed in there as that user); the client then retries with just the session.
    /// </summary>
    /// <returns>False when the session is unknown, expired, another user's, or not one for <paramref name="pathSuffix"/>.</returns>
    public async Task<bool> CompleteOAuthStageAsync(string sessionId, Homeserver.Core.Identifiers.UserId userId,
        string pathSuffix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var session = await sessions.GetAsync(sessionId, cancellationToken);
        if (session is null || session.UserId != userId || !session.Path.EndsWith(pathSuffix, StringComparison.Ordinal) ||
            session.CreatedTs + (long)SessionLifetime.TotalMilliseconds < time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return false;
        }

        await sessions.AddCompletedStageAsync(sessionId, UiaStages.OAuth, null, cancellationToken);
        return true;
    }

    // A password guess that would be refused anyway is refused before it costs a session write or a database read.
    private void RejectGuessWhileLimited(JsonElement auth, Request request)
    {
        if (!auth.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String ||
            type.GetString() != UiaStages.Password)
        {
            return;
        }

        rateLimiters.PasswordStageByAddress.ThrowIfExhausted(request.ClientAddress);
        if (LoginIdentifier.ResolveUser(auth, settings.ServerName) is { } userId &&
            (request.Requester is null || request.Requester.UserId == userId))
        {
            passwords.ThrowIfLocked(userId);
        }
    }

    private static bool IsNextStage(UiaFlow flow, List<string> completed, string type)
    {
        var done = flow.Stages.TakeWhile(completed.Contains).Count();
        return done < flow.Stages.Count && flow.Stages[done] == type;
    }

    private async Task<UiaSession> StartSessionAsync(Request request, long now, CancellationToken cancellationToken)
    {
        var session = new UiaSession(Tokens.NewSessionId(), request.Method, request.Path, request.Requester?.UserId,
            [], null, now);
        await sessions.CreateAsync(session, cancellationToken);
        return session;
    }

    private async Task<UiaSession> LoadOrStartSessionAsync(JsonElement auth, Request request, long now,
        CancellationToken cancellationToken)
    {
        if (!auth.TryGetProperty("session", out var sessionElement) || sessionElement.ValueKind != JsonValueKind.String)
        {
            return await StartSessionAsync(request, now, cancellationToken);
        }

        var session = await sessions.GetAsync(sessionElement.GetString()!, cancellationToken);
        if (session is null || session.CreatedTs + (long)SessionLifetime.TotalMilliseconds < now)
        {
            throw new MatrixException(ErrorCode.Unknown, "Unknown or expired user-interactive auth session", 400);
        }

        // A session authorises the one operation it was started for, for the one user who started it.
        if (session.Method != request.Method || session.Path != request.Path ||
            session.UserId != request.Requester?.UserId)
        {
            throw new MatrixException(ErrorCode.Forbidden,
                "Requested operation has changed during the user-interactive authentication session");
        }

        return session;
    }

    private async Task<(ErrorCode Code, string Message)?> TryStageAsync(string type, JsonElement auth, Request request,
        CancellationToken cancellationToken)
    {
        switch (type)
        {
            case UiaStages.Dummy:
                return null;
            case UiaStages.Password:
                return await TryPasswordAsync(auth, request, cancellationToken);
            case UiaStages.RegistrationToken:
                var token = auth.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()!
                    : null;
                var stored = token is null ? null : await registrationTokens.GetAsync(token, cancellationToken);
                return stored is not null && stored.IsValidAt(time.GetUtcNow().ToUnixTimeMilliseconds())
                    ? null
                    : (ErrorCode.Forbidden, "Invalid registration token");
            case UiaStages.OAuth:
                return (ErrorCode.Forbidden, "Approve the action in the account management page, then retry with the session");
            default:
                return (ErrorCode.Unrecognized, $"Unknown auth type '{type}'");
        }
    }

    private async Task<(ErrorCode, string)?> TryPasswordAsync(JsonElement auth, Request request,
        CancellationToken cancellationToken)
    {
        var requester = request.Requester;
        var password = auth.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()!
            : null;
        var userId = LoginIdentifier.ResolveUser(auth, settings.ServerName);
        if (password is null || userId is null)
        {
            return (ErrorCode.BadJson, "m.login.password needs an m.id.user identifier and a password");
        }

        if (requester is not null && userId.Value != requester.UserId)
        {
            return (ErrorCode.Forbidden, "The identifier is not the authenticated user");
        }

        rateLimiters.PasswordStageByAddress.Acquire(request.ClientAddress);
        var account = await accounts.GetUserAsync(userId.Value, cancellationToken);
        if (!await passwords.VerifyAsync(userId.Value, password, account?.PasswordHash, cancellationToken))
        {
            return (ErrorCode.Forbidden, "Invalid password");
        }

        return null;
    }
}
