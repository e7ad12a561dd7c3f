using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Misc;

/// <summary><c>/.well-known/matrix/support</c> from settings, and <c>/.well-known/matrix/policy_server</c>.</summary>
public sealed class WellKnownSupportTests
{
    [Fact]
    public async Task Support_lists_the_configured_admin_contact_and_page()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["WellKnown:SupportAdminMatrixId"] = "@admin:example.org",
            ["WellKnown:SupportAdminEmail"] = "admin@example.org",
            ["WellKnown:SupportPage"] = "https://example.org/support.html",
        });

        var body = await SpecSchema.AssertValidAsync(await server.Anonymous.GetAsync("/.well-known/matrix/support"));

        var contact = Assert.Single(body.GetProperty("contacts").EnumerateArray());
        Assert.Equal("m.role.admin", contact.GetProperty("role").GetString());
        Assert.Equal("@admin:example.org", contact.GetProperty("matrix_id").GetString());
        Assert.Equal("admin@example.org", contact.GetProperty("email_address").GetString());
        Assert.Equal("https://example.org/support.html", body.GetProperty("support_page").GetString());
    }

    [Fact]
    public async Task A_support_page_alone_is_served_without_contacts()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["WellKnown:SupportPage"] = "https://example.org/help",
        });

        var body = await SpecSchema.AssertValidAsync(await server.Anonymous.GetAsync("/.well-known/matrix/support"));

        Assert.False(body.TryGetProperty("contacts", out _));
        Assert.Equal("https://example.org/help", body.GetProperty("support_page").GetString());
    }

    [Fact]
    public async Task Without_support_settings_or_a_policy_server_key_both_answer_404()
    {
        await using var server = await LiveServer.StartAsync();

        var support = await server.Anonymous.GetAsync("/.well-known/matrix/support");
        var policy = await server.Anonymous.GetAsync("/.well-known/matrix/policy_server");

        await MatrixAssert.ErrorAsync(support, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(policy, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await SpecSchema.AssertValidAsync(support);
        await SpecSchema.AssertValidAsync(policy);
    }

    [Fact]
    public async Task A_support_admin_id_that_is_not_a_user_id_is_a_configuration_error()
    {
        var error = await Assert.ThrowsAsync<Homeserver.Services.Configuration.InvalidSettingException>(() =>
            LiveServer.StartAsync(settings: new Dictionary<string, string?> { ["WellKnown:SupportAdminMatrixId"] = "admin" }));

        Assert.Contains("Homeserver:WellKnown:SupportAdminMatrixId", error.Message, StringComparison.Ordinal);
    }
}
