// The flows, in the order they run.
import * as accounts from "./accounts.mjs";
import * as rooms from "./rooms.mjs";
import * as membership from "./membership.mjs";
import * as sync from "./sync.mjs";
import * as keys from "./keys.mjs";
import * as push from "./push.mjs";
import * as media from "./media.mjs";
import * as jssdk from "./jssdk.mjs";

export const allFlows = [accounts, rooms, membership, sync, keys, push, media, jssdk];
