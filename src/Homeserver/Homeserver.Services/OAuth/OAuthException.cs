namespace Homeserver.Services.OAuth;

/// <summary>
/// An OAuth 2.0 error (RFC 6749 section 5.2): answered as <c>{"error", "error_description"}</c> without a Matrix
/// errcode, because clients tell the two formats apart by the errcode (matrix-js-sdk treats a 4xx OAuth error from the
/// token endpoint as a logout, a Matrix error as a failure to retry).
/// </summary>
public sealed class OAuthException(string error, string description, int status = 400) : Exception(description)
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string InvalidScope = "invalid_scope";
    public const string InvalidClientMetadata = "invalid_client_metadata";
    public const string InvalidRedirectUri = "invalid_redirect_uri";

    public string Error { get; } = error;

    public int Status { get; } = status;
}
