using System.Collections.Concurrent;
using System.Diagnostics;
using Homeserver.Services.Shared;
using Homeserver.Services.Sync;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// Tells a test when the server has finished the first pass of one of its /sync requests (taken the wake-up listener,
/// read the positions, built the response): from then on, a long poll that found nothing new is waiting, and whatever
/// happens next reaches it by a wake-up. The request carries a trace ID of its own (<c>traceparent</c>); the server's
/// pass span (<see cref="SyncService.PassSpanName"/>) inherits it, and its end completes <see cref="FirstPassEnded"/>.
/// Requests of other tests are not sampled.
/// </summary>
public sealed class SyncPassSignal : IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";
    private static readonly ConcurrentDictionary<ActivityTraceId, SyncPassSignal> Watched = new();
    private static readonly ActivityListener Listener = StartListening();
    private readonly TaskCompletionSource _firstPassEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActivityTraceId _traceId = ActivityTraceId.CreateRandom();

    private SyncPassSignal() => Watched[_traceId] = this;

    /// <summary>The header value that ties a request to this signal.</summary>
    public string TraceParent => $"00-{_traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    public Task FirstPassEnded => _firstPassEnded.Task;

    public static SyncPassSignal Watch()
    {
        GC.KeepAlive(Listener);
        return new SyncPassSignal();
    }

    public void Dispose() => Watched.TryRemove(_traceId, out _);

    private static ActivityListener StartListening()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AspNetCoreSource or ServerTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => Watched.ContainsKey(options.Parent.TraceId)
                ? ActivitySamplingResult.AllData
                : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == SyncService.PassSpanName &&
                    Watched.TryGetValue(activity.TraceId, out var signal))
                {
                    signal._firstPassEnded.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
