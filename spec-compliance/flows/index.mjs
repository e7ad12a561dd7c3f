// The flows, in the order they run.
import * as accounts from "./accounts.mjs";

export const allFlows = [accounts];
