using System.Security.Cryptography;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.Host.Tests.Media;

/// <summary>Where a server keeps media content, and direct looks at its media tables.</summary>
public static class MediaFiles
{
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string PathOf(LiveServer server, byte[] bytes)
    {
        var sha256 = Sha256(bytes);
        return Path.Combine(MediaUploadTests.ContentDirectory(server), sha256[..2], sha256[2..4], sha256);
    }

    public static string TempDirectory(LiveServer server) =>
        Path.Combine(server.Instance.App.Services.GetRequiredService<HomeserverSettings>().DataDirectory, "media", "tmp");

    public static async Task<long> CountAsync(LiveServer server, string sql, object? parameters = null)
    {
        var dataSource = server.Instance.App.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var property in parameters?.GetType().GetProperties() ?? [])
        {
            command.Parameters.AddWithValue(property.Name, property.GetValue(parameters)!);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
