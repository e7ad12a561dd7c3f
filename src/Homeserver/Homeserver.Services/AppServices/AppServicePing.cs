using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;

namespace Homeserver.Services.AppServices;

/// <summary>
/// <c>POST /_matrix/client/v1/appservice/{appserviceId}/ping</c>: calls the appservice's
/// <c>POST /_matrix/app/v1/ping</c> with the transaction ID and says how long it took, or why it failed with the
/// spec's codes: no url (400 M_URL_NOT_SET), a non-2xx answer (502 M_BAD_STATUS with its status and body), no
/// connection (502 M_CONNECTION_FAILED), no answer in time (504 M_CONNECTION_TIMEOUT).
/// </summary>
public sealed class AppServicePing(AppServiceClient client)
{
    public static readonly ErrorCode UrlNotSet = new("M_URL_NOT_SET", 400);
    public static readonly ErrorCode BadStatus = new("M_BAD_STATUS", 502);
    public static readonly ErrorCode ConnectionFailed = new("M_CONNECTION_FAILED", 502);
    public static readonly ErrorCode ConnectionTimeout = new("M_CONNECTION_TIMEOUT", 504);

    /// <summary>The round trip in milliseconds.</summary>
    public async Task<long> PingAsync(AppServiceRegistration appService, string? transactionId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appService);
        if (appService.Url is null)
        {
            throw new MatrixException(UrlNotSet, "Application service doesn't have a URL configured");
        }

        var body = new JsonObject();
        if (transactionId is not null)
        {
            body["transaction_id"] = transactionId;
        }

        var response = await client.SendAsync(appService, HttpMethod.Post, "/_matrix/app/v1/ping",
            Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken);
        return response.Outcome switch
        {
            AppServiceCallOutcome.Success => (long)response.Duration.TotalMilliseconds,
            AppServiceCallOutcome.BadStatus => throw new MatrixException(BadStatus,
                $"Ping returned status {response.StatusCode}", extraFields: new Dictionary<string, object?>
                {
                    ["status"] = response.StatusCode,
                    ["body"] = Encoding.UTF8.GetString(response.Body),
                }),
            AppServiceCallOutcome.Timeout => throw new MatrixException(ConnectionTimeout,
                "Connection to application service timed out"),
            _ => throw new MatrixException(ConnectionFailed, "Connection to application service failed"),
        };
    }
}
