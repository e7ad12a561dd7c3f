using System.Diagnostics;
using System.Globalization;

namespace Homeserver.Storage.Postgres;

/// <summary>
/// The postmaster's PID from <c>postmaster.pid</c> and whether that process is alive. A killed postmaster can linger
/// as a zombie until its parent (init) reaps it; it counts as dead here, though signals still reach it.
/// </summary>
internal static class PostmasterPidFile
{
    public static int? ReadPid(string dataDirectory)
    {
        try
        {
            using var reader = new StreamReader(Path.Combine(dataDirectory, "postmaster.pid"));
            return int.TryParse(reader.ReadLine(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid)
    {
        if (OperatingSystem.IsLinux() && Directory.Exists("/proc/self"))
        {
            try
            {
                // "pid (comm) S ...": the state follows the last ')' (comm may itself hold parentheses).
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var end = stat.LastIndexOf(')');
                return end >= 0 && end + 2 < stat.Length && stat[end + 2] is not ('Z' or 'X' or 'x');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
