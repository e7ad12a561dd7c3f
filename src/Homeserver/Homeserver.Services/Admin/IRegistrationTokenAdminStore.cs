using Homeserver.Services.Accounts;

namespace Homeserver.Services.Admin;

/// <summary>What the admin API does with registration tokens beyond the registration flow's reads.</summary>
public interface IRegistrationTokenAdminStore
{
    /// <param name="valid">Null: every token; true: those still usable at <paramref name="nowTs"/>; false: the
    /// others (expired, or every use taken by completed and pending registrations).</param>
    Task<IReadOnlyList<RegistrationToken>> ListAsync(bool? valid, long nowTs, CancellationToken cancellationToken);

    /// <summary>False when the token exists already.</summary>
    Task<bool> TryCreateAsync(RegistrationToken token, long nowTs, CancellationToken cancellationToken);

    /// <summary>Changes the fields given (a <c>Set</c> flag per field: null is a value here); null when the token is
    /// unknown.</summary>
    Task<RegistrationToken?> UpdateAsync(string token, RegistrationTokenChange change,
        CancellationToken cancellationToken);

    /// <summary>False when the token is unknown.</summary>
    Task<bool> DeleteAsync(string token, CancellationToken cancellationToken);
}

public sealed record RegistrationTokenChange(bool SetUsesAllowed, int? UsesAllowed, bool SetExpiryTs, long? ExpiryTs);
