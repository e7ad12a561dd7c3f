namespace Homeserver.Storage.Postgres;

/// <summary>Finds Debian's Postgres server programs: on PATH first, then the newest /usr/lib/postgresql/*/bin.</summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl)
{
    public const string InstallHint =
        "Postgres server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin; " +
        "install them (Debian: apt-get install postgresql) or set Homeserver:Database:ConnectionString";

    public static PostgresBinaries? Find()
    {
        foreach (var directory in CandidateDirectories())
        {
            var initDb = Path.Combine(directory, "initdb");
            var pgCtl = Path.Combine(directory, "pg_ctl");
            if (File.Exists(initDb) && File.Exists(pgCtl))
            {
                return new PostgresBinaries(initDb, pgCtl);
            }
        }

        return null;
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var versions = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .OrderByDescending(x => x.Version);
            foreach (var (dir, _) in versions)
            {
                yield return Path.Combine(dir, "bin");
            }
        }
    }
}
