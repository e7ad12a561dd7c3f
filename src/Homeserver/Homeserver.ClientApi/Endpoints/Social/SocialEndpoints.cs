using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Social;

/// <summary>Users finding and keeping track of each other: directory, mutual rooms, room summaries, tags, OpenID.</summary>
public static class SocialEndpoints
{
    public static IEndpointRouteBuilder MapSocial(this IEndpointRouteBuilder app)
    {
        app.MapUserDirectory();
        app.MapMutualRooms();
        app.MapRoomSummary();
        app.MapTags();
        app.MapOpenId();
        return app;
    }
}
