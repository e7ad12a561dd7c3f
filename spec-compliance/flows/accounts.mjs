// Accounts, from the spec's Client Authentication, Capabilities, Device Management, Client Config and Profiles
// sections: discovery, registration (UIA), login, whoami, devices, account data, profile, password, logout.
import { cs, e } from "../lib/client.mjs";
import { password } from "../lib/context.mjs";

export const name = "accounts";

export async function run(ctx) {
    const { anonymous } = ctx;
    const versions = await anonymous.get("/_matrix/client/versions");
    ctx.expect(Array.isArray(versions.body?.versions), "/versions lists versions");
    await anonymous.get("/.well-known/matrix/client", { expect: [200, 404] });

    const taken = await ctx.register("acct");
    const localpart = taken.userId.slice(1, taken.userId.indexOf(":"));
    await anonymous.get(cs("/register/available"), { query: { username: ctx.uniqueName("free") } });
    const unavailable = await anonymous.get(cs("/register/available"), { query: { username: localpart }, expect: 400 });
    ctx.expect(unavailable.body?.errcode === "M_USER_IN_USE", "a taken username is M_USER_IN_USE");

    const flows = await anonymous.get(cs("/login"));
    ctx.expect(flows.body?.flows?.some((f) => f.type === "m.login.password"), "login offers m.login.password");
    const login = await anonymous.post(cs("/login"), {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: localpart },
        password,
        initial_device_display_name: "second device",
    });
    const wrong = await anonymous.post(cs("/login"), {
        type: "m.login.password", identifier: { type: "m.id.user", user: localpart }, password: "wrong",
    }, { expect: 403 });
    ctx.expect(wrong.body?.errcode === "M_FORBIDDEN", "a wrong password is M_FORBIDDEN");
    const second = anonymous.as({ accessToken: login.body.access_token, userId: login.body.user_id, deviceId: login.body.device_id });

    const whoami = await taken.get(cs("/account/whoami"));
    ctx.expect(whoami.body?.user_id === taken.userId && whoami.body?.device_id === taken.deviceId, "whoami names the user and device");
    await taken.get(cs("/capabilities"));

    // Devices: list, one, rename, delete (UIA with the password).
    const devices = await taken.get(cs("/devices"));
    ctx.expect(devices.body?.devices?.length === 2, "two devices after a second login");
    await taken.get(cs(`/devices/${e(second.deviceId)}`));
    await taken.put(cs(`/devices/${e(second.deviceId)}`), { display_name: "renamed" });
    await taken.get(cs("/devices/NOSUCHDEVICE"), { expect: 404 });
    const challenge = await taken.delete(cs(`/devices/${e(second.deviceId)}`), { body: {}, expect: 401 });
    await taken.delete(cs(`/devices/${e(second.deviceId)}`), {
        body: { auth: { type: "m.login.password", identifier: { type: "m.id.user", user: taken.userId }, password, session: challenge.body?.session } },
    });
    const gone = await second.get(cs("/account/whoami"), { expect: 401 });
    ctx.expect(gone.body?.errcode === "M_UNKNOWN_TOKEN", "a deleted device's token is M_UNKNOWN_TOKEN");
    const third = await anonymous.post(cs("/login"), { type: "m.login.password", identifier: { type: "m.id.user", user: localpart }, password });
    const challenge2 = await taken.post(cs("/delete_devices"), { devices: [third.body.device_id] }, { expect: 401 });
    await taken.post(cs("/delete_devices"), {
        devices: [third.body.device_id],
        auth: { type: "m.login.password", identifier: { type: "m.id.user", user: taken.userId }, password, session: challenge2.body?.session },
    });

    // Account data: global and per room.
    const me = e(taken.userId);
    await taken.put(cs(`/user/${me}/account_data/org.example.settings`), { theme: "dark" });
    const data = await taken.get(cs(`/user/${me}/account_data/org.example.settings`));
    ctx.expect(data.body?.theme === "dark", "account data reads back");
    await taken.get(cs(`/user/${me}/account_data/org.example.missing`), { expect: 404 });
    await taken.put(cs(`/user/${me}/account_data/m.direct`), { "@someone:example.org": ["!room:example.org"] });
    const room = await taken.post(cs("/createRoom"), { preset: "private_chat" });
    const roomId = e(room.body.room_id);
    await taken.put(cs(`/user/${me}/rooms/${roomId}/account_data/org.example.room`), { pinned: true });
    await taken.get(cs(`/user/${me}/rooms/${roomId}/account_data/org.example.room`));

    // Profile.
    await taken.put(cs(`/profile/${me}/displayname`), { displayname: "Spec Checker" });
    await taken.put(cs(`/profile/${me}/avatar_url`), { avatar_url: `mxc://${ctx.serverName}/abcdefAvatar` });
    const profile = await anonymous.get(cs(`/profile/${me}`));
    ctx.expect(profile.body?.displayname === "Spec Checker", "the profile shows the new display name");
    await anonymous.get(cs(`/profile/${me}/displayname`));
    await anonymous.get(cs(`/profile/${me}/avatar_url`));
    await anonymous.get(cs(`/profile/${e(`@nobody_${Date.now()}:${ctx.serverName}`)}`), { expect: [404, 403] });

    // Password change (UIA), then log out everywhere.
    const change = await taken.post(cs("/account/password"), { new_password: `${password}!` }, { expect: 401 });
    await taken.post(cs("/account/password"), {
        new_password: `${password}!`,
        logout_devices: false,
        auth: { type: "m.login.password", identifier: { type: "m.id.user", user: taken.userId }, password, session: change.body?.session },
    });
    await taken.post(cs("/logout"), {});
    await taken.get(cs("/account/whoami"), { expect: 401 });
    const again = await anonymous.post(cs("/login"), { type: "m.login.password", identifier: { type: "m.id.user", user: localpart }, password: `${password}!` });
    await anonymous.as({ accessToken: again.body.access_token }).post(cs("/logout/all"), {});
}
