using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Keys;

/// <summary>The end-to-end encryption endpoints: to-device messages, device and cross-signing keys,
/// key backups, dehydrated devices.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        app.MapToDevice();
        app.MapDeviceKeys();
        app.MapCrossSigning();
        app.MapKeyBackup();
        app.MapDehydratedDevices();
        return app;
    }
}
