using Homeserver.Services.Accounts;
using Homeserver.Storage.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>
/// Listens on Postgres for token revocations made by any process and evicts them from this process's
/// <see cref="AccessTokenCache"/>. While not listening, revocations could be missed, so the cache is
/// emptied whenever listening (re)starts. LISTEN is session state: it runs on its own unpooled connection.
/// </summary>
public sealed partial class TokenRevocationListener(SessionConnections sessions, AccessTokenCache cache,
    ILogger<TokenRevocationListener> logger) : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first LISTEN is in place.</summary>
    public Task Listening => _listening.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        // Serve no request before revocations can be heard.
        await Listening.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await sessions.OpenAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {TokenRevocation.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                cache.Clear();
                _listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                cache.Clear();
                LogListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (TokenRevocation.Decode(e.Payload) is { } revocation)
        {
            cache.Revoke(revocation);
        }
        else
        {
            cache.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the token revocation listener; retrying (token cache emptied)")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
