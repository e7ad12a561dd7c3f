using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Sending;

/// <summary>
/// Schedules delivery per destination: a wake-up (new work queued here or in another process, the destination back
/// after failures, the back-off's end, the periodic poll) starts one pass (<see cref="TransactionDelivery"/>) unless
/// one runs, which then goes round once more. Nothing waits for a destination that is down: its pass ends and a timer
/// wakes it when its back-off ends. Across processes, a lease in the queue lets one process send to a destination.
/// </summary>
public sealed partial class FederationSender : IFederationSender, IAsyncDisposable
{
    /// <summary>Destinations with new work, published for the process that holds their lease.</summary>
    public const string WakeChannel = "federation.send";

    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IFederationQueueStore _queue;
    private readonly TransactionDelivery _delivery;
    private readonly DestinationBackoff _backoff;
    private readonly ISharedStore _shared;
    private readonly FederationSenderOptions _options;
    private readonly ServerName _origin;
    private readonly TimeProvider _time;
    private readonly ILogger<FederationSender> _logger;
    private readonly string _owner = Guid.NewGuid().ToString("N");
    private readonly Dictionary<ServerName, Slot> _slots = [];
    private readonly HashSet<Task> _passes = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private bool _stopped;

    public FederationSender(IFederationQueueStore queue, TransactionDelivery delivery, DestinationBackoff backoff,
        ISharedStore shared, FederationSenderOptions options, ServerName origin, TimeProvider time,
        ILogger<FederationSender> logger)
    {
        _queue = queue;
        _delivery = delivery;
        _backoff = backoff;
        _shared = shared;
        _options = options;
        _origin = origin;
        _time = time;
        _logger = logger;
        backoff.Recovered += Wake;
    }

    public async Task SendEduAsync(IReadOnlyCollection<ServerName> destinations, string eduType, JsonObject content,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(content);
        var others = destinations.Where(d => d != _origin).Distinct().ToList();
        if (others.Count == 0)
        {
            return;
        }

        await _queue.EnqueueEduAsync(others, eduType, content.ToJsonString(), cancellationToken);
        await WakeAsync(others, cancellationToken);
    }

    /// <summary>Wakes the destinations here and in the other processes.</summary>
    public async Task WakeAsync(IReadOnlyCollection<ServerName> destinations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        foreach (var destination in destinations)
        {
            Wake(destination);
        }

        if (_shared.IsShared && destinations.Count > 0)
        {
            var message = string.Join('\n', destinations.Select(d => d.Value));
            await _shared.PublishAsync(WakeChannel, Encoding.UTF8.GetBytes(message), cancellationToken);
        }
    }

    /// <summary>A message of <see cref="WakeChannel"/> from another process.</summary>
    public void OnWakeMessage(ReadOnlyMemory<byte> message)
    {
        foreach (var name in Encoding.UTF8.GetString(message.Span).Split('\n'))
        {
            if (ServerName.TryParse(name, out var destination, out _))
            {
                Wake(destination);
            }
        }
    }

    /// <summary>Wakes every destination with queued work (at start, and by the poll).</summary>
    public async Task WakeAllWithWorkAsync(CancellationToken cancellationToken)
    {
        foreach (var destination in await _queue.GetDestinationsWithWorkAsync(cancellationToken))
        {
            Wake(destination);
        }
    }

    public void Wake(ServerName destination)
    {
        Slot slot;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            if (!_slots.TryGetValue(destination, out slot!))
            {
                slot = new Slot();
                _slots[destination] = slot;
            }

            if (slot.Running)
            {
                slot.Again = true;
                return;
            }

            slot.Running = true;
            slot.Timer?.Dispose();
            slot.Timer = null;
            var pass = Task.Run(() => RunAsync(destination, slot));
            _passes.Add(pass);
            _ = pass.ContinueWith(done =>
            {
                lock (_lock)
                {
                    _passes.Remove(done);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Stops every pass (a transaction in flight stays queued) and hands the leases back.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] passes;
        ServerName[] destinations;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            passes = _passes.ToArray();
            destinations = _slots.Keys.ToArray();
            foreach (var slot in _slots.Values)
            {
                slot.Timer?.Dispose();
            }
        }

        _backoff.Recovered -= Wake;
        await _stopping.CancelAsync();
        await Task.WhenAll(passes);
        try
        {
            foreach (var destination in destinations)
            {
                await _queue.ReleaseLeaseAsync(destination, _owner, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // best effort: an unreleased lease expires
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogReleaseFailed(_logger, e);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(ServerName destination, Slot slot)
    {
        while (true)
        {
            DeliveryOutcome outcome;
            try
            {
                var now = _time.GetUtcNow();
                var maintain = now - slot.LastMaintenance >= _options.MaintenanceInterval;
                if (maintain)
                {
                    slot.LastMaintenance = now;
                }

                outcome = await _delivery.DeliverAsync(destination, _owner, maintain, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a database failure must not end the destination's deliveries: the poll retries
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogPassFailed(_logger, e, destination.Value);
                outcome = new DeliveryOutcome(DeliveryState.RetryLater, _time.GetUtcNow() + _options.PollInterval);
            }

            lock (_lock)
            {
                if (slot.Again && !_stopped)
                {
                    slot.Again = false;
                    continue;
                }

                slot.Running = false;
                if (outcome.State == DeliveryState.RetryLater && !_stopped)
                {
                    // At least a second: a back-off that just ended must not turn into a tight loop.
                    var delay = outcome.RetryAt - _time.GetUtcNow();
                    slot.Timer = _time.CreateTimer(_ => Wake(destination), null,
                        delay > MinRetryDelay ? delay : MinRetryDelay, Timeout.InfiniteTimeSpan);
                }

                return;
            }
        }
    }

    private sealed class Slot
    {
        public bool Running { get; set; }

        public bool Again { get; set; }

        public ITimer? Timer { get; set; }

        public DateTimeOffset LastMaintenance { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Destination} failed; trying again later")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand back the federation sender's leases")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
