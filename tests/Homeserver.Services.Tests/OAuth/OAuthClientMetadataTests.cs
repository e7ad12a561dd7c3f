using System.Text.Json;
using Homeserver.Services.OAuth;

namespace Homeserver.Services.Tests.OAuth;

public sealed class OAuthClientMetadataTests
{
    [Fact]
    public void The_spec_example_registers_without_localised_values_and_unknown_grant_types()
    {
        var metadata = OAuthClientMetadata.Validate(Json("""
            {"client_name": "My App", "client_name#fr": "Mon application", "client_uri": "https://example.com/",
             "logo_uri": "https://example.com/logo.png", "tos_uri": "https://example.com/tos.html",
             "tos_uri#fr": "https://example.com/fr/tos.html", "policy_uri": "https://example.com/policy.html",
             "redirect_uris": ["https://app.example.com/callback"], "token_endpoint_auth_method": "none",
             "response_types": ["code"],
             "grant_types": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange"],
             "application_type": "web"}
            """));

        var json = metadata.ToJson("s6BhdRkqt3");

        Assert.Equal("s6BhdRkqt3", json["client_id"]!.GetValue<string>());
        Assert.Equal(["authorization_code", "refresh_token"], metadata.GrantTypes);
        Assert.Null(json["client_name#fr"]);
        Assert.Equal("https://example.com/tos.html", json["tos_uri"]!.GetValue<string>());
        Assert.Equal("none", json["token_endpoint_auth_method"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"redirect_uris": ["https://example.com/cb"]}""", "invalid_client_metadata")]
    [InlineData("""{"client_uri": "http://example.com/"}""", "invalid_client_metadata")]
    [InlineData("""{"client_uri": "https://example.com/", "token_endpoint_auth_method": "client_secret_basic"}""", "invalid_client_metadata")]
    [InlineData("""{"client_uri": "https://example.com/", "application_type": "desktop"}""", "invalid_client_metadata")]
    [InlineData("""{"client_uri": "https://example.com/", "logo_uri": "https://evil.example/logo.png"}""", "invalid_client_metadata")]
    [InlineData("""{"client_uri": "https://example.com/", "redirect_uris": "https://example.com/cb"}""", "invalid_client_metadata")]
    [InlineData("""{"client_uri": "https://example.com/", "redirect_uris": ["https://evil.example/cb"]}""", "invalid_redirect_uri")]
    [InlineData("""{"client_uri": "https://example.com/", "redirect_uris": ["http://127.0.0.1/cb"]}""", "invalid_redirect_uri")]
    public void Invalid_metadata_is_refused_with_the_rfc_7591_error(string body, string error)
    {
        var refused = Assert.Throws<OAuthException>(() => OAuthClientMetadata.Validate(Json(body)));

        Assert.Equal(error, refused.Error);
    }

    [Fact]
    public void Stored_metadata_reads_back_the_same()
    {
        var metadata = OAuthClientMetadata.Validate(Json("""
            {"client_uri": "https://example.com/", "application_type": "native",
             "redirect_uris": ["http://127.0.0.1/callback", "com.example.app:/cb"],
             "grant_types": ["authorization_code", "refresh_token"]}
            """));

        var stored = OAuthClientMetadata.FromStored(metadata.ToJson("id").ToJsonString());

        Assert.True(stored.Native);
        Assert.Equal(metadata.RedirectUris, stored.RedirectUris);
        Assert.Equal(metadata.GrantTypes, stored.GrantTypes);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
