using FluentValidation;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Validation;

/// <summary>Gives a rule the Matrix error its failure becomes: the errcode (and so the HTTP status) and the text.</summary>
public static class MatrixRuleExtensions
{
    public static IRuleBuilderOptions<T, TProperty> WithMatrixError<T, TProperty>(
        this IRuleBuilderOptions<T, TProperty> rule, ErrorCode code, string message) =>
        rule.WithErrorCode(code.Code).WithMessage(message).WithState(_ => code);

    /// <summary>A text made from the offending value (<c>Unknown preset 'x'</c>).</summary>
    public static IRuleBuilderOptions<T, TProperty> WithMatrixError<T, TProperty>(
        this IRuleBuilderOptions<T, TProperty> rule, ErrorCode code, Func<T, TProperty, string> message) =>
        rule.WithErrorCode(code.Code).WithMessage(message).WithState(_ => code);
}
