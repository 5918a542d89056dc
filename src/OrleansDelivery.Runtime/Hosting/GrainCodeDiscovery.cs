using System.Reflection;

namespace OrleansDelivery.Runtime.Hosting;

/// <summary>Finds generated grain code at start-up (reflection here is once per silo, never per call).</summary>
internal static class GrainCodeDiscovery
{
    public static GrainCodeCatalog Build(IEnumerable<Assembly> explicitAssemblies)
    {
        var assemblies = explicitAssemblies.ToList();
        if (assemblies.Count == 0)
        {
            assemblies = FindGrainAssemblies();
        }

        var catalog = new GrainCodeCatalog();
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var marker in assembly.GetCustomAttributes<GrainCodeAttribute>())
            {
                var provider = (IGrainCodeProvider)(Activator.CreateInstance(marker.ProviderType)
                    ?? throw new GrainRegistrationException($"Cannot create {marker.ProviderType.FullName}."));
                provider.Populate(catalog);
            }
        }

        return catalog;
    }

    private static List<Assembly> FindGrainAssemblies()
    {
        var runtimeName = typeof(Grain).Assembly.GetName().Name;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<Assembly>();
        var pending = new Stack<Assembly>(AppDomain.CurrentDomain.GetAssemblies());
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            pending.Push(entry);
        }

        while (pending.TryPop(out var assembly))
        {
            if (assembly.IsDynamic || !seen.Add(assembly.FullName ?? assembly.GetName().Name!))
            {
                continue;
            }

            var references = assembly.GetReferencedAssemblies();
            if (assembly.IsDefined(typeof(GrainCodeAttribute), inherit: false))
            {
                found.Add(assembly);
            }

            // Only assemblies that reference the runtime can hold grain code; this keeps the walk short.
            foreach (var reference in references)
            {
                if (IsFrameworkName(reference.Name) || seen.Contains(reference.FullName))
                {
                    continue;
                }

                try
                {
                    var loaded = Assembly.Load(reference);
                    if (loaded.GetReferencedAssemblies().Any(r => r.Name == runtimeName))
                    {
                        pending.Push(loaded);
                    }
                }
                catch (Exception exception) when (exception is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference that is not deployed cannot contain grains this silo runs.
                }
            }
        }

        return found;
    }

    private static bool IsFrameworkName(string? name) =>
        name is null
        || name.StartsWith("System", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.", StringComparison.Ordinal)
        || name.StartsWith("xunit", StringComparison.Ordinal)
        || name is "netstandard" or "mscorlib";
}
