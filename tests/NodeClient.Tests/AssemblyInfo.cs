namespace Moltnet.NodeClient.Tests;
