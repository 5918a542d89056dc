using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Host.Orders;
using OrleansDelivery.Orders;
using OrleansDelivery.Payments;
using QRCoder;

namespace OrleansDelivery.Host.Payments;

/// <summary>
/// Paying prepaid orders: by card through the gateway, or by QR code in the customer's bank app, which the bank
/// confirms at the signed webhook. Each flow changes the payment grain first and then hands the new payment to the
/// order grain, which moves the order on.
/// </summary>
public static class PaymentEndpoints
{
    private const int MaxWebhookBytes = 16 * 1024;
    private const int QrPixelsPerModule = 8;

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders")
            .WithTags("Payments")
            .RequireAuthorization();

        orders.MapPost("/{id:guid}/payment", PayByCardAsync)
            .WithName("PayByCard")
            .WithSummary(
                "Pays one of the customer's card orders (AwaitingPayment or PaymentFailed): 200 with the confirmed order; 402 \"The card was "
                + "declined\" (the order becomes PaymentFailed and may be paid again); 502 when the gateway fails (nothing charged, try again); "
                + "409 when the order cannot be paid now.");

        orders.MapPost("/{id:guid}/payment/qr", RequestQrAsync)
            .WithName("RequestPaymentQr")
            .WithSummary("Shows the QR code for the customer's bank app to pay one of their QR-code orders: its payload, a PNG and when it expires.");

        app.MapPost("/api/payments/webhook", ReceiveBankWebhookAsync)
            .WithTags("Payments")
            .AllowAnonymous()
            .WithName("PaymentWebhook")
            .WithSummary(
                "The bank confirms or fails a QR payment: { reference, status: Confirmed|Failed, amount, currency }, signed with "
                + "X-Signature: sha256=<hex HMAC-SHA256 of the raw body>. 401 when the signature is wrong, 404 for an unknown reference, "
                + "409 when the amount differs; a repeated notification answers 200 again.");

