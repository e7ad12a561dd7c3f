namespace Homeserver.Services.Shared;

/// <summary>
/// The server cannot do this now but may later (it is shutting down, say): clients get 503 <c>M_UNKNOWN</c> and
/// may retry, possibly against another process.
/// </summary>
public sealed class ServiceUnavailableException : Exception
{
    public ServiceUnavailableException()
        : this("The service is unavailable")
    {
    }

    public ServiceUnavailableException(string message)
        : base(message)
    {
    }

    public ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
