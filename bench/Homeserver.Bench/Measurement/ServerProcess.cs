using System.Globalization;

namespace Homeserver.Bench.Measurement;

/// <summary>The server process seen through /proc (Linux): resident memory and CPU time used so far.</summary>
public sealed class ServerProcess
{
    /// <summary>USER_HZ: the unit of utime/stime in /proc/pid/stat; 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;
    private readonly int _pid;

    public ServerProcess(int pid) => _pid = pid;

    /// <summary>VmRSS in bytes, or null when the process is gone or /proc is not there.</summary>
    public long? RssBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>VmHWM in bytes: the highest RSS of the process's life so far, or null.</summary>
    public long? PeakRssBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>Open file descriptors (sockets included), or null: shows whether held connections reached the server.</summary>
    public int? OpenFileDescriptors()
    {
        try
        {
            return Directory.GetFiles($"/proc/{_pid}/fd").Length;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime in seconds, or null.</summary>
    public double? CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{_pid}/stat");
            // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the name: state is field 3, so utime (14) and stime (15) are at indexes 11 and 12.
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private long? StatusKilobytes(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
