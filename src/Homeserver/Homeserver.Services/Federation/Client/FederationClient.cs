using System.Net.Http.Headers;
using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Discovery;

namespace Homeserver.Services.Federation.Client;

/// <summary>A 2xx answer of another server.</summary>
public sealed record FederationResponse(int StatusCode, byte[] Body)
{
    /// <summary>The answer's <c>Content-Type</c> header, parameters included (a multipart boundary).</summary>
    public string? ContentType { get; init; }
}

/// <summary>
/// Outbound federation requests: the destination is resolved (<see cref="ServerNameResolver"/>), its targets tried in
/// order until one accepts a connection, with the discovered <c>Host</c> header and certificate name; every request is
/// signed (<see cref="IFederationRequestSigner"/>). Bounded: a request timeout (on <see cref="TimeProvider"/> time,
/// waiting for a slot included), a response size limit, <see cref="DestinationLimiter"/> slots per destination, and
/// <see cref="DestinationBackoff"/>: a destination that is down fails at once until its back-off ends.
/// </summary>
public sealed class FederationClient(
    ServerNameResolver resolver,
    IFederationRequestSigner signer,
    HttpMessageInvoker http,
    FederationClientSettings settings,
    DestinationBackoff backoff,
    DestinationLimiter limiter,
    TimeProvider time,
    FederationAccessSettings? access = null)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public DestinationBackoff Backoff => backoff;

    public Task<T> GetJsonAsync<T>(ServerName destination, string uri, CancellationToken cancellationToken) =>
        SendJsonAsync<T>(HttpMethod.Get, destination, uri, null, cancellationToken);

    public Task<T> PutJsonAsync<TBody, T>(ServerName destination, string uri, TBody body,
        CancellationToken cancellationToken) =>
        SendJsonAsync<T>(HttpMethod.Put, destination, uri, JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken);

    public Task<T> PostJsonAsync<TBody, T>(ServerName destination, string uri, TBody body,
        CancellationToken cancellationToken) =>
        SendJsonAsync<T>(HttpMethod.Post, destination, uri, JsonSerializer.SerializeToUtf8Bytes(body), cancellationToken);

    /// <summary>One signed request; a JSON body (when given) is sent as is and signed as its parsed value.</summary>
    /// <param name="uri">The path from <c>/_matrix</c> with its query, already escaped.</param>
    /// <exception cref="FederationException">No 2xx answer within the limits.</exception>
    public async Task<FederationResponse> SendAsync(HttpMethod method, ServerName destination, string uri,
        byte[]? jsonBody, CancellationToken cancellationToken, TimeSpan? timeout = null, long? maxResponseBytes = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith("/_matrix/", StringComparison.Ordinal))
        {
            throw new ArgumentException("A federation request URI is a path from /_matrix/", nameof(uri));
        }

        if (access?.Allows(destination) == false)
        {
            throw new FederationException(destination, FederationFailure.NotAllowed,
                "federation with this server is refused by Federation:AllowedServers/DeniedServers");
        }

        if (backoff.IsBackingOff(destination, out var retryAt))
        {
            throw new FederationException(destination, FederationFailure.BackingOff,
                $"backing off after failures until {retryAt:O}") { RetryAt = retryAt };
        }

        using var timer = new CancellationTokenSource(timeout ?? settings.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var sent = false;
        try
        {
            using var slot = await limiter.EnterAsync(destination, linked.Token);
            sent = true;
            var resolved = await ResolveAsync(destination, linked.Token);
            // A null array would convert to empty memory, not to null: no body must reach the signer as none.
            var authorization = signer.CreateAuthorization(method.Method, uri, destination,
                jsonBody is null ? (ReadOnlyMemory<byte>?)null : jsonBody);
            using var response = await ConnectAndSendAsync(resolved, method, uri, jsonBody, authorization, linked.Token);
            return await ReadAsync(destination, response, maxResponseBytes ?? settings.MaxResponseBytes, linked.Token);
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (sent)
            {
                backoff.RecordFailure(destination);
            }

            throw new FederationException(destination, FederationFailure.Timeout,
                sent ? "no answer in time" : "no free request slot in time", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            backoff.RecordFailure(destination); // the connection broke after it was made
            throw new FederationException(destination, FederationFailure.Unreachable, e.Message, e);
        }
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, ServerName destination, string uri, byte[]? body,
        CancellationToken cancellationToken)
    {
        var response = await SendAsync(method, destination, uri, body, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(response.Body) ??
                   throw new FederationException(destination, FederationFailure.InvalidResponse, "the answer is null");
        }
        catch (JsonException e)
        {
            throw new FederationException(destination, FederationFailure.InvalidResponse,
                "the answer is not the JSON expected: " + e.Message, e);
        }
    }

    private async Task<ResolvedServer> ResolveAsync(ServerName destination, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.ResolveAsync(destination, cancellationToken);
        }
        catch (ServerDiscoveryException e)
        {
            backoff.RecordFailure(destination);
            throw new FederationException(destination, FederationFailure.Unreachable, e.Message, e);
        }
    }

    /// <summary>The first target that accepts a connection (and TLS) gets the request.</summary>
    private async Task<HttpResponseMessage> ConnectAndSendAsync(ResolvedServer resolved, HttpMethod method,
        string uri, byte[]? jsonBody, string authorization, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var target in resolved.Targets)
        {
            using var request = new HttpRequestMessage(method,
                new Uri($"https://{IpLiteral.ForUri(target.Host)}:{target.Port}{uri}"));
            request.Headers.Host = resolved.HostHeader;
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.Headers.Accept.ParseAdd("application/json");
            if (jsonBody is not null)
            {
                request.Content = new ByteArrayContent(jsonBody);
                request.Content.Headers.ContentType = Json;
            }

            try
            {
                return await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError
                                                     or HttpRequestError.NameResolutionError
                                                     or HttpRequestError.SecureConnectionError)
            {
                last = e;
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                last = e; // the handler's connect timeout
            }
        }

        backoff.RecordFailure(resolved.Destination);
        throw new FederationException(resolved.Destination, FederationFailure.Unreachable,
            $"no connection to {string.Join(", ", resolved.Targets.Select(t => $"{t.Host}:{t.Port}"))}: " +
            last?.Message, last);
    }

    private async Task<FederationResponse> ReadAsync(ServerName destination, HttpResponseMessage response,
        long maxBytes, CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(response.Content, maxBytes, cancellationToken) ??
                   throw new FederationException(destination, FederationFailure.ResponseTooLarge,
                       $"the answer is larger than {maxBytes} bytes");
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            backoff.RecordSuccess(destination);
            return new FederationResponse(status, body) { ContentType = response.Content.Headers.ContentType?.ToString() };
        }

        // As Synapse: 5xx, 401 and 429 say the destination will not take requests for a while; other 4xx are answers.
        if (status is >= 500 or 401 or 429)
        {
            backoff.RecordFailure(destination);
        }

        var (errCode, error) = MatrixError(body);
        throw new FederationException(destination, FederationFailure.ErrorResponse,
            $"HTTP {status} {errCode} {error}".TrimEnd())
        {
            StatusCode = status, ErrCode = errCode, Error = error,
        };
    }

    private static (string? ErrCode, string? Error) MatrixError(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind != JsonValueKind.Object
                ? (null, null)
                : (root.TryGetProperty("errcode", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
                    root.TryGetProperty("error", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
