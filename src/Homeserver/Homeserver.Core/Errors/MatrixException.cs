namespace Homeserver.Core.Errors;

/// <summary>
/// The one exception type for Matrix API errors. It becomes the standard error response
/// <c>{"errcode": ..., "error": ...}</c> (plus any extra fields) with the code's HTTP status.
/// </summary>
public sealed class MatrixException : Exception
{
    public MatrixException(ErrorCode code, string message, int? httpStatus = null,
        IReadOnlyDictionary<string, object?>? extraFields = null)
        : base(message)
    {
        Code = code;
        HttpStatus = httpStatus ?? code.HttpStatus;
        ExtraFields = extraFields ?? EmptyFields;
    }

    public MatrixException()
        : this(ErrorCode.Unknown, "An unknown error occurred")
    {
    }

    public MatrixException(string message)
        : this(ErrorCode.Unknown, message)
    {
    }

    public MatrixException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCode.Unknown;
        HttpStatus = Code.HttpStatus;
        ExtraFields = EmptyFields;
    }

    private static readonly IReadOnlyDictionary<string, object?> EmptyFields = new Dictionary<string, object?>();

    public ErrorCode Code { get; }

    public int HttpStatus { get; }

    /// <summary>Fields some error codes add beside errcode and error (retry_after_ms, soft_logout, ...).</summary>
    public IReadOnlyDictionary<string, object?> ExtraFields { get; }

    /// <summary>429 M_LIMIT_EXCEEDED with the spec's <c>retry_after_ms</c>.</summary>
    public static MatrixException LimitExceeded(TimeSpan retryAfter) =>
        new(ErrorCode.LimitExceeded, "Too many requests",
            extraFields: new Dictionary<string, object?>
            {
                ["retry_after_ms"] = (long)Math.Ceiling(retryAfter.TotalMilliseconds),
            });

    /// <summary>The delay carried by an M_LIMIT_EXCEEDED error, if any.</summary>
    public TimeSpan? RetryAfter =>
        ExtraFields.TryGetValue("retry_after_ms", out var value) && value is long ms
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}
