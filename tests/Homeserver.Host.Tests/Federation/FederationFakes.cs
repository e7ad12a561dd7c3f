using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>An outbound EDU as the sender was asked to queue it.</summary>
internal sealed record QueuedEdu(IReadOnlyCollection<ServerName> Destinations, string EduType, JsonObject Content);

/// <summary>Records the EDUs local services hand to the federation sender, instead of sending them.</summary>
internal sealed class RecordingFederationSender : IFederationSender
{
    public ConcurrentQueue<QueuedEdu> Queued { get; } = new();

    public Task SendEduAsync(IReadOnlyCollection<ServerName> destinations, string eduType, JsonObject content,
        CancellationToken cancellationToken)
    {
        Queued.Enqueue(new QueuedEdu(destinations.ToList(), eduType, (JsonObject)content.DeepClone()));
        return Task.CompletedTask;
    }

    public IReadOnlyList<QueuedEdu> Of(string eduType) => Queued.Where(e => e.EduType == eduType).ToList();
}

internal static class FederationFakes
{
    public static Action<IServiceCollection> Register(RecordingFederationSender sender) => services =>
    {
        services.AddSingleton<IFederationSender>(sender);
    };
}
