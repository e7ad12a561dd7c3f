using Homeserver.Host.Cli;
using Microsoft.OpenApi;

namespace Homeserver.Host.Hosting;

/// <summary>
/// An OpenAPI 3 document of every route this server has, generated from the endpoints themselves, at
/// <c>/openapi/v1.json</c> on the client listener (public, like <c>/versions</c>).
/// </summary>
public static class OpenApiHosting
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/{documentName}.json";

    public static IServiceCollection AddHomeserverOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Homeserver",
                    Version = CommandLine.InformationalVersion,
                    Description = "The routes of this Matrix homeserver; the Matrix specification describes their " +
                                  "bodies. Client routes that existed in r0 also answer under /_matrix/client/r0/.",
                };
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<UndescribedEndpoints>();
        });

    public static WebApplication MapHomeserverOpenApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        return app;
    }
}
