using FluentValidation;
using Homeserver.Core.Errors;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Validation;

/// <summary>
/// POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}: a known receipt type; a thread only for
/// receipts (never <c>m.fully_read</c>), and either <c>main</c> or an event ID.
/// </summary>
public sealed class ReceiptRequestValidator : RequestValidator<ReceiptRequest>
{
    public ReceiptRequestValidator()
    {
        RuleFor(r => r.ReceiptType)
            .Must(type => type is ReceiptService.Read or ReceiptService.ReadPrivate or ReceiptService.FullyRead)
            .WithMatrixError(ErrorCode.InvalidParam, (_, type) => $"Unknown receipt type '{type}'");
        RuleFor(r => r.ThreadId)
            .Null().WithMatrixError(ErrorCode.InvalidParam, "m.fully_read cannot be threaded")
            .When(r => r.ReceiptType == ReceiptService.FullyRead);
        RuleFor(r => r.ThreadId)
            .Must(thread => thread is null || thread == ReceiptService.MainThread || thread.StartsWith('$'))
            .WithMatrixError(ErrorCode.InvalidParam, "thread_id must be 'main' or an event ID");
    }
}
