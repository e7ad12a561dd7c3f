using FluentValidation;

namespace Homeserver.Services.Validation;

/// <summary>
/// The base of every request body validator: it stops at the first failing rule, in the order the rules are written,
/// so a body with several faults gets the one error a hand-written check in that order would give. Validators keep
/// no state: one instance serves every request.
/// </summary>
public abstract class RequestValidator<T> : AbstractValidator<T>
{
    protected RequestValidator()
    {
        ClassLevelCascadeMode = CascadeMode.Stop;
        RuleLevelCascadeMode = CascadeMode.Stop;
    }
}
