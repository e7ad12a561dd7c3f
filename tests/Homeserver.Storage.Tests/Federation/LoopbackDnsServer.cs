using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>
/// A name server on 127.0.0.1 (UDP) answering SRV questions from a table: enough DNS (RFC 1035) for one question per
/// query. Names missing from the table answer NXDOMAIN; <see cref="Failing"/> names SERVFAIL.
/// </summary>
internal sealed class LoopbackDnsServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackDnsServer() => _loop = ServeAsync();

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public Dictionary<string, (string Target, ushort Port, ushort Priority, ushort Weight, uint Ttl)[]> Srv { get; } =
        new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Failing { get; } = new(StringComparer.OrdinalIgnoreCase);

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult query;
            try
            {
                query = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var answer = Answer(query.Buffer);
            await _udp.SendAsync(answer, query.RemoteEndPoint, _stop.Token);
        }
    }

    private byte[] Answer(byte[] query)
    {
        var offset = 12;
        var labels = new List<string>();
        while (query[offset] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(query, offset + 1, query[offset]));
            offset += query[offset] + 1;
        }

        var questionEnd = offset + 5; // the root label, QTYPE and QCLASS
        var name = string.Join('.', labels);
        var records = Srv.GetValueOrDefault(name) ?? [];
        var code = Failing.Contains(name) ? 2 : Srv.ContainsKey(name) ? 0 : 3;

        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray()); // ID
        response.AddRange(U16((ushort)(0x8180 | code))); // QR, RD, RA, RCODE
        response.AddRange(U16(1));
        response.AddRange(U16((ushort)(code == 0 ? records.Length : 0)));
        response.AddRange(U16(0));
        response.AddRange(U16(0));
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        if (code == 0)
        {
            foreach (var (target, port, priority, weight, ttl) in records)
            {
                var targetName = Name(target);
                response.AddRange([0xC0, 0x0C]); // the question's name
                response.AddRange(U16(33)); // SRV
                response.AddRange(U16(1)); // IN
                var ttlBytes = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(ttlBytes, ttl);
                response.AddRange(ttlBytes);
                response.AddRange(U16((ushort)(6 + targetName.Length)));
                response.AddRange(U16(priority));
                response.AddRange(U16(weight));
                response.AddRange(U16(port));
                response.AddRange(targetName);
            }
        }

        return [.. response];
    }

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Name(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _udp.Dispose();
        _stop.Dispose();
    }
}
