-- Each state group lists its chain's groups (parent first, root last), so reading a group's state is one indexed
-- read of those groups' entries instead of a recursive walk of parent links: the walk's plan scanned state_groups
-- once per link, and history visibility resolves groups for every event a /sync or /messages shows.
ALTER TABLE state_groups ADD COLUMN ancestors bigint[] NOT NULL DEFAULT '{}';

WITH RECURSIVE walk(id, ancestor, distance) AS (
    SELECT id, parent_id, 1 FROM state_groups WHERE parent_id IS NOT NULL
    UNION ALL
    SELECT w.id, g.parent_id, w.distance + 1
    FROM walk w JOIN state_groups g ON g.id = w.ancestor
    WHERE g.parent_id IS NOT NULL
)
UPDATE state_groups s SET ancestors = a.list
FROM (SELECT id, array_agg(ancestor ORDER BY distance) AS list FROM walk GROUP BY id) a
WHERE s.id = a.id;
