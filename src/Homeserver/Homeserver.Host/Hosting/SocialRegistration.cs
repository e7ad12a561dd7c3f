using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Directory;
using Homeserver.Services.Social;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.Social;

namespace Homeserver.Host.Hosting;

/// <summary>The services of users finding each other: profiles in rooms, user directory, mutual rooms, room summaries,
/// tags, OpenID tokens.</summary>
public static class SocialRegistration
{
    public static IServiceCollection AddSocial(this IServiceCollection services)
    {
        services.AddSingleton<ISharedRoomsReader, SharedRoomsReader>();
        services.AddSingleton<ProfileLookupRule>();
        services.AddSingleton(ProfilePropagationOptions.Default);
        services.AddSingleton<ProfilePropagation>();
        services.AddSingleton<IProfileChangeObserver>(sp => sp.GetRequiredService<ProfilePropagation>());
        services.AddSingleton<IAccountDeactivationHook, ErasedProfileHook>();
        services.AddSingleton<IAccountDeactivationHook, DeactivationDeparture>(); // after the profile is emptied
        services.AddSingleton<IUserDirectoryStore, UserDirectoryStore>();
        services.AddSingleton<UserDirectoryService>();
        services.AddSingleton<MutualRoomsService>();
        services.AddSingleton<RoomSummaryService>();
        services.AddSingleton<RoomTagService>();
        services.AddSingleton<IOpenIdTokenStore, OpenIdTokenStore>();
        services.AddSingleton<OpenIdTokenService>();
        return services;
    }
}
