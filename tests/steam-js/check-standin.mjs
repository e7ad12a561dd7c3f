// steamapi 3 against a Steam Web API base URL: prints one line per answer, for SteamApiJsTests.
// Usage: node check-standin.mjs BASE_URL KEY STEAMID FRIEND_OF_STEAMID
import SteamAPI from "steamapi";

const [base, key, steamId, friendsOf] = process.argv.slice(2);
const steam = new SteamAPI(key, { baseAPI: base, inMemoryCacheEnabled: false });
try {
  const summary = await steam.getUserSummary(steamId);
  console.log(`summary ${summary.steamID} name=${summary.nickname} state=${summary.personaState} game=${summary.gameName ?? ""} avatar=${summary.avatar.hash}`);
  const many = await steam.getUserSummary([steamId, friendsOf]);
  console.log(`summaries ${many.map((s) => s.steamID).sort().join(",")}`);
  const friends = await steam.getUserFriends(friendsOf);
  console.log(`friends ${friends.map((f) => `${f.steamID}:${f.relationship}`).sort().join(",")}`);
  const resolved = await steam.resolve(`https://steamcommunity.com/profiles/${steamId}`);
  console.log(`resolved ${resolved}`);
} catch (error) {
  console.log(`error ${error.message}`);
}
