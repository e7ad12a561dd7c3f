using System.Net;

namespace Homeserver.Host.Tests.Observability;

/// <summary>A span as the OTLP request carried it: its scope's name (the ActivitySource), trace and span IDs (hex),
/// parent span ID, name.</summary>
public sealed record ReceivedSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);

/// <summary>
/// A collector stand-in on loopback: takes OTLP/HTTP trace exports (<c>POST /v1/traces</c>, protobuf) and keeps the
/// spans, read with a small protobuf wire-format reader (ExportTraceServiceRequest: resource_spans = 1; ResourceSpans:
/// scope_spans = 2; ScopeSpans: scope = 1 (InstrumentationScope: name = 1), spans = 2; Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5).
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<ReceivedSpan> _spans = [];
    private readonly Task _loop;

    public OtlpTraceReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Paths the exporter posted to.</summary>
    public List<string> Paths { get; } = [];

    public IReadOnlyList<ReceivedSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return _spans.ToList();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _listener.Close();
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var spans = ReadRequest(body.ToArray());
            lock (_spans)
            {
                Paths.Add(context.Request.Url!.AbsolutePath);
                _spans.AddRange(spans);
            }

            // An empty ExportTraceServiceResponse: all accepted.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    private static List<ReceivedSpan> ReadRequest(byte[] request)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in Fields(request, 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                var scope = Text(First(First(scopeSpans, 1), 1));
                foreach (var span in Fields(scopeSpans, 2))
                {
                    spans.Add(new ReceivedSpan(scope, Hex(First(span, 1)), Hex(First(span, 2)), Hex(First(span, 4)),
                        Text(First(span, 5))));
                }
            }
        }

        return spans;
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] First(byte[] message, int field) => Fields(message, field).FirstOrDefault() ?? [];

    /// <summary>The length-delimited fields numbered <paramref name="field"/>; other fields are skipped.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int field)
    {
        var i = 0;
        while (i < message.Length)
        {
            var key = ReadVarint(message, ref i);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    ReadVarint(message, ref i);
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref i);
                    if (number == field)
                    {
                        yield return message[i..(i + length)];
                    }

                    i += length;
                    break;
                default:
                    throw new FormatException($"Unexpected wire type {key & 7}");
            }
        }
    }

    private static ulong ReadVarint(byte[] message, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
