namespace Moltnet.Grains.Tests;
