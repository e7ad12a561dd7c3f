using System.Text.Json.Nodes;

namespace Homeserver.Fuzz.Spec;

/// <summary>Every operation of the spec's client-server API (api/client-server/*.yaml), in a stable order.</summary>
public static class SpecEndpoints
{
    private static readonly string[] Methods = ["get", "put", "post", "delete"];

    public static IReadOnlyList<SpecEndpoint> Read(SpecDocuments documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var folder = Path.Combine(documents.SpecDirectory, "api", "client-server");
        var endpoints = new List<SpecEndpoint>();
        foreach (var file in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            if (documents.File(file) is not JsonObject document || document["paths"] is not JsonObject paths)
            {
                continue;
            }

            var basePath = document["servers"]?[0]?["variables"]?["basePath"]?["default"]?.GetValue<string>() ?? "";
            foreach (var (path, item) in paths)
            {
                if (item is not JsonObject operations)
                {
                    continue;
                }

                foreach (var method in Methods)
                {
                    if (operations[method] is JsonObject operation)
                    {
                        endpoints.Add(Endpoint(documents, method.ToUpperInvariant(), basePath + path, operations,
                            operation));
                    }
                }
            }
        }

        return endpoints.DistinctBy(e => e.Key).OrderBy(e => e.Template, StringComparer.Ordinal)
            .ThenBy(e => e.Method, StringComparer.Ordinal).ToList();
    }

    private static SpecEndpoint Endpoint(SpecDocuments documents, string method, string template,
        JsonObject pathItem, JsonObject operation)
    {
        var parameters = new List<SpecParameter>();
        foreach (var list in new[] { pathItem["parameters"], operation["parameters"] })
        {
            foreach (var raw in list as JsonArray ?? [])
            {
                if (documents.Follow(raw) is JsonObject parameter && parameter["name"] is JsonValue name &&
                    parameter["in"] is JsonValue location)
                {
                    parameters.RemoveAll(p => p.Name == name.GetValue<string>());
                    parameters.Add(new SpecParameter(name.GetValue<string>(), location.GetValue<string>(),
                        parameter["required"]?.GetValue<bool>() ?? false, documents.Follow(parameter["schema"])));
                }
            }
        }

        JsonNode? schema = null;
        string? contentType = null;
        if (documents.Follow(operation["requestBody"])?["content"] is JsonObject content)
        {
            if (content["application/json"] is JsonObject json)
            {
                schema = documents.Follow(json["schema"]) ?? new JsonObject { ["type"] = "object" };
            }
            else
            {
                contentType = content.Select(c => c.Key).FirstOrDefault();
            }
        }

        var requiresAuth = operation["security"] is JsonArray { Count: > 0 };
        var deprecated = operation["deprecated"] is JsonValue d && d.GetValue<bool>();
        var upstreamFailures = (operation["responses"] as JsonObject ?? []).Select(r => r.Key)
            .Select(code => int.TryParse(code, System.Globalization.CultureInfo.InvariantCulture, out var status) ? status : 0)
            .Where(status => status is > 500 and < 600).ToHashSet();
        return new SpecEndpoint(method, template, parameters, schema, contentType, requiresAuth, deprecated,
            upstreamFailures);
    }
}
