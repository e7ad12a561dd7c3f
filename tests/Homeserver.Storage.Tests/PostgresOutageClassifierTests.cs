using System.Net.Sockets;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class PostgresOutageClassifierTests
{
    [Theory]
    [InlineData("57P01")] // admin_shutdown
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now (starting up, in recovery)
    [InlineData("08006")] // connection_failure
    [InlineData("08001")] // sqlclient_unable_to_establish_sqlconnection
    [InlineData("53300")] // too_many_connections
    public void Server_errors_of_shutdown_and_connection_classes_are_outages(string sqlState) =>
        Assert.True(PostgresOutageClassifier.IsOutage(ServerError(sqlState)));

    [Theory]
    [InlineData("23505")] // unique_violation
    [InlineData("40001")] // serialization_failure: transient, but a bug if it reaches a client
    [InlineData("42P01")] // undefined_table
    [InlineData("57014")] // query_canceled
    [InlineData("HS001")] // our own head assertion
    public void Other_server_errors_are_not(string sqlState) =>
        Assert.False(PostgresOutageClassifier.IsOutage(ServerError(sqlState)));

    [Fact]
    public void Lost_and_refused_connections_are_outages()
    {
        Assert.True(PostgresOutageClassifier.IsOutage(
            new NpgsqlException("Failed to connect to /tmp/x/.s.PGSQL.5432", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(PostgresOutageClassifier.IsOutage(
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(PostgresOutageClassifier.IsOutage(
            new NpgsqlException("The operation has timed out", new TimeoutException())));
        Assert.True(PostgresOutageClassifier.IsOutage(new SocketException((int)SocketError.ConnectionReset)));
        Assert.True(PostgresOutageClassifier.IsOutage(
            new InvalidOperationException("wrapped", new NpgsqlException("lost", new IOException()))));
        Assert.True(PostgresOutageClassifier.IsOutage(new AggregateException(new InvalidOperationException("x"),
            ServerError("57P01"))));
    }

    [Fact]
    public void Bugs_are_not_outages()
    {
        Assert.False(PostgresOutageClassifier.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(PostgresOutageClassifier.IsOutage(new NpgsqlException("Npgsql misused")));
        Assert.False(PostgresOutageClassifier.IsOutage(new IOException("disk")));
        Assert.False(PostgresOutageClassifier.IsOutage(new AggregateException(new InvalidOperationException("x"))));
    }

    [Fact]
    public void An_outage_is_reported_to_the_owner_with_a_retry_delay_and_a_bug_is_not()
    {
        var reported = 0;
        var classifier = new PostgresOutageClassifier(() => reported++);

        var outage = classifier.Classify(ServerError("57P03"));
        var bug = classifier.Classify(new InvalidOperationException("a bug"));

        Assert.Equal("postgres", outage?.Dependency);
        Assert.True(outage?.RetryAfter > TimeSpan.Zero);
        Assert.Null(bug);
        Assert.Equal(1, reported);
    }

    private static PostgresException ServerError(string sqlState) =>
        new("message", "FATAL", "FATAL", sqlState);
}
