using System.Text;
using Homeserver.Fuzz.Generation;
using Homeserver.Fuzz.Spec;

namespace Homeserver.Fuzz.Running;

/// <summary>
/// Which spec endpoints the server implements: each is requested once by a throwaway user with placeholder path
/// parameters and <c>{}</c> as body. The router does not know it when the answer is 405, or 404 with
/// <c>M_UNRECOGNIZED</c> or without a JSON body (as spec-compliance/lib/probe.mjs decides); any other answer means a
/// handler ran. Endpoints that end the probing session go last.
/// </summary>
public static class EndpointDiscovery
{
    public static async Task<(IReadOnlyList<SpecEndpoint> Implemented, IReadOnlyList<SpecEndpoint> NotImplemented)>
        DiscoverAsync(FuzzHttp http, FuzzSession probe, string serverName, IReadOnlyList<SpecEndpoint> endpoints,
            CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(probe);
        var implemented = new List<SpecEndpoint>();
        var notImplemented = new List<SpecEndpoint>();
        foreach (var endpoint in endpoints.OrderBy(RequestGenerator.EndsSession))
        {
            var path = endpoint.Template.TrimEnd();
            foreach (var parameter in endpoint.PathParameters)
            {
                path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(Placeholder(parameter.Name,
                    probe, serverName)), StringComparison.Ordinal);
            }

            var withBody = endpoint.Method is "POST" or "PUT";
            var response = await http.SendAsync(endpoint.Method, path, probe.AccessToken,
                withBody ? endpoint.RequestContentType ?? "application/json" : null,
                withBody ? Encoding.UTF8.GetBytes("{}") : null, ct);
            var unknown = response.Status == 405 ||
                          (response.Status == 404 && (response.Errcode is null or "M_UNRECOGNIZED"));
            (unknown ? notImplemented : implemented).Add(endpoint);
        }

        return (Sorted(implemented), Sorted(notImplemented));
    }

    private static List<SpecEndpoint> Sorted(List<SpecEndpoint> endpoints) =>
        endpoints.OrderBy(e => e.Template, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();

    private static string Placeholder(string name, FuzzSession probe, string serverName) => name switch
    {
        "roomId" or "roomIdOrAlias" => $"!probe:{serverName}",
        "roomAlias" => $"#probe:{serverName}",
        "userId" => probe.UserId,
        "eventId" => "$probe",
        "serverName" => serverName,
        "deviceId" => "PROBEDEVICE",
        "kind" => "override",
        "ruleId" => ".m.rule.master",
        "receiptType" => "m.read",
        _ => "probe",
    };
}
