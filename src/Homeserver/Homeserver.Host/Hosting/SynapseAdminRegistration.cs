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
        services.AddSingleton<AdminTargets>();
        services.AddSingleton<IRegistrationNonceStore, RegistrationNonceStore>();
        services.AddSingleton<SharedSecretRegistration>();
        services.AddSingleton<IAdminUserStore, AdminUserStore>();
        services.AddSingleton<AdminAccountActions>();
        services.AddSingleton<AdminUserService>();
        services.AddSingleton<AdminDeviceService>();
        services.AddSingleton<IRateLimitOverrideStore, RateLimitOverrideStore>();
        services.AddSingleton<RateLimitOverrides>();
        services.AddSingleton<AdminRateLimitService>();
        services.AddSingleton<IRegistrationTokenAdminStore, Homeserver.Storage.Accounts.RegistrationTokenStore>();
        services.AddSingleton<RegistrationTokenAdmin>();
        services.AddSingleton<IEventReportAdminStore, Homeserver.Storage.Rooms.ReportStore>();
        services.AddSingleton<EventReportAdmin>();
        services.AddSingleton<IServerNoticeRooms, ServerNoticeRoomReader>();
        services.AddSingleton<ServerNoticeService>();
        services.AddSingleton<IAdminRoomStore, AdminRoomStore>();
        services.AddSingleton<IRoomBlocklist, RoomBlocklistStore>();
        services.AddSingleton<IRoomPurgeStore, RoomPurgeStore>();
        services.AddSingleton<IAdminRoomJobStore, AdminRoomJobStore>();
        services.AddSingleton<AdminRoomJobs>();
        services.AddSingleton<AdminRoomService>();
        services.AddSingleton<RoomDeletionService>();
        services.AddSingleton<HistoryPurgeService>();
        services.AddSingleton<Homeserver.Services.Admin.Export.UserRoomExport>();
        services.AddSingleton<Homeserver.Services.Admin.Export.UserDataExport>();
        return services;
    }
}
