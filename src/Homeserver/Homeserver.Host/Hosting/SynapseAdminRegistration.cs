using Homeserver.Services.Admin;
using Homeserver.Services.Admin.Rooms;
using Homeserver.Storage.Admin;
using Homeserver.Storage.Admin.Rooms;

namespace Homeserver.Host.Hosting;

/// <summary>The services behind Synapse's admin API (<c>/_synapse/admin</c>): the audit log, users, registration by
/// shared secret.</summary>
public static class SynapseAdminRegistration
{
    public static IServiceCollection AddSynapseAdmin(this IServiceCollection services)
    {
        services.AddSingleton<IAdminAuditStore, AdminAuditStore>();
        services.AddSingleton<AdminAuditLog>();
        services.AddSingleton<IAdminRoomStore, AdminRoomStore>();
        services.AddSingleton<IRoomBlocklist, RoomBlocklistStore>();
        services.AddSingleton<IRoomPurgeStore, RoomPurgeStore>();
        services.AddSingleton<IAdminRoomJobStore, AdminRoomJobStore>();
        services.AddSingleton<AdminRoomJobs>();
        services.AddSingleton<AdminRoomService>();
        services.AddSingleton<RoomDeletionService>();
        services.AddSingleton<HistoryPurgeService>();
        return services;
    }
}
