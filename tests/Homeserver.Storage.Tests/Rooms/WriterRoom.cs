using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>Builds real, authorised events for the room writer tests: a fresh migrated database and rooms in it.</summary>
internal sealed class WriterRoom
{
    public const string Alice = "@alice:test.local";

    private static readonly RoomEventFactory Factory = new(
        SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Homeserver:ServerName"] = "test.local" }).Build(), "/srv/homeserver"),
        SigningKey.FromSeed("a", new byte[32]), TimeProvider.System);

    public static async Task<string> MigratedDatabaseAsync()
    {
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        return connectionString;
    }

    /// <summary>A new room created by <see cref="Alice"/>, who is joined.</summary>
    public static async Task<string> CreateAsync(RoomEventWriter writer)
    {
        var create = Factory.BuildCreate(RoomVersions.V12, new PduTemplate(EventTypes.Create, Alice, "",
            new JsonObject { ["room_version"] = "12" }));
        await writer.CreateRoomAsync(create, head => [new NewRoomEvent(Build(head, EventTypes.Member, Alice,
            new JsonObject { ["membership"] = "join" }))], CancellationToken.None);
        return create.RoomId;
    }

    public static Task<IReadOnlyList<PersistedEvent>> SendAsync(RoomEventWriter writer, string roomId, string body) =>
        writer.AppendAsync(roomId, head => [new NewRoomEvent(Build(head, "m.room.message", null,
            new JsonObject { ["msgtype"] = "m.text", ["body"] = body }))], CancellationToken.None);

    public static Task<IReadOnlyList<PersistedEvent>> SetNameAsync(RoomEventWriter writer, string roomId, string name) =>
        writer.AppendAsync(roomId, head => [new NewRoomEvent(Build(head, "m.room.name", "",
            new JsonObject { ["name"] = name }))], CancellationToken.None);

    public static async Task<long> CountAsync(string connectionString, string roomId, string type)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM events WHERE room_id = @roomId AND type = @type", new { roomId, type });
    }

    private static Pdu Build(RoomHead head, string type, string? stateKey, JsonObject content) =>
        Factory.Build(head, new PduTemplate(type, Alice, stateKey, content));
}
