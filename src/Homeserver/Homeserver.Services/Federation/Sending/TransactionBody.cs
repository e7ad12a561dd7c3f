using System.Text.Json;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Sending;

/// <summary>The body of <c>PUT /_matrix/federation/v1/send/{txnId}</c>: origin, origin_server_ts, pdus, edus.</summary>
public static class TransactionBody
{
    public static byte[] Build(ServerName origin, DateTimeOffset now, IEnumerable<QueuedPdu> pdus,
        IEnumerable<QueuedEdu> edus)
    {
        ArgumentNullException.ThrowIfNull(pdus);
        ArgumentNullException.ThrowIfNull(edus);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("origin", origin.Value);
            writer.WriteNumber("origin_server_ts", now.ToUnixTimeMilliseconds());
            writer.WriteStartArray("pdus");
            foreach (var pdu in pdus)
            {
                writer.WriteRawValue(pdu.Json, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("edus");
            foreach (var edu in edus)
            {
                writer.WriteStartObject();
                writer.WriteString("edu_type", edu.EduType);
                writer.WritePropertyName("content");
                writer.WriteRawValue(edu.Content, skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
