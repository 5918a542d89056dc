namespace OrleansDelivery.Runtime.CodeGenerator.Tests;

/// <summary>Grain code as a user would write it, covering every shape the generator supports.</summary>
internal static class Samples
{
    public const string Orders = """
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Linq;
        using System.Threading.Tasks;
        using OrleansDelivery.Runtime;

        namespace Sample.Orders;

        public enum Priority
        {
            Normal,
            High,
        }

        public sealed record Line(string Sku, int Quantity, decimal Price);

        public sealed record Order(string Id, IReadOnlyList<Line> Lines, Priority Priority, Guid? CustomerId);

        public sealed record OrderSummary(string Id, decimal Total, int LineCount);

        // Recursive: the serializability check must terminate.
        public sealed record Category(string Name, List<Category> Children);

        public interface IOrderGrain : IGrainWithStringKey
        {
            Task<OrderSummary> PlaceAsync(Order order, DateTimeOffset at);

            [ReadOnly]
            Task<OrderSummary?> GetAsync();

            Task CancelAsync(string reason);

            [AlwaysInterleave]
            ValueTask PingAsync();

            ValueTask<int> CountAsync(int from, int to);

            Task<string> DescribeAsync(int value);

            Task<string> DescribeAsync(string value, string? sender);

            Task<Dictionary<string, int>> TallyAsync(ImmutableArray<string> words, Dictionary<Guid, List<TimeSpan>> spans, Category category);
        }

        public readonly record struct Position(double Latitude, double Longitude);

        public interface ICourierGrain : IGrainWithGuidKey, IRemindable
        {
            [ReadOnly]
            [AlwaysInterleave]
            Task<Position> LocateAsync();
        }

        public interface ICounterGrain : IGrainWithIntegerKey
        {
            Task<long> IncrementAsync(long by);
        }

        public interface IShardCounterGrain : ICounterGrain
        {
            Task ResetAsync();
        }

        public sealed class CartState
        {
            public List<Line> Lines { get; set; } = [];
        }

        public interface ICartGrain : IGrainWithStringKey
        {
            Task AddAsync(Line line);
        }

        public sealed class CartGrain(
            [PersistentState("cart", "carts")] IPersistentState<CartState> cart,
            [PersistentState("audit")] IPersistentState<CartState> audit,
            TimeProvider clock) : Grain, ICartGrain
        {
            public async Task AddAsync(Line line)
            {
                cart.State.Lines.Add(line);
                audit.State.Lines.Add(line with { Quantity = 0 });
                _ = clock.GetUtcNow();
                await cart.WriteStateAsync();
            }
        }

        public sealed class ShardCounterGrain : Grain, IShardCounterGrain
        {
            private long _value;

            public Task<long> IncrementAsync(long by) => Task.FromResult(_value += by);

            public Task ResetAsync()
            {
                _value = 0;
                return Task.CompletedTask;
            }
        }

        /// <summary>Not a grain: an implementation the tests invoke generated requests on directly.</summary>
        public sealed class OrderBook : IOrderGrain
        {
            public List<string> Calls { get; } = [];

            public Task<OrderSummary> PlaceAsync(Order order, DateTimeOffset at)
            {
                Calls.Add($"Place {order.Id} {order.Priority} {order.CustomerId} {at:O}");
                return Task.FromResult(new OrderSummary(order.Id, order.Lines.Sum(l => l.Quantity * l.Price), order.Lines.Count));
            }

            public Task<OrderSummary?> GetAsync() => Task.FromResult<OrderSummary?>(null);

            public async Task CancelAsync(string reason)
            {
                await Task.Yield();
                Calls.Add($"Cancel {reason}");
            }

            public ValueTask PingAsync()
            {
                Calls.Add("Ping");
                return ValueTask.CompletedTask;
            }

            public ValueTask<int> CountAsync(int from, int to) => new(to - from);

            public Task<string> DescribeAsync(int value) => Task.FromResult($"int {value}");

            public Task<string> DescribeAsync(string value, string? sender) => Task.FromResult($"string {value} from {sender ?? "nobody"}");

            public Task<Dictionary<string, int>> TallyAsync(ImmutableArray<string> words, Dictionary<Guid, List<TimeSpan>> spans, Category category) =>
                Task.FromResult(words.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count() + spans.Count + category.Children.Count));
        }

        /// <summary>Typed calls through a proxy the tests got from the generated registration.</summary>
        public static class Calls
        {
            public static Task<OrderSummary> Place(object proxy) =>
                ((IOrderGrain)proxy).PlaceAsync(
                    new Order("o-1", [new Line("pizza", 2, 9.5m), new Line("cola", 1, 2.25m)], Priority.High, new Guid("6f1c1e4e-0a4b-4c55-9d51-0d2c7a3a8e11")),
                    new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)));

            public static Task Cancel(object proxy) => ((IOrderGrain)proxy).CancelAsync("changed my mind");

            public static ValueTask Ping(object proxy) => ((IOrderGrain)proxy).PingAsync();

            public static ValueTask<int> Count(object proxy) => ((IOrderGrain)proxy).CountAsync(3, 10);

            public static Task<string> DescribeInt(object proxy) => ((IOrderGrain)proxy).DescribeAsync(42);

            public static Task<string> DescribeString(object proxy) => ((IOrderGrain)proxy).DescribeAsync("hello", null);

            public static Task<Dictionary<string, int>> Tally(object proxy) =>
                ((IOrderGrain)proxy).TallyAsync(
                    ["a", "b", "a"],
                    new() { [Guid.Empty] = [TimeSpan.FromMinutes(5)] },
                    new Category("root", [new Category("leaf", [])]));

            public static Task<long> Increment(object proxy) => ((IShardCounterGrain)proxy).IncrementAsync(5);
        }
        """;

    /// <summary>Same simple interface name as in <see cref="Orders"/>, in another namespace: generated names must not clash.</summary>
    public const string Billing = """
        using System.Threading.Tasks;
        using OrleansDelivery.Runtime;

        namespace Sample.Billing;

        public interface IOrderGrain : IGrainWithStringKey
        {
            Task<decimal> TotalAsync();
        }

        // Declared in two parts: generated once, with the methods of both.
        public partial interface IPartialGrain
        {
            Task FirstAsync();
        }

        public partial interface IPartialGrain : IGrainWithStringKey
        {
            Task SecondAsync();
        }

        public static class Outer
        {
            public interface INestedGrain : IGrainWithIntegerKey
            {
                Task PokeAsync();
            }
        }
        """;

    public const string Unrelated = """
        namespace Sample.Other;

        public static class Formatting
        {
            public static string Shout(string text) => text.ToUpperInvariant();
        }
        """;
}
