namespace Homeserver.Services.Federation.Events;

/// <summary>How much fetching one received PDU may cause.</summary>
/// <param name="MissingEventsLimit">The <c>limit</c> of a <c>/get_missing_events</c> request.</param>
/// <param name="MaxFetchedEvents">Events fetched in all (missing prev events, state, auth chains) for one PDU.</param>
/// <param name="MaxEventRequests">Single-event requests (<c>/event</c>) for one PDU.</param>
/// <param name="StateRequestThreshold">More unknown state events than this are fetched with one <c>/state</c>
/// request instead of one <c>/event</c> request each.</param>
public sealed record RemoteFetchLimits(int MissingEventsLimit, int MaxFetchedEvents, int MaxEventRequests,
    int StateRequestThreshold)
{
    public static readonly RemoteFetchLimits Default = new(10, 20_000, 100, 20);
}

/// <summary>A PDU needed more fetching than <see cref="RemoteFetchLimits"/> allow.</summary>
public sealed class FetchLimitExceededException(string message) : Exception(message);

/// <summary>What is left of one PDU's <see cref="RemoteFetchLimits"/>.</summary>
internal sealed class RemoteFetchBudget(RemoteFetchLimits limits)
{
    private int _events;
    private int _requests;

    public RemoteFetchLimits Limits => limits;

    /// <summary>Counts <paramref name="count"/> more fetched events, throwing when over the limit.</summary>
    public void TakeEvents(int count)
    {
        _events += count;
        if (_events > limits.MaxFetchedEvents)
        {
            throw new FetchLimitExceededException(
                $"fetching what the event misses needs more than {limits.MaxFetchedEvents} events");
        }
    }

    /// <summary>Counts one more <c>/event</c> request, throwing when over the limit.</summary>
    public void TakeEventRequest()
    {
        if (++_requests > limits.MaxEventRequests)
        {
            throw new FetchLimitExceededException(
                $"fetching what the event misses needs more than {limits.MaxEventRequests} event requests");
        }

        TakeEvents(1);
    }
}
