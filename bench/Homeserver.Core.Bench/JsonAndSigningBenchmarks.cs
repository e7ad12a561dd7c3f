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
}
