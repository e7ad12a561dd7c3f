using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Discovery;

namespace Homeserver.Services.Federation.Client;

/// <summary>
/// The HTTP handler of outbound federation: connections go to the request URI's host and port (a discovery target),
/// whose name is resolved through <see cref="IHostAddressLookup"/>, each address tried in turn. TLS takes its SNI and
/// certificate name from the request's <c>Host</c> header (SocketsHttpHandler does; no SNI for an IP address), and
/// certificates are validated: the system's CAs plus <see cref="FederationClientSettings.TrustedCaFile"/>, unless
/// <see cref="FederationClientSettings.VerifyCertificates"/> is off (loopback tests only). No redirects, no cookies.
/// </summary>
public static class FederationHttpHandler
{
    public static SocketsHttpHandler Create(FederationClientSettings settings, IHostAddressLookup addresses)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var validator = new CertificateValidator(settings.VerifyCertificates, settings.LoadTrustedCas());
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectCallback = (context, cancellationToken) =>
                ConnectAsync(addresses, context.DnsEndPoint, cancellationToken),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = validator.Validate },
        };
    }

    private static async ValueTask<Stream> ConnectAsync(IHostAddressLookup lookup, DnsEndPoint endPoint,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<IPAddress> addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await lookup.GetAddressesAsync(endPoint.Host, cancellationToken);
        if (addresses.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, endPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private sealed class CertificateValidator(bool verify, X509Certificate2Collection trustedCas)
    {
        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (!verify || errors == SslPolicyErrors.None)
            {
                return true;
            }

            // Only an untrusted chain can be rescued by the extra CAs; a wrong name or no certificate cannot.
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || trustedCas.Count == 0 || certificate is null)
            {
                return false;
            }

            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            return custom.Build(leaf);
        }
    }
}
