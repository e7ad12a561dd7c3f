using FluentValidation;
using FluentValidation.Results;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Validation;

/// <summary>The bridge from FluentValidation to the Matrix error responses: the first failure is thrown.</summary>
public static class RequestValidation
{
    /// <summary>
    /// Throws the <see cref="MatrixException"/> of the first failing rule: the errcode and status given to it with
    /// <see cref="MatrixRuleExtensions.WithMatrixError{T,TProperty}(IRuleBuilderOptions{T,TProperty},ErrorCode,string)"/>
    /// and its message. A rule given no Matrix error is a 400 M_INVALID_PARAM: still the client's fault, never a 500.
    /// </summary>
    public static T ValidateOrThrow<T>(this IValidator<T> validator, T request)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var result = validator.Validate(request);
        if (result.IsValid)
        {
            return request;
        }

        var failure = result.Errors[0];
        throw new MatrixException(CodeOf(failure), failure.ErrorMessage);
    }

    private static ErrorCode CodeOf(ValidationFailure failure) =>
        failure.CustomState is ErrorCode code ? code : ErrorCode.InvalidParam;
}
