using System.Security.Cryptography;

namespace Moltnet;

/// <summary>Device tokens: <c>mdt_</c> + 43 base64url characters (32 random bytes), stored as hex SHA-256.</summary>
public static class DeviceTokens
{
    public const string Prefix = "mdt_";
    public const string Scope = "node";

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Ids.Sha256Hex(token);

    public static bool LooksValid(string? token) =>
        token is { Length: 47 } && token.StartsWith(Prefix, StringComparison.Ordinal)
        && token.AsSpan(4).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;
}
