using System.CommandLine;

namespace Homeserver.Bench.Cli;

/// <summary>Per-scenario size options; each one given on the command line replaces the preset's value.</summary>
public sealed class SizeOptions
{
    private readonly Option<int?> _messages = Positive("--messages", "send-seq: messages sent one after another");
    private readonly Option<int?> _clients = Positive("--clients", "send-conc: concurrent clients");
    private readonly Option<int?> _perClient = Positive("--messages-per-client", "send-conc: messages per client per part");
    private readonly Option<int?> _users = Positive("--users", "sync-fanout: receivers long-polling /sync");
    private readonly Option<int?> _fanoutMessages = Positive("--fanout-messages", "sync-fanout: messages sent");
    private readonly Option<int?> _rooms = Positive("--rooms", "initial-sync: rooms the user is in");
    private readonly Option<int?> _roomMessages = Positive("--room-messages", "initial-sync: messages per room");
    private readonly Option<int?> _repeats = Positive("--repeats", "initial-sync, messages: measured repetitions");
    private readonly Option<int?> _events = Positive("--events", "messages: events to paginate back through");
    private readonly Option<int?> _pageSize = Positive("--page-size", "messages: /messages limit per page");
    private readonly Option<int?> _joiners = Positive("--joiners", "join-storm: users joining at once");
    private readonly Option<int?> _connections = Positive("--connections", "idle-conns: long-polling connections held open");
    private readonly Option<int?> _probes = Positive("--probes", "idle-conns: probes before and during; password-guess: 5x this many probes before");
    private readonly Option<int?> _guesses = Positive("--guesses", "password-guess: wrong passwords sent");
    private readonly Option<int?> _guessConcurrency = Positive("--guess-concurrency", "password-guess: wrong passwords in flight at once");
    private readonly Option<int?> _federationMessages = Positive("--fed-messages", "fed-latency: messages per phase (paced, burst)");

    public void AddTo(Command command)
    {
        foreach (var option in new[]
                 {
                     _messages, _clients, _perClient, _users, _fanoutMessages, _rooms, _roomMessages, _repeats, _events,
                     _pageSize, _joiners, _connections, _probes, _guesses, _guessConcurrency, _federationMessages,
                 })
        {
            command.Options.Add(option);
        }
    }

    public BenchSizes Apply(ParseResult result, BenchSizes preset) => preset with
    {
        Messages = result.GetValue(_messages) ?? preset.Messages,
        Clients = result.GetValue(_clients) ?? preset.Clients,
        MessagesPerClient = result.GetValue(_perClient) ?? preset.MessagesPerClient,
        Users = result.GetValue(_users) ?? preset.Users,
        FanoutMessages = result.GetValue(_fanoutMessages) ?? preset.FanoutMessages,
        Rooms = result.GetValue(_rooms) ?? preset.Rooms,
        RoomMessages = result.GetValue(_roomMessages) ?? preset.RoomMessages,
        Repeats = result.GetValue(_repeats) ?? preset.Repeats,
        PaginateEvents = result.GetValue(_events) ?? preset.PaginateEvents,
        PageSize = result.GetValue(_pageSize) ?? preset.PageSize,
        Joiners = result.GetValue(_joiners) ?? preset.Joiners,
        Connections = result.GetValue(_connections) ?? preset.Connections,
        Probes = result.GetValue(_probes) ?? preset.Probes,
        Guesses = result.GetValue(_guesses) ?? preset.Guesses,
        GuessConcurrency = result.GetValue(_guessConcurrency) ?? preset.GuessConcurrency,
        FederationMessages = result.GetValue(_federationMessages) ?? preset.FederationMessages,
    };

    private static Option<int?> Positive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
            {
                result.AddError($"{name} must be at least 1");
            }
        });
        return option;
    }
}
