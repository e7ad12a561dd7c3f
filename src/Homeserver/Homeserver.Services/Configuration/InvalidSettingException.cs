namespace Homeserver.Services.Configuration;

/// <summary>A setting that stops the server at start; the message names the key in both its forms.</summary>
public sealed class InvalidSettingException : Exception
{
    public InvalidSettingException(string key, string problem)
        : base(Describe(key, problem))
    {
        Key = key;
    }

    public InvalidSettingException()
    {
        Key = "";
    }

    public InvalidSettingException(string message)
        : base(message)
    {
        Key = "";
    }

    public InvalidSettingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "";
    }

    public string Key { get; }

    /// <summary>"Homeserver:Listen:Client (env Homeserver__Listen__Client): problem".</summary>
    public static string Describe(string key, string problem) =>
        $"{key} (env {key.Replace(":", "__", StringComparison.Ordinal)}): {problem}";
}
