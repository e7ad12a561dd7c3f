using FluentValidation;
using Homeserver.Core.Errors;
using Homeserver.Services.Validation;

namespace Homeserver.Services.Tests.Validation;

public sealed class RequestValidationTests
{
    private sealed record Body(string? First, string? Second);

    private sealed class OrderedValidator : RequestValidator<Body>
    {
        public OrderedValidator()
        {
            RuleFor(b => b.First).NotNull().WithMatrixError(ErrorCode.MissingParam, "Missing 'first'")
                .Must(f => f!.Length < 3).WithMatrixError(ErrorCode.InvalidParam, (_, f) => $"'first' {f} is too long");
            RuleFor(b => b.Second).NotNull().WithMatrixError(ErrorCode.Forbidden, "Missing 'second'");
        }
    }

    private sealed class PlainValidator : RequestValidator<Body>
    {
        public PlainValidator() => RuleFor(b => b.First).NotNull();
    }

    [Fact]
    public void The_first_failing_rule_in_written_order_is_the_error()
    {
        ValidationAssert.Fails(new OrderedValidator(), new Body(null, null), "M_MISSING_PARAM", "Missing 'first'");
        ValidationAssert.Fails(new OrderedValidator(), new Body("long", null), "M_INVALID_PARAM", "'first' long is too long");
    }

    [Fact]
    public void The_errcode_brings_its_own_http_status()
    {
        ValidationAssert.Fails(new OrderedValidator(), new Body("ok", null), "M_FORBIDDEN", "Missing 'second'", 403);
    }

    [Fact]
    public void A_rule_without_a_matrix_error_is_400_M_INVALID_PARAM_never_a_500()
    {
        var error = Assert.Throws<MatrixException>(() => new PlainValidator().ValidateOrThrow(new Body(null, null)));
        Assert.Equal(ErrorCode.InvalidParam, error.Code);
        Assert.Equal(400, error.HttpStatus);
    }

    [Fact]
    public void A_valid_body_is_returned_as_it_is()
    {
        ValidationAssert.Passes(new OrderedValidator(), new Body("ok", "yes"));
    }

    public static TheoryData<Type> Validators()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(RequestValidator<>).Assembly.GetTypes()
                     .Where(t => !t.IsAbstract && typeof(IValidator).IsAssignableFrom(t)))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Validators))]
    public void Every_request_validator_stops_at_its_first_failure_and_gives_each_rule_a_matrix_errcode(Type type)
    {
        Assert.True(IsRequestValidator(type), $"{type.Name} must derive from RequestValidator<T>");
        var validator = (IValidator)Activator.CreateInstance(type)!;
        var components = validator.CreateDescriptor().Rules.SelectMany(rule => rule.Components).ToList();
        Assert.NotEmpty(components);
        Assert.All(components, c => Assert.StartsWith("M_", c.ErrorCode, StringComparison.Ordinal));
    }

    private static bool IsRequestValidator(Type type) =>
        type.BaseType is { IsGenericType: true } baseType && baseType.GetGenericTypeDefinition() == typeof(RequestValidator<>);
}
