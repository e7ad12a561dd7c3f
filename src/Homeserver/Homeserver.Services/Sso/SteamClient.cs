using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Sso;

/// <summary>Steam could not be asked (no connection, a timeout, a 5xx or an answer that is not Steam's).</summary>
public sealed class SteamUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What <c>ISteamUserAuth/AuthenticateUserTicket</c> said of a ticket.</summary>
/// <param name="SteamId">The ticket's user when Steam accepted it, else null.</param>
public sealed record TicketAnswer(string? SteamId, bool VacBanned, bool PublisherBanned, string? Error);

/// <summary>A player's public profile (<c>ISteamUser/GetPlayerSummaries/v2</c>).</summary>
public sealed record PlayerSummary(string? PersonaName, Uri? AvatarUrl);

/// <summary>
/// The HTTP calls to Steam: OpenID <c>check_authentication</c> at the configured OpenID URL, and the Web API at the
/// configured base URL. No redirects, bounded answers, short timeouts; the key only ever goes to the Web API.
/// </summary>
public sealed class SteamClient(HomeserverSettings settings) : IDisposable
{
    private const int MaxAnswerBytes = 64 * 1024;
    public const int MaxAvatarBytes = 1024 * 1024;

    private readonly SteamSsoSettings _steam = settings.Sso.Steam;

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
    })
    { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Asks the OpenID provider whether it made this assertion (OpenID 2.0 section 11.4.2).</summary>
    public async Task<bool> CheckAuthenticationAsync(IReadOnlyDictionary<string, string> fields,
        CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(SteamOpenId.CheckAuthenticationForm(fields));
        var answer = await SendAsync(new HttpRequestMessage(HttpMethod.Post, _steam.OpenIdUrl) { Content = content },
            MaxAnswerBytes, cancellationToken);
        return answer.Status == 200 && SteamOpenId.IsValidAnswer(Encoding.UTF8.GetString(answer.Body));
    }

    /// <summary>Checks a game's session ticket with the publisher key.</summary>
    public async Task<TicketAnswer> AuthenticateUserTicketAsync(string ticket, CancellationToken cancellationToken)
    {
        var url = WebApi("ISteamUserAuth/AuthenticateUserTicket/v1/",
            $"key={Uri.EscapeDataString(_steam.WebApiKey ?? "")}&appid={Uri.EscapeDataString(_steam.AppId ?? "")}" +
            $"&ticket={Uri.EscapeDataString(ticket)}");
        var answer = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), MaxAnswerBytes, cancellationToken);
        if (answer.Status is 401 or 403)
        {
            throw new SteamUnavailableException($"Steam refused the Web API key ({answer.Status})");
        }

        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            var response = json.RootElement.GetProperty("response");
            if (response.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object)
            {
                var ok = p.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.String &&
                         result.GetString() == "OK";
                var steamId = p.TryGetProperty("steamid", out var id) && id.ValueKind == JsonValueKind.String
                    ? id.GetString()
                    : null;
                return new TicketAnswer(ok ? steamId : null, IsTrue(p, "vacbanned"), IsTrue(p, "publisherbanned"),
                    ok ? null : "not OK");
            }

            var error = response.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object &&
                        e.TryGetProperty("errordesc", out var desc) && desc.ValueKind == JsonValueKind.String
                ? desc.GetString()
                : "no params";
            return answer.Status is >= 200 and < 300 or 400
                ? new TicketAnswer(null, false, false, error)
                : throw new SteamUnavailableException($"Steam answered {answer.Status}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SteamUnavailableException($"Steam answered {answer.Status} without its JSON", e);
        }
    }

    /// <summary>A player's persona name and avatar URL; null when there is no key or Steam does not say.</summary>
    public async Task<PlayerSummary?> GetPlayerSummaryAsync(string steamId, CancellationToken cancellationToken)
    {
        if (_steam.WebApiKey is null)
        {
            return null;
        }

        var url = WebApi("ISteamUser/GetPlayerSummaries/v2/",
            $"key={Uri.EscapeDataString(_steam.WebApiKey)}&steamids={Uri.EscapeDataString(steamId)}");
        try
        {
            var answer = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), MaxAnswerBytes, cancellationToken);
            using var json = JsonDocument.Parse(answer.Body);
            foreach (var player in json.RootElement.GetProperty("response").GetProperty("players").EnumerateArray())
            {
                if (player.ValueKind == JsonValueKind.Object && String(player, "steamid") == steamId)
                {
                    var avatar = String(player, "avatarfull") is { } text && Uri.TryCreate(text, UriKind.Absolute, out var uri)
                        ? uri
                        : null;
                    return new PlayerSummary(String(player, "personaname"), avatar);
                }
            }

            return null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException
                                      or SteamUnavailableException)
        {
            return null;
        }
    }

    /// <summary>An avatar image (JPEG, PNG or GIF, at most <see cref="MaxAvatarBytes"/>), or null.</summary>
    public async Task<(byte[] Bytes, string ContentType)?> FetchAvatarAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), MaxAvatarBytes, cancellationToken);
            return answer.Status == 200 && answer.ContentType is "image/jpeg" or "image/png" or "image/gif"
                ? (answer.Body, answer.ContentType)
                : null;
        }
        catch (SteamUnavailableException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private Uri WebApi(string path, string query) =>
        new UriBuilder(new Uri(new Uri(_steam.WebApiBaseUrl.AbsoluteUri.TrimEnd('/') + "/"), path)) { Query = query }.Uri;

    private static bool IsTrue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<(int Status, byte[] Body, string? ContentType)> SendAsync(HttpRequestMessage request, int maxBytes,
        CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead,
                    cancellationToken);
                var status = (int)response.StatusCode;
                if (status >= 500 || status == 429)
                {
                    throw new SteamUnavailableException($"Steam answered {status}");
                }

                if (response.Content.Headers.ContentLength > maxBytes)
                {
                    throw new SteamUnavailableException("Steam's answer is too large");
                }

                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                    {
                        throw new SteamUnavailableException("Steam's answer is too large");
                    }

                    await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                }

                return (status, buffer.ToArray(), MediaType(response.Content.Headers.ContentType));
            }
            catch (HttpRequestException e)
            {
                throw new SteamUnavailableException("Steam cannot be reached: " + e.Message, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SteamUnavailableException("Steam did not answer in time", e);
            }
        }
    }

    private static string? MediaType(MediaTypeHeaderValue? header) => header?.MediaType?.ToLowerInvariant();
}
