namespace Homeserver.Host.Tests.Admin.Page;

/// <summary>The admin page's browser test classes share one server and one Chromium.</summary>
[CollectionDefinition(Name)]
public sealed class AdminPageBrowserGroup : ICollectionFixture<AdminPageBrowserFixture>
{
    public const string Name = "Admin page in a browser";
}
