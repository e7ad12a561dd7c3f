using System.Text.Json.Nodes;
using Homeserver.Services.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        // GET /health: liveness (the process answers HTTP), as Synapse's /health.
        app.MapGet("/health", () => Results.Text("OK", "text/plain"));

        // GET /health/ready: readiness; 503 when a required dependency (Postgres) fails, 200 "degraded"
        // when only an optional one (Redis) does.
        app.MapGet("/health/ready", async (IEnumerable<IReadinessCheck> checks, CancellationToken cancellationToken) =>
        {
            var all = checks.ToList();
            var results = await Task.WhenAll(all.Select(c => c.CheckAsync(cancellationToken)));
            var body = new JsonObject();
            var details = new JsonObject();
            var ready = true;
            var degraded = false;
            for (var i = 0; i < all.Count; i++)
            {
                details[all[i].Name] = results[i].Detail;
                ready &= results[i].Healthy || !all[i].Required;
                degraded |= !results[i].Healthy;
            }

            body["status"] = !ready ? "unready" : degraded ? "degraded" : "ready";
            if (!ready)
            {
                var failed = all.Where((c, i) => c.Required && !results[i].Healthy).Select(c => c.Name);
                body["errcode"] = "M_UNKNOWN";
                body["error"] = "Not ready: " + string.Join(", ", failed) + " unavailable";
            }

            body["checks"] = details;
            return Results.Text(body.ToJsonString(), "application/json",
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
