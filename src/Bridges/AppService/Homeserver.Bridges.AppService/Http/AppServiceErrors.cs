using Microsoft.AspNetCore.Http;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>Error answers in the spec's shape: <c>{"errcode", "error"}</c> with its status.</summary>
public static class AppServiceErrors
{
    public static IResult Error(int status, string errcode, string error) =>
        Results.Json(new Dictionary<string, string> { ["errcode"] = errcode, ["error"] = error }, statusCode: status);

    public static IResult NotFound(string error) => Error(StatusCodes.Status404NotFound, "M_NOT_FOUND", error);

    public static IResult Unrecognized() =>
        Error(StatusCodes.Status404NotFound, "M_UNRECOGNIZED", "Unrecognized request");

    public static IResult NotJson(string error) => Error(StatusCodes.Status400BadRequest, "M_NOT_JSON", error);

    public static IResult BadJson(string error) => Error(StatusCodes.Status400BadRequest, "M_BAD_JSON", error);

    public static IResult Empty() => Results.Json(new Dictionary<string, object>());
}
