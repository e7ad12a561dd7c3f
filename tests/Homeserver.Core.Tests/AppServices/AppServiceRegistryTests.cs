using Homeserver.Core.AppServices;
using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Tests.AppServices;

public sealed class AppServiceRegistryTests
{
    private static AppServiceNamespace Ns(string regex, bool exclusive = true) =>
        AppServiceNamespace.TryCreate(regex, exclusive, out _)!;

    private static AppServiceRegistration Registration(string id, string asToken = "as", string hsToken = "hs",
        string sender = "bot", AppServiceNamespaces? namespaces = null) =>
        new(id, new Uri("http://127.0.0.1:9000"), asToken, hsToken, UserId.Parse($"@{sender}:hs.test"),
            namespaces ?? AppServiceNamespaces.None, true, [], false, false, false);

    [Fact]
    public void A_namespace_matches_from_the_start_of_the_value_like_pythons_re_match()
    {
        var ns = Ns(@"@_discord_.*:hs\.test");

        Assert.True(ns.Matches("@_discord_123:hs.test"));
        Assert.True(ns.Matches("@_discord_123:hs.test.evil")); // re.match does not anchor the end
        Assert.False(ns.Matches("@alice_discord_1:hs.test"));
        Assert.False(ns.Matches("x@_discord_1:hs.test"));
    }

    [Fact]
    public void An_alternation_is_anchored_as_a_whole()
    {
        var ns = Ns("@a:hs.test|@b:hs.test");

        Assert.True(ns.Matches("@b:hs.test"));
        Assert.False(ns.Matches("x@b:hs.test"));
    }

    [Fact]
    public void An_invalid_expression_is_refused_with_a_reason()
    {
        Assert.Null(AppServiceNamespace.TryCreate("@(unclosed", true, out var problem));
        Assert.Contains("not a valid regular expression", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_exclusive_namespaces_and_the_sender_claim_users()
    {
        var registration = Registration("irc", namespaces: new AppServiceNamespaces(
            [Ns("@irc_.*", exclusive: true), Ns("@shared_.*", exclusive: false)], [Ns("#irc_.*")], [Ns("!bridged.*")]));

        Assert.True(registration.ClaimsUser("@irc_x:hs.test"));
        Assert.True(registration.ClaimsUser("@bot:hs.test"));
        Assert.False(registration.ClaimsUser("@shared_x:hs.test"));
        Assert.True(registration.IsInterestedInUser("@shared_x:hs.test"));
        Assert.False(registration.IsInterestedInUser("@alice:hs.test"));
        Assert.True(registration.ClaimsAlias("#irc_chan:hs.test"));
        Assert.True(registration.IsInterestedInRoom("!bridged1:hs.test"));
        Assert.False(registration.IsInterestedInRoom("!other:hs.test"));
    }

    [Fact]
    public void The_registry_finds_an_appservice_by_as_token_and_by_id_and_owners_of_exclusive_namespaces()
    {
        var irc = Registration("irc", "as-irc", "hs-irc", "ircbot",
            new AppServiceNamespaces([Ns("@irc_.*")], [Ns("#irc_.*")], []));
        var registry = AppServiceRegistry.Create([("irc.yaml", irc)], out var problems);

        Assert.Empty(problems);
        Assert.Same(irc, registry.FindByAsToken("as-irc"));
        Assert.Null(registry.FindByAsToken("hs-irc"));
        Assert.Null(registry.FindByAsToken("as-ir"));
        Assert.Same(irc, registry.FindById("irc"));
        Assert.Same(irc, registry.ExclusiveOwnerOfUser("@irc_bob:hs.test"));
        Assert.Null(registry.ExclusiveOwnerOfUser("@bob:hs.test"));
        Assert.Same(irc, registry.ExclusiveOwnerOfAlias("#irc_x:hs.test"));
    }

    [Theory]
    [InlineData("irc", "as-2", "hs-2", "bot2", "id is already used by a.yaml")]
    [InlineData("other", "as-1", "hs-2", "bot2", "as_token is already used by a.yaml")]
    [InlineData("other", "as-2", "hs-1", "bot2", "hs_token is already used by a.yaml")]
    [InlineData("other", "hs-1", "hs-2", "bot2", "as_token is already used by a.yaml")]
    [InlineData("other", "as-2", "hs-2", "bot", "sender_localpart is already used by a.yaml")]
    public void Registrations_sharing_an_id_a_token_or_a_sender_are_refused(string id, string asToken, string hsToken,
        string sender, string expected)
    {
        var first = Registration("irc", "as-1", "hs-1", "bot");
        var second = Registration(id, asToken, hsToken, sender);

        var registry = AppServiceRegistry.Create([("a.yaml", first), ("b.yaml", second)], out var problems);

        Assert.Equal($"b.yaml: {expected}", Assert.Single(problems));
        Assert.Empty(registry.All);
    }
}
