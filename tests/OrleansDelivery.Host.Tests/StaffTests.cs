using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>Staff keeping the catalogue and moving orders along the board.</summary>
public sealed class StaffTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    private static async Task<JsonElement> PlaceCashOrderAsync(HttpClient customer, string productName, int quantity = 1)
    {
        var product = await DeliveryApplication.FindProductAsync(customer, productName);
        (await customer.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity }, Cancellation)).Dispose();
        using var placed = await customer.PostAsJsonAsync("/api/orders", new
        {
            deliveryMethod = "Car", deliveryAddress = "1 Market St", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
        }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return await BodyAsync(placed);
    }

    [Fact]
    public async Task Staff_add_a_category_and_a_product_change_its_price_and_stock_and_withdraw_it()
    {
        var (_, staff) = await app.SignedInStaffAsync();
        using (staff)
        {
            var categoryId = "soups-" + Guid.NewGuid().ToString("N")[..6];
            using var category = await staff.PostAsJsonAsync("/api/staff/categories", new { id = categoryId, name = "Soups", description = "Hot bowls" }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, category.StatusCode);
            using var duplicate = await staff.PostAsJsonAsync("/api/staff/categories", new { id = categoryId, name = "Soups again" }, Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

            using var created = await staff.PostAsJsonAsync("/api/staff/products", new
            {
                name = "Tomato Soup", description = "Slow-cooked", price = 5.20m, categoryId, dietaryTags = new[] { "Vegan" }, stock = 10,
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var product = await BodyAsync(created);
            var id = product.GetProperty("id").GetGuid();
            Assert.Equal((10, "vegan"), (product.GetProperty("stock").GetInt32(), product.GetProperty("dietaryTags")[0].GetString()));

            using var anonymous = app.CreateClient();
            await Wait.UntilAsync(
                () => anonymous.GetFromJsonAsync<JsonElement>($"/api/products?categoryId={categoryId}", Cancellation),
                page => page.GetProperty("total").GetInt32() == 1,
                TimeSpan.FromSeconds(30),
                "the new product to be listed in its category");

            using var repriced = await staff.PutAsJsonAsync($"/api/staff/products/{id}", new { name = "Tomato Soup", price = 5.60m, categoryId }, Cancellation);
            Assert.Equal(5.60m, (await BodyAsync(repriced)).GetProperty("price").GetDecimal());
            using var restocked = await staff.PostAsJsonAsync($"/api/staff/products/{id}/stock", new { delta = 5 }, Cancellation);
            Assert.Equal(15, (await BodyAsync(restocked)).GetProperty("stock").GetInt32());
            using var tooMuch = await staff.PostAsJsonAsync($"/api/staff/products/{id}/stock", new { delta = -16 }, Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);

            using var inUse = await staff.DeleteAsync($"/api/staff/categories/{categoryId}", Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);

            using var withdrawn = await staff.DeleteAsync($"/api/staff/products/{id}", Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/products/{id}", Cancellation)).StatusCode);
            await Wait.UntilAsync(
                async () => (await staff.DeleteAsync($"/api/staff/categories/{categoryId}", Cancellation)).StatusCode,
                status => status == HttpStatusCode.NoContent,
                TimeSpan.FromSeconds(30),
                "the emptied category to be removable");
        }
    }

    [Fact]
    public async Task Bad_catalogue_input_is_a_validation_problem_naming_each_field()
    {
        using var admin = await app.SignedInAdminAsync();
        using var product = await admin.PostAsJsonAsync("/api/staff/products", new
        {
            name = "", price = -1m, categoryId = "no-such-category", dietaryTags = new[] { "" }, pictureUrl = "javascript:alert(1)", stock = -5,
        }, Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, product.StatusCode);
        var errors = (await BodyAsync(product)).GetProperty("errors");
        Assert.All(new[] { "name", "price", "categoryId", "dietaryTags", "pictureUrl", "stock" }, field => Assert.True(errors.TryGetProperty(field, out _), field));

        using var category = await admin.PostAsJsonAsync("/api/staff/categories", new { id = "Has Spaces", name = "" }, Cancellation);
        var categoryErrors = (await BodyAsync(category)).GetProperty("errors");
        Assert.True(categoryErrors.TryGetProperty("id", out _) && categoryErrors.TryGetProperty("name", out _));

        using var unknown = await admin.PostAsJsonAsync($"/api/staff/products/{Guid.NewGuid()}/stock", new { delta = 1 }, Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Customers_cannot_use_staff_endpoints_and_anonymous_callers_are_asked_to_sign_in()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        using (customer)
        {
            using var anonymous = app.CreateClient();
            foreach (var path in new[] { "/api/staff/orders", $"/api/staff/orders/{Guid.NewGuid()}" })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync(path, Cancellation)).StatusCode);
                Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path, Cancellation)).StatusCode);
            }

            using var create = await customer.PostAsJsonAsync("/api/staff/categories", new { id = "mine", name = "Mine" }, Cancellation);
            Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        }
    }

    [Fact]
    public async Task An_order_appears_on_the_board_and_staff_move_it_to_the_door_in_order_only()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        var (_, staff) = await app.SignedInStaffAsync();
        using (customer)
        using (staff)
        {
            var order = await PlaceCashOrderAsync(customer, "Chicken Caesar", 2);
            var id = order.GetProperty("id").GetGuid();

            var board = await Wait.UntilAsync(
                () => staff.GetFromJsonAsync<JsonElement>("/api/staff/orders?status=Confirmed&pageSize=100", Cancellation),
                page => page.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("orderId").GetGuid() == id),
                TimeSpan.FromSeconds(30),
                "the order to reach the board");
            var entry = board.GetProperty("items").EnumerateArray().First(e => e.GetProperty("orderId").GetGuid() == id);
            Assert.Equal((2, order.GetProperty("number").GetString()), (entry.GetProperty("itemCount").GetInt32(), entry.GetProperty("number").GetString()));
            Assert.True(board.GetProperty("countByStatus").GetProperty("Confirmed").GetInt32() >= 1);

            using var skipping = await staff.PostAsJsonAsync($"/api/staff/orders/{id}/status", new { status = "Delivered" }, Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, skipping.StatusCode);
            using var notAMove = await staff.PostAsJsonAsync($"/api/staff/orders/{id}/status", new { status = "Placed" }, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, notAMove.StatusCode);

            foreach (var status in new[] { "Cooking", "ReadyForDelivery", "OutForDelivery", "Delivered" })
            {
                using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{id}/status", new { status }, Cancellation);
                Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
                Assert.Equal(status, (await BodyAsync(moved)).GetProperty("status").GetString());
            }

            var seen = await customer.GetFromJsonAsync<JsonElement>($"/api/orders/{id}", Cancellation);
            var history = seen.GetProperty("statusHistory").EnumerateArray().ToList();
            Assert.Equal(["Placed", "Confirmed", "Cooking", "ReadyForDelivery", "OutForDelivery", "Delivered"], history.Select(h => h.GetProperty("status").GetString()));
            Assert.StartsWith("staff:", history[^1].GetProperty("by").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync($"/api/staff/orders/{Guid.NewGuid()}/status", new { status = "Cooking" }, Cancellation)).StatusCode);

            await Wait.UntilAsync(
                () => staff.GetFromJsonAsync<JsonElement>("/api/staff/orders?status=Delivered&pageSize=100", Cancellation),
                page => page.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("orderId").GetGuid() == id),
                TimeSpan.FromSeconds(30),
                "the board to show the order delivered");
        }
    }

    [Fact]
    public async Task Staff_cancel_an_order_before_cooking_and_not_after()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        var (_, staff) = await app.SignedInStaffAsync();
        using (customer)
        using (staff)
        {
            var first = (await PlaceCashOrderAsync(customer, "Margherita")).GetProperty("id").GetGuid();
            using var cancelled = await staff.PostAsJsonAsync($"/api/staff/orders/{first}/cancel", new { reason = "Out of basil" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            Assert.Equal("Out of basil", (await customer.GetFromJsonAsync<JsonElement>($"/api/orders/{first}", Cancellation)).GetProperty("cancellationReason").GetString());

            var second = (await PlaceCashOrderAsync(customer, "Margherita")).GetProperty("id").GetGuid();
            (await staff.PostAsJsonAsync($"/api/staff/orders/{second}/status", new { status = "Cooking" }, Cancellation)).Dispose();
            using var tooLate = await staff.PostAsJsonAsync($"/api/staff/orders/{second}/cancel", new { reason = "changed mind" }, Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
            Assert.Equal("The order cannot be cancelled because it is already being cooked", (await BodyAsync(tooLate)).GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task The_courier_confirms_a_cash_payment_at_the_door_but_not_a_card_one()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        var (_, staff) = await app.SignedInStaffAsync();
        using (customer)
        using (staff)
        {
            var cash = (await PlaceCashOrderAsync(customer, "Margherita")).GetProperty("id").GetGuid();
            Assert.Equal("Requested", (await customer.GetFromJsonAsync<JsonElement>($"/api/orders/{cash}", Cancellation)).GetProperty("payment").GetProperty("status").GetString());

            using var confirmed = await staff.PostAsync($"/api/staff/orders/{cash}/payment/confirm", null, Cancellation);
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            Assert.Equal("Confirmed", (await customer.GetFromJsonAsync<JsonElement>($"/api/orders/{cash}", Cancellation)).GetProperty("payment").GetProperty("status").GetString());

            var card = (await DeliveryApplication.PlaceOrderAsync(customer, "Card")).GetProperty("id").GetGuid();
            using var refused = await staff.PostAsync($"/api/staff/orders/{card}/payment/confirm", null, Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            using var customerTries = await customer.PostAsync($"/api/staff/orders/{cash}/payment/confirm", null, Cancellation);
            Assert.Equal(HttpStatusCode.Forbidden, customerTries.StatusCode);
        }
    }
}
