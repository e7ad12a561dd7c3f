using System.Collections.Concurrent;
using Homeserver.Services.Configuration;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Homeserver.Storage.Redis;

/// <summary>
/// <see cref="ISharedStore"/> on Redis (StackExchange.Redis 3.x; this is the only file that knows it).
/// While Redis is unreachable every call returns at once: reads miss, writes and publishes are dropped.
/// A dropped write or delete may leave another process reading a stale entry once Redis is back, so on
/// reconnecting after one, this process clears every key of ours before trusting the cache again.
/// </summary>
public sealed partial class RedisSharedStore : ISharedStore, IDisposable
{
    private const string KeyPrefix = "hs:";
    private const string ChannelPrefix = "hs:";
    private const int RecoveryAttempts = 20;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReconnectBackOff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReconnectBackOffLimit = TimeSpan.FromSeconds(5);

    private readonly ConnectionMultiplexer _redis;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ChannelHandlers> _subscriptions = new(StringComparer.Ordinal);
    private int _writesDropped;
    private volatile bool _flushing;

    private RedisSharedStore(ConnectionMultiplexer redis, ILogger logger)
    {
        _redis = redis;
        _logger = logger;
        _redis.ConnectionFailed += OnConnectionFailed;
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    public bool IsShared => true;

    public bool IsAvailable => _redis.IsConnected && !_flushing;

    /// <summary>Connects, or starts trying to: an unreachable Redis at start is an outage, not an error.</summary>
    public static async Task<RedisSharedStore> ConnectAsync(string configuration, ILogger logger)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            throw new InvalidSettingException($"{SettingsReader.SectionName}:Redis:Configuration", e.Message);
        }

        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)OperationTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)OperationTimeout.TotalMilliseconds;
        options.AsyncTimeout = (int)OperationTimeout.TotalMilliseconds;
        options.ConnectRetry = 1;
        options.KeepAlive = 5;
        options.ReconnectRetryPolicy = new ExponentialRetry(
            (int)ReconnectBackOff.TotalMilliseconds, (int)ReconnectBackOffLimit.TotalMilliseconds);
        // The client's default queues commands while disconnected and sends them once back: a write that we counted as
        // dropped (and answered by clearing our keys) could then land after the clear and be served stale.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisSharedStore(redis, logger);
        if (!redis.IsConnected)
        {
            LogUnavailableAtStart(logger, configuration);
        }

        return store;
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            return null;
        }

        try
        {
            var value = await _redis.GetDatabase().StringGetAsync(KeyPrefix + key)
                .WaitAsync(OperationTimeout, cancellationToken);
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception e) when (IsOutage(e))
        {
            return null;
        }
    }

    public ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry,
        CancellationToken cancellationToken) =>
        WriteAsync(db => db.StringSetAsync(KeyPrefix + key, value.ToArray(),
            expiry is { } ttl ? new Expiration(ttl) : Expiration.Default), cancellationToken);

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken) =>
        WriteAsync(db => db.KeyDeleteAsync(KeyPrefix + key), cancellationToken);

    public async ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message,
        CancellationToken cancellationToken)
    {
        if (!_redis.IsConnected)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().PublishAsync(ChannelFor(channel), message.ToArray())
                .WaitAsync(OperationTimeout, cancellationToken);
        }
        catch (Exception e) when (IsOutage(e))
        {
            // Wake-ups are best effort across processes; each process also wakes itself in memory.
        }
    }

    public async ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Action<ReadOnlyMemory<byte>> handler,
        CancellationToken cancellationToken)
    {
        var handlers = _subscriptions.GetOrAdd(channel, _ => new ChannelHandlers());
        handlers.Add(handler);
        await EnsureSubscribedAsync(channel, handlers);
        return new Subscription(handlers, handler);
    }

    public void Dispose()
    {
        _redis.ConnectionFailed -= OnConnectionFailed;
        _redis.ConnectionRestored -= OnConnectionRestored;
        _redis.Dispose();
    }

    private async ValueTask WriteAsync(Func<IDatabase, Task> write, CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            Interlocked.Exchange(ref _writesDropped, 1);
            return;
        }

        try
        {
            await write(_redis.GetDatabase()).WaitAsync(OperationTimeout, cancellationToken);
        }
        catch (Exception e) when (IsOutage(e))
        {
            Interlocked.Exchange(ref _writesDropped, 1);
        }
    }

    // One Redis subscription per channel fans out to our handlers.
    private async Task EnsureSubscribedAsync(string channel, ChannelHandlers handlers)
    {
        if (!_redis.IsConnected || !handlers.TryBeginSubscribe())
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().SubscribeAsync(ChannelFor(channel), handlers.Dispatch)
                .WaitAsync(OperationTimeout);
        }
        catch (Exception e) when (IsOutage(e))
        {
            handlers.SubscribeFailed();
        }
    }

    // After an outage the subscription is made afresh (removing ours first so it is never doubled):
    // a channel first subscribed during the outage, or a restarted Redis, would otherwise stay silent.
    private async Task ResubscribeAsync(string channel, ChannelHandlers handlers)
    {
        var subscriber = _redis.GetSubscriber();
        await subscriber.UnsubscribeAsync(ChannelFor(channel), handlers.Dispatch).WaitAsync(OperationTimeout);
        await subscriber.SubscribeAsync(ChannelFor(channel), handlers.Dispatch).WaitAsync(OperationTimeout);
        handlers.MarkSubscribed();
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        LogConnectionFailed(_logger, e.EndPoint, e.FailureType);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        LogConnectionRestored(_logger, e.EndPoint);
        _ = RecoverAsync();
    }

    private async Task RecoverAsync()
    {
        // One restored event may come before every connection is back (a server still disconnected is skipped), and
        // a clear may meet a new failure: the attempt is repeated while connected, else the next event starts again.
        try
        {
            for (var attempt = 0; attempt < RecoveryAttempts && _redis.IsConnected; attempt++)
            {
                if (await TryRecoverAsync())
                {
                    return;
                }

                await Task.Delay(RecoveryRetryDelay);
            }
        }
        finally
        {
            _flushing = false;
        }
    }

    /// <returns>Whether every dropped write is made good and every channel subscribed again.</returns>
    private async Task<bool> TryRecoverAsync()
    {
        try
        {
            if (Interlocked.Exchange(ref _writesDropped, 0) == 1)
            {
                _flushing = true;
                var (removed, complete) = await ClearOurKeysAsync();
                if (!complete)
                {
                    Interlocked.Exchange(ref _writesDropped, 1);
                    return false;
                }

                LogFlushed(_logger, removed);
                _flushing = false;
            }

            foreach (var (channel, handlers) in _subscriptions)
            {
                await ResubscribeAsync(channel, handlers);
            }

            return true;
        }
        catch (Exception e) when (IsOutage(e))
        {
            Interlocked.Exchange(ref _writesDropped, 1);
            return false;
        }
    }

    /// <returns>How many keys were removed, and whether every primary was reachable.</returns>
    private async Task<(long Removed, bool Complete)> ClearOurKeysAsync()
    {
        long removed = 0;
        var complete = true;
        foreach (var endpoint in _redis.GetEndPoints())
        {
            var server = _redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            if (!server.IsConnected)
            {
                complete = false;
                continue;
            }

            var batch = new List<RedisKey>(512);
            await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*", pageSize: 512))
            {
                batch.Add(key);
                if (batch.Count == 512)
                {
                    removed += await _redis.GetDatabase().KeyDeleteAsync(batch.ToArray());
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                removed += await _redis.GetDatabase().KeyDeleteAsync(batch.ToArray());
            }
        }

        return (removed, complete);
    }

    // Our channel names are literal: a '*' or '?' in one must never turn the subscription into a pattern.
    private static RedisChannel ChannelFor(string channel) => RedisChannel.Literal(ChannelPrefix + channel);

    private static bool IsOutage(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or TimeoutException or RedisServerException
            or ObjectDisposedException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis ({Configuration}) is unreachable at start; running without it until it answers")]
    private static partial void LogUnavailableAtStart(ILogger logger, string configuration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to Redis at {EndPoint} ({FailureType}); caches and cross-process wake-ups are off until it returns")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnected to Redis at {EndPoint}")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleared {Count} cached keys that may have gone stale during the Redis outage")]
    private static partial void LogFlushed(ILogger logger, long count);

    private sealed class ChannelHandlers
    {
        private readonly object _gate = new();
        private Action<ReadOnlyMemory<byte>>[] _handlers = [];
        private int _subscribed;

        public void Add(Action<ReadOnlyMemory<byte>> handler)
        {
            lock (_gate)
            {
                _handlers = [.. _handlers, handler];
            }
        }

        public void Remove(Action<ReadOnlyMemory<byte>> handler)
        {
            lock (_gate)
            {
                _handlers = _handlers.Where(h => h != handler).ToArray();
            }
        }

        public bool TryBeginSubscribe() => Interlocked.CompareExchange(ref _subscribed, 1, 0) == 0;

        public void SubscribeFailed() => Volatile.Write(ref _subscribed, 0);

        public void MarkSubscribed() => Volatile.Write(ref _subscribed, 1);

        public void Dispatch(RedisChannel channel, RedisValue message)
        {
            byte[] bytes = message!;
            foreach (var handler in Volatile.Read(ref _handlers))
            {
                handler(bytes);
            }
        }
    }

    private sealed class Subscription(ChannelHandlers handlers, Action<ReadOnlyMemory<byte>> handler) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            handlers.Remove(handler);
            return ValueTask.CompletedTask;
        }
    }
}
