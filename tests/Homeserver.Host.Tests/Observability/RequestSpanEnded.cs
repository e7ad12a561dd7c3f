using System.Diagnostics;

namespace Homeserver.Host.Tests.Observability;

/// <summary>
/// Completes when the server's request span (ASP.NET Core's activity) of a given trace has ended. ASP.NET Core ends
/// that span after the response has gone out, so a client holding the response cannot assume the span is exported
/// yet. Created after the server has started, this listener comes after the server's exporter in the source's
/// listener list, so by the time it is told, the exporter has queued the span and a flush will carry it.
/// </summary>
public sealed class RequestSpanEnded : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Dictionary<string, TaskCompletionSource> _ended;

    public RequestSpanEnded(params string[] traceIds)
    {
        _ended = traceIds.ToDictionary(id => id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (_ended.TryGetValue(activity.TraceId.ToHexString(), out var ended))
                {
                    ended.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Task AllEnded => Task.WhenAll(_ended.Values.Select(e => e.Task));

    public void Dispose() => _listener.Dispose();
}
