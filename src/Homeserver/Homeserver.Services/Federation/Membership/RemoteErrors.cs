using Homeserver.Core.Errors;
using Homeserver.Services.Federation.Client;

namespace Homeserver.Services.Federation.Membership;

/// <summary>What a client is told when another server refused or failed a membership handshake.</summary>
internal static class RemoteErrors
{
    /// <summary>The remote's own error when it gave one with a 4xx status (its refusal is the answer), else 502.</summary>
    public static MatrixException ToMatrix(FederationException error, string what) =>
        error is { Failure: FederationFailure.ErrorResponse, StatusCode: >= 400 and < 500 and var status, ErrCode: { } code }
            ? new MatrixException(new ErrorCode(code, status), error.Error ?? $"{what} refused by {error.Destination}")
            : new MatrixException(ErrorCode.Unknown, $"{what} failed: {error.Message}", 502);
}
