using System.CommandLine;
using System.Globalization;

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
    private readonly Option<int?> _guests = Positive("--guests", "live-guests: guests long-polling the event channel");
    private readonly Option<int?> _posters = Positive("--posters", "live-guests: users posting");
    private readonly Option<double?> _rate = PositiveRate("--rate", "live-guests: messages per second, all posters together (default 5)");
    private readonly Option<TimeSpan?> _duration = Duration("--duration", "live-guests: how long the posters post (60s, 2m, 500ms)");

    public void AddTo(Command command)
    {
        foreach (var option in new[]
                 {
                     _messages, _clients, _perClient, _users, _fanoutMessages, _rooms, _roomMessages, _repeats, _events,
                     _pageSize, _joiners, _connections, _probes, _guesses, _guessConcurrency, _federationMessages,
                     _guests, _posters,
                 })
        {
            command.Options.Add(option);
        }

        command.Options.Add(_rate);
        command.Options.Add(_duration);
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
        Guests = result.GetValue(_guests) ?? preset.Guests,
        Posters = result.GetValue(_posters) ?? preset.Posters,
        PostRate = result.GetValue(_rate) ?? preset.PostRate,
        LiveDuration = result.GetValue(_duration) ?? preset.LiveDuration,
    };

    /// <summary>A duration such as <c>60s</c>, <c>2m</c>, <c>500ms</c> or plain seconds (<c>60</c>).</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 &&
               value * unit < TimeSpan.FromDays(1).TotalSeconds
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }

    private static Option<double?> PositiveRate(string name, string description)
    {
        var option = new Option<double?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && (value <= 0 || double.IsNaN(value) || value > 100_000))
            {
                result.AddError($"{name} must be above 0 and at most 100000");
            }
        });
        return option;
    }

    private static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (ParseDuration(text) is { } duration)
            {
                return duration;
            }

            result.AddError($"{name} must be a positive duration such as 60s, 2m or 500ms");
            return null;
        },
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
