using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansDelivery.Host.Cluster;

namespace OrleansDelivery.Host.Tests;

/// <summary>
/// The freeze guard on a fake clock: a gap in its heartbeat longer than one probe stops the silo serving until the
/// membership table confirms it; start-up, however slow, is never taken for a freeze.
/// </summary>
public sealed class FreezeGuardTests : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = ClusterSettings.FromConfiguration(new ConfigurationBuilder().Build()).Membership.ProbeTimeout;

    private readonly FakeTimeProvider _time = new();
    private readonly StartedLifetime _lifetime = new();
    private readonly SiloAddress _address = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private readonly ScriptedMembership _membership;
    private readonly FreezeGuard _guard;

    public FreezeGuardTests()
    {
        _membership = new ScriptedMembership(_address);
        _guard = new FreezeGuard(
            _membership,
            new LocalSilo(_address),
            ClusterSettings.FromConfiguration(new ConfigurationBuilder().Build()),
            _lifetime,
            _time,
            NullLogger<FreezeGuard>.Instance);
    }

    [Fact]
    public async Task A_start_up_slower_than_a_probe_is_not_taken_for_a_freeze()
    {
        await _guard.StartAsync(TestContext.Current.CancellationToken);

        // The host has not finished starting: however long each step takes, and whenever the guard's loop gets to
        // run, it serves and never asks the table.
        for (var step = 0; step < 50; step++)
        {
            _time.Advance(ProbeTimeout * 2);
            Assert.True(_guard.MayServe);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.False(_guard.IsWatching);
        Assert.Equal(0, _membership.Refreshes);
    }

    [Fact]
    public async Task After_a_gap_longer_than_a_probe_it_serves_nothing_until_the_table_says_it_is_active()
    {
        await _guard.StartAsync(TestContext.Current.CancellationToken);
        _lifetime.Start();
        await UntilAsync(() => _guard.IsWatching, "the heartbeat to start after the host started");

        _time.Advance(FreezeGuard.Beat);
        Assert.True(_guard.MayServe);

        // The table first shows this silo as still joining: it stays out until a later read shows it Active.
        _membership.Status = SiloStatus.Joining;
        _time.Advance(ProbeTimeout + FreezeGuard.Beat);
        Assert.False(_guard.MayServe);
        await UntilAsync(() => _membership.Refreshes >= 1, "the guard to read the membership table");
        Assert.False(_guard.MayServe);

        // The heartbeat beats on real time and measures on the fake clock: one fake beat per real one, no more, so
        // that only the freeze above reads as a gap.
        _membership.Status = SiloStatus.Active;
        for (var beat = 0; !_guard.MayServe; beat++)
        {
            Assert.True(beat < 100, "the guard did not serve again once the table showed this silo active");
            _time.Advance(FreezeGuard.Beat);
            await Task.Delay(FreezeGuard.Beat * 1.2, TestContext.Current.CancellationToken);
        }

        Assert.True(_membership.Refreshes >= 2);
    }

    [Fact]
    public async Task Once_the_host_is_stopping_its_silence_is_not_taken_for_a_freeze()
    {
        await _guard.StartAsync(TestContext.Current.CancellationToken);
        _lifetime.Start();
        await UntilAsync(() => _guard.IsWatching, "the heartbeat to start after the host started");

        await _guard.StopAsync(TestContext.Current.CancellationToken);
        _time.Advance(ProbeTimeout * 5);

        Assert.False(_guard.IsWatching);
        Assert.True(_guard.MayServe);
    }

    public async ValueTask DisposeAsync()
    {
        await _guard.StopAsync(CancellationToken.None);
        _guard.Dispose();
    }

    /// <summary>Polls a condition the guard's background loop makes true; the cap only stops a hung test.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var attempt = 0; !condition(); attempt++)
        {
            if (attempt > 2_000)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private sealed class StartedLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }

    private sealed class ScriptedMembership(SiloAddress self) : IClusterMembershipService
    {
        private int _refreshes;

        public volatile SiloStatus Status = SiloStatus.Active;

        public int Refreshes => Volatile.Read(ref _refreshes);

        public ClusterMembershipSnapshot CurrentSnapshot => new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(self, new ClusterMember(self, Status, "silo")),
            new MembershipVersion(1));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _refreshes);
            return ValueTask.CompletedTask;
        }

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }

    private sealed class LocalSilo(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "silo";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
