using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;

namespace Homeserver.Services.AppServices;

/// <summary>
/// The client API's third-party lookups (<c>/_matrix/client/v3/thirdparty/*</c>), answered by the appservices that
/// registered the protocol (<c>/_matrix/app/v1/thirdparty/*</c>), merged as Synapse does: a protocol's metadata is the
/// first answer with every appservice's <c>instances</c> after each other, each given an <c>instance_id</c> of
/// <c>{appservice id}|{network_id}</c>; lookups concatenate the answers, keeping only well-formed entries. An
/// appservice that fails or answers nonsense is left out. A protocol no appservice (with a url) registered is unknown.
/// </summary>
public sealed class ThirdPartyProtocols(AppServiceRegistry registry, AppServiceClient client)
{
    /// <summary>GET /thirdparty/protocols: every registered protocol that some appservice described.</summary>
    public async Task<JsonObject> GetProtocolsAsync(CancellationToken cancellationToken)
    {
        var result = new JsonObject();
        var protocols = registry.All.Where(r => r.Url is not null).SelectMany(r => r.Protocols)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var protocol in protocols)
        {
            if (await DescribeAsync(protocol, cancellationToken) is { } described)
            {
                result[protocol] = described;
            }
        }

        return result;
    }

    /// <summary>GET /thirdparty/protocol/{protocol}: 404 when no appservice registered or described it.</summary>
    public async Task<JsonObject> GetProtocolAsync(string protocol, CancellationToken cancellationToken) =>
        await DescribeAsync(protocol, cancellationToken) ?? throw UnknownProtocol(protocol);

    /// <summary>GET /thirdparty/location/{protocol} or /user/{protocol} (<paramref name="kind"/>), with the
    /// client's query fields passed on.</summary>
    public async Task<JsonArray> LookUpAsync(string kind, string protocol, string queryString,
        CancellationToken cancellationToken)
    {
        var services = ServicesOf(protocol);
        if (services.Count == 0)
        {
            throw UnknownProtocol(protocol);
        }

        return await GatherAsync(services, kind, $"/{Uri.EscapeDataString(protocol)}{queryString}", cancellationToken);
    }

    /// <summary>GET /thirdparty/location?alias= or /user?userid=: every appservice with protocols is asked.</summary>
    public Task<JsonArray> ReverseLookUpAsync(string kind, string queryString, CancellationToken cancellationToken) =>
        GatherAsync(registry.All.Where(r => r.Url is not null && r.Protocols.Count > 0).ToList(), kind, queryString,
            cancellationToken);

    private static MatrixException UnknownProtocol(string protocol) =>
        new(ErrorCode.NotFound, $"Unknown protocol '{protocol}'");

    private List<AppServiceRegistration> ServicesOf(string protocol) =>
        registry.All.Where(r => r.Url is not null && r.Protocols.Contains(protocol, StringComparer.Ordinal)).ToList();

    private async Task<JsonObject?> DescribeAsync(string protocol, CancellationToken cancellationToken)
    {
        JsonObject? merged = null;
        var instances = new JsonArray();
        foreach (var appService in ServicesOf(protocol))
        {
            var answer = await GetJsonAsync(appService,
                "/_matrix/app/v1/thirdparty/protocol/" + Uri.EscapeDataString(protocol), cancellationToken);
            if (answer is not JsonObject metadata || metadata["instances"] is not JsonArray theirs)
            {
                continue;
            }

            foreach (var instance in theirs.OfType<JsonObject>())
            {
                var copy = instance.DeepClone().AsObject();
                if (copy["network_id"] is JsonValue networkId && networkId.TryGetValue<string>(out var network))
                {
                    copy["instance_id"] = appService.Id + "|" + network;
                }

                instances.Add(copy);
            }

            merged ??= metadata;
        }

        if (merged is null)
        {
            return null;
        }

        merged["instances"] = instances;
        return merged;
    }

    private async Task<JsonArray> GatherAsync(IReadOnlyList<AppServiceRegistration> services, string kind,
        string pathAndQuery, CancellationToken cancellationToken)
    {
        var required = kind == "user" ? "userid" : "alias";
        var result = new JsonArray();
        foreach (var appService in services)
        {
            if (await GetJsonAsync(appService, $"/_matrix/app/v1/thirdparty/{kind}{pathAndQuery}", cancellationToken)
                is not JsonArray entries)
            {
                continue;
            }

            foreach (var entry in entries.OfType<JsonObject>().Where(e => IsWellFormed(e, required)))
            {
                result.Add(entry.DeepClone());
            }
        }

        return result;
    }

    private static bool IsWellFormed(JsonObject entry, string required) =>
        IsString(entry[required]) && IsString(entry["protocol"]) && entry["fields"] is JsonObject;

    private static bool IsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    private async Task<JsonNode?> GetJsonAsync(AppServiceRegistration appService, string pathAndQuery,
        CancellationToken cancellationToken)
    {
        var response = await client.SendAsync(appService, HttpMethod.Get, pathAndQuery, null, cancellationToken);
        if (response.Outcome != AppServiceCallOutcome.Success || response.Truncated)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(response.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
