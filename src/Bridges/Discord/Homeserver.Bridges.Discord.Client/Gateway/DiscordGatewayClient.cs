using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Homeserver.Bridges.Discord.Client.Rest;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.Discord.Client.Gateway;

/// <summary>
/// Discord's gateway over a WebSocket (v10, JSON, no compression): IDENTIFY once, then RESUME at
/// <c>resume_gateway_url</c> after any drop, op 7 or resumable op 9, so dispatches continue where they stopped (those
/// already seen are skipped by sequence). Dispatches go to a channel in order. <see cref="RunAsync"/> runs until
/// cancelled, or throws <see cref="DiscordGatewayException"/> when Discord refuses the bot (4004, 4014, ...).
/// </summary>
public sealed partial class DiscordGatewayClient
{
    private readonly DiscordGatewayOptions _options;
    private readonly Func<CancellationToken, Task<Uri>> _gatewayUrl;
    private readonly ChannelWriter<GatewayDispatch> _dispatches;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscordGatewayClient> _logger;
    private Session? _session;
    private int _sequence;

    public DiscordGatewayClient(DiscordGatewayOptions options, Func<CancellationToken, Task<Uri>> gatewayUrl,
        ChannelWriter<GatewayDispatch> dispatches, TimeProvider time, ILogger<DiscordGatewayClient> logger)
    {
        _options = options;
        _gatewayUrl = gatewayUrl;
        _dispatches = dispatches;
        _time = time;
        _logger = logger;
    }

    /// <summary>The gateway URL as Discord gives it: <c>GET /gateway/bot</c>.</summary>
    public static Func<CancellationToken, Task<Uri>> UrlFrom(DiscordRestClient rest) =>
        async cancellationToken => new Uri((await rest.GetGatewayBotAsync(cancellationToken)).Url);

    /// <summary>The current session, once READY arrived.</summary>
    public string? SessionId => _session?.Id;

    /// <summary>The sequence number of the last dispatch received.</summary>
    public int Sequence => Volatile.Read(ref _sequence);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ConnectionEnd end;
            try
            {
                end = await RunConnectionAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException or IOException
                or InvalidDataException or JsonException or KeyNotFoundException or InvalidOperationException or DiscordApiException { Status: >= System.Net.HttpStatusCode.InternalServerError or System.Net.HttpStatusCode.TooManyRequests }
                && !cancellationToken.IsCancellationRequested)
            {
                end = new ConnectionEnd(Healthy: false, Failure: exception);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: whatever the socket threw on the way out, the caller asked for this.
                throw new OperationCanceledException(cancellationToken);
            }

            if (end.FatalCode is { } code)
            {
                var fatal = new DiscordGatewayException(code);
                DiscordGatewayLog.Fatal(_logger, fatal, code);
                throw fatal;
            }

            failures = end.Healthy ? 0 : failures + 1;
            var delay = end.Delay ?? (failures == 0 ? TimeSpan.Zero : Backoff(failures));
            if (end.Failure is not null)
            {
                DiscordGatewayLog.ConnectionFailed(_logger, end.Failure, delay.TotalMilliseconds);
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.ReconnectBackoff * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = exponential < _options.MaxReconnectBackoff ? exponential : _options.MaxReconnectBackoff;
        return capped * (0.5 + (_options.Jitter() / 2));
    }

    private async Task<ConnectionEnd> RunConnectionAsync(CancellationToken cancellationToken)
    {
        var resuming = _session is not null;
        var baseUrl = _session?.ResumeUrl ?? await _gatewayUrl(cancellationToken);
        var url = WithQuery(baseUrl);
        DiscordGatewayLog.Connecting(_logger, url, resuming);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, cancellationToken);
        using var connectionCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connection = new Connection(socket, connectionCancellation);
        try
        {
            return await ReceiveLoopAsync(connection, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The heartbeat gave up on the connection (no ACK): resume on a new one.
            return new ConnectionEnd(connection.Healthy);
        }
        catch (WebSocketException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new ConnectionEnd(connection.Healthy, Failure: connection.Healthy ? null : exception);
        }
        finally
        {
            await connectionCancellation.CancelAsync();
            if (connection.Heartbeat is { } heartbeat)
            {
                await heartbeat;
            }

            socket.Abort();
        }
    }

    private static Uri WithQuery(Uri baseUrl)
    {
        var builder = new UriBuilder(baseUrl) { Query = "v=10&encoding=json" };
        return builder.Uri;
    }

    private sealed record Session(string Id, Uri ResumeUrl);

    /// <summary>How a connection ended: a close code that forbids reconnecting, whether it had become ready (which
    /// resets the backoff), a wait before the next one, and the failure if any.</summary>
    private sealed record ConnectionEnd(bool Healthy, int? FatalCode = null, TimeSpan? Delay = null, Exception? Failure = null);

    /// <summary>One WebSocket connection's state; sends are one at a time (the heartbeat sends from its own task).</summary>
    private sealed class Connection(ClientWebSocket socket, CancellationTokenSource cancellation)
    {
        private volatile bool _acked = true;

        public ClientWebSocket Socket => socket;

        public CancellationTokenSource Cancellation => cancellation;

        public SemaphoreSlim SendLock { get; } = new(1, 1);

        public bool Acked
        {
            get => _acked;
            set => _acked = value;
        }

        public bool Healthy { get; set; }

        public Task? Heartbeat { get; set; }
    }
}