        return app;
    }

    public static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> PayByCardAsync(
        Guid id, PayByCardRequest? request, ClaimsPrincipal user, IGrainFactory grains, TimeProvider time)
    {
        var errors = CardValidation.Validate(request, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await OwnOrderAsync(id, user, grains) is not { } order)
        {
            return NotFound(id);
        }

        if (await ReadyToPayAsync(order, PaymentType.Card, grains) is { } refusal)
        {
            return refusal;
        }

        var orderGrain = grains.GetGrain<IOrderGrain>(id);
        switch (await grains.GetGrain<IPaymentGrain>(id).PayByCardAsync(CardValidation.ToDetails(request!.Card!)))
        {
            case CardPaymentResult.Approved approved:
                var paid = (await orderGrain.PaymentChangedAsync(approved.Payment))!;
                // A cancel that overtook the charge has refunded it already; the customer should not read "paid".
                return paid.Status == OrderStatus.Cancelled
                    ? Conflict("The order was cancelled while it was being paid; the payment is refunded")
                    : TypedResults.Ok(paid.ToResponse());
            case CardPaymentResult.Declined declined:
                await orderGrain.PaymentChangedAsync(declined.Payment);
                return TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "The card was declined", detail: $"{declined.Reason}. Try another card.");
            case CardPaymentResult.GatewayFailed failed:
                await orderGrain.PaymentChangedAsync(failed.Payment);
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The payment gateway failed", detail: failed.Reason);
            case CardPaymentResult.Refused refused:
                return Conflict(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown card payment result.");
        }
    }

    public static async Task<Results<Ok<QrPaymentResponse>, ProblemHttpResult>> RequestQrAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await OwnOrderAsync(id, user, grains) is not { } order)
        {
            return NotFound(id);
        }

        if (await ReadyToPayAsync(order, PaymentType.QrCode, grains) is { } refusal)
        {
            return refusal;
        }

        switch (await grains.GetGrain<IPaymentGrain>(id).RequestQrAsync())
        {
            case QrPaymentResult.Issued issued:
                await grains.GetGrain<IOrderGrain>(id).PaymentChangedAsync(issued.Payment);
                var png = PngByteQRCodeHelper.GetQRCode(issued.Payload, QRCodeGenerator.ECCLevel.M, QrPixelsPerModule);
                return TypedResults.Ok(new QrPaymentResponse(issued.Payload, Convert.ToBase64String(png), issued.ExpiresAt));
            case QrPaymentResult.Refused refused:
                return Conflict(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown QR payment result.");
        }
    }

    public static async Task<Results<Ok<BankWebhookResponse>, ValidationProblem, ProblemHttpResult>> ReceiveBankWebhookAsync(
        HttpRequest request, IGrainFactory grains, IOptionsMonitor<PaymentWebhookOptions> options, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.WebhookSecret is not { Length: > 0 } secret)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Payments webhook is not configured");
        }

        // The signature covers the bytes as sent, so the body is read raw and only parsed once it is trusted.
        if (await ReadBodyAsync(request, cancellationToken) is not { } body)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.");
        }

        if (!WebhookSignature.IsValid(secret, body, request.Headers[WebhookSignature.Header]))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The webhook signature is missing or wrong.");
        }

        BankWebhookRequest? notification;
        try
        {
            notification = JsonSerializer.Deserialize<BankWebhookRequest>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            notification = null;
        }

        var errors = Validate(notification);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var reference = notification!.Reference!;
        if (!PaymentReferences.TryParseOrderId(reference, out var orderId))
        {
            return UnknownReference(reference);
        }

        var confirmed = string.Equals(notification.Status, "Confirmed", StringComparison.OrdinalIgnoreCase);
        var result = await grains.GetGrain<IPaymentGrain>(orderId)
            .ApplyBankNotificationAsync(new BankNotification(reference, confirmed, notification.Amount!.Value, notification.Currency!));
        switch (result)
        {
            case BankNotificationResult.Applied applied:
                // Also on a repeat: the first delivery may have stopped before the order heard of it.
                await grains.GetGrain<IOrderGrain>(orderId).PaymentChangedAsync(applied.Payment);
                return TypedResults.Ok(new BankWebhookResponse(reference, applied.Payment.Status, applied.Repeated));
            case BankNotificationResult.UnknownReference:
                return UnknownReference(reference);
            case BankNotificationResult.AmountMismatch mismatch:
                return Conflict($"The amount does not match the payment: expected {mismatch.Expected:0.00} {mismatch.Currency}.");
            case BankNotificationResult.Refused refused:
                return Conflict(refused.Reason);
            default:
                throw new InvalidOperationException("Unknown bank notification result.");
        }
    }

    /// <summary>Null when the order waits for this kind of payment; otherwise the 409 saying why it does not.</summary>
    private static async Task<ProblemHttpResult?> ReadyToPayAsync(OrderView order, PaymentType way, IGrainFactory grains)
    {
        var reason = order switch
        {
            { Status: OrderStatus.Cancelled } => "The order is cancelled",
            { PaymentType: PaymentType.CashOnDelivery or PaymentType.PosOnDelivery } => "This order is paid on delivery",
            _ when order.PaymentType != way => order.PaymentType == PaymentType.Card ? "This order is paid by card" : "This order is paid by QR code",
            { Status: OrderStatus.AwaitingPayment or OrderStatus.PaymentFailed } => null,
            { Status: OrderStatus.Placed } => "The order is not ready for payment yet; try again in a moment",
            _ => "The order is already paid",
        };
        if (reason is not null)
        {
            return Conflict(reason);
        }

        if (order.Status == OrderStatus.PaymentFailed
            && await grains.GetGrain<IOrderGrain>(order.Id).AdvanceAsync(OrderStatus.AwaitingPayment, "customer") is TransitionResult.Refused refused)
        {
            // A retry waits for its payment again; refused only if the order changed in the meantime.
            return Conflict(refused.Reason);
        }

        return null;
    }

    private static Dictionary<string, string[]> Validate(BankWebhookRequest? notification)
    {
        var errors = new Dictionary<string, string[]>();
        if (notification is null)
        {
            errors["body"] = ["The body is a JSON object: { reference, status, amount, currency }."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(notification.Reference) || notification.Reference.Length > 100)
        {
            errors["reference"] = ["Give the payment reference the QR code carried."];
        }

        if (notification.Status is null || !(notification.Status.Equals("Confirmed", StringComparison.OrdinalIgnoreCase) || notification.Status.Equals("Failed", StringComparison.OrdinalIgnoreCase)))
        {
            errors["status"] = ["The status is Confirmed or Failed."];
        }

        if (notification.Amount is not > 0)
        {
            errors["amount"] = ["The amount is a positive number."];
        }

        if (notification.Currency is not { Length: 3 })
        {
            errors["currency"] = ["The currency is a three-letter code."];
        }

        return errors;
    }

    /// <summary>The body's bytes, or null when it is larger than a webhook ever is.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxWebhookBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxWebhookBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<OrderView?> OwnOrderAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(id).GetAsync() is { } order && order.CustomerId == user.CustomerId() ? order : null;

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The order cannot be paid now.", detail: detail);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found.", detail: $"You have no order {id}.");

    private static ProblemHttpResult UnknownReference(string reference) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown payment reference.", detail: $"No payment has the reference {reference}.");
}
