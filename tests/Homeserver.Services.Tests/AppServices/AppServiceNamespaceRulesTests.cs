using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.AppServices;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>Exclusive namespaces: who may register which users and create which aliases.</summary>
public sealed class AppServiceNamespaceRulesTests
{
    private static readonly AppServiceRegistration Bridge = AppServiceTestRegistrations.Bridge;
    private static readonly AppServiceRegistration Irc = AppServiceTestRegistrations.Irc;
    private static readonly AppServiceRegistry Registry = AppServiceRegistry.Create(
        [("bridge.yaml", Bridge), ("irc.yaml", Irc)], out _);

    [Theory]
    [InlineData("@_bridge_ghost:hs.test")]
    [InlineData("@_bridge_bot:hs.test")]
    [InlineData("@irc_nick:hs.test")]
    public void A_user_may_not_register_a_user_id_an_appservice_claims(string userId)
    {
        var error = Assert.Throws<MatrixException>(() =>
            AppServiceNamespaceRules.CheckUserRegistration(Registry, userId, registrant: null));

        Assert.Equal(ErrorCode.Exclusive, error.Code);
        Assert.Equal("This user ID is reserved by an application service.", error.Message);
    }

    [Fact]
    public void A_user_may_register_a_user_id_of_a_non_exclusive_namespace() =>
        AppServiceNamespaceRules.CheckUserRegistration(Registry, "@shared_bob:hs.test", registrant: null);

    [Fact]
    public void An_appservice_registers_users_of_its_own_namespaces_only()
    {
        AppServiceNamespaceRules.CheckUserRegistration(Registry, "@_bridge_ghost:hs.test", Bridge);
        AppServiceNamespaceRules.CheckUserRegistration(Registry, "@shared_ghost:hs.test", Bridge);

        var outside = Assert.Throws<MatrixException>(() =>
            AppServiceNamespaceRules.CheckUserRegistration(Registry, "@plain:hs.test", Bridge));
        var others = Assert.Throws<MatrixException>(() =>
            AppServiceNamespaceRules.CheckUserRegistration(Registry, "@irc_nick:hs.test", Bridge));

        Assert.Equal(ErrorCode.Exclusive, outside.Code);
        Assert.Equal("Invalid user localpart for this application service.", outside.Message);
        Assert.Equal(ErrorCode.Exclusive, others.Code);
    }

    [Fact]
    public void A_user_may_not_create_an_alias_of_an_exclusive_namespace()
    {
        var error = Assert.Throws<MatrixException>(() =>
            AppServiceNamespaceRules.CheckAlias(Registry, User("@alice:hs.test"), "#_bridge_room:hs.test"));

        Assert.Equal(ErrorCode.Exclusive, error.Code);
        Assert.Equal("This alias is reserved by an application service.", error.Message);
        AppServiceNamespaceRules.CheckAlias(Registry, User("@alice:hs.test"), "#open_room:hs.test");
        AppServiceNamespaceRules.CheckAlias(Registry, User("@alice:hs.test"), "#plain:hs.test");
    }

    [Fact]
    public void The_appservices_sender_with_its_own_token_may_create_its_exclusive_aliases() =>
        AppServiceNamespaceRules.CheckAlias(Registry, User("@_bridge_bot:hs.test"), "#_bridge_room:hs.test");

    [Fact]
    public void An_appservice_creates_aliases_of_its_namespaces_only()
    {
        AppServiceNamespaceRules.CheckAlias(Registry, AsAppService(Bridge, "@_bridge_ghost:hs.test"), "#_bridge_room:hs.test");
        AppServiceNamespaceRules.CheckAlias(Registry, AsAppService(Bridge, "@_bridge_bot:hs.test"), "#open_room:hs.test");

        var outside = Assert.Throws<MatrixException>(() =>
            AppServiceNamespaceRules.CheckAlias(Registry, AsAppService(Bridge, "@_bridge_bot:hs.test"), "#plain:hs.test"));
        var others = Assert.Throws<MatrixException>(() =>
            AppServiceNamespaceRules.CheckAlias(Registry, AsAppService(Bridge, "@_bridge_bot:hs.test"), "#irc_chan:hs.test"));

        Assert.Equal("This application service has not reserved this kind of alias.", outside.Message);
        Assert.Equal(ErrorCode.Exclusive, others.Code);
    }

    private static Requester User(string userId) => new(UserId.Parse(userId), "DEVICE", false, false, 1);

    private static Requester AsAppService(AppServiceRegistration appService, string userId) =>
        new(UserId.Parse(userId), null, false, false, null) { AppService = appService };
}
