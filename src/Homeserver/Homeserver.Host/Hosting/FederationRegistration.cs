using Homeserver.Services.Configuration;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Sending;
using Homeserver.Services.Shared;
using Homeserver.Services.Streams;
using Homeserver.Services.Federation.Keys;
using Homeserver.Storage.Federation;

namespace Homeserver.Host.Hosting;

/// <summary>The services of the federation listener: server keys (ours, other servers' fetched over the federation
/// client, the notary), X-Matrix on both sides, the outbound queue.</summary>
public static class FederationRegistration
{
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.AddSingleton<ILocalSigningKeyStore, LocalSigningKeyStore>();
        services.AddSingleton<IRemoteServerKeyStore, RemoteServerKeyStore>();
        services.AddSingleton<LocalServerKeys>();
        services.AddSingleton<IServerKeyTransport, FederationKeyTransport>();
        services.AddSingleton<Homeserver.Services.Federation.Client.IFederationRequestSigner,
            Homeserver.Services.Federation.Client.XMatrixRequestSigner>();
        services.AddSingleton<ServerKeyFetcher>();
        services.AddSingleton<IServerKeyResolver, ServerKeyResolver>();
        services.AddSingleton<NotaryService>();
        services.AddSingleton<FederationProfileQuery>();
        services.AddSingleton<Homeserver.Services.Federation.Events.RemotePduVerifier>();
        services.AddSingleton<ServerAclGuard>();
        services.AddSingleton<OriginRateLimit>();
        services.AddSingleton<Homeserver.Services.Federation.History.IFederationHistoryStore, FederationHistoryStore>();
        services.AddSingleton<Homeserver.Services.Federation.History.ServerEventVisibility>();
        services.AddSingleton<Homeserver.Services.Federation.History.FederationRoomGate>();
        services.AddSingleton<Homeserver.Services.Federation.History.FederationEventService>();
        services.AddSingleton<Homeserver.Services.Federation.History.FederationBackfillService>();
        AddSender(services);
        services.AddSingleton<Homeserver.Services.Federation.Events.RemoteEventFetcher>();
        services.AddSingleton<Homeserver.Services.Federation.Events.RemotePduInput>();
        services.AddSingleton<Homeserver.Services.Federation.Transactions.IReceivedTransactionStore,
            ReceivedTransactionStore>();
        services.AddSingleton<Homeserver.Services.Federation.Transactions.InboundPduHandler>();
        services.AddSingleton<Homeserver.Services.Federation.Transactions.EduDispatcher>();
        services.AddSingleton<Homeserver.Services.Federation.Transactions.TransactionReceiver>();
        services.AddFederationEdus();
        services.AddSingleton<Homeserver.Services.Rooms.IRoomBackfill, Homeserver.Services.Federation.Events.RoomBackfiller>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.MembershipHandshakeChecks>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.RemoteRestrictedJoin>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.MembershipTemplates>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.MembershipEventReceiver>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.SendJoinResponse>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.MembershipSends>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.ThirdPartyInviteExchange>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.MembershipHandshake>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.SendJoinAnswer>();
        services.AddSingleton<Homeserver.Services.Federation.Membership.InviteReceiver>();
        services.AddSingleton<Homeserver.Services.Rooms.IRemoteMembership,
            Homeserver.Services.Federation.Membership.RemoteMembershipClient>();
        services.AddFederationQueries();
        return services;
    }

    /// <summary>EDUs both ways: the outbound routing local services call, the inbound handlers /send dispatches to.</summary>
    private static IServiceCollection AddFederationEdus(this IServiceCollection services)
    {
        services.AddSingleton<Homeserver.Services.Federation.Edus.FederationEdus>();
        services.AddSingleton<Homeserver.Services.Federation.Edus.RemoteEduSender>();
        services.AddSingleton<IEduHandler, Homeserver.Services.Federation.Edus.TypingEduHandler>();
        services.AddSingleton<IEduHandler, Homeserver.Services.Federation.Edus.ReceiptEduHandler>();
        services.AddSingleton<IEduHandler, Homeserver.Services.Federation.Edus.PresenceEduHandler>();
        services.AddSingleton<IEduHandler, Homeserver.Services.Federation.Edus.ToDeviceEduHandler>();
        services.AddSingleton<IEduHandler, Homeserver.Services.Federation.Edus.DeviceListEduHandler>();
        services.AddSingleton<IEduHandler, Homeserver.Services.Federation.Edus.SigningKeyEduHandler>();
        return services;
    }

    /// <summary>The outbound queue and its transactions (PDUs from the event stream, EDUs from the services).</summary>
    private static void AddSender(IServiceCollection services)
    {
        services.AddSingleton<IJoinedServersReader, JoinedServersReader>();
        services.AddSingleton<IFederationQueueStore, FederationQueueStore>();
        services.AddSingleton<IFederationQueueDepthReader, FederationQueueDepthReader>();
        services.AddSingleton(FederationSenderOptions.Default);
        services.AddSingleton(sp => new TransactionDelivery(sp.GetRequiredService<IFederationQueueStore>(),
            sp.GetRequiredService<FederationClient>(), sp.GetRequiredService<FederationSenderOptions>(),
            sp.GetRequiredService<HomeserverSettings>().ServerName, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TransactionDelivery>>()));
        services.AddSingleton(sp => new FederationSender(sp.GetRequiredService<IFederationQueueStore>(),
            sp.GetRequiredService<TransactionDelivery>(), sp.GetRequiredService<DestinationBackoff>(),
            sp.GetRequiredService<ISharedStore>(), sp.GetRequiredService<FederationSenderOptions>(),
            sp.GetRequiredService<HomeserverSettings>().ServerName, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FederationSender>>()));
        services.AddSingleton<IFederationSender>(sp => sp.GetRequiredService<FederationSender>());
        services.AddSingleton<RemoteServerUp>();
        services.AddSingleton<IEventStreamConsumer>(sp => new FederationEventConsumer(
            sp.GetRequiredService<IJoinedServersReader>(), sp.GetRequiredService<IFederationQueueStore>(),
            sp.GetRequiredService<FederationSender>(), sp.GetRequiredService<HomeserverSettings>().ServerName));
    }
}
