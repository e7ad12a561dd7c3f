using System.Net.Http.Headers;
using System.Text;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Bridges.AppService.Tests.Support;

/// <summary>Records what the SDK hands to receivers.</summary>
public sealed class RecordingReceiver : IMatrixEventReceiver
{
    private readonly List<MatrixEvent> _received = [];

    /// <summary>Called before recording; may throw to act as a failing handler.</summary>
    public Func<MatrixEvent, CancellationToken, Task>? Before { get; set; }

    public IReadOnlyList<MatrixEvent> Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToList();
            }
        }
    }

    public async Task HandleAsync(MatrixEvent matrixEvent, CancellationToken cancellationToken)
    {
        if (Before is { } before)
        {
            await before(matrixEvent, cancellationToken);
        }

        lock (_received)
        {
            _received.Add(matrixEvent);
        }
    }
}

/// <summary>
/// The SDK served by real Kestrel on a loopback port, over a real database (Postgres or SQLite), as a bridge would run it.
/// <see cref="PutTransactionAsync"/> plays the homeserver.
/// </summary>
public sealed class TestAppService : IAsyncDisposable
{
    public const string ServerName = "example.org";

    private readonly WebApplication _app;

    private TestAppService(WebApplication app, Uri url, Registration.Registration registration, RecordingReceiver receiver)
    {
        _app = app;
        Url = url;
        Registration = registration;
        Receiver = receiver;
        Http = new HttpClient { BaseAddress = url };
    }

    public Uri Url { get; }

    public Registration.Registration Registration { get; }

    public RecordingReceiver Receiver { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static Registration.Registration NewRegistration(string url = "http://127.0.0.1:1") =>
        RegistrationGenerator.Create("test", url, "_test_bot", ServerName, "_test_", "_test_");

    public static async Task<TestAppService> StartAsync(AppServiceDatabaseSettings database, Registration.Registration? registration = null,
        Uri? homeserverUrl = null, Action<IServiceCollection>? configure = null, RecordingReceiver? receiver = null)
    {
        registration ??= NewRegistration();
        receiver ??= new RecordingReceiver();
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddAppService(registration, ServerName, homeserverUrl ?? new Uri("http://127.0.0.1:1/"), database);
        builder.Services.AddSingleton<IMatrixEventReceiver>(receiver);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAppServiceApi();
        await app.Services.GetRequiredService<AppServiceDatabase>().MigrateAsync(CancellationToken.None);
        await app.StartAsync();
        return new TestAppService(app, new Uri($"http://127.0.0.1:{port}/"), registration, receiver);
    }

    public Task<HttpResponseMessage> PutTransactionAsync(string txnId, string body, string? token = "", string prefix = "/_matrix/app/v1")
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"{prefix}/transactions/{Uri.EscapeDataString(txnId)}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        Authorize(request, token);
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? token = "")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        Authorize(request, token);
        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>"" means the right hs_token, null none.</summary>
    private void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Length == 0 ? Registration.HsToken : token);
        }
    }
}
