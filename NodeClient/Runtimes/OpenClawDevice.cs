using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Moltnet.NodeClient.Daemon;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// The persistent Ed25519 device identity the node presents to an OpenClaw gateway (spec node-and-cli §1.4, §3):
/// <c>{version:1, device_id, public_key_pem, private_key_pem, created_at_ms}</c>, written 0600 (temp file + rename) and
/// created on first use. The id is the hex SHA-256 of the raw public key. (.NET 10 has no Ed25519; BouncyCastle signs.)
/// </summary>
public sealed class OpenClawDevice
{
    private readonly Ed25519PrivateKeyParameters _key;

    private OpenClawDevice(Ed25519PrivateKeyParameters key)
    {
        _key = key;
        RawPublicKey = key.GeneratePublicKey().GetEncoded();
        Id = Convert.ToHexStringLower(SHA256.HashData(RawPublicKey));
    }

    public string Id { get; }
    public byte[] RawPublicKey { get; }

    /// <summary>The raw public key, base64url without padding.</summary>
    public string PublicKey => Base64Url(RawPublicKey);

    /// <summary>Where the key lives: <c>&lt;home_path&gt;/.moltnet/openclaw-device.json</c>, else
    /// <c>&lt;state dir&gt;/openclaw/&lt;agent&gt;.json</c>, else a per-(gateway, agent) file in the temp directory.</summary>
    public static string PathFor(string homePath, string? stateDirectory, string gatewayUrl, string agentId)
    {
        if (homePath.Length > 0) return Path.Combine(homePath, ".moltnet", "openclaw-device.json");
        if (stateDirectory is not null) return Path.Combine(stateDirectory, "openclaw", agentId + ".json");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(gatewayUrl + "\n" + agentId)))[..16];
        return Path.Combine(Path.GetTempPath(), "moltnet-openclaw", $"device-{hash}.json");
    }

    /// <exception cref="InvalidOperationException">The file exists but is not a private, valid device key.</exception>
    public static OpenClawDevice LoadOrCreate(string path, TimeProvider time)
    {
        if (StateFiles.ReadOrNull(path) is { } text) return Load(path, text);
        var key = new Ed25519PrivateKeyParameters(new SecureRandom());
        var device = new OpenClawDevice(key);
        var file = new JsonObject
        {
            ["version"] = 1,
            ["device_id"] = device.Id,
            ["public_key_pem"] = PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key.GeneratePublicKey()).GetDerEncoded()) + "\n",
            ["private_key_pem"] = PemEncoding.WriteString("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetDerEncoded()) + "\n",
            ["created_at_ms"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        StateFiles.WritePrivate(path, file.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return device;
    }

    private static OpenClawDevice Load(string path, string text)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode)0b111_111) != 0)
            throw new InvalidOperationException($"openclaw device key {path} must not be readable by group or others (chmod 600)");
        try
        {
            var pem = JsonNode.Parse(text)?["private_key_pem"]?.GetValue<string>() ?? throw new FormatException("private_key_pem missing");
            var fields = PemEncoding.Find(pem);
            var der = Convert.FromBase64String(pem[fields.Base64Data]);
            if (PrivateKeyFactory.CreateKey(der) is not Ed25519PrivateKeyParameters key) throw new FormatException("not an Ed25519 key");
            return new OpenClawDevice(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"openclaw device key {path} is unreadable: {e.Message}", e);
        }
    }

    /// <summary>Ed25519 signature of <paramref name="payload"/> (UTF-8), base64url without padding.</summary>
    public string Sign(string payload)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        var bytes = Encoding.UTF8.GetBytes(payload);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return Base64Url(signer.GenerateSignature());
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
