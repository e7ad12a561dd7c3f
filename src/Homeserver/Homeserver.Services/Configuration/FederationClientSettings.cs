using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Homeserver.Core.Identifiers;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Configuration;

/// <summary>Outbound federation requests (<c>Federation:*</c>).</summary>
/// <param name="VerifyCertificates">False accepts any certificate: only for tests on loopback.</param>
/// <param name="TrustedCaFile">A PEM file of CA certificates trusted besides the system's.</param>
/// <param name="MaxResponseBytes">Larger response bodies are cut off and fail the request.</param>
/// <param name="MaxConcurrentRequestsPerDestination">More requests to one server wait for one of these to end.</param>
/// <param name="BackoffMin">After a destination first fails, requests to it fail at once for this long; each further
/// failure doubles it (±jitter) up to <paramref name="BackoffMax"/>; a success ends it.</param>
/// <param name="HostOverrides">Server name to a loopback address and port, replacing discovery (tests).</param>
public sealed record FederationClientSettings(
    bool VerifyCertificates,
    string? TrustedCaFile,
    TimeSpan ConnectTimeout,
    TimeSpan RequestTimeout,
    long MaxResponseBytes,
    int MaxConcurrentRequestsPerDestination,
    TimeSpan BackoffMin,
    TimeSpan BackoffMax,
    IReadOnlyDictionary<string, IPEndPoint> HostOverrides)
{
    public static readonly FederationClientSettings Default = new(true, null, TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(60), 100L * 1024 * 1024, 8, TimeSpan.FromMinutes(10), TimeSpan.FromDays(7),
        new Dictionary<string, IPEndPoint>());

    public const string HostOverridesPrefix = "Federation:HostOverrides:";

    /// <summary>The certificates of <see cref="TrustedCaFile"/>.</summary>
    public X509Certificate2Collection LoadTrustedCas()
    {
        var collection = new X509Certificate2Collection();
        if (TrustedCaFile is not null)
        {
            collection.ImportFromPemFile(TrustedCaFile);
        }

        return collection;
    }
}

/// <summary>Reads <see cref="FederationClientSettings"/> for <see cref="SettingsReader"/>.</summary>
internal static class FederationClientSettingsReader
{
    public static FederationClientSettings Read(SettingsReader.ValueReader reader,
        IConfigurationSection section, string workingDirectory, List<string> errors)
    {
        var verify = reader.Parse("Federation:VerifyCertificates", SettingsReader.ParseBool);
        var caFile = reader.Parse("Federation:TrustedCaFile", text => ParseCaFile(text, workingDirectory));
        var connect = reader.Parse("Federation:ConnectTimeoutSeconds", text => SettingsReader.ParseInteger(text, 1, 3600));
        var request = reader.Parse("Federation:RequestTimeoutSeconds", text => SettingsReader.ParseInteger(text, 1, 3600));
        var maxBytes = reader.Parse("Federation:MaxResponseBytes", text =>
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1024
                ? (n, null)
                : (0L, $"'{text}' is not a whole number of bytes of at least 1024"));
        var concurrency = reader.Parse("Federation:MaxConcurrentRequestsPerDestination",
            text => SettingsReader.ParseInteger(text, 1, 1000));
        var backoffMin = reader.Parse("Federation:BackoffMinSeconds", text => SettingsReader.ParseInteger(text, 1, 31_536_000));
        var backoffMax = reader.Parse("Federation:BackoffMaxSeconds", text => SettingsReader.ParseInteger(text, 1, 31_536_000));
        if (backoffMax < backoffMin)
        {
            errors.Add(InvalidSettingException.Describe($"{SettingsReader.SectionName}:Federation:BackoffMaxSeconds",
                "must not be less than Federation:BackoffMinSeconds"));
        }

        return new FederationClientSettings(verify, caFile, TimeSpan.FromSeconds(connect), TimeSpan.FromSeconds(request),
            maxBytes, concurrency, TimeSpan.FromSeconds(backoffMin), TimeSpan.FromSeconds(backoffMax),
            ReadHostOverrides(section, errors));
    }

    /// <summary>
    /// <c>Federation:HostOverrides:&lt;server name&gt;</c> = <c>127.0.0.1:port</c>; a server name with a port spans two
    /// configuration levels (<c>HostOverrides:hs1.test:8448</c>), so the rest of the path is the name.
    /// </summary>
    private static Dictionary<string, IPEndPoint> ReadHostOverrides(
        IConfigurationSection section, List<string> errors)
    {
        var overrides = new Dictionary<string, IPEndPoint>(StringComparer.Ordinal);
        foreach (var (path, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null || !path.StartsWith(FederationClientSettings.HostOverridesPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = path[FederationClientSettings.HostOverridesPrefix.Length..];
            var key = $"{SettingsReader.SectionName}:{path}";
            if (!ServerName.TryParse(name, out _, out var problem))
            {
                errors.Add(InvalidSettingException.Describe(key, $"'{name}' is not a server name: {problem}"));
            }
            else if (!IPEndPoint.TryParse(value.Trim(), out var endPoint) || endPoint.Port == 0 ||
                     !IPAddress.IsLoopback(endPoint.Address))
            {
                errors.Add(InvalidSettingException.Describe(key,
                    $"'{value}' is not a loopback address with a port (such as 127.0.0.1:8448); overrides are for tests"));
            }
            else
            {
                overrides[name] = endPoint;
            }
        }

        return overrides;
    }

    private static (string?, string?) ParseCaFile(string text, string workingDirectory)
    {
        if (text.Length == 0)
        {
            return (null, null);
        }

        var path = Path.GetFullPath(text, workingDirectory);
        if (!File.Exists(path))
        {
            return (null, $"file '{path}' does not exist");
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            return certificates.Count > 0 ? (path, null) : (null, $"'{path}' holds no PEM certificate");
        }
        catch (CryptographicException e)
        {
            return (null, $"'{path}' is not a PEM file of certificates: {e.Message}");
        }
    }
}
