using Homeserver.Services.Federation.Sending;
using Homeserver.Services.Shared;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Runs the federation sender in a serving process: other processes' wake-ups (<see cref="FederationSender.WakeChannel"/>)
/// and news of servers back up (<see cref="RemoteServerUp.Channel"/>), every destination with queued work at start
/// (deliveries resume after a restart), and a poll for work this process was not told of (published while Redis was
/// away, or leased by a process that died).
/// </summary>
public sealed class FederationSenderService(FederationSender sender, RemoteServerUp serverUp, ISharedStore shared,
    FederationSenderOptions options, TimeProvider time) : BackgroundService
{
    private IAsyncDisposable? _subscription;
    private IAsyncDisposable? _upSubscription;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await shared.SubscribeAsync(FederationSender.WakeChannel, sender.OnWakeMessage,
            cancellationToken);
        _upSubscription = await shared.SubscribeAsync(RemoteServerUp.Channel, serverUp.OnUpMessage, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }

        if (_upSubscription is not null)
        {
            await _upSubscription.DisposeAsync();
        }

        await sender.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sender.WakeAllWithWorkAsync(stoppingToken);
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the database may be away for a while: the poll goes on
            catch (Exception)
#pragma warning restore CA1031
            {
                await Task.Delay(options.PollInterval, time, stoppingToken).ContinueWith(_ => { },
                    CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }
}
