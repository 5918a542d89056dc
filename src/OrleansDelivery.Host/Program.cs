using OrleansDelivery.Host;

var app = HostSetup.Build(args);
await app.RunAsync();

/// <summary>The entry point, public so tests can name the application.</summary>
public partial class Program;
