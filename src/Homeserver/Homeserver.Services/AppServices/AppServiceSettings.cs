using Homeserver.Core.AppServices;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.AppServices;

/// <summary>The appservices registered with this server (<c>AppServices:ConfigFiles</c>, Synapse's
/// <c>app_service_config_files</c>), read and checked at start.</summary>
public sealed record AppServiceSettings(IReadOnlyList<string> ConfigFiles, AppServiceRegistry Registry)
{
    public static readonly AppServiceSettings None = new([], AppServiceRegistry.Empty);
}

/// <summary>Reads <see cref="AppServiceSettings"/> for <see cref="SettingsReader"/>: every file must parse and the
/// registrations together must not share an id, a token or a sender.</summary>
internal static class AppServiceSettingsReader
{
    public const string ConfigFilesKey = "AppServices:ConfigFiles";

    public static AppServiceSettings Read(SettingsReader.ValueReader reader, Core.Identifiers.ServerName? serverName,
        string workingDirectory, List<string> errors)
    {
        var files = reader.ParseList(ConfigFilesKey, text => text.Length == 0
            ? ("", "cannot be empty")
            : (Path.GetFullPath(text, workingDirectory), (string?)null));
        if (files.Count == 0 || serverName is not { } server)
        {
            return new AppServiceSettings(files, AppServiceRegistry.Empty);
        }

        var registrations = new List<(string, AppServiceRegistration)>();
        foreach (var file in files)
        {
            string yaml;
            try
            {
                yaml = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(InvalidSettingException.Describe($"{SettingsReader.SectionName}:{ConfigFilesKey}",
                    $"cannot read {file}: {e.Message}"));
                continue;
            }

            if (AppServiceRegistrationFile.Parse(file, yaml, server, out var problems) is { } registration)
            {
                registrations.Add((file, registration));
            }

            errors.AddRange(problems.Select(Describe));
        }

        var registry = AppServiceRegistry.Create(registrations, out var conflicts);
        errors.AddRange(conflicts.Select(Describe));
        return new AppServiceSettings(files, registry);
    }

    private static string Describe(string problem) =>
        InvalidSettingException.Describe($"{SettingsReader.SectionName}:{ConfigFilesKey}", problem);
}
