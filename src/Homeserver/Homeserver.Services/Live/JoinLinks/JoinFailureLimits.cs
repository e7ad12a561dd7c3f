using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Live.JoinLinks;

/// <summary>
/// The brake on guessing join passwords and link tokens: wrong secrets per client address (the failed-password
/// limit, <c>RateLimits:FailedPassword</c>) and per room (ten times that, so guesses spread over many addresses are
/// slowed too, while one address cannot lock a room's password out for everyone at once). A token is taken before the
/// secret is checked, so concurrent guesses all count, and given back when it was right: only failures are limited,
/// and a venue's visitors behind one address joining with the right password are not.
/// </summary>
public sealed class JoinFailureLimits(HomeserverSettings settings, TimeProvider time)
{
    private const int RoomFactor = 10;

    private readonly RateLimiter _byAddress = new(settings.RateLimits.FailedPassword, settings.RateLimits.Enabled, time);

    private readonly RateLimiter _byRoom = new(
        new RateLimit(settings.RateLimits.FailedPassword.PerSecond * RoomFactor,
            settings.RateLimits.FailedPassword.Burst * RoomFactor),
        settings.RateLimits.Enabled, time);

    /// <summary>Takes an attempt for the address and the room, or throws 429 M_LIMIT_EXCEEDED with the wait.</summary>
    public void Take(string clientAddress, string roomId)
    {
        if (!_byAddress.TryAcquire(clientAddress, out var wait))
        {
            throw MatrixException.LimitExceeded(wait);
        }

        if (!_byRoom.TryAcquire(roomId, out wait))
        {
            _byAddress.Release(clientAddress);
            throw MatrixException.LimitExceeded(wait);
        }
    }

    /// <summary>The attempt was not a failure: it costs nothing.</summary>
    public void GiveBack(string clientAddress, string roomId)
    {
        _byAddress.Release(clientAddress);
        _byRoom.Release(roomId);
    }
}
