using Homeserver.Services.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace Homeserver.Host.Hosting;

/// <summary>Structured console logs: one line per message, text or JSON, framework chatter kept to warnings.</summary>
public static class HostLogging
{
    public static void Configure(ILoggingBuilder logging, LogFormat format, LogLevel level = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", level > LogLevel.Information ? level : LogLevel.Information);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Npgsql", LogLevel.Warning);
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }

    public static ILoggerFactory CreateFactory(LogFormat format, LogLevel level = LogLevel.Information) =>
        LoggerFactory.Create(builder => Configure(builder, format, level));
}
