using FluentValidation;
using Homeserver.Core.Errors;
using Homeserver.Services.Validation;

namespace Homeserver.Services.Tests.Validation;

/// <summary>Runs a validator through the bridge the endpoints use and checks the Matrix error it throws.</summary>
internal static class ValidationAssert
{
    public static void Fails<T>(IValidator<T> validator, T request, string errcode, string message, int status = 400)
    {
        var error = Assert.Throws<MatrixException>(() => validator.ValidateOrThrow(request));
        Assert.Equal(errcode, error.Code.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(status, error.HttpStatus);
    }

    public static void Passes<T>(IValidator<T> validator, T request)
        where T : class =>
        Assert.Same(request, validator.ValidateOrThrow(request));
}
