namespace Moltnet.Web.Tests;
