using System.Globalization;
using System.Net;
using System.Text;

namespace Moltnet.Bench;

/// <summary>A chart the bench writes next to <c>latest.md</c>.</summary>
internal sealed record Chart(string FileName, string Title, string Svg);

/// <summary>Minimal SVG charts (no dependencies): log-scale line charts and horizontal bars.</summary>
internal static class Svg
{
    private const int Width = 760;
    private const int Height = 420;
    private const int Left = 70;
    private const int Right = 190;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"];

    public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

    /// <summary>Lines over log10 x and log10 y, with an optional dashed horizontal limit.</summary>
    public static string LogLines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, double? limit, string? limitLabel)
    {
        var points = series.SelectMany(s => s.Points).Where(p => p.X > 0 && p.Y > 0).ToList();
        if (points.Count == 0) points.Add((1, 1));
        var (x0, x1) = Decades(points.Min(p => p.X), points.Max(p => p.X));
        var (y0, y1) = Decades(Math.Min(points.Min(p => p.Y), limit ?? double.MaxValue), Math.Max(points.Max(p => p.Y), limit ?? 0));
        double Px(double x) => Left + (Math.Log10(x) - x0) / (x1 - x0) * (Width - Left - Right);
        double Py(double y) => Height - Bottom - (Math.Log10(Math.Max(y, Math.Pow(10, y0))) - y0) / (y1 - y0) * (Height - Top - Bottom);
        var sb = Header(title);
        for (var d = x0; d <= x1; d++)
            foreach (var m in d < x1 ? [1, 2, 5] : new[] { 1 })
                Grid(sb, Px(m * Math.Pow(10, d)), true, Label(m * Math.Pow(10, d)));
        for (var d = y0; d <= y1; d++) Grid(sb, Py(Math.Pow(10, d)), false, Label(Math.Pow(10, d)));
        Axes(sb, xLabel, yLabel);
        if (limit is { } l)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Py(l))}\" y2=\"{F(Py(l))}\" stroke=\"#555\" stroke-dasharray=\"6,4\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 4}\" y=\"{F(Py(l) - 4)}\" font-size=\"11\" fill=\"#555\">{Esc(limitLabel ?? "")}</text>");
        }
        for (var i = 0; i < series.Count; i++)
        {
            var color = Colors[i % Colors.Length];
            var pts = series[i].Points.Where(p => p.X > 0 && p.Y > 0).ToList();
            if (pts.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', pts.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"))}\"/>");
                foreach (var p in pts) sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(Py(p.Y))}\" r=\"3\" fill=\"{color}\"/>");
            }
            Legend(sb, i, series[i].Name, color);
        }
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>Horizontal bars, one per label, value printed at the end.</summary>
    public static string Bars(string title, string unit, IReadOnlyList<(string Label, double Value)> bars)
    {
        const int rowHeight = 34;
        const int labelWidth = 200;
        var height = Top + Bottom / 2 + bars.Count * rowHeight;
        var max = bars.Select(b => b.Value).DefaultIfEmpty(1).Max();
        var sb = Header(title, height);
        for (var i = 0; i < bars.Count; i++)
        {
            var y = Top + i * rowHeight;
            var w = max > 0 ? bars[i].Value / max * (Width - labelWidth - 140) : 0;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 8}\" y=\"{y + 20}\" font-size=\"12\" text-anchor=\"end\">{Esc(bars[i].Label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 6}\" width=\"{F(Math.Max(w, 1))}\" height=\"20\" fill=\"{Colors[i % Colors.Length]}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelWidth + w + 6)}\" y=\"{y + 20}\" font-size=\"12\">{Esc(Label(bars[i].Value) + " " + unit)}</text>");
        }
        return sb.Append("</svg>\n").ToString();
    }

    private static StringBuilder Header(string title, int height = Height) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\">")
        .Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>")
        .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{Esc(title)}</text>");

    private static void Grid(StringBuilder sb, double at, bool vertical, string label)
    {
        if (vertical)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(at)}\" x2=\"{F(at)}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#e5e5e5\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(at)}\" y=\"{Height - Bottom + 16}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(at)}\" y2=\"{F(at)}\" stroke=\"#e5e5e5\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(at + 4)}\" font-size=\"11\" text-anchor=\"end\">{label}</text>");
        }
    }

    private static void Axes(StringBuilder sb, string xLabel, string yLabel)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#333\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" font-size=\"12\" text-anchor=\"middle\">{Esc(xLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16,{(Top + Height - Bottom) / 2}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{Esc(yLabel)}</text>");
    }

    private static void Legend(StringBuilder sb, int i, string name, string color)
    {
        var y = Top + 10 + i * 20;
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 12}\" y=\"{y - 8}\" width=\"14\" height=\"4\" fill=\"{color}\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 32}\" y=\"{y}\" font-size=\"12\">{Esc(name)}</text>");
    }

    private static (double, double) Decades(double min, double max)
    {
        var lo = Math.Floor(Math.Log10(min));
        var hi = Math.Ceiling(Math.Log10(max));
        return (lo, hi <= lo ? lo + 1 : hi);
    }

    private static string Label(double v) =>
        v >= 1e6 ? (v / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : v >= 1e3 ? (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString(v < 1 ? "0.##" : "0.#", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
