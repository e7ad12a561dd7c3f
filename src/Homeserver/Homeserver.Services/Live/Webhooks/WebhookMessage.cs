using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Live.Webhooks;

/// <summary>
/// What a webhook post becomes: an <c>m.room.message</c> (<c>m.text</c>) whose body is the posted plain text and whose
/// <c>formatted_body</c> is the posted HTML, sanitised. The text is <c>text</c> (ours and Slack's) or <c>body</c>.
/// </summary>
public static class WebhookMessage
{
    public const int MaxTextBytes = 16 * 1024;
    public const int MaxHtmlBytes = 32 * 1024;
    public const string HtmlFormat = "org.matrix.custom.html";

    public static JsonObject ToContent(JsonElement post)
    {
        var text = JsonFields.OptionalString(post, "text") ?? JsonFields.OptionalString(post, "body")
            ?? throw new MatrixException(ErrorCode.BadJson, "'text' is required (a string)");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new MatrixException(ErrorCode.BadJson, "'text' is empty");
        }

        if (Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
        {
            throw new MatrixException(ErrorCode.TooLarge, $"'text' is longer than {MaxTextBytes} bytes");
        }

        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = text };
        if (JsonFields.OptionalString(post, "html") is { } html)
        {
            if (Encoding.UTF8.GetByteCount(html) > MaxHtmlBytes)
            {
                throw new MatrixException(ErrorCode.TooLarge, $"'html' is longer than {MaxHtmlBytes} bytes");
            }

            var sanitised = MatrixHtmlSanitizer.Sanitize(html);
            if (!string.IsNullOrWhiteSpace(sanitised))
            {
                content["format"] = HtmlFormat;
                content["formatted_body"] = sanitised;
            }
        }

        return content;
    }
}
