using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers selling their own items: listing, editing, withdrawing, and others buying them.</summary>
public sealed class SellingTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> ListAsync(HttpClient client, string name, int quantity = 5, decimal price = 12.50m)
    {
        using var response = await client.PostAsJsonAsync("/api/sales", new
        {
            name, description = "Hand-made, still warm.", price, quantity, categoryId = "desserts",
        }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    private static async Task<JsonElement> ListingAsync(HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/sales/{id}", Cancellation);

    private static string UniqueName(string what) => $"{what} {Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task A_listed_item_enters_the_catalogue_and_the_seller_is_told_by_email_and_inbox()
    {
        var (seller, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var name = UniqueName("Lemon Tart");

            var listing = await ListAsync(client, name, quantity: 6);

            Assert.Equal(name, listing.GetProperty("name").GetString());
            Assert.Equal("Hand-made, still warm.", listing.GetProperty("description").GetString());
            Assert.Equal((12.50m, "EUR"), (listing.GetProperty("price").GetDecimal(), listing.GetProperty("currency").GetString()));
            Assert.Equal((6, 6), (listing.GetProperty("quantity").GetInt32(), listing.GetProperty("available").GetInt32()));
            Assert.Equal(("desserts", "Active"), (listing.GetProperty("categoryId").GetString(), listing.GetProperty("status").GetString()));
            Assert.True(listing.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.MinValue);

            var product = await DeliveryApplication.FindProductAsync(client, name);
            Assert.Equal(listing.GetProperty("productId").GetGuid(), product.GetProperty("id").GetGuid());
            Assert.Equal(6, product.GetProperty("stock").GetInt32());

            // Account emails go out whatever the channel preference (push, by default).
            var mailbox = await client.GetFromJsonAsync<JsonElement>($"/api/dev/mailbox?to={Uri.EscapeDataString(seller.Email)}", Cancellation);
            Assert.Contains(mailbox.GetProperty("items").EnumerateArray(), e => e.GetProperty("subject").GetString() == $"Your listing \"{name}\" is on sale");
            var inbox = await client.GetFromJsonAsync<JsonElement>("/api/notifications", Cancellation);
            Assert.Equal("ListingCreated", inbox.GetProperty("items")[0].GetProperty("kind").GetString());

            var mine = await client.GetFromJsonAsync<JsonElement>("/api/sales", Cancellation);
            Assert.Equal(1, mine.GetProperty("total").GetInt32());
            Assert.Equal(listing.GetProperty("id").GetGuid(), mine.GetProperty("items")[0].GetProperty("id").GetGuid());
        }
    }

    [Fact]
    public async Task Another_customer_buying_the_item_leaves_the_seller_less_available()
    {
        var (_, seller) = await app.SignedInCustomerAsync();
        var (_, buyer) = await app.SignedInCustomerAsync();
        using (seller)
        using (buyer)
        {
            var name = UniqueName("Fig Jam");
            var listing = await ListAsync(seller, name, quantity: 5);

            var order = await DeliveryApplication.PlaceItemOrderAsync(buyer, name);

            Assert.Equal(listing.GetProperty("productId").GetGuid(), order.GetProperty("lines")[0].GetProperty("productId").GetGuid());
            var after = await ListingAsync(seller, listing.GetProperty("id").GetGuid());
            Assert.Equal((5, 4), (after.GetProperty("quantity").GetInt32(), after.GetProperty("available").GetInt32()));
        }
    }

    [Fact]
    public async Task Editing_changes_the_product_and_moves_its_stock_but_never_below_what_orders_hold()
    {
        var (_, seller) = await app.SignedInCustomerAsync();
        var (_, buyer) = await app.SignedInCustomerAsync();
        using (seller)
        using (buyer)
        {
            var listing = await ListAsync(seller, UniqueName("Plum Cake"), quantity: 3);
            var id = listing.GetProperty("id").GetGuid();
            await DeliveryApplication.PlaceItemOrderAsync(buyer, listing.GetProperty("name").GetString()!);
            await DeliveryApplication.PlaceItemOrderAsync(buyer, listing.GetProperty("name").GetString()!);
            var newName = UniqueName("Plum Crumble");

            using var belowHeld = await seller.PutAsJsonAsync($"/api/sales/{id}", new { name = newName, description = "", price = 14.00m, quantity = 1 }, Cancellation);
            using var edited = await seller.PutAsJsonAsync($"/api/sales/{id}", new { name = newName, description = "Now with crumble.", price = 14.00m, quantity = 8 }, Cancellation);

            Assert.Equal(HttpStatusCode.Conflict, belowHeld.StatusCode);
            Assert.Equal(
                "The quantity cannot be less than 2: that many units are sold or held by orders.",
                (await belowHeld.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
            var body = await edited.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            Assert.Equal(
                (newName, 14.00m, 8, 6),
                (body.GetProperty("name").GetString(), body.GetProperty("price").GetDecimal(), body.GetProperty("quantity").GetInt32(), body.GetProperty("available").GetInt32()));
            var product = await DeliveryApplication.FindProductAsync(seller, newName);
            Assert.Equal((6, "Now with crumble.", 14.00m), (product.GetProperty("stock").GetInt32(), product.GetProperty("description").GetString(), product.GetProperty("price").GetDecimal()));
        }
    }

    [Fact]
    public async Task A_withdrawn_listing_is_no_longer_sold()
    {
        var (_, seller) = await app.SignedInCustomerAsync();
        var (_, buyer) = await app.SignedInCustomerAsync();
        using (seller)
        using (buyer)
        {
            var name = UniqueName("Apple Strudel");
            var listing = await ListAsync(seller, name);
            var id = listing.GetProperty("id").GetGuid();
            var productId = listing.GetProperty("productId").GetGuid();
            await DeliveryApplication.FindProductAsync(buyer, name);
            using var inCart = await buyer.PutAsJsonAsync($"/api/cart/items/{productId}", new { quantity = 1 }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, inCart.StatusCode);

            using var withdrawn = await seller.DeleteAsync($"/api/sales/{id}", Cancellation);
            using var again = await seller.DeleteAsync($"/api/sales/{id}", Cancellation);
            using var edit = await seller.PutAsJsonAsync($"/api/sales/{id}", new { name, description = "", price = 1m, quantity = 1 }, Cancellation);
            using var product = await buyer.GetAsync($"/api/products/{productId}", Cancellation);
            using var checkout = await buyer.PostAsJsonAsync("/api/orders", new
            {
                deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
            }, Cancellation);

            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, product.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, checkout.StatusCode);
            var after = await ListingAsync(seller, id);
            Assert.Equal(("Withdrawn", 0), (after.GetProperty("status").GetString(), after.GetProperty("available").GetInt32()));
            await Wait.UntilAsync(
                () => buyer.GetFromJsonAsync<JsonElement>($"/api/products?q={Uri.EscapeDataString(name)}", Cancellation),
                page => page.GetProperty("total").GetInt32() == 0,
                TimeSpan.FromSeconds(30),
                "the withdrawn item to leave the catalogue");
        }
    }

    [Fact]
    public async Task Another_customers_listing_is_not_found()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            var name = UniqueName("Carrot Cake");
            var id = (await ListAsync(alice, name)).GetProperty("id").GetGuid();

            using var get = await bob.GetAsync($"/api/sales/{id}", Cancellation);
            using var put = await bob.PutAsJsonAsync($"/api/sales/{id}", new { name = "Mine now", description = "", price = 1m, quantity = 1 }, Cancellation);
            using var delete = await bob.DeleteAsync($"/api/sales/{id}", Cancellation);
            var bobs = await bob.GetFromJsonAsync<JsonElement>("/api/sales", Cancellation);

            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
            Assert.Equal(0, bobs.GetProperty("total").GetInt32());
            var alices = await ListingAsync(alice, id);
            Assert.Equal((name, "Active"), (alices.GetProperty("name").GetString(), alices.GetProperty("status").GetString()));
        }
    }

    [Fact]
    public async Task An_invalid_listing_is_refused_naming_each_field()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            using var response = await client.PostAsJsonAsync("/api/sales", new
            {
                name = "", description = new string('x', 2001), price = 10.005m, quantity = 0, categoryId = "no-such-category",
            }, Cancellation);
            using var tooDear = await client.PostAsJsonAsync("/api/sales", new { name = "Gold bar", price = 100_000.01m, quantity = 10_001, categoryId = "desserts" }, Cancellation);
            using var free = await client.PostAsJsonAsync("/api/sales", new { name = "Gift", price = 0m, quantity = 1 }, Cancellation);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("errors");
            Assert.Equal(["categoryId", "description", "name", "price", "quantity"], errors.EnumerateObject().Select(e => e.Name).Order());
            var dearErrors = (await tooDear.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("errors");
            Assert.Equal(["price", "quantity"], dearErrors.EnumerateObject().Select(e => e.Name).Order());
            var freeErrors = (await free.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("errors");
            Assert.Equal(["categoryId", "price"], freeErrors.EnumerateObject().Select(e => e.Name).Order());
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/sales", Cancellation)).GetProperty("total").GetInt32());
        }
    }
}
