using Homeserver.Services.Live.Gallery;
using Homeserver.Services.Streams;
using Homeserver.Storage.Live;

namespace Homeserver.Host.Hosting;

/// <summary>The live-event links and media gallery: its index, the stream consumer that fills it, and its reader.</summary>
internal static class LiveGalleryRegistration
{
    public static IServiceCollection AddLiveGallery(this IServiceCollection services)
    {
        services.AddSingleton<IGalleryStore, GalleryStore>();
        services.AddSingleton<IEventStreamConsumer, GalleryIndexer>();
        services.AddSingleton<GalleryService>();
        return services;
    }
}
