using System.Text;
using FluentValidation;
using Homeserver.Core.Errors;
using Homeserver.Services.Push;

namespace Homeserver.Services.Validation;

/// <summary>
/// POST /_matrix/client/v3/pushers/set. Missing fields are 400 M_MISSING_PARAM, values we cannot accept
/// M_INVALID_PARAM; e-mail pushers are M_THREEPID_NOT_FOUND, as no e-mail address is bound to any account here. A
/// deletion (<c>kind: null</c>) needs only <c>app_id</c> and <c>pushkey</c>.
/// </summary>
public sealed class PusherSetRequestValidator : RequestValidator<PusherSetRequest>
{
    public const int MaxAppIdLength = 64;
    public const int MaxPushKeyBytes = 512;

    public PusherSetRequestValidator()
    {
        RuleFor(r => r.HasKind).Equal(true).WithMatrixError(ErrorCode.MissingParam, "Missing 'kind'");
        RuleFor(r => r.AppId).NotNull().WithMatrixError(ErrorCode.MissingParam, "Missing 'app_id'");
        RuleFor(r => r.PushKey).NotNull().WithMatrixError(ErrorCode.MissingParam, "Missing 'pushkey'");
        RuleFor(r => r.AppId).Must(id => id!.Length <= MaxAppIdLength)
            .WithMatrixError(ErrorCode.InvalidParam, $"'app_id' is longer than {MaxAppIdLength} characters");
        RuleFor(r => r.PushKey).Must(key => Encoding.UTF8.GetByteCount(key!) <= MaxPushKeyBytes)
            .WithMatrixError(ErrorCode.InvalidParam, $"'pushkey' is longer than {MaxPushKeyBytes} bytes");
        RuleFor(r => r.Kind)
            .NotEqual("email").WithMatrixError(ErrorCode.ThreepidNotFound, "No e-mail address is bound to this account")
            .Equal("http").WithMatrixError(ErrorCode.InvalidParam, (_, kind) => $"Unsupported pusher kind '{kind}'")
            .When(r => r.Kind is not null);
        When(r => r.Kind == "http", () =>
        {
            RuleFor(r => r.AppDisplayName).NotNull().WithMatrixError(ErrorCode.MissingParam, "Missing 'app_display_name'");
            RuleFor(r => r.DeviceDisplayName).NotNull()
                .WithMatrixError(ErrorCode.MissingParam, "Missing 'device_display_name'");
            RuleFor(r => r.Lang).NotNull().WithMatrixError(ErrorCode.MissingParam, "Missing 'lang'");
            RuleFor(r => r.Data).NotNull().WithMatrixError(ErrorCode.MissingParam, "Missing 'data'");
            RuleFor(r => r.DataUrl)
                .NotNull().WithMatrixError(ErrorCode.MissingParam, "HTTP pushers need 'data.url'")
                .Must(url => PusherSettingsReader.IsNotifyUrl(url!)).WithMatrixError(ErrorCode.InvalidParam,
                    $"'data.url' must be an http(s) URL whose path is {PusherSettingsReader.NotifyPath}");
            RuleFor(r => r.DataFormat).Must(format => format is null or "event_id_only")
                .WithMatrixError(ErrorCode.InvalidParam, "'data.format' must be \"event_id_only\" when given");
        });
    }
}
