namespace Homeserver.Services.Federation.Discovery;

/// <summary>
/// The order in which SRV targets are tried (RFC 2782): lowest priority first; within a priority, a weighted random
/// order (a record's chance of coming next is its share of the remaining weight; zero-weight records come after the
/// weighted ones of their priority, shuffled).
/// </summary>
public static class SrvOrdering
{
    public static IReadOnlyList<SrvRecord> Order(IEnumerable<SrvRecord> records, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var ordered = new List<SrvRecord>();
        foreach (var group in records.GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            var remaining = group.Where(r => r.Weight > 0).ToList();
            var totalWeight = remaining.Sum(r => (long)r.Weight);
            while (remaining.Count > 0)
            {
                var pick = random.NextInt64(1, totalWeight + 1);
                var index = 0;
                for (; index < remaining.Count - 1; index++)
                {
                    pick -= remaining[index].Weight;
                    if (pick <= 0)
                    {
                        break;
                    }
                }

                ordered.Add(remaining[index]);
                totalWeight -= remaining[index].Weight;
                remaining.RemoveAt(index);
            }

            var unweighted = group.Where(r => r.Weight <= 0).ToArray();
            random.Shuffle(unweighted);
            ordered.AddRange(unweighted);
        }

        return ordered;
    }
}
