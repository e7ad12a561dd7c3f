namespace Homeserver.Core.Signing;

/// <summary>Why a signature check failed.</summary>
public enum SignatureFailure
{
    None,
    NotSignedByEntity,
    NotSignedWithKey,
    UnknownAlgorithm,
    MalformedSignature,
    NotCanonicalJson,
    BadSignature,
}

/// <summary>The outcome of checking one signature: valid, or the failure and a readable reason.</summary>
public readonly record struct SignatureCheck(SignatureFailure Failure, string Reason)
{
    public static readonly SignatureCheck Valid = new(SignatureFailure.None, "");

    public bool IsValid => Failure == SignatureFailure.None;

    public static SignatureCheck Fail(SignatureFailure failure, string reason) => new(failure, reason);
}
