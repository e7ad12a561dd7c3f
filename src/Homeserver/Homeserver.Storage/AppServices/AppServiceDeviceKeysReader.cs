using Dapper;
using Homeserver.Services.AppServices.Push;
using Npgsql;

namespace Homeserver.Storage.AppServices;

/// <summary>
/// MSC3202's key counts for appservice transactions: for every device (<c>devices</c>) of the users, the unclaimed
/// <c>one_time_keys</c> per algorithm (<c>signed_curve25519</c> counted as 0 when there are none, as Synapse) and the
/// algorithms of unused <c>fallback_keys</c>, in one round trip.
/// </summary>
public sealed class AppServiceDeviceKeysReader(NpgsqlDataSource dataSource) : IAppServiceDeviceKeysReader
{
    private const string DefaultAlgorithm = "signed_curve25519";

    private const string KeysSql = """
        SELECT d.user_id AS UserId, d.device_id AS DeviceId, 0 AS Kind, NULL AS Algorithm, 0 AS Count
        FROM devices d WHERE d.user_id = ANY(@userIds)
        UNION ALL
        SELECT user_id, device_id, 1, algorithm, count(*)::int FROM one_time_keys WHERE user_id = ANY(@userIds)
        GROUP BY user_id, device_id, algorithm
        UNION ALL
        SELECT user_id, device_id, 2, algorithm, 0 FROM fallback_keys WHERE user_id = ANY(@userIds) AND NOT used
        """;

    public async Task<IReadOnlyList<AppServiceDeviceKeys>> GetAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(KeysSql,
            new { userIds = userIds.ToArray() }, cancellationToken: cancellationToken));
        var devices = new SortedDictionary<(string, string), (Dictionary<string, int> Counts, List<string> Fallback)>();
        foreach (var row in rows)
        {
            var key = (row.UserId, row.DeviceId);
            if (!devices.TryGetValue(key, out var device))
            {
                device = (new Dictionary<string, int>(StringComparer.Ordinal) { [DefaultAlgorithm] = 0 }, []);
                devices[key] = device;
            }

            if (row.Kind == 1)
            {
                device.Counts[row.Algorithm!] = row.Count;
            }
            else if (row.Kind == 2)
            {
                device.Fallback.Add(row.Algorithm!);
            }
        }

        return devices.Select(d => new AppServiceDeviceKeys(d.Key.Item1, d.Key.Item2, d.Value.Counts,
            d.Value.Fallback.Order(StringComparer.Ordinal).ToList())).ToList();
    }

    private sealed record KeyRow(string UserId, string DeviceId, int Kind, string? Algorithm, int Count);
}
