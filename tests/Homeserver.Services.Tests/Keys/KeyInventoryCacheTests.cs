using Homeserver.Services.Keys;
using Homeserver.Services.Keys.Dehydration;
using Homeserver.Services.Tests.Shared;

namespace Homeserver.Services.Tests.Keys;

public sealed class KeyInventoryCacheTests
{
    private const string Alice = "@alice:example.org";
    private const string Curve = "signed_curve25519";

    private readonly InMemoryDeviceKeyStore _store = new();
    private readonly Homeserver.Testing.ManualClock _clock = new();
    private readonly CachingDeviceKeyStore _keys;

    public KeyInventoryCacheTests() => _keys = new CachingDeviceKeyStore(_store, new KeyInventoryCache(_clock));

    [Fact]
    public async Task Inventory_is_read_once_then_served_from_memory()
    {
        await UploadAsync(_keys, "PHONE", "A", "B");

        Assert.Equal(2, await CountAsync(_keys, "PHONE"));
        Assert.Equal(2, await CountAsync(_keys, "PHONE"));
        Assert.Equal(0, await CountAsync(_keys, "LAPTOP"));
        Assert.Equal(0, await CountAsync(_keys, "LAPTOP"));

        Assert.Equal(2, _store.InventoryReads); // once per device
    }

