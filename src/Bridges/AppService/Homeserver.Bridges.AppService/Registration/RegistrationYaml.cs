using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Bridges.AppService.Registration;

/// <summary>Reads and writes registration files in the YAML format homeservers and bridges share.</summary>
public static class RegistrationYaml
{
    private const string EphemeralUnstable = "de.sorunome.msc2409.push_ephemeral";

    /// <summary>The YAML text of <paramref name="registration"/> (both ephemeral keys, for older homeservers).</summary>
    public static string Write(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var root = new YamlMappingNode
        {
            { "id", Quoted(registration.Id) },
            { "url", registration.Url is null ? new YamlScalarNode("null") { Style = ScalarStyle.Plain } : Quoted(registration.Url) },
            { "as_token", Quoted(registration.AsToken) },
            { "hs_token", Quoted(registration.HsToken) },
            { "sender_localpart", Quoted(registration.SenderLocalpart) },
            {
                "namespaces", new YamlMappingNode
                {
                    { "users", Namespaces(registration.Users) },
                    { "aliases", Namespaces(registration.Aliases) },
                    { "rooms", Namespaces(registration.Rooms) },
                }
            },
            { "rate_limited", Bool(registration.RateLimited) },
            { "receive_ephemeral", Bool(registration.ReceiveEphemeral) },
            { EphemeralUnstable, Bool(registration.ReceiveEphemeral) },
        };
        if (registration.Protocols.Count > 0)
        {
            root.Add("protocols", new YamlSequenceNode(registration.Protocols.Select(Quoted)));
        }

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends a document with "...": valid, but not what registration files usually look like.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    /// <summary>Parses a registration file; throws <see cref="FormatException"/> naming the field at fault.</summary>
    public static Registration Read(string yaml)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw new FormatException("The registration is not a YAML mapping");
        }
        catch (YamlException e)
        {
            throw new FormatException($"The registration is not valid YAML: {e.Message}", e);
        }

        var namespaces = root.Children.TryGetValue(new YamlScalarNode("namespaces"), out var ns) ? ns as YamlMappingNode : null;
        return new Registration(
            Required(root, "id"),
            Scalar(root, "url") is { } url && url != "null" && url != "~" ? url : null,
            Required(root, "as_token"),
            Required(root, "hs_token"),
            Required(root, "sender_localpart"),
            ReadNamespaces(namespaces, "users"),
            ReadNamespaces(namespaces, "aliases"),
            ReadNamespaces(namespaces, "rooms"),
            ReadBool(root, "rate_limited") ?? true,
            root.Children.TryGetValue(new YamlScalarNode("protocols"), out var protocols) && protocols is YamlSequenceNode list
                ? list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
                : [],
            ReadBool(root, "receive_ephemeral") ?? ReadBool(root, EphemeralUnstable) ?? false);
    }

    private static YamlSequenceNode Namespaces(IEnumerable<NamespaceEntry> entries) =>
        new(entries.Select(e => (YamlNode)new YamlMappingNode { { "exclusive", Bool(e.Exclusive) }, { "regex", Quoted(e.Regex) } }));

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.SingleQuoted };

    private static YamlScalarNode Bool(bool value) => new(value ? "true" : "false") { Style = ScalarStyle.Plain };

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static string Required(YamlMappingNode node, string key) =>
        Scalar(node, key) is { Length: > 0 } value ? value : throw new FormatException($"The registration has no '{key}'");

    private static bool? ReadBool(YamlMappingNode node, string key) => Scalar(node, key) switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        null => null,
        _ => throw new FormatException($"The registration's '{key}' is not true or false"),
    };

    private static List<NamespaceEntry> ReadNamespaces(YamlMappingNode? namespaces, string kind)
    {
        if (namespaces is null || !namespaces.Children.TryGetValue(new YamlScalarNode(kind), out var value) ||
            value is not YamlSequenceNode list)
        {
            return [];
        }

        return list.Children.OfType<YamlMappingNode>()
            .Select(entry => new NamespaceEntry(
                Required(entry, "regex"),
                ReadBool(entry, "exclusive") ?? false))
            .ToList();
    }
}
