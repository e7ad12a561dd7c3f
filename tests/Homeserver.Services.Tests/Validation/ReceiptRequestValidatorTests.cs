using Homeserver.Services.Sync;
using Homeserver.Services.Validation;

namespace Homeserver.Services.Tests.Validation;

public sealed class ReceiptRequestValidatorTests
{
    private static readonly ReceiptRequestValidator Validator = new();

    [Theory]
    [InlineData("m.read", null)]
    [InlineData("m.read", "main")]
    [InlineData("m.read", "$thread-root")]
    [InlineData("m.read.private", "main")]
    [InlineData("m.fully_read", null)]
    public void Known_receipt_types_with_a_valid_thread_pass(string type, string? thread)
    {
        ValidationAssert.Passes(Validator, new ReceiptRequest(type, thread));
    }

    [Fact]
    public void An_unknown_receipt_type_is_M_INVALID_PARAM_naming_it()
    {
        ValidationAssert.Fails(Validator, new ReceiptRequest("m.seen", null), "M_INVALID_PARAM",
            "Unknown receipt type 'm.seen'");
    }

    [Fact]
    public void A_fully_read_marker_cannot_be_threaded()
    {
        ValidationAssert.Fails(Validator, new ReceiptRequest("m.fully_read", "main"), "M_INVALID_PARAM",
            "m.fully_read cannot be threaded");
    }

    [Theory]
    [InlineData("thread")]
    [InlineData("")]
    public void A_thread_that_is_neither_main_nor_an_event_id_is_M_INVALID_PARAM(string thread)
    {
        ValidationAssert.Fails(Validator, new ReceiptRequest("m.read", thread), "M_INVALID_PARAM",
            "thread_id must be 'main' or an event ID");
    }
}
