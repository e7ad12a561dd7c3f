using System.Globalization;
using System.Reflection;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>One numbered migration as it applies to one dialect; <see cref="Name"/> leaves out any dialect suffix.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Finds the embedded <c>NNNN_name[.postgres|.sqlite].sql</c> resources of an assembly for one dialect.</summary>
public static class MigrationResources
{
    private const string Extension = ".sql";

    /// <returns>the migrations in version order: each version's file for <paramref name="dialect"/>, else its shared file.</returns>
    public static IReadOnlyList<Migration> Load(Assembly assembly, string resourcePrefix, DatabaseDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var shared = new Dictionary<int, (string Name, string Resource)>();
        var own = new Dictionary<int, (string Name, string Resource)>();
        var others = new Dictionary<int, string>();
        foreach (var resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(Extension, StringComparison.Ordinal)))
        {
            var stem = resource[resourcePrefix.Length..^Extension.Length];
            var (name, fileDialect) = SplitDialect(stem);
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_description[.postgres|.sqlite].sql");
            }

            var target = fileDialect is null ? shared : fileDialect == dialect ? own : null;
            if (target is null)
            {
                others[version] = resource;
            }
            else if (!target.TryAdd(version, (name, resource)))
            {
                throw new InvalidOperationException($"Migrations '{target[version].Resource}' and '{resource}' share version {version}");
            }
        }

        var missing = others.Keys.Where(v => !shared.ContainsKey(v) && !own.ContainsKey(v)).Order().ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Migration '{others[missing[0]]}' has no {dialect} counterpart and no shared file");
        }

        return shared.Keys.Union(own.Keys).Order()
            .Select(version => (Version: version, Chosen: own.TryGetValue(version, out var mine) ? mine : shared[version]))
            .Select(m => new Migration(m.Version, m.Chosen.Name, Read(assembly, m.Chosen.Resource)))
            .ToList();
    }

    private static (string Name, DatabaseDialect? Dialect) SplitDialect(string stem)
    {
        foreach (var dialect in Enum.GetValues<DatabaseDialect>())
        {
            var suffix = "." + dialect.ToString().ToLowerInvariant();
            if (stem.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (stem[..^suffix.Length], dialect);
            }
        }

        return (stem, null);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
