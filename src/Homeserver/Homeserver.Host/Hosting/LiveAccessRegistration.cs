using Homeserver.Services.Live.Access;
using Homeserver.Storage.Live;

namespace Homeserver.Host.Hosting;

/// <summary>The live-event access features (docs/LIVE.md, "Access"): invite/DM blocking for artists while live.</summary>
internal static class LiveAccessRegistration
{
    public static IServiceCollection AddLiveAccess(this IServiceCollection services)
    {
        services.AddSingleton<IArtistScheduleReader, ArtistScheduleReader>();
        services.AddSingleton<ArtistInviteBlocking>();
        return services;
    }
}
