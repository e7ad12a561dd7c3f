using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>Telling every <see cref="IDeviceListObserver"/>, after the change is committed.</summary>
internal static class DeviceListObservers
{
    public static async Task NotifyAsync(this IEnumerable<IDeviceListObserver> observers, UserId userId,
        CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.OnDevicesChangedAsync(userId, cancellationToken);
        }
    }
}
