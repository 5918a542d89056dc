using System.Globalization;

namespace OrleansDelivery.Benchmarks;

/// <summary>Command-line settings shared by every benchmark.</summary>
public sealed record BenchmarkSettings(double Seconds)
{
    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    public static BenchmarkSettings Parse(string[] args)
    {
        var index = Array.IndexOf(args, "--seconds");
        var seconds = index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : 5;
        return new BenchmarkSettings(seconds);
    }
}

/// <summary>Prints a figure beside its baseline, the way every benchmark reports.</summary>
public static class Report
{
    public static void Line(string name, string value, string baseline, string verdict) =>
        Console.WriteLine($"  {name,-46} {value,18}   baseline {baseline,18}   {verdict}");

    public static string Target(bool met, string target) => met ? $"target {target}: met" : $"target {target}: MISSED";
}
