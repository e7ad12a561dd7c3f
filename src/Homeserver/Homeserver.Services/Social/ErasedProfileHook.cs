using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Social;

/// <summary>
/// Erasure clears the display name and avatar (the account store empties the profile in the deactivation's
/// transaction); this carries the emptied profile into the member events of the rooms the user is still in, as
/// Synapse's deactivation sets them to nothing "by admin", so that new members do not read them from room state.
/// </summary>
public sealed class ErasedProfileHook(IEnumerable<IProfileChangeObserver> observers) : IAccountDeactivationHook
{
    public Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken)
    {
        if (erase)
        {
            foreach (var observer in observers)
            {
                observer.OnProfileChanged(userId);
            }
        }

        return Task.CompletedTask;
    }
}
