namespace Moltnet.Cli.Tests;
