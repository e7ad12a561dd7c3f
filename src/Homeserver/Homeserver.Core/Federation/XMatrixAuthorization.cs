using System.Text;

namespace Homeserver.Core.Federation;

/// <summary>
/// The <c>Authorization: X-Matrix ...</c> header of server-server requests (spec: Server-Server API, "Request
/// Authentication"): RFC 7235 credentials with the parameters <c>origin</c>, <c>destination</c> (optional for older
/// senders), <c>key</c> and <c>sig</c>. Names are case-insensitive, values are tokens or quoted strings with backslash
/// escapes, parameters are separated by commas with optional spaces, unknown parameters are ignored.
/// </summary>
public sealed record XMatrixAuthorization(string Origin, string? Destination, string KeyId, string Signature)
{
    public const string Scheme = "X-Matrix";

    /// <summary>The header value as the spec asks senders to write it: one space, lower-case names, quoted values.</summary>
    public string ToHeaderValue()
    {
        var text = new StringBuilder(Scheme).Append(' ');
        Append(text, "origin", Origin).Append(',');
        if (Destination is not null)
        {
            Append(text, "destination", Destination).Append(',');
        }

        Append(text, "key", KeyId).Append(',');
        return Append(text, "sig", Signature).ToString();
    }

    public static bool TryParse(string? header, out XMatrixAuthorization? authorization, out string error)
    {
        authorization = null;
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ||
            header.Length == Scheme.Length || header[Scheme.Length] != ' ')
        {
            error = "the Authorization header is not of scheme X-Matrix";
            return false;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var reader = new ParameterReader(header, Scheme.Length);
        while (reader.TryReadNext(out var name, out var value, out error))
        {
            if (name is null)
            {
                break;
            }

            if (!parameters.TryAdd(name, value!) && IsKnown(name))
            {
                error = $"the X-Matrix parameter '{name}' appears more than once";
                return false;
            }
        }

        if (error.Length > 0)
        {
            return false;
        }

        foreach (var required in (string[])["origin", "key", "sig"])
        {
            if (!parameters.ContainsKey(required))
            {
                error = $"the X-Matrix parameter '{required}' is missing";
                return false;
            }
        }

        authorization = new XMatrixAuthorization(parameters["origin"], parameters.GetValueOrDefault("destination"),
            parameters["key"], parameters["sig"]);
        error = "";
        return true;
    }

    private static bool IsKnown(string name) =>
        name.Equals("origin", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("destination", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("key", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("sig", StringComparison.OrdinalIgnoreCase);

    private static StringBuilder Append(StringBuilder text, string name, string value)
    {
        text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.Append('"');
    }

    /// <summary>Reads <c>#auth-param</c>: <c>name BWS "=" BWS (token / quoted-string)</c>, separated by <c>OWS "," OWS</c>.</summary>
    private ref struct ParameterReader(string text, int position)
    {
        private int _position = position;

        /// <returns>False with an error for bad syntax; true with a null name at the end.</returns>
        public bool TryReadNext(out string? name, out string? value, out string error)
        {
            name = null;
            value = null;
            error = "";
            // Empty list elements (",,") are allowed by the list rule.
            while (_position < text.Length && (IsSpace(text[_position]) || text[_position] == ','))
            {
                _position++;
            }

            if (_position == text.Length)
            {
                return false;
            }

            var start = _position;
            while (_position < text.Length && IsTokenChar(text[_position]))
            {
                _position++;
            }

            if (_position == start)
            {
                error = $"unexpected '{text[_position]}' in the X-Matrix header";
                return false;
            }

            name = text[start.._position];
            SkipSpaces();
            if (_position == text.Length || text[_position] != '=')
            {
                error = $"the X-Matrix parameter '{name}' has no value";
                return false;
            }

            _position++;
            SkipSpaces();
            value = _position < text.Length && text[_position] == '"' ? ReadQuoted(ref error) : ReadBare(ref error);
            if (value is null)
            {
                return false;
            }

            SkipSpaces();
            if (_position < text.Length && text[_position] != ',')
            {
                error = $"expected ',' after the X-Matrix parameter '{name}'";
                return false;
            }

            return true;
        }

        private string? ReadQuoted(ref string error)
        {
            var value = new StringBuilder();
            _position++;
            while (_position < text.Length)
            {
                var c = text[_position++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c == '\\')
                {
                    if (_position == text.Length)
                    {
                        break;
                    }

                    c = text[_position++];
                }

                if (char.IsControl(c) && c != '\t')
                {
                    error = "a control character in an X-Matrix value";
                    return null;
                }

                value.Append(c);
            }

            error = "an X-Matrix value's quotes are not closed";
            return null;
        }

        // A token; colons (and the other characters base64 and server names use) are accepted unquoted, as the spec
        // asks of recipients for compatibility with older servers.
        private string? ReadBare(ref string error)
        {
            var start = _position;
            while (_position < text.Length && IsBareValueChar(text[_position]))
            {
                _position++;
            }

            if (_position == start)
            {
                error = "an X-Matrix parameter has an empty value";
                return null;
            }

            return text[start.._position];
        }

        private void SkipSpaces()
        {
            while (_position < text.Length && IsSpace(text[_position]))
            {
                _position++;
            }
        }
    }

    private static bool IsSpace(char c) => c is ' ' or '\t';

    // RFC 7230 tchar.
    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or
            '^' or '_' or '`' or '|' or '~';

    private static bool IsBareValueChar(char c) => IsTokenChar(c) || c is ':' or '/' or '=' or '[' or ']';
}
