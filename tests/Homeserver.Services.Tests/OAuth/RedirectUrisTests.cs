using Homeserver.Services.OAuth;

namespace Homeserver.Services.Tests.OAuth;

/// <summary>The spec's "Redirect URI validation" examples, with https://example.com/ as the client URI.</summary>
public sealed class RedirectUrisTests
{
    private static readonly Uri ClientUri = new("https://example.com/");

    [Theory]
    [InlineData("https://example.com/callback")]
    [InlineData("https://app.example.com/callback")]
    [InlineData("https://example.com:5173/?query=value")]
    public void Web_clients_may_register_https_uris_on_the_client_host_or_a_subdomain(string uri) =>
        Assert.Null(RedirectUris.ProblemForRegistration(uri, native: false, ClientUri));

    [Theory]
    [InlineData("https://example.com/callback#fragment")]
    [InlineData("http://example.com/callback")]
    [InlineData("http://localhost/")]
    [InlineData("https://app.com/callback")]
    [InlineData("https://notexample.com/callback")]
    [InlineData("https://user:pw@example.com/callback")]
    public void Web_clients_may_not_register_other_uris(string uri) =>
        Assert.NotNull(RedirectUris.ProblemForRegistration(uri, native: false, ClientUri));

    [Theory]
    [InlineData("com.example.app:/callback")]
    [InlineData("com.example:/")]
    [InlineData("com.example:callback")]
    [InlineData("http://localhost/callback")]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("http://[::1]/callback")]
    [InlineData("https://app.example.com/callback")]
    public void Native_clients_may_register_private_schemes_loopback_without_port_and_claimed_https(string uri) =>
        Assert.Null(RedirectUris.ProblemForRegistration(uri, native: true, ClientUri));

    [Theory]
    [InlineData("example:/callback")]
    [InlineData("com.example.app://callback")]
    [InlineData("https://localhost/callback")]
    [InlineData("http://localhost:1234/callback")]
    [InlineData("http://192.168.1.1/callback")]
    [InlineData("org.example:/callback")]
    public void Native_clients_may_not_register_other_uris(string uri) =>
        Assert.NotNull(RedirectUris.ProblemForRegistration(uri, native: true, ClientUri));

    [Fact]
    public void A_redirect_uri_must_match_a_registered_one_exactly()
    {
        string[] registered = ["https://app.example.com/callback"];

        Assert.Equal(registered[0], RedirectUris.Match(registered, native: false, "https://app.example.com/callback"));
        Assert.Null(RedirectUris.Match(registered, native: false, "https://app.example.com/callback/"));
        Assert.Null(RedirectUris.Match(registered, native: false, "https://app.example.com/callback?x=1"));
        Assert.Null(RedirectUris.Match(registered, native: false, "https://app.example.com:8443/callback"));
        Assert.Null(RedirectUris.Match(registered, native: false, null));
    }

    [Fact]
    public void A_native_loopback_uri_matches_with_any_port_but_the_same_host_and_path()
    {
        string[] registered = ["http://127.0.0.1/callback"];

        Assert.NotNull(RedirectUris.Match(registered, native: true, "http://127.0.0.1:49152/callback"));
        Assert.NotNull(RedirectUris.Match(registered, native: true, "http://127.0.0.1/callback"));
        Assert.Null(RedirectUris.Match(registered, native: true, "http://localhost:49152/callback"));
        Assert.Null(RedirectUris.Match(registered, native: true, "http://127.0.0.1:49152/other"));
        Assert.Null(RedirectUris.Match(registered, native: false, "http://127.0.0.1:49152/callback"));
    }
}
