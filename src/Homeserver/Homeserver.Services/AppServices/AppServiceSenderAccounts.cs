using Homeserver.Core.AppServices;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.AppServices;

/// <summary>
/// Makes sure each appservice's sender (<c>sender_localpart</c>) exists as a user before the server serves requests,
/// so that the appservice can join rooms, set a profile and be invited as itself from its first request.
/// </summary>
public sealed class AppServiceSenderAccounts(AppServiceRegistry registry, IAccountStore accounts, TimeProvider time)
{
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        foreach (var registration in registry.All)
        {
            await EnsureAsync(registration, cancellationToken);
        }
    }

    /// <summary>The sender's account, made now if missing.</summary>
    public async Task<UserAccount> EnsureAsync(AppServiceRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (await accounts.GetUserAsync(registration.Sender, cancellationToken) is { } existing)
        {
            return existing;
        }

        // Another process or request may create it first (UserInUse): either way it exists afterwards.
        await accounts.RegisterAsync(
            new NewAccount(registration.Sender, PasswordHash: null, IsAdmin: false, IsGuest: false,
                DisplayName: registration.Sender.Localpart),
            session: null, registrationToken: null, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return await accounts.GetUserAsync(registration.Sender, cancellationToken)
               ?? throw new InvalidOperationException($"The account of {registration.Sender} was not made");
    }
}
