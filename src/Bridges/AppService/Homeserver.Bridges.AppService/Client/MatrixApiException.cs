namespace Homeserver.Bridges.AppService.Client;

/// <summary>An error answer of the Client-Server API: its HTTP status and <c>errcode</c>.</summary>
public sealed class MatrixApiException(int status, string errcode, string error)
    : Exception($"{status} {errcode}: {error}")
{
    public int Status { get; } = status;

    public string ErrCode { get; } = errcode;

    public string Error { get; } = error;
}
