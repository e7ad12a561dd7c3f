using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>
/// What the admin API's test classes on one shared server have in common: the server (one per class,
/// <see cref="LiveServerFixture"/>) and the admin and user most tests start with.
/// </summary>
public abstract class AdminApiTests : IClassFixture<LiveServerFixture>
{
    private readonly LiveServerFixture _fixture;

    protected AdminApiTests(LiveServerFixture fixture) => _fixture = fixture;

    protected LiveServer Server => _fixture.Server;

    /// <summary>A new server admin, then a new plain user.</summary>
    protected async Task<(TestSession Admin, TestSession User)> AdminAndUserAsync() =>
        (await Server.RegisterAdminAsync(), await Server.RegisterAsync());
}

/// <summary>Calls the admin API's tests make.</summary>
public static class AdminSteps
{
    /// <summary>A POST with an empty JSON object as its body (the admin API's actions that take no options).</summary>
    public static Task<HttpResponseMessage> PostEmptyAsync(this TestSession session, string path) =>
        session.Client.PostAsync(path, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
}
