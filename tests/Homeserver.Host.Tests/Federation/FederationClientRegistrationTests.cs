using System.Net;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>The composition root wires outbound federation from the settings (no request is made).</summary>
public sealed class FederationClientRegistrationTests
{
    private sealed class NoSigner : IFederationRequestSigner
    {
        public string CreateAuthorization(string method, string uri, ServerName destination, ReadOnlyMemory<byte>? body) =>
            throw new InvalidOperationException("not used");
    }

    [Fact]
    public async Task The_client_resolves_with_the_configured_overrides_and_limits()
    {
        var settings = FederationClientSettings.Default with
        {
            MaxConcurrentRequestsPerDestination = 3,
            HostOverrides = new Dictionary<string, IPEndPoint> { ["hs1.test"] = IPEndPoint.Parse("127.0.0.1:18448") },
        };
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IFederationRequestSigner, NoSigner>();
        services.AddFederationClient(settings);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.NotNull(provider.GetRequiredService<FederationClient>());
        var resolved = await provider.GetRequiredService<ServerNameResolver>()
            .ResolveAsync(ServerName.Parse("hs1.test"), CancellationToken.None);
        Assert.Equal((DiscoveryStep.Override, "127.0.0.1", 18448),
            (resolved.Step, resolved.Targets[0].Host, resolved.Targets[0].Port));
        Assert.IsType<Homeserver.Storage.Federation.DnsSrvLookup>(provider.GetRequiredService<ISrvLookup>());
    }
}
