using Homeserver.Http;

namespace Homeserver.Federation.Http;

/// <summary>The federation listener's mark: requests it accepted get the federation pipeline.</summary>
public static class FederationListener
{
    public static readonly ListenerMark Mark = new("Listen:Federation");
}
