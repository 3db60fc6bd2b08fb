using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>One throwaway PostgreSQL cluster for the run; each test creates its own database in it.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}
