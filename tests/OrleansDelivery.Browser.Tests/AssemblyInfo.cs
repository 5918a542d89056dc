[assembly: AssemblyFixture(typeof(OrleansDelivery.Browser.Tests.Chromium))]
