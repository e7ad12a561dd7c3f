namespace Homeserver.Bench;

/// <summary>How big each scenario is. Presets: tiny (CI smoke, seconds), small (a minute or two), full (the sizes).</summary>
public sealed record BenchSizes
{
    /// <summary>send-seq: messages sent one after another.</summary>
    public int Messages { get; init; }

    /// <summary>send-conc: concurrent clients (also the concurrency of its baselines).</summary>
    public int Clients { get; init; }

    /// <summary>send-conc: messages each client sends, in each part.</summary>
    public int MessagesPerClient { get; init; }

    /// <summary>sync-fanout: receivers long-polling /sync in the room.</summary>
    public int Users { get; init; }

    /// <summary>sync-fanout: messages sent (one at a time, each delivered to every receiver).</summary>
    public int FanoutMessages { get; init; }

    /// <summary>initial-sync: rooms the user is in.</summary>
    public int Rooms { get; init; }

    /// <summary>initial-sync: messages in each room.</summary>
    public int RoomMessages { get; init; }

    /// <summary>initial-sync and messages: measured repetitions.</summary>
    public int Repeats { get; init; }

    /// <summary>messages: events to paginate back through.</summary>
    public int PaginateEvents { get; init; }

    /// <summary>messages: the page size asked for (servers may give fewer).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>join-storm: users joining at once.</summary>
    public int Joiners { get; init; }

    /// <summary>idle-conns: long-polling /sync connections held open.</summary>
    public int Connections { get; init; }

    /// <summary>idle-conns: probes (GET /versions and a send each) before and while the connections are open.</summary>
    public int Probes { get; init; }

    /// <summary>password-guess: wrong passwords sent.</summary>
    public int Guesses { get; init; } = 200;

    /// <summary>password-guess: wrong passwords in flight at once.</summary>
    public int GuessConcurrency { get; init; } = 16;

    /// <summary>fed-latency: messages sent in each of its two phases (paced, burst).</summary>
    public int FederationMessages { get; init; }

    /// <summary>live-guests: guests long-polling the event channel's /sync.</summary>
    public int Guests { get; init; }

    /// <summary>live-guests: users posting into the event channel.</summary>
    public int Posters { get; init; }

    /// <summary>live-guests: messages per second, all posters together.</summary>
    public double PostRate { get; init; } = 5;

    /// <summary>live-guests: how long the posters post.</summary>
    public TimeSpan LiveDuration { get; init; }

    public static BenchSizes Tiny { get; } = new()
    {
        Messages = 20, Clients = 3, MessagesPerClient = 5, Users = 4, FanoutMessages = 3, Rooms = 3,
        RoomMessages = 3, Repeats = 2, PaginateEvents = 30, PageSize = 10, Joiners = 4, Connections = 8, Probes = 3,
        Guesses = 10, GuessConcurrency = 4, FederationMessages = 5, Guests = 5, Posters = 2,
        LiveDuration = TimeSpan.FromSeconds(2),
    };

    public static BenchSizes Small { get; } = new()
    {
        Messages = 500, Clients = 8, MessagesPerClient = 50, Users = 100, FanoutMessages = 10, Rooms = 20,
        RoomMessages = 10, Repeats = 5, PaginateEvents = 1000, Joiners = 50, Connections = 500, Probes = 20,
        FederationMessages = 200, Guests = 200, Posters = 20, LiveDuration = TimeSpan.FromSeconds(20),
    };

    public static BenchSizes Full { get; } = new()
    {
        Messages = 2000, Clients = 16, MessagesPerClient = 100, Users = 1000, FanoutMessages = 20, Rooms = 100,
        RoomMessages = 20, Repeats = 10, PaginateEvents = 1000, Joiners = 1000, Connections = 10000, Probes = 50,
        FederationMessages = 1000, Guests = 2000, Posters = 20, LiveDuration = TimeSpan.FromSeconds(60),
    };

    public static BenchSizes? Named(string name) => name switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "full" => Full,
        _ => null,
    };
}
