using System.Security.Cryptography;
using Homeserver.Core.Crypto;
using Homeserver.Services.Configuration;

namespace Homeserver.Host.Hosting;

/// <summary>The server's Ed25519 signing key on disk (Synapse's one-line format), made on first start.</summary>
public static class SigningKeyFile
{
    public static SigningKey Generate()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var version = "a_" + RandomNumberGenerator.GetString(alphabet, 4);
        return SigningKey.FromSeed(version, RandomNumberGenerator.GetBytes(Ed25519.SeedLength));
    }

    public static async Task WriteAsync(string path, SigningKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteLineAsync(key.ToFileLine().AsMemory(), cancellationToken);
    }

    /// <returns>The key, and whether it was generated now.</returns>
    public static async Task<(SigningKey Key, bool Created)> LoadOrCreateAsync(string path,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            var key = Generate();
            try
            {
                await WriteAsync(path, key, cancellationToken);
                return (key, true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first; use theirs.
            }
        }

        var line = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        if (!SigningKey.TryParseFileLine(line, out var loaded, out var error))
        {
            throw new InvalidSettingException($"{SettingsReader.SectionName}:SigningKeyPath",
                $"'{path}' is not a signing key file: {error}");
        }

        return (loaded!, false);
    }
}
