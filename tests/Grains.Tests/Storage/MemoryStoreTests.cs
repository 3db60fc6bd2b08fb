using Moltnet.Grains.Storage;

namespace Moltnet.Grains.Tests.Storage;

/// <summary>The contract suite against the in-memory backend.</summary>
public sealed class MemoryStoreTests : StoreContractTests
{
    protected override IMoltnetStore CreateStore() => new MemoryStore();
}
