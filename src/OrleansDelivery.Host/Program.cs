using OrleansDelivery.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddOrleansDelivery();

var app = builder.Build();
app.MapOrleansDelivery();
await app.RunAsync();

/// <summary>The entry point, public so tests can name the application.</summary>
public partial class Program;
