using Moltnet.TestSupport;
using Xunit.Abstractions;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>One cluster for every PostgreSQL test class of the run (the classes run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}

/// <summary>Marks a contract-suite subclass that needs the PostgreSQL cluster: its <see cref="StoreFactAttribute"/>
/// tests are skipped like <see cref="PostgresFactAttribute"/> ones when PostgreSQL is missing (unless <c>CI=true</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>A fact of the backend-agnostic contract suite: skipped for a <see cref="RequiresPostgresAttribute"/> class
/// when PostgreSQL is not installed (xunit 2 has no dynamic skip, so the discoverer decides per concrete class).</summary>
[Xunit.Sdk.XunitTestCaseDiscoverer("Moltnet.Grains.Tests.Storage.StoreFactDiscoverer", "Moltnet.Grains.Tests")]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : Xunit.Sdk.FactDiscoverer(diagnosticMessageSink)
{
    private readonly IMessageSink _sink = diagnosticMessageSink;

    public override IEnumerable<Xunit.Sdk.IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod,
        IAttributeInfo factAttribute)
    {
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsPostgres && PostgresCluster.BinDir is null && !PostgresCluster.IsCi)
        {
            return [new Xunit.Sdk.XunitSkippedDataRowTestCase(_sink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, PostgresCluster.MissingMessage)];
        }
        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
