using System.Collections.Concurrent;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// The chain lengths of state groups one writer (one database) knows, so that a new group's length needs no read of
/// its parent. Groups never change, so neither do their lengths; a group created in a transaction is remembered only
/// once that transaction has committed (<see cref="Scope.Commit"/>): a rolled-back group was never stored.
/// </summary>
internal sealed class StateGroupChains
{
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<long, int> _lengths = new();

    /// <summary>How many lengths are remembered.</summary>
    public int Count => _lengths.Count;

    public bool TryGet(long group, out int length) => _lengths.TryGetValue(group, out length);

    /// <summary>The lengths seen by one transaction: its own new groups, and what it read of stored ones.</summary>
    public Scope Begin() => new(this);

    private void Remember(long group, int length)
    {
        if (_lengths.Count >= MaxRemembered)
        {
            _lengths.Clear();
        }

        _lengths[group] = length;
    }

    public sealed class Scope(StateGroupChains chains)
    {
        private readonly Dictionary<long, int> _created = [];

        public bool TryGet(long group, out int length) =>
            _created.TryGetValue(group, out length) || chains.TryGet(group, out length);

        /// <summary>A group this transaction created (visible to it alone until it commits).</summary>
        public void Created(long group, int length) => _created[group] = length;

        /// <summary>A committed group's length read from the database.</summary>
        public void Read(long group, int length) => chains.Remember(group, length);

        /// <summary>The transaction committed: its groups exist for everyone.</summary>
        public void Commit()
        {
            foreach (var (group, length) in _created)
            {
                chains.Remember(group, length);
            }

            _created.Clear();
        }
    }
}
