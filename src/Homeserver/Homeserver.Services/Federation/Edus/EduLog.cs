using Homeserver.Core.Identifiers;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Edus;

internal static partial class EduLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored an {EduType} EDU from {Origin} about {Subject}: {Reason}")]
    public static partial void Ignored(ILogger logger, string eduType, ServerName origin, string? subject, string reason);
}
