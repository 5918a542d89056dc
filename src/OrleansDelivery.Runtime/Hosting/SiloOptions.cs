using System.Reflection;

namespace OrleansDelivery.Runtime.Hosting;

/// <summary>Settings of a silo; defaults are Orleans' where Orleans has one.</summary>
public sealed class SiloOptions
{
    /// <summary>Names the application: stored state, reminders and streams are kept per service.</summary>
    public string ServiceId { get; set; } = "orleans-delivery";

    /// <summary>Names this silo in logs and on the dashboard.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>How long a caller waits for a grain call before it fails with a <see cref="TimeoutException"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an activation may stay idle before it is collected, unless its class says otherwise.</summary>
    public TimeSpan DefaultCollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often callers' deadlines are checked; bounds how late a timeout fires.</summary>
    public TimeSpan TimeoutCheckPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the reminder table is read for reminders added, changed or removed elsewhere.</summary>
    public TimeSpan ReminderRefreshPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The shortest reminder period accepted; reminders are for minutes and hours, timers for less.</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Stream providers to create, each over the <see cref="IStreamLog"/> registered under its name.</summary>
    public IList<string> StreamProviders { get; } = [StreamProviderNames.Default];

    /// <summary>
    /// Assemblies with generated grain code. When empty, the silo looks through the entry assembly and what it
    /// references for assemblies marked with <see cref="GrainCodeAttribute"/>.
    /// </summary>
    public IList<Assembly> GrainAssemblies { get; } = [];

    /// <summary>
    /// Sends even local calls through argument and result serialization, as a call to another silo would be.
    /// Slower; for tests that prove every call can cross a process boundary.
    /// </summary>
    public bool SerializeLocalCalls { get; set; }
}
