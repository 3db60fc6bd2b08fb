namespace Moltnet.TestSupport;
