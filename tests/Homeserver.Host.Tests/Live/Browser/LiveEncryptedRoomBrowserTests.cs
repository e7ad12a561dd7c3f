using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Live.Browser;

/// <summary>
/// End-to-end encrypted private rooms in the web client (docs/LIVE.md, "Encrypted private rooms"): two users in two
/// browser profiles, each with the SDK's Rust crypto (WebAssembly under the page's CSP) and its own device keys on the
/// server. What the server stores is checked too: ciphertext only, never the text typed.
/// </summary>
public sealed class LiveEncryptedRoomBrowserTests(LiveBrowserFixture fixture) : IClassFixture<LiveBrowserFixture>
{
    private const string Megolm = "m.megolm.v1.aes-sha2";
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Users_create_an_encrypted_private_room_and_the_invited_user_reads_the_decrypted_message()
    {
        var owner = await Server.RegisterAsync();
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var (eventRoomId, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Main stage");
        var alicePage = await fixture.OpenAsync(alias);
        Assert.Equal(0, await alicePage.Page.GetByTestId("private-room-new").CountAsync());
        Assert.False(await LoadedWasmAsync(alicePage), "a guest loaded the crypto WebAssembly");
        await LogInWithDeviceKeysAsync(alicePage, alice);
        var bobPage = await fixture.OpenAsync(alias);
        await LogInWithDeviceKeysAsync(bobPage, bob);

        await alicePage.Page.GetByTestId("private-room-new").ClickAsync();
        Assert.True(await alicePage.Page.GetByTestId("private-room-encrypted").IsCheckedAsync());
        await alicePage.Page.GetByTestId("private-room-invitee").FillAsync(bob.UserId);
        await alicePage.Page.GetByTestId("private-room-name").FillAsync("Backstage");
        await alicePage.Page.GetByTestId("private-room-create").ClickAsync();
        var roomId = await OpenedRoomAsync(alicePage, "Backstage");
        await alicePage.Page.GetByTestId("room-encrypted").WaitForAsync();
        Assert.NotEqual(eventRoomId, roomId);

        await bobPage.Page.Locator($"[data-testid=private-room][data-room-id='{roomId}'][data-invited=true]").ClickAsync();
        Assert.Equal(roomId, await OpenedRoomAsync(bobPage, "Backstage"));
        await bobPage.Page.GetByTestId("room-encrypted").WaitForAsync();
        await alicePage.PostAsync("Meet me at the side stage at nine");

        await bobPage.WaitForMessageAsync("Meet me at the side stage at nine");
        Assert.Equal("decrypted",
            await bobPage.Message("Meet me at the side stage at nine").GetAttributeAsync("data-encryption"));
        await alicePage.WaitForMessageAsync("Meet me at the side stage at nine");
        await bobPage.ScreenshotAsync("encrypted-room-decrypted");
        await alicePage.ScreenshotAsync("encrypted-room-sender");

        var state = await alice.GetStateAsync(roomId, "m.room.encryption");
        Assert.Equal(Megolm, state.GetProperty("algorithm").GetString());
        Assert.Equal("invite", (await alice.GetStateAsync(roomId, "m.room.join_rules")).GetProperty("join_rule").GetString());
        await AssertStoredEncryptedAsync(bob, roomId, alice.UserId, "Meet me at the side stage at nine");
        Assert.False(await EventRoomIsEncryptedAsync(owner, eventRoomId));
        alicePage.AssertNoPageErrors();
        bobPage.AssertNoPageErrors();
    }

    [Fact]
    public async Task Private_room_opted_in_to_encryption_encrypts_from_then_on_and_shows_undecryptable_messages()
    {
        var owner = await Server.RegisterAsync();
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var (_, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Main stage");
        var alicePage = await fixture.OpenAsync(alias);
        await LogInWithDeviceKeysAsync(alicePage, alice);
        var bobPage = await fixture.OpenAsync(alias);
        await LogInWithDeviceKeysAsync(bobPage, bob);
        Assert.Equal(0, await alicePage.Page.GetByTestId("encryption-enable").CountAsync());

        await alicePage.Page.GetByTestId("private-room-new").ClickAsync();
        await alicePage.Page.GetByTestId("private-room-invitee").FillAsync(bob.UserId);
        await alicePage.Page.GetByTestId("private-room-name").FillAsync("Crew");
        await alicePage.Page.GetByTestId("private-room-encrypted").UncheckAsync();
        await alicePage.Page.GetByTestId("private-room-create").ClickAsync();
        var roomId = await OpenedRoomAsync(alicePage, "Crew");
        await bobPage.Page.Locator($"[data-testid=private-room][data-room-id='{roomId}']").ClickAsync();
        await OpenedRoomAsync(bobPage, "Crew");
        await alicePage.PostAsync("Said before encryption");
        await bobPage.WaitForMessageAsync("Said before encryption");
        Assert.Equal(0, await alicePage.Page.GetByTestId("room-encrypted").CountAsync());

        await alicePage.Page.GetByTestId("encryption-enable").ClickAsync();
        await alicePage.Page.GetByTestId("encryption-confirm").ClickAsync();
        await alicePage.Page.GetByTestId("room-encrypted").WaitForAsync();
        await bobPage.Page.GetByTestId("room-encrypted").WaitForAsync();
        await alicePage.PostAsync("Said after encryption");
        await bobPage.WaitForMessageAsync("Said after encryption");
        await alice.SendAsync(roomId, "m.room.encrypted", new JsonObject
        {
            ["algorithm"] = Megolm,
            ["sender_key"] = "c2VuZGVyIGtleSBub2JvZHkgaGFz",
            ["device_id"] = "NOSUCHDEVICE",
            ["session_id"] = "bm8gc3VjaCBzZXNzaW9u",
            ["ciphertext"] = "bm90IGEgbWVnb2xtIG1lc3NhZ2U",
        });
        await bobPage.Page.GetByTestId("message-undecryptable").WaitForAsync();
        await alicePage.PostAsync("Still talking after the broken one");

        await bobPage.WaitForMessageAsync("Still talking after the broken one");
        Assert.Equal("plain", await bobPage.Message("Said before encryption").GetAttributeAsync("data-encryption"));
        Assert.Equal("decrypted", await bobPage.Message("Said after encryption").GetAttributeAsync("data-encryption"));
        await bobPage.ScreenshotAsync("encrypted-room-opt-in-undecryptable");
        var events = await alice.MessageListAsync(roomId);
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "m.room.message" &&
                                     e.GetProperty("content").GetProperty("body").GetString() == "Said before encryption");
        await AssertStoredEncryptedAsync(bob, roomId, alice.UserId, "Said after encryption", "Still talking");
        bobPage.AssertNoPageErrors();
    }

    /// <summary>
    /// Logs in and waits for the page's first /keys/upload (the device's keys, which the other user's client must
    /// find to share a room key with it): the signal that this browser's crypto is running.
    /// </summary>
    private static async Task LogInWithDeviceKeysAsync(LivePage page, TestSession user)
    {
        var keysUploaded = page.Page.WaitForResponseAsync(
            response => response.Url.Contains("/keys/upload", StringComparison.Ordinal) && response.Status == 200);
        await page.LogInAsync(user);
        await keysUploaded;
        Assert.True(await LoadedWasmAsync(page), "the crypto WebAssembly was not loaded after logging in");
    }

    private static Task<bool> LoadedWasmAsync(LivePage page) =>
        page.Page.EvaluateAsync<bool>(
            "() => performance.getEntriesByType('resource').some(entry => entry.name.endsWith('.wasm'))");

    /// <summary>Waits until the page has opened the room with that name and returns its ID.</summary>
    private static async Task<string> OpenedRoomAsync(LivePage page, string name)
    {
        await page.Page.GetByTestId("room-name").Filter(new LocatorFilterOptions { HasText = name }).WaitForAsync();
        var room = page.Page.Locator("[data-testid=room][data-room-id]");
        await room.WaitForAsync();
        var roomId = await room.GetAttributeAsync("data-room-id");
        Assert.StartsWith("!", roomId, StringComparison.Ordinal);
        return roomId!;
    }

    /// <summary>
    /// The server holds the sender's messages as m.room.encrypted (megolm ciphertext) and nothing it serves contains
    /// the plain text.
    /// </summary>
    private static async Task AssertStoredEncryptedAsync(TestSession reader, string roomId, string sender,
        params string[] plainTexts)
    {
        var events = await reader.MessageListAsync(roomId);
        var encrypted = events.Where(e => e.GetProperty("type").GetString() == "m.room.encrypted" &&
                                          e.GetProperty("sender").GetString() == sender &&
                                          e.GetProperty("content").TryGetProperty("ciphertext", out _)).ToList();
        Assert.True(encrypted.Count >= plainTexts.Length, $"{encrypted.Count} encrypted events from {sender}");
        Assert.All(encrypted, e => Assert.Equal(Megolm, e.GetProperty("content").GetProperty("algorithm").GetString()));
        var served = JsonSerializer.Serialize(events);
        foreach (var text in plainTexts)
        {
            Assert.DoesNotContain(text, served, StringComparison.Ordinal);
        }
    }

    private static async Task<bool> EventRoomIsEncryptedAsync(TestSession member, string roomId)
    {
        var state = await member.GetJsonAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state");
        return state.EnumerateArray().Any(e => e.GetProperty("type").GetString() == "m.room.encryption");
    }
}