    [Fact]
    public async Task A_kept_inventory_is_read_again_once_older_than_the_max_age()
    {
        // A change another process made while Redis was away is never heard of: the age bounds how long it is missed.
        Assert.Equal(0, await CountAsync(_keys, "PHONE"));
        await UploadAsync(new CachingDeviceKeyStore(_store, new KeyInventoryCache(_clock)), "PHONE", "A");

        _clock.Advance(KeyInventoryCache.MaxAge);
        Assert.Equal(0, await CountAsync(_keys, "PHONE"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await CountAsync(_keys, "PHONE"));

        Assert.Equal(2, _store.InventoryReads);
    }

    [Fact]
    public async Task An_upload_shows_in_the_next_read()
    {
        Assert.Equal(0, await CountAsync(_keys, "PHONE"));
        Assert.Empty(await FallbackAsync(_keys, "PHONE"));

        await UploadAsync(_keys, "PHONE", "A");
        Assert.Equal(1, await CountAsync(_keys, "PHONE"));
        await _keys.SetFallbackKeysAsync(Alice, "PHONE", [Key("F")], CancellationToken.None);

        Assert.Equal([Curve], await FallbackAsync(_keys, "PHONE"));
    }

    [Fact]
    public async Task A_claim_of_a_one_time_key_shows_in_the_next_read()
    {
        await UploadAsync(_keys, "PHONE", "A", "B");
        Assert.Equal(2, await CountAsync(_keys, "PHONE"));

        await _keys.ClaimAsync(Alice, "PHONE", Curve, CancellationToken.None);

        Assert.Equal(1, await CountAsync(_keys, "PHONE"));
    }

    [Fact]
    public async Task A_use_of_the_fallback_key_shows_in_the_next_read()
    {
        await _keys.SetFallbackKeysAsync(Alice, "PHONE", [Key("F")], CancellationToken.None);
        Assert.Equal([Curve], await FallbackAsync(_keys, "PHONE"));

        Assert.True((await _keys.ClaimAsync(Alice, "PHONE", Curve, CancellationToken.None))!.Fallback);

        Assert.Empty(await FallbackAsync(_keys, "PHONE"));
    }

    [Fact]
    public async Task A_claim_that_finds_no_key_keeps_the_inventory_in_memory()
    {
        Assert.Equal(0, await CountAsync(_keys, "PHONE"));

        Assert.Null(await _keys.ClaimAsync(Alice, "PHONE", Curve, CancellationToken.None));

        Assert.Equal(0, await CountAsync(_keys, "PHONE"));
        Assert.Equal(1, _store.InventoryReads);
    }

    [Fact]
    public async Task Deleting_a_device_drops_its_keys_from_the_next_read()
    {
        await UploadAsync(_keys, "PHONE", "A");
        Assert.Equal(1, await CountAsync(_keys, "PHONE"));

        _store.Devices.Remove((Alice, "PHONE")); // logged out; a login may take the device ID again
        await _keys.DeleteOrphanedKeysAsync(Alice, CancellationToken.None);

        Assert.Equal(0, await CountAsync(_keys, "PHONE"));
    }

    [Fact]
    public async Task Replacing_or_deleting_a_dehydrated_device_drops_the_users_inventories()
    {
        var cache = new KeyInventoryCache(_clock);
        var keys = new CachingDeviceKeyStore(_store, cache);
        var dehydrated = new CachingDehydratedDeviceStore(new NoDehydratedDevices(), cache);
        Assert.Equal(0, await CountAsync(keys, "DEHYDRATED"));

        await dehydrated.PutAsync(Alice, "DEHYDRATED", "{}", null, 0, CancellationToken.None);
        Assert.Equal(0, await CountAsync(keys, "DEHYDRATED"));
        await dehydrated.DeleteAsync(Alice, CancellationToken.None);
        Assert.Equal(0, await CountAsync(keys, "DEHYDRATED"));

        Assert.Equal(3, _store.InventoryReads);
    }

    [Fact]
    public async Task A_read_that_raced_a_change_is_not_kept()
    {
        _store.DuringRead = () =>
        {
            _store.DuringRead = null;
            UploadAsync(_keys, "PHONE", "A").GetAwaiter().GetResult();
        };

        Assert.Equal(0, await CountAsync(_keys, "PHONE")); // taken before the upload

        Assert.Equal(1, await CountAsync(_keys, "PHONE"));
        Assert.Equal(1, await CountAsync(_keys, "PHONE"));
        Assert.Equal(2, _store.InventoryReads);
    }

    [Fact]
    public async Task A_read_that_raced_a_change_is_not_kept_beside_another_device_already_kept()
    {
        Assert.Equal(0, await CountAsync(_keys, "LAPTOP"));
        _store.DuringRead = () =>
        {
            _store.DuringRead = null;
            UploadAsync(_keys, "PHONE", "A").GetAwaiter().GetResult();
            Assert.Equal(0, CountAsync(_keys, "LAPTOP").GetAwaiter().GetResult()); // kept again, after the change
        };

        Assert.Equal(0, await CountAsync(_keys, "PHONE")); // taken before the upload

        Assert.Equal(1, await CountAsync(_keys, "PHONE"));
    }

    [Fact]
    public async Task A_change_in_one_process_reaches_the_others()
    {
        using var redis = new SwitchableSharedStore { Shared = true }; // two "processes" on one pub/sub
        var here = new CachingDeviceKeyStore(_store, new KeyInventoryCache(_clock, redis));
        var thereCache = new KeyInventoryCache(_clock, redis);
        var there = new CachingDeviceKeyStore(_store, thereCache);
        await using var subscription = await thereCache.SubscribeAsync(CancellationToken.None);
        Assert.Equal(0, await CountAsync(here, "PHONE"));
        Assert.Equal(0, await CountAsync(there, "PHONE"));

        await UploadAsync(here, "PHONE", "A");

        Assert.Equal(1, await CountAsync(here, "PHONE"));
        Assert.Equal(1, await CountAsync(there, "PHONE"));
    }

    [Fact]
    public async Task A_user_with_more_devices_than_kept_is_still_answered_correctly()
    {
        var devices = Enumerable.Range(0, KeyInventoryCache.MaxDevicesPerUser + 5).Select(i => "D" + i).ToList();
        await UploadAsync(_keys, devices[0], "A");

        foreach (var device in devices)
        {
            Assert.Equal(device == devices[0] ? 1 : 0, await CountAsync(_keys, device));
        }

        Assert.Equal(1, await CountAsync(_keys, devices[0]));
    }

    private static UploadedKey Key(string id) => new(Curve, id, "\"key" + id + "\"");

    private static Task<string?> UploadAsync(CachingDeviceKeyStore keys, string deviceId, params string[] ids) =>
        keys.AddOneTimeKeysAsync(Alice, deviceId, ids.Select(Key).ToList(), CancellationToken.None);

    private static async Task<int> CountAsync(CachingDeviceKeyStore keys, string deviceId) =>
        (await keys.GetKeyInventoryAsync(Alice, deviceId, CancellationToken.None)).OneTimeKeyCounts
        .GetValueOrDefault(Curve);

    private static async Task<IReadOnlyList<string>> FallbackAsync(CachingDeviceKeyStore keys, string deviceId) =>
        (await keys.GetKeyInventoryAsync(Alice, deviceId, CancellationToken.None)).UnusedFallbackAlgorithms;

    private sealed class NoDehydratedDevices : IDehydratedDeviceStore
    {
        public Task<StoredDehydratedDevice?> GetAsync(string userId, CancellationToken cancellationToken) =>
            Task.FromResult<StoredDehydratedDevice?>(null);

        public Task<DehydratedDevicePut> PutAsync(string userId, string deviceId, string deviceData,
            string? displayName, long nowTs, CancellationToken cancellationToken) =>
            Task.FromResult(DehydratedDevicePut.Stored);

        public Task<string?> DeleteAsync(string userId, CancellationToken cancellationToken) =>
            Task.FromResult<string?>("DEHYDRATED");
    }
}
