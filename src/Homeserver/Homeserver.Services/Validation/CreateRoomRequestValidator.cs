using FluentValidation;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Validation;

/// <summary>POST /_matrix/client/v3/createRoom: the values of the body (its JSON types are checked when it is read).</summary>
public sealed class CreateRoomRequestValidator : RequestValidator<CreateRoomRequest>
{
    public CreateRoomRequestValidator()
    {
        RuleFor(r => r.Visibility)
            .Must(v => v is null or "public" or "private")
            .WithMatrixError(ErrorCode.BadJson, "'visibility' must be public or private");
        RuleFor(r => r.Preset)
            .Must(p => p is null or "private_chat" or "public_chat" or "trusted_private_chat")
            .WithMatrixError(ErrorCode.BadJson, (_, preset) => $"Unknown preset '{preset}'");
        RuleFor(r => r.RoomAliasName)
            .Must(name => name is null || IsAliasLocalpart(name))
            .WithMatrixError(ErrorCode.InvalidParam, "'room_alias_name' must be an alias localpart (no ':' or whitespace)");
        RuleForEach(r => r.Invite)
            .Must(id => UserId.TryParse(id, out _, out _))
            .WithMatrixError(ErrorCode.InvalidParam, (_, id) => $"Invalid user ID in invite: {UserIdError(id)}");
    }

    private static bool IsAliasLocalpart(string name) =>
        name.Length > 0 && !name.Contains(':', StringComparison.Ordinal) &&
        !name.Any(c => char.IsWhiteSpace(c) || c == '\0');

    private static string UserIdError(string id) => UserId.TryParse(id, out _, out var error) ? "" : error;
}
