// A discord.js 14 bot against the Discord stand-in: logs in (REST /gateway/bot, then the gateway), prints what it
// receives and answers "!ping TEXT" with a reply "pong: TEXT". Usage: node reply-bot.mjs API_BASE TOKEN
// (API_BASE without the version, e.g. http://127.0.0.1:PORT/api). zlib-sync is not installed: frames are plain JSON.
import { Client, Events, GatewayIntentBits } from "discord.js";

const [api, token] = process.argv.slice(2);
const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
  rest: { api },
});

client.on(Events.Debug, (line) => console.error(`debug ${line}`));
client.on(Events.Error, (error) => console.error(`error ${error.stack ?? error}`));
client.once(Events.ClientReady, (ready) => {
  const channels = ready.guilds.cache.map((guild) => guild.channels.cache.size).reduce((a, b) => a + b, 0);
  console.log(`ready ${ready.user.id} guilds=${ready.guilds.cache.size} channels=${channels}`);
});
client.on(Events.MessageCreate, async (message) => {
  if (message.author.bot) {
    return;
  }
  console.log(`received ${message.id} from ${message.author.username} in #${message.channel.name}: ${message.content}`);
  if (message.content.startsWith("!ping")) {
    try {
      const reply = await message.reply({ content: `pong: ${message.content.slice(5).trim()}`, allowedMentions: { repliedUser: false } });
      console.log(`replied ${reply.id} to ${reply.reference?.messageId}`);
    } catch (error) {
      console.log(`reply failed ${error.stack ?? error}`);
    }
  }
});

await client.login(token);
