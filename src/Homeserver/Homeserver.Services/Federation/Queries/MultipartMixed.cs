using System.Net.Http.Headers;
using System.Text;

namespace Homeserver.Services.Federation.Queries;

/// <summary>One part of a <c>multipart/mixed</c> body: its headers (names lower-cased) and its bytes.</summary>
public sealed record MultipartPart(IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// Reads a whole <c>multipart/mixed</c> body (RFC 2046 section 5.1) as federation media answers are made: the
/// boundary from the Content-Type, parts between <c>--boundary</c> lines, each with headers, an empty line and its
/// bytes, up to <c>--boundary--</c>. A preamble before the first delimiter is skipped.
/// </summary>
public static class MultipartMixed
{
    /// <summary>The parts, or null when the type is not multipart/mixed with a boundary or the body is malformed.</summary>
    public static IReadOnlyList<MultipartPart>? TryRead(string? contentType, ReadOnlyMemory<byte> body)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) ||
            !string.Equals(type.MediaType, "multipart/mixed", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = type.Parameters.FirstOrDefault(p => string.Equals(p.Name, "boundary",
            StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            return null;
        }

        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var span = body.Span;
        var first = span.IndexOf(delimiter);
        if (first < 0 || (first > 0 && !EndsWithLineBreak(span[..first])))
        {
            return null;
        }

        var parts = new List<MultipartPart>();
        var position = first + delimiter.Length;
        while (true)
        {
            if (span[position..].StartsWith("--"u8))
            {
                return parts; // the close delimiter; an epilogue after it is ignored
            }

            position = SkipLineBreak(span, SkipTransportPadding(span, position));
            if (position < 0)
            {
                return null;
            }

            var next = IndexOfDelimiter(span, position, delimiter);
            if (next.Start < 0)
            {
                return null;
            }

            var part = ReadPart(body[position..next.Start]);
            if (part is null)
            {
                return null;
            }

            parts.Add(part);
            position = next.End;
        }
    }

    private static MultipartPart? ReadPart(ReadOnlyMemory<byte> raw)
    {
        var span = raw.Span;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        while (true)
        {
            var end = span[position..].IndexOf("\r\n"u8);
            if (end < 0)
            {
                return null;
            }

            if (end == 0)
            {
                return new MultipartPart(headers, raw[(position + 2)..]);
            }

            var line = Encoding.UTF8.GetString(span.Slice(position, end));
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            position += end + 2;
        }
    }

    /// <summary>The next <c>CRLF--boundary</c>: where the part's bytes end, and where what follows it starts.</summary>
    private static (int Start, int End) IndexOfDelimiter(ReadOnlySpan<byte> span, int from, byte[] delimiter)
    {
        var search = from;
        while (true)
        {
            var found = span[search..].IndexOf(delimiter);
            if (found < 0)
            {
                return (-1, -1);
            }

            var at = search + found;
            if (at >= from + 2 && span[at - 2] == '\r' && span[at - 1] == '\n' &&
                EndsDelimiter(span, at + delimiter.Length))
            {
                return (at - 2, at + delimiter.Length);
            }

            search = at + 1;
        }
    }

    /// <summary>A boundary line ends with "--" (the last) or optional padding and CRLF: "--b0x" is not "--b0".</summary>
    private static bool EndsDelimiter(ReadOnlySpan<byte> span, int position) =>
        span[position..].StartsWith("--"u8) || SkipLineBreak(span, SkipTransportPadding(span, position)) >= 0;

    private static int SkipTransportPadding(ReadOnlySpan<byte> span, int position)
    {
        while (position < span.Length && span[position] is (byte)' ' or (byte)'\t')
        {
            position++;
        }

        return position;
    }

    private static int SkipLineBreak(ReadOnlySpan<byte> span, int position) =>
        span[position..].StartsWith("\r\n"u8) ? position + 2 : -1;

    private static bool EndsWithLineBreak(ReadOnlySpan<byte> span) => span.EndsWith("\r\n"u8);
}
