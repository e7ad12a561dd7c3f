namespace Homeserver.Bridges.AppService.Events;

/// <summary>
/// Receives every event of every transaction, in the order the homeserver sent them (timeline events first, then
/// ephemeral ones). A retried transaction is not handed over again. An exception is logged and the next event goes
/// on, so a handler that must not lose work records it before it throws.
/// </summary>
public interface IMatrixEventReceiver
{
    Task HandleAsync(MatrixEvent matrixEvent, CancellationToken cancellationToken);
}
