namespace Homeserver.Core.Errors;

/// <summary>
/// A Matrix error code with the HTTP status the spec (or, where the spec is silent, Synapse) pairs
/// it with. This is the one table from errcode to status; endpoints may override the status where
/// the spec asks for a different one for a particular endpoint.
/// </summary>
public readonly record struct ErrorCode(string Code, int HttpStatus)
{
    public static readonly ErrorCode Forbidden = new("M_FORBIDDEN", 403);
    public static readonly ErrorCode UnknownToken = new("M_UNKNOWN_TOKEN", 401);
    public static readonly ErrorCode MissingToken = new("M_MISSING_TOKEN", 401);
    public static readonly ErrorCode UserLocked = new("M_USER_LOCKED", 401);
    public static readonly ErrorCode UserSuspended = new("M_USER_SUSPENDED", 403);
    public static readonly ErrorCode BadJson = new("M_BAD_JSON", 400);
    public static readonly ErrorCode NotJson = new("M_NOT_JSON", 400);
    public static readonly ErrorCode NotFound = new("M_NOT_FOUND", 404);
    public static readonly ErrorCode LimitExceeded = new("M_LIMIT_EXCEEDED", 429);
    public static readonly ErrorCode Unknown = new("M_UNKNOWN", 400);
    public static readonly ErrorCode Unrecognized = new("M_UNRECOGNIZED", 404);
    public static readonly ErrorCode Unauthorized = new("M_UNAUTHORIZED", 401);
    public static readonly ErrorCode UserDeactivated = new("M_USER_DEACTIVATED", 403);
    public static readonly ErrorCode UserInUse = new("M_USER_IN_USE", 400);
    public static readonly ErrorCode InvalidUsername = new("M_INVALID_USERNAME", 400);
    public static readonly ErrorCode RoomInUse = new("M_ROOM_IN_USE", 400);
    public static readonly ErrorCode InvalidRoomState = new("M_INVALID_ROOM_STATE", 400);
    public static readonly ErrorCode ThreepidInUse = new("M_THREEPID_IN_USE", 400);
    public static readonly ErrorCode ThreepidNotFound = new("M_THREEPID_NOT_FOUND", 400);
    public static readonly ErrorCode ThreepidAuthFailed = new("M_THREEPID_AUTH_FAILED", 401);
    public static readonly ErrorCode ThreepidDenied = new("M_THREEPID_DENIED", 403);
    public static readonly ErrorCode ThreepidMediumNotSupported = new("M_THREEPID_MEDIUM_NOT_SUPPORTED", 400);
    public static readonly ErrorCode ServerNotTrusted = new("M_SERVER_NOT_TRUSTED", 400);
    public static readonly ErrorCode UnsupportedRoomVersion = new("M_UNSUPPORTED_ROOM_VERSION", 400);
    public static readonly ErrorCode IncompatibleRoomVersion = new("M_INCOMPATIBLE_ROOM_VERSION", 400);
    public static readonly ErrorCode BadState = new("M_BAD_STATE", 400);
    public static readonly ErrorCode GuestAccessForbidden = new("M_GUEST_ACCESS_FORBIDDEN", 403);
    public static readonly ErrorCode CaptchaNeeded = new("M_CAPTCHA_NEEDED", 401);
    public static readonly ErrorCode CaptchaInvalid = new("M_CAPTCHA_INVALID", 400);
    public static readonly ErrorCode MissingParam = new("M_MISSING_PARAM", 400);
    public static readonly ErrorCode InvalidParam = new("M_INVALID_PARAM", 400);
    public static readonly ErrorCode TooLarge = new("M_TOO_LARGE", 413);
    public static readonly ErrorCode Exclusive = new("M_EXCLUSIVE", 400);
    public static readonly ErrorCode UnknownDevice = new("M_UNKNOWN_DEVICE", 400);
    public static readonly ErrorCode AppServiceLoginUnsupported = new("M_APPSERVICE_LOGIN_UNSUPPORTED", 400);
    public static readonly ErrorCode ResourceLimitExceeded = new("M_RESOURCE_LIMIT_EXCEEDED", 403);
    public static readonly ErrorCode CannotLeaveServerNoticeRoom = new("M_CANNOT_LEAVE_SERVER_NOTICE_ROOM", 403);
    public static readonly ErrorCode WeakPassword = new("M_WEAK_PASSWORD", 400);
    public static readonly ErrorCode UnableToAuthoriseJoin = new("M_UNABLE_TO_AUTHORISE_JOIN", 400);
    public static readonly ErrorCode UnableToGrantJoin = new("M_UNABLE_TO_GRANT_JOIN", 502);
    public static readonly ErrorCode NotYetUploaded = new("M_NOT_YET_UPLOADED", 504);
    public static readonly ErrorCode CannotOverwriteMedia = new("M_CANNOT_OVERWRITE_MEDIA", 409);
    public static readonly ErrorCode UnknownPos = new("M_UNKNOWN_POS", 400);
    public static readonly ErrorCode WrongRoomKeysVersion = new("M_WRONG_ROOM_KEYS_VERSION", 403);
    public static readonly ErrorCode ProfileTooLarge = new("M_PROFILE_TOO_LARGE", 400);
    public static readonly ErrorCode KeyTooLarge = new("M_KEY_TOO_LARGE", 400);
    public static readonly ErrorCode BadAlias = new("M_BAD_ALIAS", 400);
    public static readonly ErrorCode InvalidSignature = new("M_INVALID_SIGNATURE", 400);

    public override string ToString() => Code;
}
