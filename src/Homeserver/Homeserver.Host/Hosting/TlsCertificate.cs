using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Homeserver.Services.Configuration;

namespace Homeserver.Host.Hosting;

/// <summary>
/// The certificate for HTTPS listeners: the configured PEM pair, or a self-signed one generated once in
/// the data directory (fine for federation between test servers; use a real one on the internet).
/// </summary>
public static class TlsCertificate
{
    public static X509Certificate2 LoadOrCreate(TlsSettings tls, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(settings);
        if (tls.CertificatePath is not null && tls.KeyPath is not null)
        {
            try
            {
                return X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
            }
            catch (CryptographicException e)
            {
                throw new InvalidSettingException($"{SettingsReader.SectionName}:Tls:CertificatePath",
                    $"could not load the certificate and key: {e.Message}");
            }
        }

        var path = tls.GeneratedCertificatePath;
        if (File.Exists(path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
        }

        var certificate = CreateSelfSigned(settings.ServerName.Host);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(certificate.Export(X509ContentType.Pkcs12));
        }

        return certificate;
    }

    private static X509Certificate2 CreateSelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host.Trim('[', ']')}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }

        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        // Round-trip through PKCS#12 so the private key is usable by Kestrel on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
