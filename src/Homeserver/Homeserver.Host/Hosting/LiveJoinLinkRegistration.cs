using Homeserver.Services.Live.JoinLinks;
using Homeserver.Storage.Live;

namespace Homeserver.Host.Hosting;

/// <summary>Password rooms and invite links (docs/LIVE.md, "Access").</summary>
public static class LiveJoinLinkRegistration
{
    public static IServiceCollection AddLiveJoinLinks(this IServiceCollection services)
    {
        services.AddSingleton<IJoinPasswordStore, JoinPasswordStore>();
        services.AddSingleton<IInviteLinkStore, InviteLinkStore>();
        services.AddSingleton<LiveRoomInviters>();
        services.AddSingleton<JoinFailureLimits>();
        services.AddSingleton<JoinPasswordService>();
        services.AddSingleton<InviteLinkService>();
        services.AddSingleton<SecretJoinService>();
        return services;
    }
}
