namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>Where the OAuth 2.0 API is served: the endpoints the server metadata names, and the browser pages.</summary>
public static class OAuthPaths
{
    public const string Authorize = "/oauth2/authorize";
    public const string Continue = "/oauth2/continue";
    public const string Login = "/oauth2/login";
    public const string Logout = "/oauth2/logout";
    public const string Consent = "/oauth2/consent";
    public const string Token = "/oauth2/token";
    public const string Revoke = "/oauth2/revoke";
    public const string Register = "/oauth2/register";
    public const string Device = "/oauth2/device";
    public const string Stylesheet = "/oauth2/style.css";
}
