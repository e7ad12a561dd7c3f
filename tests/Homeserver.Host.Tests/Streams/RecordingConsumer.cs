using System.Threading.Channels;
using Homeserver.Services.Streams;

namespace Homeserver.Host.Tests.Streams;

/// <summary>A durable consumer that records the messages it is handed; it can be told to fail its next batches.</summary>
public sealed class RecordingConsumer(string name = "test-recorder") : IEventStreamConsumer
{
    private readonly Channel<StreamEvent> _handed = Channel.CreateUnbounded<StreamEvent>();
    private int _failures;

    public string Name => name;

    /// <summary>How many of the next batches with a message throw.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failures);
        set => Volatile.Write(ref _failures, value);
    }

    public Task HandleAsync(IReadOnlyList<StreamEvent> events, CancellationToken cancellationToken)
    {
        var messages = events.Where(e => e.Pdu.Type == "m.room.message").ToList();
        foreach (var message in messages)
        {
            _handed.Writer.TryWrite(message);
        }

        if (messages.Count > 0 && Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new InvalidOperationException("the consumer failed on purpose");
        }

        return Task.CompletedTask;
    }

    /// <summary>The next message handed over (a failed batch's messages come again).</summary>
    public async Task<StreamEvent> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _handed.Reader.ReadAsync(timeout.Token);
    }

    public bool HasMore => _handed.Reader.TryPeek(out _);
}
