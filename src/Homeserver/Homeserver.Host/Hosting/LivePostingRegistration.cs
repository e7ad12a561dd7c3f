using Homeserver.Services.Live.Posting;
using Homeserver.Services.Rooms;
using Homeserver.Storage.Live;
using Homeserver.Storage.Rooms;

namespace Homeserver.Host.Hosting;

/// <summary>The live rooms' posting rules (docs/LIVE.md): the policy the send path asks, timeouts, rules acceptance.</summary>
internal static class LivePostingRegistration
{
    public static IServiceCollection AddLivePosting(this IServiceCollection services)
    {
        // The writer's cached heads, read by the policy before an append without a database round trip.
        services.AddSingleton<IRoomHeadCache>(sp => (RoomEventWriter)sp.GetRequiredService<IRoomEventWriter>());
        services.AddSingleton<ILiveSlowModeStore, LiveSlowModeStore>();
        services.AddSingleton<LivePostingPolicy>();
        services.AddSingleton<LiveTimeoutService>();
        services.AddSingleton<LiveRulesAcceptance>();
        return services;
    }
}
