namespace Moltnet.Silo.Tests;
