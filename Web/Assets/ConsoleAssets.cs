using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Moltnet.Configuration;

namespace Moltnet.Web.Assets;

/// <summary>The console's built files (<c>Web/wwwroot/console/</c>, built from <c>console/</c> by Vite), embedded in this
/// assembly under <c>console/</c>. Loaded once; each file carries its content type and a strong ETag.</summary>
public sealed class ConsoleAssets
{
    private const string Prefix = "console/";
    private readonly FrozenDictionary<string, ConsoleAsset> _files;

    public ConsoleAssets(MoltnetConfig config)
    {
        var types = new FileExtensionContentTypeProvider();
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var relative = path[Prefix.Length..];
            var body = buffer.ToArray();
            if (relative == "index.html") body = Analytics.Inject(body, config.Server.Console.Analytics);
            if (!types.TryGetContentType(relative, out var type)) type = "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
                type += "; charset=utf-8";
            files[relative] = new ConsoleAsset(body, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"");
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The file at <paramref name="path"/> (relative to <c>/console/</c>), else <c>index.html</c> for client-side
    /// routes (whose ids may contain dots); null for a missing file under <c>assets/</c>.</summary>
    public ConsoleAsset? Find(string path)
    {
        if (path.Length == 0) path = "index.html";
        if (_files.TryGetValue(path, out var file)) return file;
        return path.StartsWith("assets/", StringComparison.Ordinal) ? null : _files.GetValueOrDefault("index.html");
    }
}

public sealed record ConsoleAsset(byte[] Body, string ContentType, string ETag);

/// <summary>The optional Google Analytics tag (<c>server.console.analytics</c>), injected before <c>&lt;/head&gt;</c>.</summary>
internal static class Analytics
{
    public static byte[] Inject(byte[] html, AnalyticsSection? analytics)
    {
        if (analytics is null || analytics.MeasurementId.Length == 0) return html;
        var id = Uri.EscapeDataString(analytics.MeasurementId);
        var tag = $"<script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script>" +
                  $"<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','{id}');</script>";
        var text = Encoding.UTF8.GetString(html);
        var at = text.IndexOf("</head>", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? html : Encoding.UTF8.GetBytes(text[..at] + tag + text[at..]);
    }
}
