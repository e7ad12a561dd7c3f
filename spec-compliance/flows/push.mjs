// Push rules, read-only (the server does not change rules yet), from the spec's Push Rules API section.
import { cs } from "../lib/client.mjs";

export const name = "push";

export async function run(ctx) {
    const alice = await ctx.register("push");
    const all = await alice.get(cs("/pushrules/"));
    ctx.expect(all.body?.global?.override?.some((r) => r.rule_id === ".m.rule.master"), "the default ruleset has .m.rule.master");
    await alice.get(cs("/pushrules/global/"));
    await alice.get(cs("/pushrules/global/override/.m.rule.master"));
    await alice.get(cs("/pushrules/global/override/no.such.rule"), { expect: 404 });
}
