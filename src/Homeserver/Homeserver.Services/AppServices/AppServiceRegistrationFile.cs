using System.Globalization;
using Homeserver.Core.AppServices;
using Homeserver.Core.Identifiers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Services.AppServices;

/// <summary>
/// Reads an appservice registration file (YAML, the format Synapse and bridges share) into an
/// <see cref="AppServiceRegistration"/>, naming the field of each problem.
/// </summary>
public static class AppServiceRegistrationFile
{
    private const string EphemeralUnstable = "de.sorunome.msc2409.push_ephemeral";
    private const string DeviceMasqueradingKey = "org.matrix.msc3202";
    private const string DeviceManagementKey = "io.element.msc4190";

    /// <summary>Parses <paramref name="yaml"/>; on failure null and <paramref name="problems"/> says why, each
    /// prefixed by <paramref name="source"/> and the field.</summary>
    public static AppServiceRegistration? Parse(string source, string yaml, ServerName serverName,
        out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var found = new List<string>();
        problems = found;
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                found.Add($"{source}: is not a YAML mapping of registration fields");
                return null;
            }

            root = mapping;
        }
        catch (YamlException e)
        {
            found.Add($"{source}: is not valid YAML ({e.Start}): {e.Message}");
            return null;
        }

        var fields = new FieldReader(source, root, found);
        var id = fields.RequiredString("id");
        var url = fields.Url("url");
        var asToken = fields.RequiredString("as_token");
        var hsToken = fields.RequiredString("hs_token");
        var senderLocalpart = fields.RequiredString("sender_localpart");
        var namespaces = ReadNamespaces(fields);
        var rateLimited = fields.OptionalBool("rate_limited") ?? true;
        var protocols = fields.OptionalStrings("protocols");
        var ephemeral = fields.OptionalBool("receive_ephemeral") ?? fields.OptionalBool(EphemeralUnstable) ?? false;
        var masquerading = fields.OptionalBool(DeviceMasqueradingKey) ?? false;
        var deviceManagement = fields.OptionalBool(DeviceManagementKey) ?? false;

        UserId sender = default;
        if (senderLocalpart is not null &&
            !UserId.TryParse($"@{senderLocalpart}:{serverName}", out sender, out var senderProblem))
        {
            found.Add($"{source}: field sender_localpart: '{senderLocalpart}' does not make a user ID ({senderProblem})");
        }

        if (asToken is not null && asToken == hsToken)
        {
            found.Add($"{source}: field hs_token: must differ from as_token");
        }

        if (found.Count > 0)
        {
            return null;
        }

        return new AppServiceRegistration(id!, url, asToken!, hsToken!, sender, namespaces!, rateLimited, protocols,
            ephemeral, masquerading, deviceManagement);
    }

    private static AppServiceNamespaces? ReadNamespaces(FieldReader fields)
    {
        var node = fields.Required("namespaces");
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            fields.Problem("namespaces", "must be a mapping with users, aliases and rooms");
            return null;
        }

        var inner = new FieldReader(fields.Source, mapping, fields.Problems, "namespaces.");
        return new AppServiceNamespaces(inner.Namespaces("users"), inner.Namespaces("aliases"), inner.Namespaces("rooms"));
    }

    private sealed class FieldReader(string source, YamlMappingNode mapping, List<string> problems, string prefix = "")
    {
        public string Source => source;

        public List<string> Problems => problems;

        public void Problem(string field, string text) => problems.Add($"{source}: field {prefix}{field}: {text}");

        public YamlNode? Required(string field)
        {
            if (!mapping.Children.TryGetValue(new YamlScalarNode(field), out var node))
            {
                Problem(field, "is required");
                return null;
            }

            return node;
        }

        public YamlNode? Optional(string field) =>
            mapping.Children.TryGetValue(new YamlScalarNode(field), out var node) && !IsNull(node) ? node : null;

        public string? RequiredString(string field)
        {
            var node = Required(field);
            if (node is null)
            {
                return null;
            }

            if (node is not YamlScalarNode { Value: { Length: > 0 } value } || IsNull(node))
            {
                Problem(field, "must be a non-empty string");
                return null;
            }

            return value;
        }

        /// <summary>The url field: required, but null means "send no traffic".</summary>
        public Uri? Url(string field)
        {
            var node = Required(field);
            if (node is null || IsNull(node))
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } &&
                Uri.TryCreate(text, UriKind.Absolute, out var url) &&
                (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                return url;
            }

            Problem(field, "must be an http(s) URL or null");
            return null;
        }

        public bool? OptionalBool(string field)
        {
            var node = Optional(field);
            if (node is null)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } && ParseBool(text) is { } value)
            {
                return value;
            }

            Problem(field, "must be true or false");
            return null;
        }

        public List<string> OptionalStrings(string field)
        {
            var node = Optional(field);
            if (node is null)
            {
                return [];
            }

            if (node is YamlSequenceNode sequence &&
                sequence.Children.All(item => item is YamlScalarNode { Value.Length: > 0 } && !IsNull(item)))
            {
                return sequence.Children.Select(item => ((YamlScalarNode)item).Value!).ToList();
            }

            Problem(field, "must be a list of strings");
            return [];
        }

        public List<AppServiceNamespace> Namespaces(string field)
        {
            var node = Optional(field);
            if (node is null)
            {
                return [];
            }

            if (node is not YamlSequenceNode sequence)
            {
                Problem(field, "must be a list of {exclusive, regex}");
                return [];
            }

            var result = new List<AppServiceNamespace>();
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
                if (sequence.Children[i] is not YamlMappingNode entry)
                {
                    Problem(name, "must be a mapping with exclusive and regex");
                    continue;
                }

                var entryFields = new FieldReader(source, entry, problems, $"{prefix}{name}.");
                var regex = entryFields.RequiredString("regex");
                var exclusiveNode = entryFields.Required("exclusive");
                bool? exclusive = exclusiveNode is YamlScalarNode { Value: { } text } ? ParseBool(text) : null;
                if (exclusiveNode is not null && exclusive is null)
                {
                    entryFields.Problem("exclusive", "must be true or false");
                }

                if (regex is null || exclusive is null)
                {
                    continue;
                }

                if (AppServiceNamespace.TryCreate(regex, exclusive.Value, out var problem) is { } ns)
                {
                    result.Add(ns);
                }
                else
                {
                    entryFields.Problem("regex", problem!);
                }
            }

            return result;
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        // YAML 1.1 booleans, as PyYAML (Synapse) reads them.
        private static bool? ParseBool(string text) => text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => null,
        };
    }
}
