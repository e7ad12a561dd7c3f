using System.Text;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Bench;

/// <summary>Events of a realistic shape for the JSON and signing benchmarks.</summary>
public static class SampleEvents
{
    /// <summary>A message event of about 5 KB with nested content, non-ASCII text and integers.</summary>
    public static JsonObject FiveKilobyteMessage()
    {
        var body = new StringBuilder();
        while (body.Length < 3000)
        {
            body.Append("Hello wörld, ünïcödé and ascii text mixed together. ");
        }

        var mentions = new JsonArray();
        for (var i = 0; i < 20; i++)
        {
            mentions.Add($"@user{i}:example.org");
        }

        return new JsonObject
        {
            ["type"] = "m.room.message",
            ["room_id"] = "!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ",
            ["sender"] = "@alice:example.org",
            ["origin_server_ts"] = 1_700_000_000_000,
            ["depth"] = 12345,
            ["prev_events"] = new JsonArray("$Kxw8fGjPSDEtvnFgU00fwFz-l6d2pJM6XBIaMEn81SX", "$KqmLSbO39_Bzb0QIYE82zqLwsA-PDzYIpIRA2sRQ4sL"),
            ["auth_events"] = new JsonArray("$a1", "$a2", "$a3"),
            ["content"] = new JsonObject
            {
                ["msgtype"] = "m.text",
                ["body"] = body.ToString(),
                ["format"] = "org.matrix.custom.html",
                ["formatted_body"] = "<p>" + body.ToString(0, 1200) + "</p>",
                ["m.mentions"] = new JsonObject { ["user_ids"] = mentions },
                ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.thread", ["event_id"] = "$root" },
            },
            ["hashes"] = new JsonObject { ["sha256"] = "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos" },
            ["signatures"] = new JsonObject(),
            ["unsigned"] = new JsonObject { ["age"] = 1234 },
        };
    }
}
