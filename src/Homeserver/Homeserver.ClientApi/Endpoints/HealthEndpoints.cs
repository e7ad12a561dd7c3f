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
        // GET /health: liveness, as Synapse's /health: "OK" while the server answers and can still recover by itself;
        // 503 once it cannot (ILivenessCheck: e.g. the local Postgres cluster did not restart), so a restart is due.
        app.MapGet("/health", (IEnumerable<ILivenessCheck> checks) =>
        {
            var failures = checks.Select(c => c.Failure is { } failure ? c.Name + ": " + failure : null)
                .OfType<string>().ToList();
            if (failures.Count == 0)
            {
                return Results.Text("OK", "text/plain");
            }

            var body = new JsonObject { ["errcode"] = "M_UNKNOWN", ["error"] = "Not alive: " + string.Join("; ", failures) };
            return Results.Text(body.ToJsonString(), "application/json",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        });

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
