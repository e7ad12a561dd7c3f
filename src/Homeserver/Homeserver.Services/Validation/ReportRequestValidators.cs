using FluentValidation;
using Homeserver.Core.Errors;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Validation;

/// <summary>POST /_matrix/client/v3/rooms/{roomId}/report/{eventId}: the score, when given, is from -100 to 0.</summary>
public sealed class EventReportRequestValidator : RequestValidator<EventReportRequest>
{
    public const int MinScore = -100;
    public const int MaxScore = 0;

    public EventReportRequestValidator() =>
        RuleFor(r => r.Score).InclusiveBetween(MinScore, MaxScore)
            .WithMatrixError(ErrorCode.InvalidParam, $"score must be between {MinScore} and {MaxScore}")
            .When(r => r.Score is not null);
}

/// <summary>POST /_matrix/client/v3/rooms/{roomId}/report: a reason is required.</summary>
public sealed class RoomReportRequestValidator : RequestValidator<RoomReportRequest>
{
    public RoomReportRequestValidator() =>
        RuleFor(r => r.Reason).NotNull().WithMatrixError(ErrorCode.BadJson, "reason is required and must be a string");
}

/// <summary>POST /_matrix/client/v3/users/{userId}/report: a reason of at most 1000 characters (as Synapse).</summary>
public sealed class UserReportRequestValidator : RequestValidator<UserReportRequest>
{
    public const int MaxReasonLength = 1000;

    public UserReportRequestValidator() =>
        RuleFor(r => r.Reason)
            .NotNull().WithMatrixError(ErrorCode.BadJson, "reason is required and must be a string")
            .MaximumLength(MaxReasonLength)
            .WithMatrixError(ErrorCode.BadJson, $"reason must be at most {MaxReasonLength} characters");
}
