namespace OrleansDelivery.Host.Tests;

public sealed class StartupTests
{
    [Fact]
    public void An_unknown_storage_provider_fails_startup_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => HostSetup.Build(["--Storage:Provider=Nonsense"]));

        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nonsense", error.Message, StringComparison.Ordinal);
        Assert.Contains("Memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_numeric_storage_provider_is_refused_too()
    {
        var error = Assert.Throws<InvalidOperationException>(() => HostSetup.Build(["--Storage:Provider=1"]));

        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_storage_without_a_connection_string_fails_startup_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            HostSetup.Build(["--Storage:Provider=Postgres", "--ConnectionStrings:Postgres="]));

        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }
}
