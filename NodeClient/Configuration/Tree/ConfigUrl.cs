namespace Moltnet.Configuration.Tree;

internal static class ConfigUrl
{
    /// <summary>True for an absolute URL whose scheme is one of <paramref name="schemes"/> and that has a host.</summary>
    public static bool IsValid(string value, params ReadOnlySpan<string> schemes) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme) && uri.Host.Length > 0;
}
