using Microsoft.Playwright;

namespace Moltnet.Console.Tests;

/// <summary>Debian's Chromium (<c>apt-get install chromium</c>) driven by Playwright; Playwright's own browser downloads
/// are never used. Missing: tests are skipped with the install hint, unless <c>CI=true</c>, where they fail.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string MissingMessage = "Chromium not found at /usr/bin/chromium (or MOLTNET_CHROMIUM): apt-get install chromium";

    public static string? ExecutablePath { get; } = Find();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    private static string? Find()
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("MOLTNET_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        return null;
    }

    public async Task InitializeAsync()
    {
        if (ExecutablePath is null)
        {
            if (IsCi) throw new InvalidOperationException(MissingMessage + " (CI=true: failing instead of skipping)");
            return;
        }
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>A browser test: skipped with the install hint when Chromium is missing, unless <c>CI=true</c> (then it runs and
/// the fixture fails it).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserFixture.ExecutablePath is null && !BrowserFixture.IsCi) Skip = BrowserFixture.MissingMessage;
    }
}

/// <summary>Screenshots of each page, saved as test artifacts under <c>TestResults/console-screenshots/</c> at the
/// repository root (or <c>MOLTNET_SCREENSHOTS</c>).</summary>
public static class Screenshots
{
    public static string Directory { get; } = Resolve();

    private static string Resolve()
    {
        var configured = Environment.GetEnvironmentVariable("MOLTNET_SCREENSHOTS");
        if (!string.IsNullOrEmpty(configured)) return System.IO.Directory.CreateDirectory(configured).FullName;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Moltnet.sln"))) dir = dir.Parent;
        var root = dir?.FullName ?? AppContext.BaseDirectory;
        return System.IO.Directory.CreateDirectory(Path.Combine(root, "TestResults", "console-screenshots")).FullName;
    }

    public static Task SaveAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = true });
}
