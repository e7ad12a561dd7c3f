using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Fuzz.Spec;

/// <summary>
/// The spec's YAML files as JSON trees, read on first use. Every <c>$ref</c> is rewritten to an absolute reference
/// (<c>/full/path/file.yaml#/json/pointer</c>) when its file is read, so a schema found anywhere resolves its references
/// without knowing which file it came from.
/// </summary>
public sealed partial class SpecDocuments
{
    private readonly Dictionary<string, JsonNode?> _files = new(StringComparer.Ordinal);

    public SpecDocuments(string specDirectory)
    {
        SpecDirectory = Path.GetFullPath(specDirectory);
        if (!Directory.Exists(Path.Combine(SpecDirectory, "api", "client-server")))
        {
            throw new DirectoryNotFoundException(
                $"no spec data in {SpecDirectory} (expected api/client-server/ of the matrix-spec data folder)");
        }
    }

    public string SpecDirectory { get; }

    /// <summary>The parsed file at an absolute path.</summary>
    public JsonNode? File(string path)
    {
        lock (_files)
        {
            if (!_files.TryGetValue(path, out var document))
            {
                document = Read(path);
                _files[path] = document;
            }

            return document;
        }
    }

    /// <summary>The node an absolute reference points at, or null.</summary>
    public JsonNode? Resolve(string reference)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var node = File(hash < 0 ? reference : reference[..hash]);
        if (hash < 0)
        {
            return node;
        }

        foreach (var part in reference[(hash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = Uri.UnescapeDataString(part).Replace("~1", "/", StringComparison.Ordinal)
                .Replace("~0", "~", StringComparison.Ordinal);
            node = node is JsonObject o ? o[key] : node is JsonArray a && int.TryParse(key, out var i) && i < a.Count
                ? a[i] : null;
        }

        return node;
    }

    /// <summary>Follows <c>$ref</c>s until a node without one (at most a few hops).</summary>
    public JsonNode? Follow(JsonNode? node)
    {
        for (var hops = 0; hops < 10 && node is JsonObject o && o["$ref"] is JsonValue reference; hops++)
        {
            node = Resolve(reference.GetValue<string>());
        }

        return node;
    }

    private static JsonNode? Read(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, path);
    }

    private static JsonNode? Convert(YamlNode node, string file) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping, file),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(child => Convert(child, file)).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => null,
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping, string file)
    {
        var result = new JsonObject();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (key == "$ref" && valueNode is YamlScalarNode { Value: { } reference })
            {
                result[key] = Absolute(reference, file);
            }
            else
            {
                result[key] = Convert(valueNode, file);
            }
        }

        return result;
    }

    private static string Absolute(string reference, string file)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var target = hash < 0 ? reference : reference[..hash];
        var pointer = hash < 0 ? "" : reference[hash..];
        var path = target.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
        return path + pointer;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null")
        {
            return null;
        }

        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        if (IntegerPattern().IsMatch(text) && long.TryParse(text, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatPattern().IsMatch(text) && double.TryParse(text, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^-?[0-9]+\.[0-9]*([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
