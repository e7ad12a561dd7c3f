using System.Text;

namespace Homeserver.Fuzz.Generation;

/// <summary>The catalogue of hostile values: raw JSON tokens, path segments and query values.</summary>
public static class HostileValues
{
    /// <summary>JSON string tokens (with quotes) that are valid JSON syntax but awkward text.</summary>
    public static readonly string[] UnicodeStrings =
    [
        "\"\\ud800\"", "\"\\udfff\"", "\"a\\ud83db\"", "\"\\ude00\\ud83d\"", "\"\\u0000\"", "\"a\\u0000b\"",
        "\"\\u202eevil\\u202c\"", "\"\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627\"", "\"\ud83d\ude00\ud83d\udc4d\ud83c\udffd\"",
        "\"\\ud83d\\ude00\"", "\"\\uffff\\ufffe\"", "\"\\ufeffbom\"", "\"e\u0301\u0301\u0301\u0301\u0301\u0301\"",
        "\"\u200b\u200d\u2060\"", "\"\\u001f\\u007f\"", "\"line\\nbreak\\ttab\"", "\"\\\\\\\"quoted\\\\\"",
    ];

    /// <summary>Byte sequences that are not UTF-8, put inside a JSON string.</summary>
    public static readonly byte[][] InvalidUtf8 =
    [
        [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe],
    ];

    /// <summary>Numbers past every integer and float type, and edge integers.</summary>
    public static readonly string[] HugeNumbers =
    [
        "9223372036854775807", "9223372036854775808", "18446744073709551616", "123456789012345678901234567890",
        "1e400", "1e308", "9007199254740993", "2147483648", "4294967296", "1.7976931348623157e309", "1E+99999",
    ];

    public static readonly string[] NegativeNumbers =
    [
        "-1", "-9223372036854775808", "-9223372036854775809", "-1e400", "-0", "-2147483649", "-0.5", "-1e-400",
    ];

    /// <summary>Whole bodies that are JSON but not an object, or not JSON.</summary>
    public static readonly string[] NonObjectBodies =
    [
        "[]", "[{}]", "\"text\"", "123", "null", "true", "-1e400", "\"\\ud800\"",
    ];

    public static readonly string[] InvalidJsonBodies =
    [
        "{", "{\"a\":}", "{'a':1}", "{\"a\":1}garbage", "{\"a\":1,}", "\ufeff{}", "{\"a\":NaN}", "{\"a\":Infinity}",
        "{\"a\":1}{\"b\":2}", "{\"a\":\"unterminated}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\u12\"}", "/* comment */ {}",
    ];

    /// <summary>Bad path segments, already percent-encoded as they go on the wire.</summary>
    public static readonly string[] PathSegments =
    [
        "%00", "a%00b", "%2F", "%2F..%2F..%2Fetc", "%2E%2E", "%ff", "%ED%A0%80", "%E2%80%AE", "%F0%9F%98%80",
        "%25", "%25zz", "!bad", "@bad", "$bad", "%23bad", "!%3A", "@%3A", "!x%3Alocalhost%3A99999999999",
        "@UPPER%3Alocalhost", "@a%3A%5B%3A%3A1%5D", "%20", "%0D%0A", "%22%27%3C%3E", "null", "-1", "0",
        "99999999999999999999", "%24" + new string('a', 300), new string('x', 5000), "%C0%80",
    ];

    /// <summary>Bad values for query parameters by name (<c>*</c>: any parameter).</summary>
    public static readonly (string Name, string Value)[] QueryValues =
    [
        ("limit", "-1"), ("limit", "0"), ("limit", "99999999999999999999"), ("limit", "2147483648"),
        ("limit", "abc"), ("limit", "1.5"), ("limit", ""), ("limit", "%00"), ("limit", "9223372036854775807"),
        ("from", "garbage"), ("from", "s-1_-1"), ("from", "s999999999999999999999"), ("from", "t1-2_3"),
        ("from", "%00"), ("from", "s1_2_3_4_5_6_7_8_9"), ("from", "s"), ("from", "%ff"), ("from", "-9223372036854775808"),
        ("to", "garbage"), ("to", "s-5"), ("since", "garbage"), ("since", "s-1"), ("since", "s99999999999999999999"),
        ("since", "s1_x"), ("since", "%E2%80%AE"), ("dir", "x"), ("dir", ""), ("dir", "%00"),
        ("timeout", "-1"), ("timeout", "9223372036854775807"), ("timeout", "99999999999999999999"),
        ("timeout", "1e10"), ("timeout", "abc"), ("filter", "%7B"), ("filter", "%5B%5D"), ("filter", "99999"),
        ("filter", "%7B%22room%22%3A%7B%22timeline%22%3A%7B%22limit%22%3A-1%7D%7D%7D"),
        ("filter", "%7B%22room%22%3A%7B%22rooms%22%3A%5B1%2C2%5D%7D%7D"), ("filter", "%00"),
        ("filter", "%7B%22event_fields%22%3A%5B%22%5Cud800%22%5D%7D"), ("full_state", "maybe"),
        ("set_presence", "bogus"), ("via", "%00"), ("via", "bad%20server"), ("server", "%2F"), ("ts", "-1"),
        ("ts", "99999999999999999999"), ("max_depth", "-1"), ("max_depth", "99999999999"), ("suggested_only", "2"),
        ("membership", "bogus"), ("not_membership", "%00"), ("at", "garbage"), ("kind", "bogus"),
        ("access_token", "%00"), ("access_token", "bogus"), ("*", "%ff%fe"), ("*", new string('q', 10000)),
    ];

    public static string LongString(Random random) =>
        new('a', random.Next(4) switch { 0 => 300, 1 => 5000, 2 => 70_000, _ => 300_000 });

    /// <summary>A value nested <paramref name="depth"/> levels deep (arrays or objects).</summary>
    public static string Nested(int depth, bool objects)
    {
        var text = new StringBuilder(depth * 8);
        for (var i = 0; i < depth; i++)
        {
            text.Append(objects ? "{\"a\":" : "[");
        }

        text.Append('1');
        for (var i = 0; i < depth; i++)
        {
            text.Append(objects ? '}' : ']');
        }

        return text.ToString();
    }
}
