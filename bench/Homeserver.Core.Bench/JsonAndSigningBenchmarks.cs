using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Json;

namespace Homeserver.Core.Bench;

[MemoryDiagnoser]
[ShortRunJob]
public class JsonAndSigningBenchmarks
{
    private readonly SigningKey _key = SigningKey.FromSeed("1", new byte[32]);
    private JsonObject _event = null!;
    private JsonElement _eventElement;
    private byte[] _canonical = null!;
    private byte[] _signature = null!;
    private JsonObject _signedEvent = null!;

    [GlobalSetup]
    public void Setup()
    {
        _event = SampleEvents.FiveKilobyteMessage();
        _canonical = CanonicalJson.Encode(_event);

        // As received over federation: UTF-8 text with non-ASCII unescaped (JsonSerializer would escape it).
        _eventElement = JsonDocument.Parse(_canonical).RootElement;
        if (_canonical.Length is < 4500 or > 6000)
        {
            throw new InvalidOperationException($"sample event is {_canonical.Length} bytes, not about 5 KB");
        }

        _signature = Ed25519.Sign(_key.KeyPair, _canonical);
        _signedEvent = (JsonObject)_event.DeepClone();
        EventSigning.HashAndSign(_signedEvent, "example.org", _key, RoomVersions.V12);
    }

    [Benchmark]
    public byte[] CanonicalJson_5KB_event_from_JsonElement() => CanonicalJson.Encode(_eventElement);

    [Benchmark]
    public byte[] CanonicalJson_5KB_event_from_JsonNode() => CanonicalJson.Encode(_event);

    [Benchmark]
    public byte[] Ed25519_sign_5KB() => Ed25519.Sign(_key.KeyPair, _canonical);

    [Benchmark]
    public bool Ed25519_verify_5KB() => Ed25519.Verify(_key.KeyPair.PublicKey, _canonical, _signature);

    [Benchmark]
    public JsonObject Hash_and_sign_5KB_event() =>
        EventSigning.HashAndSign((JsonObject)_event.DeepClone(), "example.org", _key, RoomVersions.V12);

    [Benchmark]
    public bool Verify_signed_5KB_event() =>
        EventSigning.Verify(_signedEvent, "example.org", _key.KeyId, _key.KeyPair.PublicKey, RoomVersions.V12).IsValid;

    /// <summary>
    /// Times sign and verify of the 5 KB event with a stopwatch: the median of 21 batches of 500 calls, which stays
    /// readable on a loaded machine where BenchmarkDotNet's means swing (and its child build can time out).
    /// </summary>
    public static async Task PrintQuickSigningAsync(TextWriter output)
    {
        var bench = new JsonAndSigningBenchmarks();
        bench.Setup();
        await output.WriteLineAsync($"Ed25519 sign 5 KB:   {MedianMicroseconds(() => bench.Ed25519_sign_5KB().Length > 0)}");
        await output.WriteLineAsync($"Ed25519 verify 5 KB: {MedianMicroseconds(bench.Ed25519_verify_5KB)}");
        await output.WriteLineAsync($"verify signed event: {MedianMicroseconds(bench.Verify_signed_5KB_event)}");
    }

    private static string MedianMicroseconds(Func<bool> call)
    {
        const int Batches = 21;
        const int Calls = 500;
        if (!call())
        {
            throw new InvalidOperationException("the benchmarked call failed");
        }

        var perCall = new double[Batches];
        for (var batch = 0; batch < Batches; batch++)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                call();
            }

            perCall[batch] = stopwatch.Elapsed.TotalMicroseconds / Calls;
        }

        Array.Sort(perCall);
        return $"median {perCall[Batches / 2]:F1} µs per call (fastest batch {perCall[0]:F1} µs)";
    }
}
