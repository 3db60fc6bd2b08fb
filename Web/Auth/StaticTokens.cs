using System.Security.Cryptography;
using System.Text;
using Moltnet.Configuration;

namespace Moltnet.Web.Auth;

/// <summary>The configured static tokens, held only as SHA-256 hashes and compared in constant time.</summary>
public sealed class StaticTokens
{
    private readonly (byte[] Hash, TokenConfig Token)[] _tokens;

    public StaticTokens(MoltnetConfig config) =>
        _tokens = config.Auth.Tokens.Select(t => (Hash(t.Value), t with { Value = "" })).ToArray();

    /// <summary>The token whose secret is <paramref name="presented"/>; every entry is compared, in constant time.</summary>
    public TokenConfig? Find(string presented)
    {
        var hash = Hash(presented);
        TokenConfig? match = null;
        foreach (var (h, token) in _tokens)
            if (CryptographicOperations.FixedTimeEquals(h, hash)) match = token;
        return match;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
