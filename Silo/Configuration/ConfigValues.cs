using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Moltnet.Silo.Configuration;

/// <summary>Parsers for the config's value formats: listen addresses, durations, proxy addresses.</summary>
public static partial class ConfigValues
{
    [GeneratedRegex(@"\G(\d+)(ms|s|m|h|d)")]
    private static partial Regex DurationPart();

    /// <summary>
    /// Parses a listen address <c>host:port</c>: the host may be empty (all interfaces), an IPv4 address, a bracketed
    /// IPv6 address or a DNS name; the port is 0–65535.
    /// </summary>
    public static bool TryParseListenAddr(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon < 0) return false;
        var h = value[..colon];
        var p = value[(colon + 1)..];
        if (p.Length is 0 or > 5 || !p.All(char.IsAsciiDigit)) return false;
        port = int.Parse(p, CultureInfo.InvariantCulture);
        if (port > 65535) return false;
        if (h.StartsWith('['))
        {
            if (!h.EndsWith(']') || !IPAddress.TryParse(h[1..^1], out var v6) ||
                v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return false;
            host = h[1..^1];
            return true;
        }
        if (h.Length > 0 && (h.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(h) == UriHostNameType.Unknown)) return false;
        host = h;
        return true;
    }

    /// <summary>
    /// Parses a duration such as <c>168h</c>, <c>30m</c>, <c>7d</c> or <c>1h30m</c> (units ms, s, m, h, d);
    /// <c>0</c> is zero.
    /// </summary>
    public static bool TryParseDuration(string value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (value == "0") return true;
        var at = 0;
        try
        {
            while (at < value.Length)
            {
                var m = DurationPart().Match(value, at);
                if (!m.Success) return false;
                var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                duration += m.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromDays(n),
                };
                at += m.Length;
            }
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            return false;
        }
        return at > 0;
    }

    /// <summary>True for an IP address or a CIDR range (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    public static bool IsIpOrCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? IsIp(value) : IsIp(value[..slash]) && IPNetwork.TryParse(value, out _);
    }

    /// <summary>An IPv6 address or a dotted-quad IPv4 address (not the lenient short forms like <c>10.1</c>).</summary>
    private static bool IsIp(string value) =>
        IPAddress.TryParse(value, out var ip) &&
        (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || value.Count(c => c == '.') == 3);
}
