using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Adds to the OpenAPI document the routes its generator cannot describe: handlers mapped as a plain
/// <see cref="RequestDelegate"/> (<c>(HttpContext context) =&gt; ...</c> writing the response itself) and endpoints
/// excluded from descriptions, with their path parameters. Read from the routing's own endpoints, so every route the
/// server has is in the document.
/// </summary>
internal sealed class UndescribedEndpoints(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Paths ??= [];
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var path = PathOf(endpoint.RoutePattern);
            if (!document.Paths.TryGetValue(path, out var found) || found is not OpenApiPathItem item)
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Count > 0 ? methods : [HttpMethods.Get])
            {
                var httpMethod = new HttpMethod(method);
                if (item.Operations?.ContainsKey(httpMethod) != true)
                {
                    item.AddOperation(httpMethod, OperationOf(endpoint));
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The path as the generator writes it: parameters as <c>{name}</c>, no trailing slash.</summary>
    internal static string PathOf(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));

    private static OpenApiOperation OperationOf(RouteEndpoint endpoint) => new()
    {
        Summary = endpoint.DisplayName,
        Parameters = endpoint.RoutePattern.Parameters.Select(parameter => (IOpenApiParameter)new OpenApiParameter
        {
            Name = parameter.Name,
            In = ParameterLocation.Path,
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        }).ToList(),
        Responses = new OpenApiResponses
        {
            ["default"] = new OpenApiResponse { Description = "As the Matrix specification describes" },
        },
    };
}
