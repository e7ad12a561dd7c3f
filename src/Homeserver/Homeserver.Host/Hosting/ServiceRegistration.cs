using FluentValidation;
using Homeserver.Core.Crypto;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Health;
using Homeserver.Services.Keys;
using Homeserver.Services.Media;
using Homeserver.Services.Presence;
using Homeserver.Services.Shared;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.Keys;
using Homeserver.Storage.Media;
using Homeserver.Storage.Presence;
using Homeserver.Storage;
using Homeserver.Storage.Rooms;
using Homeserver.Storage.Sync;
using Homeserver.Services.Sync;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Homeserver.Services.Rooms.Directory;
using Npgsql;

namespace Homeserver.Host.Hosting;

/// <summary>Every service of the server, registered in one place (the composition root).</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddHomeserver(this IServiceCollection services, HomeserverSettings settings,
        NpgsqlDataSource dataSource, ISharedStore sharedStore, SigningKey? signingKey)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Security);
        services.AddSingleton(settings.RateLimits);
        if (signingKey is not null)
        {
            services.AddSingleton(signingKey);
        }

        services.AddSingleton(dataSource);
        services.AddSingleton(sharedStore);
        services.AddSingleton(TimeProvider.System);
        services.AddFederationClient(settings.FederationClient);

        services.AddSingleton<IReadinessCheck, PostgresReadinessCheck>();
        services.AddSingleton<IReadinessCheck>(new SharedStoreReadinessCheck(sharedStore));

        // Accounts
        services.AddSingleton<IAccountStore, AccountStore>();
        services.AddSingleton<ErasedUserReader>();
        services.AddSingleton(sp => new ErasedUsersCache(sp.GetRequiredService<ErasedUserReader>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ISharedStore>()));
        services.AddSingleton<IErasedUserReader>(sp => sp.GetRequiredService<ErasedUsersCache>());
        services.AddSingleton<IAccountDeactivationHook>(sp => sp.GetRequiredService<ErasedUsersCache>());
        services.AddSingleton<ISessionStore, SessionStore>();
        services.AddSingleton<IRegistrationTokenStore, RegistrationTokenStore>();
        services.AddSingleton<IUiaSessionStore, UiaSessionStore>();
        services.AddSingleton(new PasswordHasher(settings.Security.PasswordHashIterations));
        services.AddSingleton(sp => new PasswordHashing(sp.GetRequiredService<PasswordHasher>(),
            settings.RateLimits.PasswordHashing, limitQueue: settings.RateLimits.Enabled));
        services.AddSingleton<PasswordCheck>();
        services.AddSingleton<AccessTokenCache>();
        services.AddSingleton<AccessTokenAuthenticator>();
        services.AddSingleton<DeviceActivityTracker>();
        services.AddSingleton<RateLimiterSet>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<UserInteractiveAuth>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<AccountManagementService>();
        services.AddSingleton<IProfileStore, ProfileStore>();
        services.AddSingleton<IAccountDataStore, AccountDataStore>();
        services.AddSingleton<DeviceService>();
        services.AddSingleton<ProfileService>();
        services.AddSingleton<AccountDataService>();
        services.AddSingleton<IAccountDeactivationHook>(sp => sp.GetRequiredService<AccountDataService>());

        // Rooms
        services.AddSingleton<IRoomEventWriter, RoomEventWriter>();
        services.AddSingleton<StateGroupCache>();
        services.AddSingleton<IRoomEventReader, RoomEventReader>();
        services.AddSingleton<IRoomInputStore, RoomInputStore>();
        services.AddSingleton<IBackfillPositions, BackfillPositions>();
        services.AddSingleton<RoomWriter>();
        services.AddSingleton<RoomEventFactory>();
        services.AddSingleton<ClientEventFormatter>();
        services.AddSingleton<MessagingService>();
        services.AddSingleton<MessageRateLimits>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<RoomCreationService>();
        // Request body validators (Services/Validation): stateless, so one instance of each serves every request.
        services.AddValidatorsFromAssemblyContaining<Homeserver.Services.Validation.CreateRoomRequestValidator>(
            ServiceLifetime.Singleton);
        services.AddSingleton<RoomReadService>();
        services.AddSingleton<IRoomAliasStore, RoomAliasStore>();
        services.AddSingleton<IRoomDirectoryStore, RoomDirectoryStore>();
        services.AddSingleton<RoomAliasService>();
        services.AddSingleton<RoomDirectoryService>();
        services.AddSingleton<SpaceHierarchyService>();
        services.AddSingleton<IRoomHistoryReader, RoomHistoryReader>();
        services.AddSingleton<IRoomMembershipFlags, RoomMembershipFlags>();
        services.AddSingleton<HistoryVisibilityFilter>();
        services.AddSingleton<RoomAccess>();
        services.AddSingleton<RoomTimelineService>();
        services.AddSingleton<Homeserver.Services.Rooms.Delayed.IDelayedEventStore, DelayedEventStore>();
        services.AddSingleton<Homeserver.Services.Rooms.Delayed.DelayedEventSender>();
        services.AddSingleton<Homeserver.Services.Rooms.Delayed.DelayedEventService>();

        // Admin, VoIP
        services.AddSingleton<Homeserver.Services.Accounts.Admin.IUserModerationStore, UserModerationStore>();
        services.AddSingleton<Homeserver.Services.Accounts.Admin.UserModerationService>();
        services.AddSingleton<Homeserver.Services.Accounts.Admin.UserWhois>();
        services.AddSingleton<Homeserver.Services.Voip.TurnCredentials>();

        // Relations, threads, upgrades, search, reports, ignored users
        services.AddSingleton<IRelationsReader, RelationsStore>();
        services.AddSingleton<IEventSearch, EventSearchStore>();
        services.AddSingleton<IReportStore, ReportStore>();
        services.AddSingleton<IgnoredUsers>();
        services.AddSingleton<IAccountDataObserver>(sp => sp.GetRequiredService<IgnoredUsers>());
        services.AddSingleton<InviteBlocking>();
        services.AddSingleton<IAccountDataObserver>(sp => sp.GetRequiredService<InviteBlocking>());
        services.AddSingleton<BundledAggregations>();
        services.AddSingleton<RelationsService>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<RoomUpgradeService>();
        services.AddSingleton<SearchService>();

        // Sync
        services.AddSingleton<IFilterStore, FilterStore>();
        services.AddSingleton<ISyncReader, SyncReader>();
        services.AddSingleton<IStreamPositionsReader, StreamPositionsReader>();
        services.AddSingleton<FilterService>();
        services.AddSingleton<SyncNotifier>();
        services.AddSingleton<IEventPersistedObserver>(sp => sp.GetRequiredService<SyncNotifier>());
        services.AddSingleton<IAccountDataObserver>(sp => sp.GetRequiredService<SyncNotifier>());
        services.AddSingleton<SyncRoomSummaries>();
        services.AddSingleton<SyncRoomBuilder>();
        services.AddSingleton<LazyMembersSent>();
        services.AddSingleton<ListenedMemberships>();
        services.AddSingleton<SyncService>();
        services.AddSingleton(SyncPassGate.ForPool(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize));
        services.AddSingleton<LegacySyncService>();
        services.AddSingleton<SlidingSyncConnectionStore>();
        services.AddSingleton<Homeserver.Services.Sync.Sliding.SharedSlidingSyncConnectionStore>();
        services.AddSingleton<Homeserver.Services.Sync.Sliding.ISlidingSyncConnectionStore>(sp =>
            new Homeserver.Services.Sync.Sliding.SlidingSyncConnections(sp.GetRequiredService<SlidingSyncConnectionStore>(),
                sp.GetRequiredService<Homeserver.Services.Sync.Sliding.SharedSlidingSyncConnectionStore>(),
                sp.GetRequiredService<ISharedStore>()));
        services.AddSingleton<Homeserver.Services.Sync.Sliding.ISlidingSyncReader, SlidingSyncReader>();
        services.AddSingleton<Homeserver.Services.Sync.Sliding.SlidingRoomCache>();
        services.AddSingleton<Homeserver.Services.Sync.Sliding.SlidingRoomBuilder>();
        services.AddSingleton<Homeserver.Services.Sync.Sliding.SlidingSyncExtensions>();
        services.AddSingleton<Homeserver.Services.Sync.Sliding.SlidingSyncService>();
        services.AddSingleton<StoredJson>();
        services.AddSingleton<SyncPositions>();
        services.AddSingleton<TypingService>();
        services.AddSingleton<IReceiptStore, Homeserver.Storage.Sync.ReceiptStore>();
        services.AddSingleton<ReceiptService>();
        services.AddSingleton<Homeserver.Services.Push.PushRulesService>();
        services.AddSingleton<Homeserver.Services.Push.PushRuleEditor>();

        // Pushers and HTTP push delivery
        services.AddSingleton<Homeserver.Storage.Push.PusherStore>();
        services.AddSingleton<Homeserver.Services.Push.IPusherStore>(sp => sp.GetRequiredService<Homeserver.Storage.Push.PusherStore>());
        services.AddSingleton<Homeserver.Services.Push.IPusherDeliveryStore>(sp => sp.GetRequiredService<Homeserver.Storage.Push.PusherStore>());
        services.AddSingleton<Homeserver.Services.Push.PusherService>();
        services.AddSingleton(sp => new Homeserver.Services.Push.PusherTiming(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Homeserver.Services.Push.PusherWakeups>();
        services.AddSingleton<Homeserver.Services.Push.IPushNotificationObserver>(sp => sp.GetRequiredService<Homeserver.Services.Push.PusherWakeups>());
        services.AddSingleton<Homeserver.Services.Push.PushGatewayClient>();
        services.AddSingleton<Homeserver.Services.Push.PushNotificationBody>();
        services.AddSingleton<Homeserver.Services.Push.HttpPusherDelivery>();
        AddPushEvaluation(services);
        AddEventStream(services);

        // Presence
        services.AddSingleton<IPresenceStore, PresenceStore>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<PresenceService>();
        services.AddSingleton<ISyncSection, PresenceSyncSection>();

        // End-to-end encryption: to-device messages, keys, device lists
        services.AddSingleton<IToDeviceStore, ToDeviceStore>();
        services.AddSingleton<ToDeviceService>();
        services.AddSingleton<ISyncSection, ToDeviceSyncSection>();
        services.AddSingleton(sp => new KeyInventoryCache(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ISharedStore>()));
        services.AddSingleton<IDeviceKeyStore>(sp => new CachingDeviceKeyStore(
            new DeviceKeyStore(sp.GetRequiredService<NpgsqlDataSource>()), sp.GetRequiredService<KeyInventoryCache>()));
        services.AddSingleton<ICrossSigningKeyStore, CrossSigningKeyStore>();
        services.AddSingleton<IDeviceListStore, DeviceListStore>();
        services.AddSingleton<StoredKeys>();
        services.AddSingleton<CrossSigningKeyReader>();
        services.AddSingleton<RemoteKeyFanOut>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<CrossSigningService>();
        services.AddSingleton<SignatureUploadService>();
        services.AddSingleton<DeviceListService>();
        services.AddSingleton<IDeviceListObserver>(sp => sp.GetRequiredService<DeviceListService>());
        services.AddSingleton<ISyncSection, DeviceListSyncSection>();
        services.AddSingleton<Homeserver.Services.Keys.Backup.IKeyBackupStore, KeyBackupStore>();
        services.AddSingleton<Homeserver.Services.Keys.Backup.KeyBackupService>();
        services.AddSingleton<Homeserver.Services.Keys.Dehydration.IDehydratedDeviceStore>(sp =>
            new Homeserver.Services.Keys.Dehydration.CachingDehydratedDeviceStore(
                new DehydratedDeviceStore(sp.GetRequiredService<NpgsqlDataSource>()),
                sp.GetRequiredService<KeyInventoryCache>()));
        services.AddSingleton<Homeserver.Services.Keys.Dehydration.DehydratedDeviceService>();
        services.AddSocial();
        services.AddOAuth();
        services.AddSso();
        services.AddSynapseAdmin();
        services.AddFederation();
        services.AddAppServices(settings);
        services.AddLiveGallery();
        services.AddLiveAccess();
        services.AddLiveWebhooks();
        services.AddLiveJoinLinks();
        services.AddLivePosting();

        // Media (content repository)
        services.AddSingleton(settings.Media);
        services.AddSingleton<IMediaStore, LocalMediaStore>();
        services.AddSingleton<IMediaThumbnailStore, MediaThumbnailStore>();
        services.AddSingleton<IMediaContentStore, FileSystemMediaContentStore>();
        services.AddSingleton<MediaUploadSignals>();
        services.AddSingleton<MediaService>();
        services.AddSingleton<VipsThumbnailer>();
        services.AddSingleton<ThumbnailService>();
        services.AddSingleton<IMediaContentGuard, MediaContentGuard>();
        services.AddSingleton<MediaContentWriter>();
        services.AddSingleton<MediaUploadLimits>();
        services.AddSingleton<IRemoteMediaCacheStore, RemoteMediaCacheStore>();
        services.AddSingleton<RemoteMediaCache>();
        services.AddSingleton<IMediaRetentionStore, MediaRetentionStore>();
        services.AddSingleton<MediaRetention>();
        services.AddSingleton<Homeserver.Services.Admin.IAdminMediaStore, Homeserver.Storage.Admin.AdminMediaStore>();
        services.AddSingleton<Homeserver.Services.Admin.AdminMediaService>();
        services.AddSingleton<Homeserver.Services.Admin.IAdminDestinationStore, Homeserver.Storage.Admin.AdminDestinationStore>();
        services.AddSingleton<Homeserver.Services.Admin.AdminDestinationService>();
        services.AddSingleton<Homeserver.Services.Admin.IStreamConsumerStatusStore, Homeserver.Storage.Admin.StreamConsumerStatusStore>();
        services.AddSingleton<Homeserver.Services.Admin.AdminBackgroundJobs>();
        services.AddSingleton<Homeserver.Services.Media.UrlPreview.IUrlPreviewCache, UrlPreviewCacheStore>();
        services.AddSingleton<Homeserver.Services.Media.UrlPreview.IHostAddressResolver,
            Homeserver.Services.Media.UrlPreview.SystemHostAddressResolver>();
        services.AddSingleton<Homeserver.Services.Media.UrlPreview.UrlPreviewFetcher>();
        services.AddSingleton<Homeserver.Services.Media.UrlPreview.UrlPreviewService>();
        return services;
    }

    /// <summary>Background work of a serving process (not of the CLI verbs).</summary>
    public static IServiceCollection AddHomeserverBackgroundServices(this IServiceCollection services)
    {
        services.AddHostedService<TokenRevocationListener>();
        services.AddHostedService<DeviceActivityFlusher>();
        services.AddHostedService<WakeSubscriptions>();
        services.AddHostedService<StreamConsumerRunner>();
        services.AddHostedService<TypingMaintenance>();
        services.AddHostedService<PresenceMaintenance>();
        services.AddHostedService<PusherDispatcher>();
        services.AddHostedService<MediaUploadSubscription>();
        services.AddHostedService<DelayedEventScheduler>();
        services.AddHostedService<MediaRetentionJob>();
        services.AddHostedService<FederationSenderService>();
        services.AddHostedService<AppServiceSenderService>();
        return services;
    }

    /// <summary>Durable readers of the event stream (<see cref="Homeserver.Services.Streams.IEventStreamConsumer"/>).</summary>
    private static void AddEventStream(IServiceCollection services)
    {
        services.AddSingleton<Homeserver.Services.Streams.StreamWakeups>();
        services.AddSingleton<IEventPersistedObserver>(sp => sp.GetRequiredService<Homeserver.Services.Streams.StreamWakeups>());
        services.AddSingleton<Homeserver.Services.Streams.IStreamCursorStore, Homeserver.Storage.Streams.StreamCursorStore>();
        services.AddSingleton<Homeserver.Services.Streams.IEventStreamReader, Homeserver.Storage.Streams.EventStreamReader>();
        services.AddSingleton(sp => new Homeserver.Services.Streams.StreamConsumerTiming(sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Push rules evaluated when events are persisted, unread counts and /notifications.</summary>
    private static void AddPushEvaluation(IServiceCollection services)
    {
        services.AddSingleton<Homeserver.Services.Push.IPushActionStore, Homeserver.Storage.Push.PushActionStore>();
        services.AddSingleton<Homeserver.Services.Push.PushRuleCache>();
        services.AddSingleton<IAccountDataObserver>(sp => sp.GetRequiredService<Homeserver.Services.Push.PushRuleCache>());
        services.AddSingleton<Homeserver.Services.Push.PushActionEvaluator>();
        services.AddSingleton<Homeserver.Services.Push.IPushActionEvaluator>(sp =>
            sp.GetRequiredService<Homeserver.Services.Push.PushActionEvaluator>());
        services.AddSingleton<IEventPersistedObserver, Homeserver.Services.Push.PushNotificationPublisher>();
        services.AddSingleton<Homeserver.Services.Push.IUnreadCountReader, Homeserver.Services.Push.UnreadCountReader>();
        services.AddSingleton<Homeserver.Services.Push.NotificationsService>();
    }
}
