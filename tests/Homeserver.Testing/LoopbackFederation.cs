using System.Security.Cryptography.X509Certificates;

namespace Homeserver.Testing;

/// <summary>
/// What several of our servers need to federate with each other on loopback over real TLS: a federation port each, a
/// certificate for each server name signed by a test CA (written with the CA's PEM into a directory), the CA trusted
/// by all, and host overrides that send each server name to its port (no DNS, no discovery). <see cref="SettingsOf"/> gives a server's settings as keys under <c>Homeserver:</c>.
/// </summary>
public sealed class LoopbackFederation
{
    private readonly Dictionary<string, Dictionary<string, string?>> _settings = new(StringComparer.Ordinal);

    /// <param name="ca">The CA that signs each server's certificate.</param>
    /// <param name="directory">Where the PEM files go (kept while the servers run).</param>
    /// <param name="serverNames">The servers, each given a free loopback port.</param>
    public LoopbackFederation(X509Certificate2 ca, string directory, IReadOnlyList<string> serverNames)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(serverNames);
        var caPath = Path.Combine(directory, "ca.pem");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        var ports = serverNames.ToDictionary(name => name, _ => FreePort.Next(), StringComparer.Ordinal);
        foreach (var name in serverNames)
        {
            var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["Listen:Federation"] = $"https://127.0.0.1:{ports[name]}",
                ["Federation:TrustedCaFile"] = caPath,
            };
            WriteLeaf(ca, directory, name, settings);
            foreach (var (other, port) in ports)
            {
                settings[$"Federation:HostOverrides:{other}"] = $"127.0.0.1:{port}";
            }

            _settings[name] = settings;
        }
    }

    /// <summary>The federation settings of <paramref name="serverName"/> (listener, certificate, trusted CA, overrides).</summary>
    public IReadOnlyDictionary<string, string?> SettingsOf(string serverName) => _settings[serverName];

    private static void WriteLeaf(X509Certificate2 ca, string directory, string name,
        Dictionary<string, string?> settings)
    {
        using var leaf = TestCertificates.CreateLeaf(ca, name);
        var certificatePath = Path.Combine(directory, name + ".pem");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificatePath, leaf.ExportCertificatePem());
        using var key = leaf.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        settings["Tls:CertificatePath"] = certificatePath;
        settings["Tls:KeyPath"] = keyPath;
    }
}
