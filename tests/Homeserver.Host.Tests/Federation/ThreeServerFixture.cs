using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Federation;

/// <summary>One three-server cluster (hs1, hs2, hs3 with alice, bob and carol) shared by the test classes of the
/// <see cref="SharedThreeServers"/> collection, which run one after another; each test makes its own rooms.</summary>
public sealed class ThreeServerFixture : IAsyncLifetime
{
    public FederationCluster Cluster { get; private set; } = null!;

    public TestSession Alice { get; private set; } = null!; // hs1

    public TestSession Bob { get; private set; } = null!; // hs2

    public TestSession Carol { get; private set; } = null!; // hs3

    public TestSession[] Sessions => [Alice, Bob, Carol];

    public async Task InitializeAsync()
    {
        Cluster = await FederationCluster.StartAsync(3);
        Alice = await Cluster[0].RegisterAsync("alice");
        Bob = await Cluster[1].RegisterAsync("bob");
        Carol = await Cluster[2].RegisterAsync("carol");
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedThreeServers : ICollectionFixture<ThreeServerFixture>
{
    public const string Name = "Three servers, shared";
}
