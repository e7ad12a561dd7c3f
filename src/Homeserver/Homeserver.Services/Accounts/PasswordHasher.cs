using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Homeserver.Services.Accounts;

/// <summary>
/// PBKDF2-HMAC-SHA512 with a random 16-byte salt. The stored form names its parameters
/// (<c>$pbkdf2-sha512$i=N$salt$hash</c>), so raising the iteration count later keeps old hashes valid.
/// </summary>
public sealed class PasswordHasher(int iterations)
{
    public const int DefaultIterations = 210_000;
    private const string Prefix = "$pbkdf2-sha512$i=";
    private const int SaltBytes = 16;
    private const int HashBytes = 64;

    // Verifying against this when the user does not exist keeps the response time the same.
    private readonly Lazy<string> _dummyHash = new(() => new PasswordHasher(iterations).Hash("not a password"));

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations,
            HashAlgorithmName.SHA512, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Constant-time check of <paramref name="password"/> against a stored hash; a null hash never matches.</summary>
    public bool Verify(string password, string? storedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (storedHash is null)
        {
            Verify(password, _dummyHash.Value);
            return false;
        }

        if (!storedHash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = storedHash[Prefix.Length..].Split('$');
        if (parts.Length != 3 ||
            !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var storedIterations) ||
            storedIterations <= 0)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[1]);
            expected = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, storedIterations,
            HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
