using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansDelivery.Runtime.Hosting;
using OrleansDelivery.Runtime.Testing.Postgres;

namespace OrleansDelivery.Runtime.Postgres.Tests;

public sealed class SiloRegistrationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UsePostgres_gives_a_silo_migrated_storage_reminders_and_streams_on_one_data_source()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        var silo = new TestSiloBuilder();

        silo.UsePostgres(connectionString, options =>
        {
            options.ServiceId = "registration-test";
            options.StreamMaxEventsPerStream = 100;
        });
        silo.AddPostgresGrainStorage("carts");
        await using var provider = silo.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        foreach (var task in provider.GetServices<ISiloStartupTask>())
        {
            await task.ExecuteAsync(Cancellation);
        }

        var storage = provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var carts = provider.GetRequiredKeyedService<IGrainStorage>("carts");
        var reminders = provider.GetRequiredService<IReminderTable>();
        var streams = provider.GetRequiredKeyedService<IStreamLog>(StreamProviderNames.Default);
        var grain = new GrainId("cart", "registration");

        await storage.WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "stored" } }, Cancellation);
        var read = new TestGrainState<CartState>();
        await carts.ReadStateAsync("cart", grain, read, Cancellation);
        await reminders.UpsertAsync(new ReminderEntry(grain, "r", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)), Cancellation);
        var sequence = await streams.AppendAsync(StreamId.Create("orders", "x"), "{}"u8.ToArray(), DateTimeOffset.UnixEpoch, Cancellation);

        Assert.Equal("stored", read.State.Note);
        Assert.IsType<PostgresGrainStorage>(storage);
        Assert.IsType<PostgresReminderTable>(reminders);
        Assert.IsType<PostgresStreamLog>(streams);
        Assert.Single(await reminders.ReadAllAsync(Cancellation));
        Assert.Equal(1, sequence);
        Assert.Same(provider.GetRequiredService<Npgsql.NpgsqlDataSource>(), provider.GetRequiredService<Npgsql.NpgsqlDataSource>());

        await provider.DisposeAsync();
        if (!server.IsPrivate)
        {
            await server.DropDatabaseAsync(connectionString, Cancellation);
        }
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_silo_is_built()
    {
        var silo = new TestSiloBuilder();
        silo.UsePostgres("Host=127.0.0.1", options => options.ServiceId = " ");
        using var provider = silo.Services.BuildServiceProvider();

        Assert.Throws<ArgumentException>(() => provider.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
    }

    private sealed class TestSiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
    }
}
