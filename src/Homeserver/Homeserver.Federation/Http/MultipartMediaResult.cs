using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Homeserver.Services.Media;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Federation.Http;

/// <summary>
/// A federation media answer (spec: <c>/_matrix/federation/v1/media/download</c>): <c>multipart/mixed</c> with a
/// random boundary and exactly two parts, the metadata as JSON (an empty object) and the media's bytes with their
/// Content-Type and Content-Disposition. The length is known, so it is sent with a Content-Length.
/// </summary>
public sealed class MultipartMediaResult(MediaContent content, string? fileName) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        await using var body = content.Content;
        var boundary = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var disposition = new ContentDispositionHeaderValue("attachment");
        if (!string.IsNullOrEmpty(fileName))
        {
            disposition.FileNameStar = fileName;
        }

        var head = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Type: application/json\r\n\r\n{{}}\r\n" +
            $"--{boundary}\r\nContent-Type: {content.ContentType}\r\nContent-Disposition: {disposition}\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = $"multipart/mixed; boundary={boundary}";
        response.ContentLength = head.Length + content.Length + tail.Length;
        var cancellationToken = httpContext.RequestAborted;
        await response.Body.WriteAsync(head, cancellationToken);
        await body.CopyToAsync(response.Body, cancellationToken);
        await response.Body.WriteAsync(tail, cancellationToken);
    }
}
